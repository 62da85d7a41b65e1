<?php
/**
 * The OrderStore port on WooCommerce orders, through the CRUD API only (HPOS-safe): attempts and
 * bank references are order meta, the commission is a fee line, payment goes through
 * `payment_complete()`. Every read loads the order afresh, so a callback that waited for the
 * order's lock sees what the other request wrote.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\Attempt;
use Sanalpos\Flow\Order;
use Sanalpos\Flow\OrderStore;

final class WcOrderStore implements OrderStore {
	/** Order meta: the attempts as JSON (never card data). */
	public const ATTEMPTS = '_sanalpos_attempts';
	/** Order meta, one row per attempt: its token, for the session-less callback lookup. */
	public const TOKEN = '_sanalpos_token';
	/** Order meta: bank references of the payment. */
	public const REFERENCES = '_sanalpos_references';
	/** Fee line meta marking the installment commission. */
	public const COMMISSION = '_sanalpos_commission';
	/** Order meta: refunds the bank approved. */
	public const REFUNDS = '_sanalpos_refunds';

	/** Order statuses a bank approval may pay (WooCommerce itself would also revive a cancelled order). */
	private const PAYABLE = array( 'pending', 'failed', 'on-hold', 'checkout-draft' );

	/** @param \Closure(\WC_Order): list<array{category: string, price: string}> $cart The order's lines as installment categories. */
	public function __construct( private readonly \Closure $cart ) {}

	public function find( string $orderId ): ?Order {
		$order = $this->load( $orderId );
		if ( null === $order ) {
			return null;
		}
		return new Order(
			(string) $order->get_id(),
			self::decimal( $order->get_total() ),
			(string) $order->get_currency(),
			$order->is_paid(),
			$order->has_status( 'cancelled' ),
			( $this->cart )( $order ),
			(string) $order->get_customer_ip_address(),
			(string) $order->get_billing_email(),
			trim( $order->get_billing_first_name() . ' ' . $order->get_billing_last_name() ),
		);
	}

	public function findByToken( string $token ): ?string {
		// `meta_query` for HPOS, `meta_key`/`meta_value` for the posts store (older WooCommerce
		// versions ignore `meta_query` there); both name the same condition.
		$ids = wc_get_orders(
			array(
				'limit'      => 1,
				'return'     => 'ids',
				'type'       => 'shop_order',
				'meta_key'   => self::TOKEN, // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_value' => $token, // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_query' => array( // phpcs:ignore WordPress.DB.SlowDBQuery
					array(
						'key'   => self::TOKEN,
						'value' => $token,
					),
				),
			)
		);
		$id  = is_array( $ids ) ? reset( $ids ) : false;
		return false === $id ? null : (string) ( $id instanceof \WC_Order ? $id->get_id() : $id );
	}

	public function attempts( string $orderId ): array {
		$order = $this->load( $orderId );
		$saved = null === $order ? array() : json_decode( (string) $order->get_meta( self::ATTEMPTS ), true );
		return array_map( array( Attempt::class, 'fromArray' ), is_array( $saved ) ? array_values( $saved ) : array() );
	}

	public function saveAttempt( string $orderId, Attempt $attempt ): void {
		$order    = $this->must( $orderId );
		$attempts = json_decode( (string) $order->get_meta( self::ATTEMPTS ), true );
		$attempts = is_array( $attempts ) ? $attempts : array();
		if ( ! isset( $attempts[ $attempt->token ] ) ) {
			$order->add_meta_data( self::TOKEN, $attempt->token, false );
		}
		$attempts[ $attempt->token ] = $attempt->toArray();
		$order->update_meta_data( self::ATTEMPTS, wp_json_encode( $attempts ) );
		$order->save();
	}

	public function setCommission( string $orderId, ?string $amount, string $label ): string {
		$order   = $this->must( $orderId );
		$changed = false;
		foreach ( $order->get_fees() as $itemId => $fee ) {
			if ( '' !== (string) $fee->get_meta( self::COMMISSION ) ) {
				$order->remove_item( $itemId );
				$changed = true;
			}
		}
		if ( null !== $amount ) {
			$fee = new \WC_Order_Item_Fee();
			$fee->set_name( '' === $label ? __( 'Installment commission', 'sanalpos-woocommerce' ) : $label );
			$fee->set_amount( $amount );
			$fee->set_total( $amount );
			$fee->set_tax_status( 'none' );
			$fee->set_tax_class( '' );
			$fee->set_total_tax( 0 );
			$fee->add_meta_data( self::COMMISSION, $amount, true );
			$order->add_item( $fee );
			$changed = true;
		}
		if ( $changed ) {
			// Totals without re-taxing: the fee is not taxable and nothing else changed.
			$order->calculate_totals( false );
			$order->save();
		}
		return self::decimal( $order->get_total() );
	}

	public function markPaid( string $orderId, string $transactionId, array $references ): bool {
		$order = $this->must( $orderId );
		if ( $order->is_paid() || ! $order->has_status( self::PAYABLE ) ) {
			return false;
		}
		$order->update_meta_data( self::REFERENCES, wp_json_encode( $references ) );
		$order->save();
		return (bool) $order->payment_complete( $transactionId );
	}

	public function markFailed( string $orderId, string $reason ): void {
		$order = $this->must( $orderId );
		if ( ! $order->is_paid() && $order->has_status( array( 'pending', 'on-hold', 'checkout-draft' ) ) ) {
			$order->update_status( 'failed' );
		}
	}

	public function recordRefund( string $orderId, string $amount, string $reason ): void {
		$order   = $this->must( $orderId );
		$refunds = json_decode( (string) $order->get_meta( self::REFUNDS ), true );
		$refunds = is_array( $refunds ) ? $refunds : array();
		$refunds[] = array(
			'amount' => $amount,
			'reason' => $reason,
		);
		$order->update_meta_data( self::REFUNDS, wp_json_encode( $refunds ) );
		$order->save();
	}

	public function addNote( string $orderId, string $note ): void {
		$this->must( $orderId )->add_order_note( $note );
	}

	/** The bank references stored with a paid order. */
	public static function references( \WC_Order $order ): array {
		$refs = json_decode( (string) $order->get_meta( self::REFERENCES ), true );
		return is_array( $refs ) ? $refs : array();
	}

	private function load( string $orderId ): ?\WC_Order {
		$order = wc_get_order( (int) $orderId );
		return $order instanceof \WC_Order ? $order : null;
	}

	private function must( string $orderId ): \WC_Order {
		$order = $this->load( $orderId );
		if ( null === $order ) {
			throw new \Sanalpos\Flow\PaymentException( 'flow.unknown_order', "no order $orderId" );
		}
		return $order;
	}

	/** WooCommerce's total (a float or numeric string) as the decimal string the core reads. */
	public static function decimal( mixed $amount ): string {
		return (string) wc_format_decimal( $amount, wc_get_price_decimals() );
	}
}
