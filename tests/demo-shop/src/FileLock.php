<?php
/**
 * The Lock port with flock(2) on one file per lock name: shared by every worker of PHP's built-in
 * server (PHP_CLI_SERVER_WORKERS), released by the kernel if a worker dies.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Flow\Lock;

final class FileLock implements Lock {
	/** @var array<string, resource> */
	private array $held = array();

	public function __construct( private readonly string $dir ) {}

	public function acquire( string $name, int $waitSeconds ): bool {
		$handle = fopen( $this->dir . '/' . preg_replace( '/[^A-Za-z0-9_-]/', '_', $name ) . '.lock', 'c' );
		if ( false === $handle ) {
			return false;
		}
		$deadline = microtime( true ) + $waitSeconds;
		while ( ! flock( $handle, LOCK_EX | LOCK_NB ) ) {
			if ( microtime( true ) >= $deadline ) {
				fclose( $handle );
				return false;
			}
			usleep( 20000 );
		}
		$this->held[ $name ] = $handle;
		return true;
	}

	public function release( string $name ): void {
		if ( isset( $this->held[ $name ] ) ) {
			flock( $this->held[ $name ], LOCK_UN );
			fclose( $this->held[ $name ] );
			unset( $this->held[ $name ] );
		}
	}
}
