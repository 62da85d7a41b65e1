<?php
/**
 * Test double of the Logger port: keeps every line for inspection.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Flow\Logger;

final class ArrayLogger implements Logger {
	/** @var list<string> */
	public array $lines = array();

	public function log( string $level, string $message, array $context = array() ): void {
		$this->lines[] = $level . ' ' . $message . ' ' . json_encode( $context, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE );
	}
}
