<?php
/**
 * The reference answers: the native core (`sanalpos` CLI, one JSON answer per request line).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

final class NativeCore {
	/**
	 * @param list<string> $requests one request each, without line breaks.
	 * @return list<string> the answer to each, in order.
	 */
	public static function answers( array $requests ): array {
		$cli = Paths::nativeCli();
		if ( ! is_executable( $cli ) ) {
			throw new \RuntimeException( "The native core is not built ($cli): run `make test-php`" );
		}
		foreach ( $requests as $i => $request ) {
			if ( str_contains( $request, "\n" ) || '' === trim( $request ) || str_ends_with( $request, "\r" ) ) {
				throw new \InvalidArgumentException( "Request $i cannot travel as one line" );
			}
		}
		// Input through a file, so a large batch cannot deadlock on full pipes.
		$input = tmpfile();
		fwrite( $input, implode( "\n", $requests ) . "\n" );
		rewind( $input );
		$process = proc_open( array( $cli ), array( 0 => $input, 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ), $pipes );
		if ( ! is_resource( $process ) ) {
			throw new \RuntimeException( "Cannot start $cli" );
		}
		$out = stream_get_contents( $pipes[1] );
		$err = stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		$status = proc_close( $process );
		fclose( $input );
		$answers = '' === $out ? array() : explode( "\n", rtrim( (string) $out, "\n" ) );
		if ( 0 !== $status || count( $answers ) !== count( $requests ) ) {
			throw new \RuntimeException( sprintf( '%s answered %d of %d requests (exit %d): %s', $cli, count( $answers ), count( $requests ), $status, $err ) );
		}
		return $answers;
	}
}
