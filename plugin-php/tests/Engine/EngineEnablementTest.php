<?php
/**
 * How the factory decides, in real PHP processes: the command line, and php-cgi standing in for
 * PHP-FPM (both are non-CLI SAPIs, so PHP applies the same FFI rules to them). The two ways an
 * owner can enable FFI on such a server (docs/ffi.md) must make the factory pick FFI; PHP's
 * default must make it say clearly why not.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Engine;

use PHPUnit\Framework\TestCase;
use Sanalpos\Tests\Support\Paths;

final class EngineEnablementTest extends TestCase {
	private const REPORT = __DIR__ . '/../fixtures/engine-report.php';

	/**
	 * Runs the report fixture and decodes what it printed.
	 *
	 * @param list<string> $ini      `-d` settings.
	 * @param string      $request  the request the engine answers (default `version`).
	 * @param int         $requests php-cgi only: how many requests one process serves (the report is the last one's).
	 * @return array<string, mixed>
	 */
	private static function report( string $binary, array $ini, string $request = '', int $requests = 1 ): array {
		$command = array( $binary );
		foreach ( $ini as $setting ) {
			array_push( $command, '-d', $setting );
		}
		// php-cgi prints HTTP headers unless -q; -T repeats the request in the same process.
		array_push( $command, ...( 'php-cgi' === $binary ? array( '-q', '-T', (string) $requests, self::REPORT ) : array( self::REPORT ) ) );
		$env     = array_merge( getenv(), array( 'SANALPOS_REQUEST' => $request ) );
		$process = proc_open( $command, array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes, null, $env );
		self::assertIsResource( $process, "$binary is installed by scripts/bootstrap.sh" );
		$out = (string) stream_get_contents( $pipes[1] );
		$err = (string) stream_get_contents( $pipes[2] );
		proc_close( $process );
		$lines  = preg_grep( '/^\{/', explode( "\n", $out ) );
		$report = json_decode( (string) end( $lines ), true );
		self::assertIsArray( $report, "$binary printed: $out $err" );
		return $report;
	}

	/** @return array<string, string> the benchmark's request of each op, by op */
	private static function typicalRequests(): array {
		$requests = array();
		foreach ( file( Paths::repo() . '/tests/bench/requests.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
			$requests[ json_decode( $line, true )['op'] ] = $line;
		}
		return $requests;
	}

	/** @param array<string, mixed> $report */
	private function assertRunsFfi( array $report ): void {
		$this->assertSame( array( 'ffi' => null, 'php' => null ), $report['reasons'] );
		$this->assertSame( 'ffi', $report['engine'] ?? $report['error'] );
		$this->assertStringStartsWith( '{"ok":true,"result":{"api":', $report['answer'] );
	}

	public function test_command_line_uses_ffi_under_the_default_setting(): void {
		$report = self::report( PHP_BINARY, array( 'ffi.enable=preload' ) );
		$this->assertSame( 'cli', $report['sapi'] );
		$this->assertRunsFfi( $report );
	}

	public function test_ffi_disabled_is_a_clear_reason_and_the_php_engine_takes_over(): void {
		$report = self::report( PHP_BINARY, array( 'ffi.enable=0' ) );
		$this->assertStringStartsWith( 'FFI is disabled here (ffi.enable=0)', $report['reasons']['ffi'] );
		$this->assertSame( 'php', $report['engine'] ?? $report['error'] );
		$this->assertStringStartsWith( '{"ok":true,"result":{"api":', $report['answer'] );
	}

	public function test_server_default_refuses_ffi_and_says_how_to_enable_it(): void {
		// The PHP engine then takes over (next tests).
		$report = self::report( 'php-cgi', array( 'ffi.enable=preload' ) );
		$this->assertSame( 'cgi-fcgi', $report['sapi'] );
		$reason = $report['reasons']['ffi'];
		$this->assertStringContainsString( 'ffi.enable=preload allows FFI only in the command line and in preloaded code', $reason );
		$this->assertStringContainsString( '"cgi-fcgi"', $reason );
		$this->assertStringContainsString( 'docs/ffi.md', $reason );
	}

	/**
	 * Shared hosting: no FFI, the usual 128 MB memory limit, opcache on: the module's first
	 * compile happens inside a request (opcache.file_update_protection=0 lets opcache cache the
	 * freshly built files, as it does the files of an installed plugin).
	 */
	public function test_server_default_falls_back_to_the_php_engine_within_128_mb(): void {
		$this->assertPhpEngineAnswersWithin128Mb( array( 'opcache.enable=1', 'opcache.file_update_protection=0' ) );
	}

	/** The same with opcache off: every request compiles the parts it runs. */
	public function test_server_without_opcache_falls_back_to_the_php_engine_within_128_mb(): void {
		$this->assertPhpEngineAnswersWithin128Mb( array( 'opcache.enable=0' ) );
	}

	/** @param list<string> $ini */
	private function assertPhpEngineAnswersWithin128Mb( array $ini ): void {
		foreach ( self::typicalRequests() as $op => $request ) {
			$report = self::report( 'php-cgi', array_merge( array( 'ffi.enable=preload', 'memory_limit=128M' ), $ini ), $request );
			$this->assertSame( 'php', $report['engine'] ?? $report['error'], $op );
			$this->assertStringStartsWith( '{"ok":true,"result":{', $report['answer'], $op );
		}
	}

	/**
	 * Peak memory the PHP engine adds to a request (loading the engine, instantiating the module,
	 * answering), printed for each op: with opcache off, and with opcache on in a worker that has
	 * served a request before (the module compiled in shared memory, as in production), where
	 * issue #8 sets the bound: 16 MB.
	 */
	public function test_peak_memory_the_php_engine_adds_to_a_request(): void {
		$lines = array();
		foreach ( self::typicalRequests() as $op => $request ) {
			$off  = self::report( 'php-cgi', array( 'ffi.enable=0', 'opcache.enable=0' ), $request );
			$warm = self::report( 'php-cgi', array( 'ffi.enable=0', 'opcache.enable=1', 'opcache.file_update_protection=0' ), $request, 2 );
			$this->assertSame( 'php', $warm['engine'] ?? $warm['error'], $op );
			$this->assertLessThanOrEqual( 16 << 20, $warm['peak_bytes'], $op );
			$lines[] = sprintf( '%-20s %6.1f MB with opcache off, %5.1f MB with opcache on (warm)', $op, $off['peak_bytes'] / 1048576, $warm['peak_bytes'] / 1048576 );
		}
		fwrite( STDERR, "\nPHP engine, peak memory added to a request:\n  " . implode( "\n  ", $lines ) . "\n" );
	}

	public function test_server_with_ffi_enable_true_uses_ffi(): void {
		$this->assertRunsFfi( self::report( 'php-cgi', array( 'ffi.enable=true' ) ) );
	}

	public function test_server_with_the_plugin_preload_snippet_uses_ffi(): void {
		$ini = array( 'ffi.enable=preload', 'opcache.enable=1', 'opcache.preload=' . dirname( __DIR__, 2 ) . '/preload.php' );
		// PHP refuses to preload as root unless told which user to preload as.
		if ( 0 === posix_geteuid() ) {
			$ini[] = 'opcache.preload_user=root';
		}
		$this->assertRunsFfi( self::report( 'php-cgi', $ini ) );
	}
}
