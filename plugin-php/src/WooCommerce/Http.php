<?php
/**
 * Ends a request after an endpoint answered (WooCommerce's API dispatcher would otherwise
 * discard the output). Tests replace the ending so they can read the answer.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

final class Http {
	/** @var (\Closure(): void)|null */
	public static ?\Closure $finisher = null;

	public static function finish(): void {
		if ( null !== self::$finisher ) {
			( self::$finisher )();
			return;
		}
		exit;
	}
}
