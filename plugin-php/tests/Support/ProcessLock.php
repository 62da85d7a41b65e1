<?php
/**
 * Test double of the Lock port for one process: a held lock is refused.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Flow\Lock;

final class ProcessLock implements Lock {
	/** @var array<string, bool> */
	public array $held = array();

	public function acquire( string $name, int $waitSeconds ): bool {
		if ( isset( $this->held[ $name ] ) ) {
			return false;
		}
		$this->held[ $name ] = true;
		return true;
	}

	public function release( string $name ): void {
		unset( $this->held[ $name ] );
	}
}
