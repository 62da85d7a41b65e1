<?php
/**
 * The native core (CliEngine) as an EngineFactory candidate, so that tests boot the plugin the
 * way it boots itself: through an engine factory.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Engine\Engine;
use Sanalpos\Engine\EngineCandidate;

final class CliCandidate implements EngineCandidate {
	public function __construct( private readonly Engine $engine ) {}

	public function name(): string {
		return $this->engine->name();
	}

	public function unusableReason(): ?string {
		return null;
	}

	public function create(): Engine {
		return $this->engine;
	}
}
