<?php
/**
 * `make bench-php`: the PHP engine's cold and warm times and the peak memory it adds to a
 * request, opcache off and on, for the requests of tests/bench/requests.jsonl, beside the FFI
 * engine, Node (same raw .wasm) and the native core; the translated module's size, in all and as
 * loaded by each request. Numbers only (a benchmark, not a test). Run from the repository root.
 *
 * Cold = a new PHP process: load the engine, instantiate the module, answer one request
 * (measured inside the process, so PHP's own start-up is left out). "opcache on" is a worker
 * whose opcache already holds the module (here: opcache's file cache, primed by a first run that
 * is not counted); "first compile" is the very first request after an install, opcache on but
 * empty. Warm = median per call in a process that has answered the request before. Peak = peak
 * PHP memory of the cold request minus what PHP used before loading the engine.
 */

declare(strict_types=1);

const RUNS_COLD  = 7;
const CALLS_WARM = 100;
const TARGET_WARM_MS = 5.0;
const TARGET_COLD_MS = 50.0;
const TARGET_PEAK_MB = 16.0;

$root = dirname( __DIR__, 2 );

if ( 'child' === ( $argv[1] ?? '' ) ) {
	child( $root, $argv[2], (string) file_get_contents( $argv[3] ), (int) $argv[4] );
	exit( 0 );
}

/** One process: a cold request, then warm calls; prints JSON. */
function child( string $root, string $engine_name, string $request, int $calls ): void {
	$base    = memory_get_usage();
	$started = hrtime( true );
	require $root . '/plugin-php/src/autoload.php';
	$dir    = $root . '/plugin-php/engine';
	$engine = 'ffi' === $engine_name ? ( new Sanalpos\Engine\FfiCandidate( new Sanalpos\Engine\EngineFiles( $dir ) ) )->create() : new Sanalpos\Engine\PhpEngine( $dir );
	$engine->call( $request );
	$cold = ( hrtime( true ) - $started ) / 1e6;
	$peak = ( memory_get_peak_usage() - $base ) / 1048576;
	// The parts of the translated module this request loaded, and their size.
	$parts = array_filter( get_declared_classes(), static fn( string $c ): bool => str_starts_with( $c, 'Sanalpos\\Engine\\Generated\\SanalposModule' ) && ! str_ends_with( $c, 'Trap' ) );
	$bytes = array_sum( array_map( static fn( string $c ): int => (int) filesize( (string) ( new ReflectionClass( $c ) )->getFileName() ), $parts ) );
	$times = array();
	for ( $i = 0; $i < $calls; $i++ ) {
		$t = hrtime( true );
		$engine->call( $request );
		$times[] = ( hrtime( true ) - $t ) / 1e6;
	}
	echo json_encode( array( 'cold_ms' => $cold, 'warm_ms' => $times ? median( $times ) : null, 'peak_mb' => $peak, 'files' => count( $parts ), 'bytes' => $bytes ) ), "\n";
}

function median( array $values ): float {
	sort( $values );
	return (float) $values[ intdiv( count( $values ), 2 ) ];
}

/** @return array<string, float> */
function run_json( array $command ): array {
	$out  = shell_exec( implode( ' ', array_map( 'escapeshellarg', $command ) ) . ' 2>&1' );
	$data = json_decode( (string) $out, true );
	if ( ! is_array( $data ) ) {
		fwrite( STDERR, 'bench: ' . implode( ' ', $command ) . " failed:\n$out\n" );
		exit( 1 );
	}
	return $data;
}

/** Native core: one process answering CALLS_WARM requests; warm = (batch - cold) per request. */
function native_warm( string $cli, string $request ): float {
	$time  = static function ( int $lines ) use ( $cli, $request ): float {
		$input = tmpfile(); // through a file: a pipe would fill up while the answers wait unread
		fwrite( $input, str_repeat( $request . "\n", $lines ) );
		rewind( $input );
		$t = hrtime( true );
		$p = proc_open( array( $cli ), array( $input, array( 'pipe', 'w' ), array( 'file', '/dev/null', 'w' ) ), $pipes );
		stream_get_contents( $pipes[1] );
		proc_close( $p );
		return ( hrtime( true ) - $t ) / 1e6;
	};
	$cold  = median( array_map( $time, array_fill( 0, RUNS_COLD, 1 ) ) );
	$batch = $time( 20 * CALLS_WARM );
	return max( 0.0, $batch - $cold ) / ( 20 * CALLS_WARM );
}

$cache = sys_get_temp_dir() . '/sanalpos-bench-opcache-' . getmypid();
@mkdir( $cache );
$opcache_on = array( '-d', 'opcache.enable_cli=1', '-d', 'opcache.jit=disable', '-d', 'opcache.file_update_protection=0' );
$php        = array(
	'off'           => array( PHP_BINARY, '-d', 'opcache.enable_cli=0' ),
	'on'            => array_merge( array( PHP_BINARY ), $opcache_on, array( '-d', "opcache.file_cache=$cache", '-d', 'opcache.validate_timestamps=0' ) ),
	'first compile' => array_merge( array( PHP_BINARY ), $opcache_on ),
);
$wasm     = $root . '/build/wasm/sanalpos.raw.wasm';
$native   = $root . '/target/release/sanalpos';
$requests = array();
foreach ( file( $root . '/tests/bench/requests.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
	$requests[ json_decode( $line, true )['op'] ] = $line;
}

$rows = array();
foreach ( $requests as $op => $request ) {
	$file = tempnam( sys_get_temp_dir(), 'sanalpos-request' );
	file_put_contents( $file, $request );
	$r = array( 'op' => $op );
	foreach ( $php as $mode => $cmd ) {
		$child = array_merge( $cmd, array( __FILE__, 'child', 'php', $file ) );
		if ( 'on' === $mode ) {
			run_json( array_merge( $child, array( '0' ) ) ); // primes opcache's file cache
		}
		$cold = array();
		$peak = 0.0;
		for ( $i = 0; $i < RUNS_COLD; $i++ ) {
			$c      = run_json( array_merge( $child, array( '0' ) ) );
			$cold[] = $c['cold_ms'];
			$peak   = max( $peak, $c['peak_mb'] );
		}
		$r[ $mode ] = array( 'cold' => median( $cold ), 'peak' => $peak, 'files' => $c['files'], 'bytes' => $c['bytes'] );
		if ( 'first compile' !== $mode ) {
			$r[ $mode ]['warm'] = run_json( array_merge( $child, array( (string) CALLS_WARM ) ) )['warm_ms'];
		}
	}
	$r['ffi']    = run_json( array( PHP_BINARY, __FILE__, 'child', 'ffi', $file, (string) CALLS_WARM ) )['warm_ms'];
	$r['node']   = run_json( array( 'node', __DIR__ . '/node-raw.mjs', $wasm, $request, (string) CALLS_WARM ) )['warm_ms'];
	$r['native'] = native_warm( $native, $request );
	$rows[]      = $r;
	unlink( $file );
}
shell_exec( 'rm -rf ' . escapeshellarg( $cache ) );

$module = $root . '/plugin-php/engine/php';
$files  = glob( "$module/*" ) ?: array();
$total  = array_sum( array_map( 'filesize', $files ) );
$gzip   = strlen( (string) gzencode( implode( '', array_map( 'file_get_contents', $files ) ), 9 ) );
$stats  = (string) shell_exec( escapeshellarg( $root . '/target/debug/wasm2php' ) . ' ' . escapeshellarg( $wasm ) . ' --stats' );
preg_match( '/translated in (\d+) ms/', $stats, $translated );

echo "\nPHP engine (PHP " . PHP_VERSION . '), ' . gethostname() . ', load ' . implode( ' ', array_map( fn( $l ) => sprintf( '%.1f', $l ), sys_getloadavg() ?: array() ) ) . "\n";
printf( "translated module: %d files, %s bytes (%s gzipped) from a %s-byte .wasm, translated in %s ms\n\n", count( $files ), number_format( $total ), number_format( $gzip ), number_format( (int) filesize( $wasm ) ), $translated[1] ?? '?' );
printf( "Targets (issue #8): warm payment.prepare and callback.verify ≤ %.0f ms with opcache; cold ≤ %.0f ms with opcache; peak ≤ %.0f MB.\n\n", TARGET_WARM_MS, TARGET_COLD_MS, TARGET_PEAK_MB );
echo "| op | cold ms (opcache off / on / first compile) | warm ms (off / on) | peak MB (off / on / first compile) | loaded (files, KB) | FFI warm ms | Node warm ms | native warm ms | PHP on ÷ FFI / Node / native |\n";
echo "|---|---|---|---|---|---|---|---|---|\n";
foreach ( $rows as $r ) {
	[ $off, $on, $first ] = array( $r['off'], $r['on'], $r['first compile'] );
	printf(
		"| %s | %.1f / %.1f / %.1f | %.2f / %.2f | %.1f / %.1f / %.1f | %d, %d | %.3f | %.3f | %.4f | %.0f× / %.0f× / %.0f× |\n",
		$r['op'], $off['cold'], $on['cold'], $first['cold'], $off['warm'], $on['warm'], $off['peak'], $on['peak'], $first['peak'], $on['files'], $on['bytes'] >> 10,
		$r['ffi'], $r['node'], $r['native'], $on['warm'] / $r['ffi'], $on['warm'] / $r['node'], $on['warm'] / max( $r['native'], 1e-6 )
	);
}
echo "\nInstructions the module uses (wasm2php --stats):\n", $stats;
