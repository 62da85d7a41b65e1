<?php
/**
 * One cold FFI engine use, as a fresh PHP process pays it: load the runner and the module,
 * instantiate, answer the request in the file argv[1]. With --memory, prints what it cost as JSON,
 * and what a PHP-FPM worker's later requests pay.
 */

declare(strict_types=1);

require dirname( __DIR__, 2 ) . '/plugin-php/src/autoload.php';

use Sanalpos\Engine\FfiEngine;
use Sanalpos\Engine\EngineFactory;

/** Resident memory of this process in bytes, from /proc (Linux). */
function sanalpos_rss(): int {
	preg_match( '/^VmRSS:\s+(\d+) kB/m', (string) file_get_contents( '/proc/self/status' ), $m );
	return 1024 * (int) ( $m[1] ?? 0 );
}

$request     = (string) file_get_contents( $argv[1] );
$peak_before = memory_get_peak_usage( true );
$used_before = memory_get_peak_usage();
$rss_before  = sanalpos_rss();
$started     = hrtime( true );
$engine      = EngineFactory::bundled()->create();
$init_ns     = hrtime( true ) - $started;
$answer      = $engine->call( $request );
$cold_ns     = hrtime( true ) - $started;
if ( in_array( '--memory', $argv, true ) ) {
	$memory = array(
		'php_peak_added' => memory_get_peak_usage( true ) - $peak_before,
		'php_used_added' => memory_get_peak_usage() - $used_before,
		'php_peak'       => memory_get_peak_usage( true ),
		'rss_added'      => sanalpos_rss() - $rss_before,
		'linear_memory'  => $engine instanceof FfiEngine ? $engine->memoryBytes() : 0,
	);
	// What a PHP-FPM worker's later requests pay: the engine is created again (the runner library
	// stayed loaded with its compiled module) and answers the same request. The third is timed.
	for ( $i = 0; $i < 2; $i++ ) {
		unset( $engine );
		$started = hrtime( true );
		$engine  = EngineFactory::bundled()->create();
		$engine->call( $request );
		$again_ns = hrtime( true ) - $started;
	}
	echo json_encode(
		$memory + array(
			'init_ms'        => $init_ns / 1e6,
			'cold_ms'        => $cold_ns / 1e6,
			'again_ms'       => $again_ns / 1e6,
		)
	), "\n";
}
