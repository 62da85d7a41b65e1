<?php
/**
 * The PHP engine as a candidate: usable on any 64-bit PHP once its translated module, stamped
 * with the shipped .wasm's SHA-256, is in the engine directory. The universal fallback.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class PhpCandidate implements EngineCandidate {
	public function __construct( private readonly EngineFiles $files ) {}

	public function name(): string {
		return 'php';
	}

	public function unusableReason(): ?string {
		return PhpEngine::isUsable( $this->files->dir() );
	}

	public function create(): Engine {
		return new PhpEngine( $this->files->dir() );
	}
}
