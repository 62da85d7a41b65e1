<?php
/**
 * Test double of the OrderStore port, with the behaviour the flow relies on: markPaid works
 * once, only on a payable order; the commission is its own line on top of the base total.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Flow\Attempt;
use Sanalpos\Flow\Order;
use Sanalpos\Flow\OrderStore;

final class MemoryOrderStore implements OrderStore {
	/** @var array<string, array<string, mixed>> */
	public array $orders = array();
	/** @var array<string, list<string>> */
	public array $notes = array();
	/** @var array<string, int> */
	public array $paidCalls = array();

	/**
	 * @param list<array{category: string, price: string}> $cart
	 * @param list<array<string, mixed>>                   $lines The basket (the commission line is added as in WcOrderStore).
	 * @param array<string, string>                        $buyer
	 */
	public function add( string $id, string $base, array $cart = array(), string $currency = 'TRY', array $lines = array(), array $buyer = array() ): void {
		$this->orders[ $id ] = array(
			'base'       => $base,
			'lines'      => $lines,
			'buyer'      => $buyer,
			'commission' => null,
			'currency'   => $currency,
			'status'     => 'pending',
			'cart'       => $cart,
			'attempts'   => array(),
			'refunds'    => array(),
			'txn'        => null,
			'refs'       => array(),
		);
	}

	public function find( string $orderId ): ?Order {
		$o = $this->orders[ $orderId ] ?? null;
		if ( null === $o ) {
			return null;
		}
		$total = null === $o['commission'] ? $o['base'] : self::sum( $o['base'], $o['commission'] );
		$lines = $o['lines'];
		if ( array() !== $lines && null !== $o['commission'] ) {
			$lines[] = array(
				'name'       => 'Installment commission',
				'unit_price' => $o['commission'],
				'virtual'    => true,
			);
		}
		return new Order( $orderId, $total, $o['currency'], 'paid' === $o['status'], 'cancelled' === $o['status'], $o['cart'], '10.0.0.5', 'shopper@example.com', 'Ayşe Yılmaz', $lines, $o['buyer'] );
	}

	/** Adds two 2-decimal amounts in kuruş (what WooCommerce's totals do for the real store). */
	private static function sum( string $a, string $b ): string {
		$kurus = (int) str_replace( '.', '', $a ) + (int) str_replace( '.', '', $b );
		return sprintf( '%d.%02d', intdiv( $kurus, 100 ), $kurus % 100 );
	}

	public function findByToken( string $token ): ?string {
		foreach ( $this->orders as $id => $o ) {
			foreach ( $o['attempts'] as $a ) {
				if ( $a['token'] === $token ) {
					return (string) $id;
				}
			}
		}
		return null;
	}

	public function findByBankOrderId( string $bankOrderId ): ?string {
		foreach ( $this->orders as $id => $o ) {
			foreach ( $o['attempts'] as $a ) {
				if ( $a['bankOrderId'] === $bankOrderId ) {
					return (string) $id;
				}
			}
		}
		return null;
	}

	public function attempts( string $orderId ): array {
		return array_map( array( Attempt::class, 'fromArray' ), array_values( $this->orders[ $orderId ]['attempts'] ?? array() ) );
	}

	public function saveAttempt( string $orderId, Attempt $attempt ): void {
		$this->orders[ $orderId ]['attempts'][ $attempt->token ] = $attempt->toArray();
	}

	public function setCommission( string $orderId, ?string $amount, string $label ): string {
		$this->orders[ $orderId ]['commission'] = $amount;
		return $this->find( $orderId )->total;
	}

	public function markPaid( string $orderId, string $transactionId, array $references ): bool {
		$this->paidCalls[ $orderId ] = ( $this->paidCalls[ $orderId ] ?? 0 ) + 1;
		if ( 'pending' !== $this->orders[ $orderId ]['status'] && 'failed' !== $this->orders[ $orderId ]['status'] ) {
			return false;
		}
		$this->orders[ $orderId ]['status'] = 'paid';
		$this->orders[ $orderId ]['txn']    = $transactionId;
		$this->orders[ $orderId ]['refs']   = $references;
		return true;
	}

	public function markFailed( string $orderId, string $reason ): void {
		if ( 'pending' === $this->orders[ $orderId ]['status'] ) {
			$this->orders[ $orderId ]['status'] = 'failed';
		}
	}

	public function recordRefund( string $orderId, string $amount, string $reason ): void {
		$this->orders[ $orderId ]['refunds'][] = $amount;
	}

	public function addNote( string $orderId, string $note ): void {
		$this->notes[ $orderId ][] = $note;
	}
}
