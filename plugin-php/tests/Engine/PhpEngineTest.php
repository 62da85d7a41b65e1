<?php
/**
 * The PHP engine (the .wasm translated into PHP) against the native core: the conformance
 * corpus byte for byte, engine failures, and the usability check.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Engine;

use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineException;
use Sanalpos\Engine\Generated\SanalposModule;
use Sanalpos\Engine\PhpEngine;
use Sanalpos\Tests\Support\NativeCore;
use Sanalpos\Tests\Support\Paths;

final class PhpEngineTest extends TestCase {
	public function test_conformance_corpus_is_byte_identical_to_the_native_core(): void {
		$requests = file( Paths::conformanceCorpus(), FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES );
		$this->assertNotEmpty( $requests );
		$expected = NativeCore::answers( $requests );
		$engine   = new PhpEngine( Paths::engineDir() );
		foreach ( $requests as $i => $request ) {
			$this->assertSame( $expected[ $i ], $engine->call( $request ), 'corpus line ' . ( $i + 1 ) . ": $request" );
		}
	}

	public function test_core_facade_runs_on_the_php_engine(): void {
		$core = new Core( new PhpEngine( Paths::engineDir() ) );
		$this->assertSame( 'php', $core->engine()->name() );
		$result = $core->run( 'card.inspect', array( 'card' => array( 'number' => '4355 0843 5508 4359' ) ) );
		$this->assertFalse( $result['valid'] );
		try {
			$core->run( 'card.inspect', array( 'card' => array( 'number' => '4355 0843 5508 4359' ), 'strict' => true ) );
			$this->fail( 'strict inspection of a bad card must throw' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'card.luhn', $e->errorCode() );
			$this->assertSame( 'card.number', $e->field() );
		}
	}

	public function test_a_request_too_large_for_the_engine_is_refused(): void {
		$engine = new PhpEngine( Paths::engineDir() );
		try {
			$engine->call( str_repeat( ' ', PhpEngine::MAX_INPUT_BYTES + 1 ) );
			$this->fail( 'an oversized request must be refused' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.input_too_large', $e->errorCode() );
		}
	}

	public function test_the_core_answers_its_own_size_limit_like_every_engine(): void {
		$request = '{"op":"version","pad":"' . str_repeat( 'x', 1 << 20 ) . '"}';
		$expected = NativeCore::answers( array( $request ) )[0];
		$this->assertSame( $expected, ( new PhpEngine( Paths::engineDir() ) )->call( $request ) );
	}

	public function test_memory_exhaustion_fails_the_call_and_the_next_call_starts_fresh(): void {
		// Two pages above the module's initial memory: enough for `version`, far below what a
		// 600 KB request needs.
		$engine  = new PhpEngine( Paths::engineDir(), SanalposModule::INITIAL_PAGES + 2 );
		$version = $engine->call( '{"op":"version"}' );
		try {
			$engine->call( '{"op":"version","pad":"' . str_repeat( 'x', 600000 ) . '"}' );
			$this->fail( 'the guest must run out of memory' );
		} catch ( EngineException $e ) {
			$this->assertSame( 'engine.memory_exhausted', $e->errorCode() );
		}
		$this->assertSame( $version, $engine->call( '{"op":"version"}' ) );
	}

	public function test_usable_only_with_a_module_stamped_with_the_shipped_wasm_hash(): void {
		$this->assertNull( PhpEngine::isUsable( Paths::engineDir() ) );

		$dir    = sys_get_temp_dir() . '/sanalpos-php-engine-' . getmypid();
		$module = $dir . '/' . PhpEngine::MODULE_DIR;
		$built  = Paths::engineDir() . '/' . PhpEngine::MODULE_DIR;
		@mkdir( $module, 0777, true );
		try {
			$this->assertStringContainsString( 'missing', (string) PhpEngine::isUsable( $dir ) );

			copy( "$built/" . PhpEngine::MODULE_FILE, "$module/" . PhpEngine::MODULE_FILE );
			$this->assertStringContainsString( 'missing', (string) PhpEngine::isUsable( $dir ), 'the data file is part of the module' );

			file_put_contents( "$module/" . PhpEngine::DATA_FILE, "// wasm-sha256: 0000000000000000000000000000000000000000000000000000000000000000\n" );
			$this->assertStringContainsString( 'no .wasm', (string) PhpEngine::isUsable( $dir ) );

			file_put_contents( $dir . '/' . PhpEngine::WASM_FILE, 'not the module' );
			$this->assertStringContainsString( 'different .wasm', (string) PhpEngine::isUsable( $dir ) );
			try {
				new PhpEngine( $dir );
				$this->fail( 'a mismatched module must not load' );
			} catch ( EngineException $e ) {
				$this->assertSame( 'engine.module_mismatch', $e->errorCode() );
			}

			copy( Paths::engineDir() . '/' . PhpEngine::WASM_SHA256, $dir . '/' . PhpEngine::WASM_SHA256 );
			$this->assertStringContainsString( PhpEngine::DATA_FILE, (string) PhpEngine::isUsable( $dir ), 'a data file from another .wasm' );

			copy( "$built/" . PhpEngine::DATA_FILE, "$module/" . PhpEngine::DATA_FILE );
			$this->assertNull( PhpEngine::isUsable( $dir ) );
		} finally {
			array_map( 'unlink', array_merge( glob( "$module/*" ) ?: array(), glob( "$dir/*.*" ) ?: array() ) );
			rmdir( $module );
			rmdir( $dir );
		}
	}

	public function test_a_part_from_another_wasm_fails_the_call_and_the_engine_stays_off(): void {
		$dir    = sys_get_temp_dir() . '/sanalpos-php-engine-parts-' . getmypid();
		$module = $dir . '/' . PhpEngine::MODULE_DIR;
		$built  = Paths::engineDir() . '/' . PhpEngine::MODULE_DIR;
		@mkdir( $module, 0777, true );
		try {
			copy( Paths::engineDir() . '/' . PhpEngine::WASM_SHA256, $dir . '/' . PhpEngine::WASM_SHA256 );
			$stamp = (string) strtok( (string) file_get_contents( $dir . '/' . PhpEngine::WASM_SHA256 ), ' ' );
			foreach ( glob( "$built/*" ) ?: array() as $file ) {
				$bytes = (string) file_get_contents( $file );
				// The parts (not the module class or the data file) come from another .wasm.
				$part = (bool) preg_match( '/_\d+\.php$/', $file );
				file_put_contents( "$module/" . basename( $file ), $part ? str_replace( $stamp, str_repeat( '0', 64 ), $bytes ) : $bytes );
			}
			$this->assertNull( PhpEngine::isUsable( $dir ), 'parts are checked as they load' );
			// In a process of its own: a part once loaded stays loaded.
			$script = sprintf(
				'require %s; $e = new Sanalpos\Engine\PhpEngine( %s ); foreach ( array( 1, 2 ) as $i ) { try { $e->call( \'{"op":"version"}\' ); } catch ( Sanalpos\Engine\EngineException $x ) { echo $x->errorCode(), "\n"; } } echo Sanalpos\Engine\PhpEngine::isUsable( %2$s ) ?? "usable";',
				var_export( Paths::repo() . '/plugin-php/src/autoload.php', true ),
				var_export( $dir, true )
			);
			$out = (string) shell_exec( escapeshellarg( PHP_BINARY ) . ' -r ' . escapeshellarg( $script ) . ' 2>&1' );
			$this->assertMatchesRegularExpression( '/^engine\.module_mismatch\nengine\.module_mismatch\nthe PHP engine\'s module is incomplete: .*_\d+\.php was translated from a different \.wasm/', $out );
		} finally {
			array_map( 'unlink', array_merge( glob( "$module/*" ) ?: array(), glob( "$dir/*.*" ) ?: array() ) );
			rmdir( $module );
			rmdir( $dir );
		}
	}
}
