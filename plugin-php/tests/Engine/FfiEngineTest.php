<?php
/**
 * The FFI engine against the native core and Node: the shared corpus byte for byte, and every
 * engine-level failure (fuel, memory, oversized input, module mismatch) as a clean EngineException.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Engine;

use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineException;
use Sanalpos\Engine\EngineFactory;
use Sanalpos\Engine\EngineFiles;
use Sanalpos\Engine\FfiCandidate;
use Sanalpos\Engine\FfiEngine;

final class FfiEngineTest extends TestCase {
	private static FfiEngine $engine;

	public static function setUpBeforeClass(): void {
		$engine = EngineFactory::bundled()->create();
		self::assertInstanceOf( FfiEngine::class, $engine, 'the command line can always use FFI' );
		self::$engine = $engine;
	}

	/**
	 * Another host's answers, one per request, in order: the native tool (the reference), or Node
	 * running the same .wasm.
	 *
	 * @param list<string> $requests
	 * @return list<string>
	 */
	private static function answers( array $requests, string $host = 'native' ): array {
		$command = 'native' === $host
			? array( SANALPOS_CLI )
			: array( 'node', SANALPOS_REPO . '/tests/conformance/raw-wasm.mjs', 'answer', EngineFiles::bundled()->dir() . '/' . EngineFiles::MODULE );
		$process = proc_open( $command, array( array( 'pipe', 'r' ), array( 'pipe', 'w' ) ), $pipes );
		self::assertIsResource( $process, 'run `make test-php` to build ' . SANALPOS_CLI );
		fwrite( $pipes[0], implode( "\n", $requests ) . "\n" );
		fclose( $pipes[0] );
		$answers = explode( "\n", rtrim( (string) stream_get_contents( $pipes[1] ), "\n" ) );
		fclose( $pipes[1] );
		self::assertSame( 0, proc_close( $process ), implode( ' ', $command ) );
		return $answers;
	}

	/** @return list<string> */
	private static function corpus(): array {
		$lines = file( SANALPOS_REPO . '/tests/conformance/requests.jsonl', FILE_IGNORE_NEW_LINES );
		// The command-line tool skips blank lines; so does the comparison.
		return array_values( array_filter( (array) $lines, static fn ( string $line ): bool => '' !== trim( $line ) ) );
	}

	private static function call( string $request ): string {
		return self::$engine->call( $request );
	}

	/** The version the plugin expects of the runner is the one the build gives it. */
	public function test_the_expected_runner_version_is_the_workspace_version(): void {
		$found = preg_match( '/^\[workspace\.package\]\nversion = "(.*)"$/m', (string) file_get_contents( SANALPOS_REPO . '/Cargo.toml' ), $m );
		$this->assertSame( 1, $found, 'Cargo.toml has a workspace version' );
		$this->assertSame( $m[1], FfiEngine::RUNNER_VERSION );
	}

	/**
	 * A PHP-FPM worker's second request creates its engine from the module the library kept
	 * compiled (the library stays loaded: -z nodelete); it answers exactly like the first.
	 */
	public function test_engines_created_one_after_another_answer_alike(): void {
		$request = self::corpus()[0];
		$first   = EngineFactory::bundled()->create();
		$answer  = $first->call( $request );
		unset( $first );
		$this->assertSame( $answer, EngineFactory::bundled()->create()->call( $request ) );
	}

	public function test_the_whole_corpus_answers_byte_for_byte_like_the_native_core_and_node(): void {
		$requests = self::corpus();
		$this->assertGreaterThan( 10, count( $requests ) );
		$ffi = array_map( array( self::class, 'call' ), $requests );
		$this->assertSame( self::answers( $requests ), $ffi );
		$this->assertSame( self::answers( $requests, 'node' ), $ffi );
	}

	public function test_nul_bytes_and_invalid_utf8_reach_the_core_intact(): void {
		$requests = array( "{\"op\":\"ver\0sion\"}", "{\"op\":\"\xff\xfe\"}", "\0" );
		$this->assertSame( self::answers( $requests ), array_map( array( self::class, 'call' ), $requests ) );
	}

	public function test_requests_just_over_the_core_limit_get_the_core_answer(): void {
		$request = '{"op":"version","pad":"' . str_repeat( 'x', 1 << 20 ) . '"}';
		$answer  = self::call( $request );
		$this->assertStringContainsString( '"code":"request.too_large"', $answer );
		$this->assertSame( self::answers( array( $request ) ), array( $answer ) );
	}

	public function test_oversized_input_is_refused_before_the_module_and_the_next_call_works(): void {
		$this->assertEngineFailure( 'engine.input_too_large', str_repeat( ' ', FfiEngine::MAX_INPUT_BYTES + 1 ) );
		$this->assertStringStartsWith( '{"ok":true', self::call( '{"op":"version"}' ) );
	}

	public function test_a_request_that_exhausts_fuel_fails_and_the_next_call_works(): void {
		// A valid 1 MiB JSON array of zeros costs far more than the fuel of one call.
		$request = '[' . rtrim( str_repeat( '0,', ( 1 << 19 ) - 1 ), ',' ) . ']';
		$this->assertEngineFailure( 'engine.fuel_exhausted', $request );
		$this->assertSame( 0, self::$engine->memoryBytes(), 'the stopped instance is dropped' );
		$requests = self::corpus();
		$this->assertSame( self::answers( array( $requests[4] ) ), array( self::call( $requests[4] ) ) );
		$this->assertGreaterThan( 0, self::$engine->memoryBytes() );
	}

	public function test_the_memory_cap_stops_a_call_and_the_next_call_works(): void {
		$files  = EngineFiles::bundled();
		$engine = new FfiEngine( (string) $files->runnerLibrary(), $files->module(), FfiEngine::FUEL_PER_CALL, 2 << 20 );
		try {
			$engine->call( '{"op":"version","pad":"' . str_repeat( 'x', 1 << 20 ) . '"}' );
			$this->fail( 'a 1 MiB request cannot fit in 2 MiB of memory next to the module' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.memory_exhausted', $e->errorCode() );
		}
		$this->assertStringStartsWith( '{"ok":true', $engine->call( '{"op":"version"}' ) );
		$this->assertLessThanOrEqual( 2 << 20, $engine->memoryBytes() );
	}

	public function test_a_module_that_does_not_match_its_recorded_hash_is_refused(): void {
		$dir = $this->copyOfEngineFiles();
		file_put_contents( $dir . '/' . EngineFiles::MODULE, "\0", FILE_APPEND );
		$candidate = new FfiCandidate( new EngineFiles( $dir ) );
		$this->assertNull( $candidate->unusableReason(), 'the cheap check does not read the module' );
		try {
			$candidate->create();
			$this->fail( 'a tampered module was loaded' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.module_mismatch', $e->errorCode() );
		}
		try {
			( new EngineFactory( array( $candidate ) ) )->create();
			$this->fail( 'the factory built an engine from a tampered module' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.unavailable', $e->errorCode() );
			$this->assertStringContainsString( 'ffi: ', $e->getMessage() );
			$this->assertStringContainsString( '(engine.module_mismatch)', $e->getMessage() );
		}
	}

	public function test_a_module_the_runner_cannot_load_is_refused(): void {
		$files = EngineFiles::bundled();
		try {
			new FfiEngine( (string) $files->runnerLibrary(), "\0asm not really" );
			$this->fail( 'an invalid module was loaded' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.module_invalid', $e->errorCode() );
		}
	}

	public function test_missing_files_are_reported_not_fatal(): void {
		$empty     = $this->copyOfEngineFiles( false );
		$candidate = new FfiCandidate( new EngineFiles( $empty ) );
		$this->assertSame( sprintf( 'the plugin has no runner library for %s in %s', EngineFiles::platform(), $empty ), $candidate->unusableReason() );
		try {
			( new EngineFiles( $empty ) )->module();
			$this->fail( 'a missing module was read' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.unavailable', $e->errorCode() );
		}
	}

	public function test_core_maps_answers_and_error_envelopes(): void {
		$core   = new Core( self::$engine );
		$result = $core->run( 'card.inspect', array( 'card' => array( 'number' => '4546 7112 3456 7894' ) ) );
		$this->assertSame( '454671******7894', $result['number']['masked'] ?? null );
		try {
			$core->run( 'card.inspect', array( 'lang' => 'tr' ) );
			$this->fail( 'a request without a card was accepted' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'request.missing_field', $e->errorCode() );
			$this->assertSame( 'card', $e->field() );
			$this->assertSame( 'Zorunlu bir alan eksik', $e->getMessage() );
		}
	}

	public function test_one_engine_per_process(): void {
		$this->assertSame( EngineFactory::shared(), EngineFactory::shared() );
		$this->assertSame( 'ffi', EngineFactory::shared()->name() );
	}

	private function assertEngineFailure( string $code, string $request ): void {
		try {
			self::call( $request );
			$this->fail( "expected $code" );
		} catch ( EngineException $e ) {
			$this->assertSame( $code, $e->errorCode() );
			$this->assertNotSame( '', $e->getMessage() );
		}
	}

	/** A temporary engine directory: a copy of the bundled files, or empty. */
	private function copyOfEngineFiles( bool $with_files = true ): string {
		$dir = sys_get_temp_dir() . '/sanalpos-engine-' . bin2hex( random_bytes( 6 ) );
		mkdir( $dir );
		$source = EngineFiles::bundled()->dir();
		foreach ( $with_files ? (array) scandir( $source ) : array() as $file ) {
			if ( is_file( "$source/$file" ) ) {
				copy( "$source/$file", "$dir/$file" );
			}
		}
		register_shutdown_function( static fn () => array_map( 'unlink', (array) glob( "$dir/*" ) ) && rmdir( $dir ) );
		return $dir;
	}
}
