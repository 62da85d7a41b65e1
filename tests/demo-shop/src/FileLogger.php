<?php
/**
 * The Logger port on a file: one line per event, card numbers masked in the message and every
 * context value (Masker), whatever the caller already masked.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Flow\Logger;
use Sanalpos\Flow\Masker;

final class FileLogger implements Logger {
	public function __construct( private readonly string $path ) {}

	public function log( string $level, string $message, array $context = array() ): void {
		$line = sprintf( "%s %s %s %s\n", gmdate( 'c' ), strtoupper( $level ), Masker::text( $message ), json_encode( Masker::context( $context ), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) );
		file_put_contents( $this->path, $line, FILE_APPEND | LOCK_EX );
	}
}
