<?php
/**
 * `make bench-ffi`: the FFI engine beside Node (the same raw .wasm, plain WebAssembly API) and the
 * native core. Warm: median time of one call per op (table-driven over requests.jsonl; ops the
 * core does not know yet are shown as n/a). Cold: a fresh `php` process loading, instantiating
 * and answering one request, minus a bare `php -r 1` (hyperfine medians). Memory and sizes.
 * Every number comes from this one run; nothing is remembered or assumed.
 */

declare(strict_types=1);

require dirname( __DIR__, 2 ) . '/plugin-php/src/autoload.php';

use Sanalpos\Engine\EngineFactory;
use Sanalpos\Engine\EngineFiles;
use Sanalpos\Engine\FfiEngine;

const REPO = __DIR__ . '/../..';
const WARM_TARGET_US = 100.0;
const COLD_TARGET_MS = 5.0;
const MEMORY_TARGET_BYTES = 8 << 20;

/** Runs a command (argv array) with $stdin, fails loudly, returns its output lines. */
function run( array $command, string $stdin = '' ): array {
	// Its stderr is a pipe too: hyperfine writing to a shared stderr file clobbered this output.
	$process = proc_open( $command, array( array( 'pipe', 'r' ), array( 'pipe', 'w' ), array( 'pipe', 'w' ) ), $pipes );
	fwrite( $pipes[0], $stdin );
	fclose( $pipes[0] );
	$out = (string) stream_get_contents( $pipes[1] );
	$err = (string) stream_get_contents( $pipes[2] );
	fclose( $pipes[1] );
	fclose( $pipes[2] );
	if ( 0 !== proc_close( $process ) ) {
		fwrite( STDERR, $err . 'failed: ' . implode( ' ', $command ) . "\n" );
		exit( 1 );
	}
	return explode( "\n", rtrim( $out, "\n" ) );
}

/** Median of 15 batches of about 20 ms after a 40 ms warm-up (as core/examples/bench.rs). */
function median_micros( callable $call ): float {
	$start = hrtime( true );
	$warm  = 0;
	while ( hrtime( true ) - $start < 40e6 ) {
		$call();
		++$warm;
	}
	$per_batch = max( 1, (int) ceil( $warm / 2 ) );
	$means     = array();
	for ( $b = 0; $b < 15; $b++ ) {
		$start = hrtime( true );
		for ( $i = 0; $i < $per_batch; $i++ ) {
			$call();
		}
		$means[] = ( hrtime( true ) - $start ) / 1e3 / $per_batch;
	}
	sort( $means );
	return $means[7];
}

function micros( ?float $us ): string {
	return null === $us ? '–' : ( $us < 10 ? sprintf( '%.2f µs', $us ) : sprintf( '%.0f µs', $us ) );
}

function mib( int $bytes ): string {
	return sprintf( '%.2f MiB', $bytes / 1048576 );
}

function row( array $cells, array $widths ): string {
	$out = '';
	foreach ( $cells as $i => $cell ) {
		$out .= str_pad( (string) $cell, $widths[ $i ] + strlen( (string) $cell ) - mb_strlen( (string) $cell ) ) . '  ';
	}
	return rtrim( $out ) . "\n";
}

$engine = EngineFactory::bundled()->create();
if ( ! $engine instanceof FfiEngine ) {
	fwrite( STDERR, "the FFI engine cannot run here\n" );
	exit( 1 );
}
$files    = EngineFiles::bundled();
$module   = $files->dir() . '/' . EngineFiles::MODULE;
$library  = (string) $files->runnerLibrary();
$requests = array_values( array_filter( file( __DIR__ . '/requests.jsonl', FILE_IGNORE_NEW_LINES ), 'strlen' ) );

// Which ops the core answers today; only those are timed.
$status = array();
foreach ( $requests as $request ) {
	$op     = json_decode( $request, true )['op'];
	$answer = json_decode( $engine->call( $request ), true );
	$code   = $answer['error']['code'] ?? null;
	if ( true === $answer['ok'] ) {
		$status[ $op ] = null;
	} elseif ( 'request.unknown_op' === $code ) {
		$status[ $op ] = 'n/a (op not implemented yet)';
	} else {
		$status[ $op ] = "n/a (tests/bench/requests.jsonl needs a valid request: $code)";
	}
}
$timed = array_values( array_filter( $requests, static fn ( string $r ): bool => null === $status[ json_decode( $r, true )['op'] ] ) );
$input = implode( "\n", $timed ) . "\n";

$native = array_map( 'floatval', run( array( REPO . '/target/release/examples/bench' ), $input ) );
$node   = array_map( 'floatval', run( array( 'node', REPO . '/tests/conformance/raw-wasm.mjs', 'time', $module ), $input ) );
$ffi    = array_map( static fn ( string $r ): float => median_micros( static fn () => $engine->call( $r ) ), $timed );

echo "\nWarm: median time of one call (PHP: FfiEngine::call through FFI; Node: raw .wasm, plain WebAssembly API)\n\n";
$widths = array( 20, 10, 10, 10, 12, 12, 30 );
echo row( array( 'op', 'native', 'node', 'php ffi', 'ffi/native', 'ffi/node', 'target' ), $widths );
foreach ( $status as $op => $why ) {
	$target = in_array( $op, array( 'payment.prepare', 'callback.verify' ), true ) ? '≤ ' . micros( WARM_TARGET_US ) : '';
	if ( null !== $why ) {
		echo row( array( $op, $why ), $widths );
		continue;
	}
	$i = array_search( $op, array_map( static fn ( string $r ): string => json_decode( $r, true )['op'], $timed ), true );
	if ( '' !== $target ) {
		$target .= $ffi[ $i ] <= WARM_TARGET_US ? ' met' : ' MISSED';
	}
	echo row( array( $op, micros( $native[ $i ] ), micros( $node[ $i ] ), micros( $ffi[ $i ] ), sprintf( '%.1f×', $ffi[ $i ] / $native[ $i ] ), sprintf( '%.1f×', $ffi[ $i ] / $node[ $i ] ), $target ), $widths );
}

// Cold: payment.prepare once it exists, card.inspect until then.
$cold_op = array_key_exists( 'payment.prepare', $status ) && null === $status['payment.prepare'] ? 'payment.prepare' : 'card.inspect';
$request = tempnam( sys_get_temp_dir(), 'sanalpos-bench' );
file_put_contents( $request, current( array_filter( $requests, static fn ( string $r ): bool => json_decode( $r, true )['op'] === $cold_op ) ) );
$json = tempnam( sys_get_temp_dir(), 'sanalpos-hyperfine' );
run(
	array(
		'hyperfine', '-N', '--style', 'none', '--runs', '30', '--warmup', '3', '--export-json', $json,
		'php -r 1;',
		'php ' . __DIR__ . "/ffi-cold.php $request",
		'node -e 0',
		'node ' . REPO . "/tests/conformance/raw-wasm.mjs once $module $request",
	)
);
$medians = array_map( static fn ( array $r ): float => $r['median'] * 1e3, json_decode( (string) file_get_contents( $json ), true )['results'] );
$memory  = json_decode( run( array( PHP_BINARY, __DIR__ . '/ffi-cold.php', $request, '--memory' ) )[0], true );
unlink( $json );
unlink( $request );

$php_overhead  = $medians[1] - $medians[0];
$node_overhead = $medians[3] - $medians[2];
printf( "\nCold: a fresh process loads, instantiates and answers one %s%s (hyperfine -N, 30 runs, medians)\n\n", $cold_op, 'card.inspect' === $cold_op ? ' (payment.prepare does not exist yet)' : '' );
printf( "  php -r 1;               %7.1f ms\n", $medians[0] );
printf( "  php + FFI engine        %7.1f ms   overhead %.1f ms (target ≤ %.0f ms: %s); in-process engine creation %.1f ms\n", $medians[1], $php_overhead, COLD_TARGET_MS, $php_overhead <= COLD_TARGET_MS ? 'met' : 'MISSED', $memory['init_ms'] );
printf( "  in one PHP process: engine creation + that call %.1f ms the first time, %.2f ms for a PHP-FPM worker's later requests\n", $memory['cold_ms'], $memory['again_ms'] );
printf( "  node -e 0               %7.1f ms\n", $medians[2] );
printf( "  node + raw .wasm        %7.1f ms   overhead %.1f ms; FFI/Node overhead %.1f×\n", $medians[3], $node_overhead, $php_overhead / max( $node_overhead, 0.001 ) );

$added = $memory['rss_added'];
printf( "\nMemory of one PHP process after that call\n\n" );
printf( "  memory_get_peak_usage(true)   %s (added by the engine: %s; without true: %s)\n", mib( $memory['php_peak'] ), mib( $memory['php_peak_added'] ), mib( $memory['php_used_added'] ) );
printf( "  runner linear memory          %s (outside PHP's memory_limit)\n", mib( $memory['linear_memory'] ) );
printf( "  resident memory added (RSS)   %s (target ≤ %s: %s)\n", mib( $added ), mib( MEMORY_TARGET_BYTES ), $added <= MEMORY_TARGET_BYTES ? 'met' : 'MISSED' );
printf( "\nSizes: %s %s, %s %s\n", basename( $library ), mib( (int) filesize( $library ) ), EngineFiles::MODULE, mib( (int) filesize( $module ) ) );
