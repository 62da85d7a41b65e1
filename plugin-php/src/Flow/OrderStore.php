<?php
/**
 * Port: where orders live. WooCommerce is one adapter, the demo shop's SQLite store another.
 * The payment flow reads and changes orders only through this interface.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

interface OrderStore {
	/** The order as the flow needs it, or null when there is none with this id. */
	public function find( string $orderId ): ?Order;

	/** The order one of whose attempts has this token, or null. */
	public function findByToken( string $token ): ?string;

	/**
	 * The order one of whose attempts was sent to the bank under this order id, or null: for
	 * server-to-server notifications, which name the bank order id and carry no token.
	 */
	public function findByBankOrderId( string $bankOrderId ): ?string;

	/**
	 * Every attempt at paying the order, oldest first.
	 *
	 * @return list<Attempt>
	 */
	public function attempts( string $orderId ): array;

	/** Stores an attempt (replacing the one with the same token) and indexes its token and bank order id. */
	public function saveAttempt( string $orderId, Attempt $attempt ): void;

	/**
	 * Sets the installment commission as the order's own fee line (replacing an earlier one, or
	 * removing it when `$amount` is null) without re-taxing anything, and returns the new order
	 * total as a decimal string.
	 */
	public function setCommission( string $orderId, ?string $amount, string $label ): string;

	/**
	 * Marks the order paid exactly once. Returns false when the order was not payable
	 * (already paid, cancelled, refunded): then nothing changed.
	 *
	 * @param array<string, string> $references Bank references to keep with the order.
	 */
	public function markPaid( string $orderId, string $transactionId, array $references ): bool;

	/** Marks a not-yet-paid order failed; does nothing to a paid order. */
	public function markFailed( string $orderId, string $reason ): void;

	/** Records a refund the bank approved (WooCommerce records it itself before asking the gateway). */
	public function recordRefund( string $orderId, string $amount, string $reason ): void;

	public function addNote( string $orderId, string $note ): void;
}
