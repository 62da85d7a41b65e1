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
	/** Order meta, one row per attempt: the order id the bank knows it by, for notifications. */
	public const BANK_ORDER_ID = '_sanalpos_bank_order_id';
	/** Order meta: bank references of the payment. */
	public const REFERENCES = '_sanalpos_references';
	/** Fee line meta marking the installment commission. */
	public const COMMISSION = '_sanalpos_commission';
	/** Order meta: refunds the bank approved. */
	public const REFUNDS = '_sanalpos_refunds';

	/** Order statuses a bank approval may pay (WooCommerce itself would also revive a cancelled order). */
	private const PAYABLE = array( 'pending', 'failed', 'on-hold', 'checkout-draft' );
	/** The most basket lines the core takes (core/API.md, `order.lines`). */
	private const MAX_LINES = 100;

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
			self::lines( $order ),
			self::buyer( $order ),
		);
	}

	public function findByToken( string $token ): ?string {
		return self::findByMeta( self::TOKEN, $token );
	}

	public function findByBankOrderId( string $bankOrderId ): ?string {
		return self::findByMeta( self::BANK_ORDER_ID, $bankOrderId );
	}

	/** The order with a meta row `$key` = `$value`, through WooCommerce's order query (HPOS or posts). */
	private static function findByMeta( string $key, string $value ): ?string {
		// `meta_query` for HPOS, `meta_key`/`meta_value` for the posts store (older WooCommerce
		// versions ignore `meta_query` there); both name the same condition.
		$ids = wc_get_orders(
			array(
				'limit'      => 1,
				'return'     => 'ids',
				'type'       => 'shop_order',
				'meta_key'   => $key, // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_value' => $value, // phpcs:ignore WordPress.DB.SlowDBQuery
				'meta_query' => array( // phpcs:ignore WordPress.DB.SlowDBQuery
					array(
						'key'   => $key,
						'value' => $value,
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
			$order->add_meta_data( self::BANK_ORDER_ID, $attempt->bankOrderId, false );
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

	/**
	 * The basket as the core's `order.lines`: every product, shipping and fee line (the
	 * installment commission too) at its total with tax, as WooCommerce computed it, so that it
	 * adds up to what the bank charges. A line's quantity is kept only when WooCommerce's unit
	 * price is exact (3 × 33.33 would lose a kuruş of 100.00): otherwise the line is one unit at
	 * its total. Free lines are left out (providers refuse zero prices). Empty when the lines
	 * cannot add up to the order total (a negative fee such as a discount) or are too many.
	 *
	 * @return list<array<string, mixed>>
	 */
	private static function lines( \WC_Order $order ): array {
		$lines = array();
		foreach ( $order->get_items( array( 'line_item', 'shipping', 'fee' ) ) as $id => $item ) {
			$total = self::decimal( $order->get_line_total( $item, true, true ) );
			if ( str_starts_with( $total, '-' ) ) {
				return array();
			}
			if ( self::decimal( 0 ) === $total ) {
				continue;
			}
			$line = array(
				'id'         => $item->get_type() . '-' . $id,
				'name'       => (string) $item->get_name(),
				'unit_price' => $total,
				// Shipping and fees are services.
				'virtual'    => true,
			);
			if ( $item instanceof \WC_Order_Item_Product ) {
				$quantity = max( 1, (int) $item->get_quantity() );
				$unit     = $order->get_item_total( $item, true, true );
				if ( $quantity > 1 && wc_format_decimal( $unit, wc_get_rounding_precision() ) === wc_format_decimal( $order->get_item_total( $item, true, false ), wc_get_rounding_precision() ) ) {
					$line['unit_price'] = self::decimal( $unit );
					$line['quantity']   = $quantity;
				} elseif ( $quantity > 1 ) {
					/* translators: 1: product name, 2: quantity */
					$line['name'] = sprintf( __( '%1$s × %2$d', 'sanalpos-woocommerce' ), $line['name'], $quantity );
				}
				$line['id'] = (string) $item->get_product_id();
				$product    = $item->get_product();
				$line['virtual'] = $product instanceof \WC_Product && ( $product->is_virtual() || $product->is_downloadable() );
				$terms = get_the_terms( (int) $item->get_product_id(), 'product_cat' );
				if ( is_array( $terms ) && array() !== $terms ) {
					$line['category'] = (string) reset( $terms )->name;
				}
			}
			$lines[] = $line;
		}
		return count( $lines ) > self::MAX_LINES ? array() : $lines;
	}

	/**
	 * What providers that screen the buyer (PayTR, iyzico) want beyond name, email and IP: the
	 * billing address (the shipping one when the checkout asked for no billing address). The
	 * national id is no WooCommerce field: a shop that collects it adds `identity_number` through
	 * the `sanalpos_buyer` filter.
	 *
	 * @return array<string, string>
	 */
	private static function buyer( \WC_Order $order ): array {
		$billing = (array) $order->get_address( 'billing' );
		$address = '' === trim( (string) ( $billing['address_1'] ?? '' ) ) ? (array) $order->get_address( 'shipping' ) : $billing;
		$country = (string) ( $address['country'] ?? '' );
		$names   = WC()->countries instanceof \WC_Countries ? WC()->countries->get_countries() : array();
		$buyer   = array(
			'id'          => $order->get_customer_id() > 0 ? (string) $order->get_customer_id() : '',
			'phone'       => (string) ( $billing['phone'] ?? '' ) ?: (string) ( $address['phone'] ?? '' ),
			'address'     => trim( ( $address['address_1'] ?? '' ) . ' ' . ( $address['address_2'] ?? '' ) ),
			'city'        => (string) ( $address['city'] ?? '' ),
			'country'     => html_entity_decode( (string) ( $names[ $country ] ?? $country ), ENT_QUOTES, 'UTF-8' ),
			'postal_code' => (string) ( $address['postcode'] ?? '' ),
		);
		$buyer = (array) apply_filters( 'sanalpos_buyer', $buyer, $order );
		return array_filter( array_map( 'strval', $buyer ), static fn( string $v ): bool => '' !== trim( $v ) );
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
