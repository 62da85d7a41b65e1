<?php
/**
 * Where the tests find the build artifacts (`make` builds them before running PHPUnit).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

final class Paths {
	public static function repo(): string {
		return dirname( __DIR__, 3 );
	}

	/** The engine directory: the translated module and the .wasm hash. */
	public static function engineDir(): string {
		return dirname( __DIR__, 2 ) . '/engine';
	}

	/** The shared engine-conformance corpus. */
	public static function conformanceCorpus(): string {
		return self::repo() . '/tests/conformance/requests.jsonl';
	}

	/** The native core's command-line tool (`SANALPOS_CLI`, else the debug build). */
	public static function nativeCli(): string {
		$cli = getenv( 'SANALPOS_CLI' );
		return is_string( $cli ) && '' !== $cli ? $cli : self::repo() . '/target/debug/sanalpos';
	}
}
