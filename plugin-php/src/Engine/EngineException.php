<?php
/**
 * A failure reported by the core (its stable dotted error code, message and field) or by an
 * engine (codes under `engine.`, e.g. `engine.fuel_exhausted`).
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
