<?php
/**
 * One try at paying an order: the bank order id, the per-attempt token in the return URL, the
 * account it went to, what was charged, and what the bank said. Stored with the order, so a
 * callback finds everything without a session.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class Attempt {
	public const PENDING      = 'pending';
	public const PAID         = 'paid';
	public const FAILED       = 'failed';
	/**
	 * A server-to-server charge was sent (or its answer was lost): the bank may have charged,
	 * and only a status query may decide. Set before the request goes out, so a replayed
	 * callback never provisions twice.
	 */
	public const NEEDS_STATUS = 'needs_status';
	/** A second payment for an order another attempt already paid, voided at the bank. */
	public const VOIDED       = 'voided';

	/**
	 * @param array<string, string> $references Bank references (auth code, host reference, …).
	 */
	public function __construct(
		public readonly string $token,
		public readonly int $number,
		public readonly string $bankOrderId,
		public readonly string $account,
		public readonly string $model,
		public readonly string $amount,
		public readonly string $currency,
		public readonly int $installments,
		public readonly string $txType,
		public string $status = self::PENDING,
		public array $references = array(),
		public ?string $paidAt = null,
		public bool $captured = false,
		/** Where the bank sends the shopper back; some banks sign it into the provision too. */
		public string $returnUrl = '',
	) {}

	/** @return array<string, mixed> */
	public function toArray(): array {
		return get_object_vars( $this );
	}

	/** @param array<string, mixed> $a */
	public static function fromArray( array $a ): self {
		return new self(
			(string) $a['token'],
			(int) $a['number'],
			(string) $a['bankOrderId'],
			(string) $a['account'],
			(string) $a['model'],
			(string) $a['amount'],
			(string) $a['currency'],
			(int) $a['installments'],
			(string) $a['txType'],
			(string) ( $a['status'] ?? self::PENDING ),
			array_map( 'strval', (array) ( $a['references'] ?? array() ) ),
			isset( $a['paidAt'] ) ? (string) $a['paidAt'] : null,
			(bool) ( $a['captured'] ?? false ),
			(string) ( $a['returnUrl'] ?? '' ),
		);
	}
}
