<?php
/**
 * Differential run: thousands of generated requests through every engine under test, compared
 * byte for byte with the reference (the native core, which the FFI conformance tests tie to
 * the FFI engine). `SANALPOS_DIFF_REQUESTS` and `SANALPOS_DIFF_SEED` change the run.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Differential;

use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Engine;
use Sanalpos\Engine\EngineException;
use Sanalpos\Engine\EngineFiles;
use Sanalpos\Engine\FfiCandidate;
use Sanalpos\Engine\PhpEngine;
use Sanalpos\Tests\Support\NativeCore;
use Sanalpos\Tests\Support\Paths;

final class DifferentialTest extends TestCase {
	private const REQUESTS = 10000;
	private const SEED     = 20261127;

	/** @return array<string, Engine> the engines compared with the reference */
	private static function subjects(): array {
		$files = new EngineFiles( Paths::engineDir() );
		return array(
			'php' => new PhpEngine( Paths::engineDir() ),
			'ffi' => ( new FfiCandidate( $files ) )->create(),
		);
	}

	public function test_engines_equal_the_native_core_on_generated_requests(): void {
		$count     = (int) ( getenv( 'SANALPOS_DIFF_REQUESTS' ) ?: self::REQUESTS );
		$seed      = (int) ( getenv( 'SANALPOS_DIFF_SEED' ) ?: self::SEED );
		$generator = new RequestGenerator( $seed );
		$requests  = iterator_to_array( $generator->requests( $count ), false );
		$reference = NativeCore::answers( $requests );

		$differences = array();
		foreach ( self::subjects() as $name => $engine ) {
			$started = hrtime( true );
			foreach ( $requests as $i => $request ) {
				try {
					$answer = $engine->call( $request );
				} catch ( EngineException $e ) {
					$answer = 'EngineException ' . $e->errorCode() . ': ' . $e->getMessage();
				}
				if ( $answer !== $reference[ $i ] ) {
					$differences[] = sprintf( "%s, request %d: %s\n  reference: %s\n  %s: %s", $name, $i, substr( $request, 0, 300 ), $reference[ $i ], $name, $answer );
				}
			}
			fprintf( STDERR, "\ndifferential: %d requests through %s in %.1f s (seed %d; %s)\n", $count, $name, ( hrtime( true ) - $started ) / 1e9, $seed, json_encode( $generator->made() ) );
		}
		$this->assertSame( array(), array_slice( $differences, 0, 5 ), count( $differences ) . ' differences' );
	}
}
