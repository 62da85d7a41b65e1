<?php
/**
 * One way to run the module, as the EngineFactory sees it: it can say why it cannot run on this
 * host, and build its engine. The factory tries the candidates in order (fastest first).
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

interface EngineCandidate {
	/** The engine's short id, as Engine::name() gives it. */
	public function name(): string;

	/** Why this engine cannot run on this host, or null when it can. Cheap: loads no module. */
	public function unusableReason(): ?string;

	/**
	 * Builds the engine.
	 *
	 * @throws EngineException when it cannot after all (e.g. `engine.module_mismatch`).
	 */
	public function create(): Engine;
}
