<?php
/**
 * For tools/bench/ffi-instructions.sh: the FFI engine of ENGINE-DIR answers every request of
 * tests/bench/requests.jsonl once, then OP's request 10 times (none when OP is "-").
 * Usage: php ffi-instructions.php ENGINE-DIR OP
 */

declare(strict_types=1);

require dirname( __DIR__, 2 ) . '/plugin-php/src/autoload.php';

$engine   = ( new Sanalpos\Engine\FfiCandidate( new Sanalpos\Engine\EngineFiles( $argv[1] ) ) )->create();
$requests = array();
foreach ( file( dirname( __DIR__, 2 ) . '/tests/bench/requests.jsonl', FILE_IGNORE_NEW_LINES | FILE_SKIP_EMPTY_LINES ) as $line ) {
	$requests[ json_decode( $line, true )['op'] ] = $line;
	$engine->call( $line );
}
for ( $i = 0; '-' !== $argv[2] && $i < 10; $i++ ) {
	$engine->call( $requests[ $argv[2] ] );
}
