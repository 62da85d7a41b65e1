<?php
/**
 * A failure reported by the core (its stable dotted error code, message and field) or by an
 * engine (codes under `engine.`, which the core never uses): `engine.unavailable` (no engine can
 * run, or its files are missing), `engine.module_mismatch` (the .wasm does not match its recorded
 * SHA-256), `engine.module_invalid`, `engine.input_too_large`, `engine.fuel_exhausted`,
 * `engine.memory_exhausted`, `engine.trap`, `engine.bad_answer`, `engine.invalid_call`.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class EngineException extends \RuntimeException {
	public function __construct(
		private readonly string $errorCode,
		string $message,
		private readonly ?string $field = null,
		?\Throwable $previous = null
	) {
		parent::__construct( $message, 0, $previous );
	}

	/** The stable dotted code, e.g. `card.luhn` or `engine.trap`. */
	public function errorCode(): string {
		return $this->errorCode;
	}

	/** The request field to blame, when one is. */
	public function field(): ?string {
		return $this->field;
	}
}
