<?php
/**
 * The Logger port on WooCommerce's logger (WooCommerce → Status → Logs, source "sanalpos"):
 * silent unless the owner turned debug logging on; every line masked, whoever wrote it.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\Logger;
use Sanalpos\Flow\Masker;

final class WcLogger implements Logger {
	public const SOURCE = 'sanalpos';

	public function __construct( private readonly bool $enabled ) {}

	public function log( string $level, string $message, array $context = array() ): void {
		if ( ! $this->enabled ) {
			return;
		}
		$line = Masker::text( $message );
		if ( array() !== $context ) {
			$line .= ' ' . Masker::text( (string) wp_json_encode( Masker::context( $context ), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
		}
		wc_get_logger()->log( $level, $line, array( 'source' => self::SOURCE ) );
	}
}
