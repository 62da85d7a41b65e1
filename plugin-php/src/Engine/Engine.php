<?php
/**
 * A way to run the core's .wasm from PHP. The plugin never re-implements core logic: every
 * engine runs the same module and must answer byte-identically to Node for the same request.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

interface Engine {
	/**
	 * Runs one JSON request through the core and returns its JSON answer envelope
	 * (`{"ok":true,...}` or `{"ok":false,"error":{...}}`) exactly as the core produced it.
	 *
	 * @throws EngineException when the engine itself fails (trap, fuel or memory exhausted,
	 *                         oversized input); never for an error envelope of the core.
	 */
	public function call( string $json ): string;

	/** Short id shown on the status screen, e.g. "ffi" or "php". */
	public function name(): string;
}
