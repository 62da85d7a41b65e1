<?php
/**
 * Test double of the Clock port: a fixed time.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Flow\Clock;

final class FixedClock implements Clock {
	public function __construct( public string $now = '2026-11-27T10:00:00+03:00' ) {}

	public function now(): \DateTimeImmutable {
		return new \DateTimeImmutable( $this->now );
	}
}
