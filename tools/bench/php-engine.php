<?php
/**
 * `make bench-php`: the PHP engine's cold and warm times (opcache off and on) and peak memory
 * per request, beside Node (same raw .wasm) and the native core; the translated module's size.
 * Numbers only (a benchmark, not a test). Run from the repository root.
 *
 * Cold = a new PHP process: load the engine and its translated module, instantiate, answer one
 * request (measured inside the process, so PHP's own ~20 ms start-up is left out). With opcache,
 * the module comes compiled from opcache's file cache, as an FPM worker gets it from shared
 * memory: the first, priming run is not counted. Warm = median per call in a process that has
 * already answered one request. Peak memory = peak PHP memory of the request minus what PHP
 * used before loading the engine.
 */

declare(strict_types=1);

const RUNS_COLD  = 7;
const CALLS_WARM = 200;

$root = dirname( __DIR__, 2 );

/** The benchmark ops, with one typical request each (an op the core lacks yet shows n/a). */
$requests = array(
	'version'            => '{"op":"version"}',
	'card.inspect'       => '{"op":"card.inspect","card":{"number":"4546 7112 3456 7894","expiry":"12/30","cvv":"000"},"today":"2026-11-27"}',
	'installments.quote' => '{"op":"installments.quote","amount":"1000.00","currency":"TRY","card":{"number":"454671"},"plans":[{"family":"bonus","rates":{"1":"0","3":"2.5","6":"4.1","9":"6.2","12":"8.4"}}]}',
	'payment.prepare'    => '{"op":"payment.prepare","gateway":"nestpay","mode":"3d_pay_hosting","amount":"1025.50","currency":"TRY","order_id":"WC-1234-1","installments":3,"nonce":"a1b2c3d4e5f60718","today":"2026-11-27","credentials":{"client_id":"100200127","store_key":"123456"},"urls":{"ok":"https://shop.example/ok","fail":"https://shop.example/fail"},"lang":"tr"}',
	'callback.verify'    => '{"op":"callback.verify","gateway":"nestpay","credentials":{"store_key":"123456"},"order":{"id":"WC-1234-1","amount":"1025.50","currency":"TRY"},"post":{"clientid":"100200127","oid":"WC-1234-1","amount":"1025.50","currency":"949","mdStatus":"1","Response":"Approved","ProcReturnCode":"00","HASHPARAMSVAL":"","HASH":"x","hashAlgorithm":"ver3","rnd":"a1b2c3d4e5f60718"}}',
);

if ( 'child' === ( $argv[1] ?? '' ) ) {
	child( $root, $requests[ $argv[2] ], (int) $argv[3] );
	exit( 0 );
}

/** One process: cold request, then warm calls; prints JSON. */
function child( string $root, string $request, int $calls ): void {
	$base    = memory_get_usage();
	$started = hrtime( true );
	require $root . '/plugin-php/src/autoload.php';
	$engine = new Sanalpos\Engine\PhpEngine( $root . '/plugin-php/engine' );
	$engine->call( $request );
	$cold = ( hrtime( true ) - $started ) / 1e6;
	$peak = ( memory_get_peak_usage() - $base ) / 1048576;
	$times = array();
	for ( $i = 0; $i < $calls; $i++ ) {
		$t = hrtime( true );
		$engine->call( $request );
		$times[] = ( hrtime( true ) - $t ) / 1e6;
	}
	echo json_encode( array( 'cold_ms' => $cold, 'warm_ms' => $times ? median( $times ) : null, 'peak_mb' => $peak ) ), "\n";
}

function median( array $values ): float {
	if ( ! $values ) {
		return NAN;
	}
	sort( $values );
	return (float) $values[ intdiv( count( $values ), 2 ) ];
}

/** @return array<string, float> */
function run_json( array $command ): array {
	$out = shell_exec( implode( ' ', array_map( 'escapeshellarg', $command ) ) );
	$data = json_decode( (string) $out, true );
	if ( ! is_array( $data ) ) {
		fwrite( STDERR, 'bench: ' . implode( ' ', $command ) . " failed:\n$out\n" );
		exit( 1 );
	}
	return $data;
}

$cache = sys_get_temp_dir() . '/sanalpos-bench-opcache-' . getmypid();
@mkdir( $cache );
$php = array(
	'opcache off' => array( PHP_BINARY, '-d', 'opcache.enable_cli=0' ),
	'opcache on'  => array( PHP_BINARY, '-d', 'opcache.enable_cli=1', '-d', "opcache.file_cache=$cache", '-d', 'opcache.jit=disable', '-d', 'opcache.validate_timestamps=0', '-d', 'opcache.file_update_protection=0' ),
);

$version   = json_decode( shell_exec( escapeshellarg( PHP_BINARY ) . ' -r ' . escapeshellarg( 'require "' . $root . '/plugin-php/src/autoload.php"; echo (new Sanalpos\Engine\PhpEngine("' . $root . '/plugin-php/engine"))->call(\'{"op":"version"}\');' ) ), true );
$available = $version['result']['ops'] ?? array();
$wasm      = $root . '/build/wasm/sanalpos.raw.wasm';
$native    = $root . '/target/release/sanalpos';

$rows = array();
foreach ( $requests as $op => $request ) {
	if ( ! in_array( $op, $available, true ) ) {
		$rows[] = array( $op, 'n/a (op not implemented yet)' );
		continue;
	}
	$cells = array( $op );
	foreach ( $php as $mode => $cmd ) {
		$child = array_merge( $cmd, array( __FILE__, 'child', $op ) );
		run_json( array_merge( $child, array( '0' ) ) ); // primes opcache's file cache
		run_json( array_merge( $child, array( '0' ) ) );
		$cold = array();
		$peak = array();
		for ( $i = 0; $i < RUNS_COLD; $i++ ) {
			$r      = run_json( array_merge( $child, array( '0' ) ) );
			$cold[] = $r['cold_ms'];
			$peak[] = $r['peak_mb'];
		}
		$warm    = run_json( array_merge( $child, array( (string) CALLS_WARM ) ) );
		$cells[] = sprintf( '%.1f', median( $cold ) );
		$cells[] = sprintf( '%.3f', $warm['warm_ms'] );
		$cells[] = sprintf( '%.1f', max( $peak ) );
	}
	$node    = run_json( array( 'node', __DIR__ . '/node-raw.mjs', $wasm, $request, (string) CALLS_WARM ) );
	$cells[] = sprintf( '%.1f / %.4f', $node['cold_ms'], $node['warm_ms'] );
	$cells[] = native( $native, $request );
	$cells[] = 'n/a (FFI engine not merged yet)';
	$rows[]  = $cells;
}
array_map( 'unlink', glob( "$cache/*/*/*/*" ) ?: array() );
shell_exec( 'rm -rf ' . escapeshellarg( $cache ) );

/** Native core: one process answering CALLS_WARM requests; cold = spawn + one answer. */
function native( string $cli, string $request ): string {
	$time = static function ( int $lines ) use ( $cli, $request ): float {
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
	return sprintf( '%.1f / %.4f', $cold, max( 0.0, $batch - $cold ) / ( 20 * CALLS_WARM ) );
}

$module = $root . '/plugin-php/engine/SanalposModule.php';
$stats  = shell_exec( escapeshellarg( $root . '/target/debug/wasm2php' ) . ' ' . escapeshellarg( $wasm ) . ' --stats' );
preg_match( '/translated in (\d+) ms/', (string) $stats, $translated );

echo "\nPHP engine (PHP " . PHP_VERSION . '), ' . gethostname() . ', load ' . implode( ' ', array_map( fn( $l ) => sprintf( '%.1f', $l ), sys_getloadavg() ?: array() ) ) . "\n";
printf( "translated module: %s bytes (%s gzipped) from a %s-byte .wasm, translated in %s ms\n\n", number_format( filesize( $module ) ), number_format( strlen( gzencode( (string) file_get_contents( $module ), 9 ) ) ), number_format( filesize( $wasm ) ), $translated[1] ?? '?' );
echo "| op | PHP cold ms (opcache off) | PHP warm ms (off) | peak MB (off) | PHP cold ms (opcache on) | PHP warm ms (on) | peak MB (on) | Node cold / warm ms | native cold / warm ms | FFI |\n";
echo "|---|---|---|---|---|---|---|---|---|---|\n";
foreach ( $rows as $cells ) {
	echo '| ' . implode( ' | ', $cells ) . " |\n";
}
