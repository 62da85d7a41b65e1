<?php
/**
 * Port: a log sink. The flow masks every message and context before it reaches one.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

interface Logger {
	/**
	 * @param 'debug'|'info'|'warning'|'error' $level
	 * @param array<string, mixed>              $context
	 */
	public function log( string $level, string $message, array $context = array() ): void;
}
