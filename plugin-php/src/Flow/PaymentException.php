<?php
/**
 * A payment could not go on. `reason` is a stable code (the core's error code, a bank verdict
 * reason, or one of the flow's own under `flow.` / `config.`); the adapter turns it into text for
 * the shopper in their language. The message is for logs and never holds card data.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class PaymentException extends \RuntimeException {
	public function __construct( private readonly string $reason, string $message = '', private readonly ?string $shopperText = null ) {
		parent::__construct( '' === $message ? $reason : $message );
	}

	public function reason(): string {
		return $this->reason;
	}

	/** A message already in the shopper's language (from the core), when there is one. */
	public function shopperText(): ?string {
		return $this->shopperText;
	}
}
