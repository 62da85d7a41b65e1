<?php
/**
 * The Clock port on the real clock.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class SystemClock implements Clock {
	public function now(): \DateTimeImmutable {
		return new \DateTimeImmutable( 'now' );
	}
}
