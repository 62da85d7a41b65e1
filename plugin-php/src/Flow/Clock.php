<?php
/**
 * Port: the time. The core has no clock, so the flow passes it `now` and `today` from here.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

interface Clock {
	public function now(): \DateTimeImmutable;
}
