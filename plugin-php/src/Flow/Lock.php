<?php
/**
 * Port: a named mutual-exclusion lock shared by every PHP worker of the shop, so that a
 * callback posted twice at once is processed once.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

interface Lock {
	/** Waits up to `$waitSeconds` for the lock; false when it could not be taken. */
	public function acquire( string $name, int $waitSeconds ): bool;

	public function release( string $name ): void;
}
