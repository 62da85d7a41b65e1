<?php
/**
 * The FFI engine as a candidate: usable where PHP allows FFI (see FfiEngine::unusableReason) and
 * the plugin ships a runner library for this OS and CPU.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class FfiCandidate implements EngineCandidate {
	public function __construct( private readonly EngineFiles $files ) {}

	public function name(): string {
		return 'ffi';
	}

	public function unusableReason(): ?string {
		if ( null === $this->files->runnerLibrary() ) {
			return sprintf( 'the plugin has no runner library for %s in %s', EngineFiles::platform(), $this->files->dir() );
		}
		return FfiEngine::unusableReason();
	}

	public function create(): Engine {
		$library = $this->files->runnerLibrary();
		if ( null === $library ) {
			throw new EngineException( 'engine.unavailable', (string) $this->unusableReason() );
		}
		return new FfiEngine( $library, $this->files->module() );
	}
}
