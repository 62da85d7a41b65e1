<?php
/**
 * The plugin with the families whose next step is not a plain form: PayTR's embedded page and
 * its notification URL, ParamPos's HTML 3D page on its own address, PayFlex Common Payment's GET
 * form and GET return; the basket and buyer read from a WooCommerce order; the settings refusing
 * a model that needs the card again.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use Automattic\WooCommerce\StoreApi\Payments\PaymentContext;
use Automattic\WooCommerce\StoreApi\Payments\PaymentResult;
use Sanalpos\Flow\Attempt;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\Param;
use Sanalpos\Tests\Support\PayTr;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\CallbackEndpoint;
use Sanalpos\WooCommerce\Checkout;
use Sanalpos\WooCommerce\Gateway;
use Sanalpos\WooCommerce\WcOrderStore;

final class ProviderPaymentTest extends WcTestCase {
	private function attempt( int $orderId ): Attempt {
		$attempts = ( new WcOrderStore( static fn(): array => array() ) )->attempts( (string) $orderId );
		return end( $attempts );
	}

	/** The classic checkout's process_payment() with posted fields. */
	private function processPayment( int $orderId, array $post ): array {
		$_POST = wp_slash( $post );
		return ( new Gateway() )->process_payment( $orderId );
	}

	/** @return array<string, string> The last request to the bank, form-urlencoded, as a map. */
	private static function lastRequest(): array {
		$requests = World::events( 'http' );
		parse_str( (string) end( $requests )['body'], $fields );
		return $fields;
	}

	private function page( callable $render ): string {
		ob_start();
		$render();
		return (string) ob_get_clean();
	}

	public function test_paytr_the_shopper_pays_in_an_iframe_on_the_order_pay_page_and_the_notification_url_pays(): void {
		$this->configureAccount( 'paytr', 'paytr', '3d_host', PayTr::CREDENTIALS );
		$order = $this->order( 2001 );
		World::bankAnswers( PayTr::token( 'tok1' ) );
		$result = $this->processPayment( 2001, array( Checkout::BIN => '45080345', Checkout::INSTALLMENTS => '3' ) );
		// No form for the page's script: WooCommerce sends the shopper to the order-pay page.
		$this->assertSame( array( 'success', $order->get_checkout_payment_url( true ), '' ), array( $result['result'], $result['redirect'], $result['sanalpos'] ) );
		$sent = self::lastRequest();
		$this->assertSame( array( array( 'Çaydanlık', '1000.00', 1 ), array( '3 installments of 341.66 TRY (first 341.68 TRY)', '25.00', 1 ) ), json_decode( base64_decode( $sent['user_basket'] ), true ), 'the commission fee line is in the basket' );
		$this->assertSame( array( '102500', '05321234567', 'Bağdat Cad. 1 D:3' ), array( $sent['payment_amount'], $sent['user_phone'], $sent['user_address'] ) );

		// The order-pay page embeds PayTR's page once; a reload starts again from the card form.
		$page = $this->page( static fn() => ( new Gateway() )->receipt_page( 2001 ) );
		$this->assertStringContainsString( '<iframe src="https://www.paytr.com/odeme/guvenli/tok1"', $page );
		$this->assertStringNotContainsString( 'data-sanalpos-form', $page );
		$this->assertStringContainsString( 'data-sanalpos-form', $this->page( static fn() => ( new Gateway() )->receipt_page( 2001 ) ) );

		// The shopper's browser comes back (inside the iframe) before the notification: it leaves
		// the iframe for the thank-you page, which says the payment is being verified.
		$a = $this->attempt( 2001 );
		$_GET  = array( 't' => $a->token, 'wc-api' => 'sanalpos_return' );
		$_POST = array();
		$back  = $this->sent( array( new CallbackEndpoint( $this->plugin ), 'serve' ) );
		$this->assertSame( 200, $back['status'] );
		$this->assertStringContainsString( 'window.top.location.href = ' . json_encode( wc_get_order( 2001 )->get_checkout_order_received_url() ), $back['body'] );
		$this->assertSame( 'pending', wc_get_order( 2001 )->get_status() );

		// PayTR's notification, at the address the Status panel gives for its panel.
		$endpoint = new CallbackEndpoint( $this->plugin );
		$post     = PayTr::notification( self::$core, $a->bankOrderId, 'success', '102500' );
		$_GET     = array();
		$_POST    = wp_slash( $post );
		$answer   = $this->sent( array( $endpoint, 'serveNotification' ) );
		$this->assertSame( array( 200, 'OK' ), array( $answer['status'], $answer['body'] ) );
		$this->assertSame( 'processing', wc_get_order( 2001 )->get_status() );
		// PayTR resends: `OK` again, nothing changes. A forged one gets no `OK`.
		$this->assertSame( 'OK', $this->sent( array( $endpoint, 'serveNotification' ) )['body'] );
		$_POST  = wp_slash( array( 'hash' => 'AAAA' ) + $post );
		$forged = $this->sent( array( $endpoint, 'serveNotification' ) );
		$this->assertSame( array( 400, 'Bad request' ), array( $forged['status'], $forged['body'] ) );
		$this->assertCount( 1, World::events( 'payment_complete' ) );
		$this->assertSame( 'https://shop.test/wc-api/sanalpos_notify/', CallbackEndpoint::notificationUrl() );
	}

	public function test_the_order_pay_form_follows_the_same_steps_without_javascript(): void {
		$this->configureAccount( 'paytr', 'paytr', '3d_host', PayTr::CREDENTIALS );
		$order = $this->order( 2006 );
		World::bankAnswers( PayTr::token( 'tok6' ) );
		$_POST = wp_slash(
			array(
				'order_id'             => '2006',
				'key'                  => $order->get_order_key(),
				'_wpnonce'             => wp_create_nonce( 'sanalpos-pay-2006' ),
				Checkout::BIN          => '45080345',
				Checkout::INSTALLMENTS => '1',
			)
		);
		$sent = $this->sent( array( new Checkout( $this->plugin ), 'servePayEndpoint' ) );
		$this->assertSame( array( 303, $order->get_checkout_payment_url( true ) ), array( $sent['status'], $sent['redirect'] ) );
		$this->assertStringContainsString( 'https://www.paytr.com/odeme/guvenli/tok6', $this->page( static fn() => ( new Gateway() )->receipt_page( 2006 ) ) );
	}

	public function test_parampos_the_banks_3d_page_is_served_once_on_its_own_address(): void {
		$this->configureAccount( 'param', 'param', '3d', Param::CREDENTIALS );
		$order = $this->order( 2002 );
		// The Blocks checkout; the bank's answer echoes the order id it is sent.
		$context = new PaymentContext();
		$context->set_payment_method( 'sanalpos' );
		$context->set_order( $order );
		$context->set_payment_data( array( Checkout::NUMBER => Nestpay::CARD['number'], Checkout::EXPIRY => Nestpay::CARD['expiry'], Checkout::CVV => Nestpay::CARD['cvv'], Checkout::INSTALLMENTS => '1' ) );
		$result               = new PaymentResult();
		World::$bankAnswerFor = \Closure::fromCallable( array( Param::class, 'startAnswer' ) );
		do_action_ref_array( 'woocommerce_rest_checkout_process_payment_with_context', array( $context, &$result ) );
		$token = $this->attempt( 2002 )->token;
		$this->assertSame( array( 'success', '' ), array( $result->status, $result->payment_details['sanalpos'] ) );
		$this->assertSame( 'https://shop.test/wc-api/sanalpos_page/?t=' . $token, $result->redirect_url );

		// The page is served unchanged as a document of its own, once.
		$_GET   = array( 't' => $token );
		$served = $this->sent( array( new Checkout( $this->plugin ), 'serveBankPage' ) );
		$this->assertSame( array( 200, Param::PAGE ), array( $served['status'], $served['body'] ) );
		$again = $this->sent( array( new Checkout( $this->plugin ), 'serveBankPage' ) );
		$this->assertSame( 404, $again['status'] );
		$this->assertStringNotContainsString( 'webform0', $again['body'] );
		$_GET = array( 't' => str_repeat( '0', 32 ) );
		$this->assertSame( 404, $this->sent( array( new Checkout( $this->plugin ), 'serveBankPage' ) )['status'] );
		$this->assertSame( 'pending', wc_get_order( 2002 )->get_status() );
	}

	public function test_payflex_common_payment_opens_the_banks_page_by_address_and_returns_by_get(): void {
		$this->configureAccount( 'vakifbank_cp', 'payflex_cp', '3d_host', array( 'merchant_id' => '000000000111111', 'password' => '3XTgER89as', 'terminal_id' => 'VP000579' ) );
		$this->order( 2003, '10.00' );
		World::bankAnswers( array( 'status' => 200, 'body' => '<RegisterResponse><CommonPaymentUrl>https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment</CommonPaymentUrl><PaymentToken>c5e076e7bf234a339c40afc10166c06d</PaymentToken><ErrorCode /><ResponseMessage /></RegisterResponse>' ) );
		WC()->cart = new \WC_Cart( array(), '10.00' );
		$result    = $this->processPayment( 2003, array( Checkout::BIN => '45080345', Checkout::INSTALLMENTS => '1' ) );
		$form      = json_decode( $result['sanalpos'], true );
		$this->assertSame( array( 'GET', 'bank_page' ), array( $form['method'], $form['card_entry'] ) );
		// Without JavaScript, the order-pay page opens it by address too.
		$page = $this->page( static fn() => ( new Gateway() )->receipt_page( 2003 ) );
		$this->assertStringContainsString( '<form method="get" id="sanalpos-bank-form" action="https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment">', $page );

		$a = $this->attempt( 2003 );
		World::bankAnswers( array( 'status' => 200, 'body' => '<VposQueryResponse><Rc>0000</Rc><AuthCode>735879</AuthCode><Rrn>306822971283</Rrn><TransactionId>3ee068d5b5a747ada65dafc0016d5887</TransactionId><AmountCode>949</AmountCode><Amount>10,00</Amount><TransactionType>Sale</TransactionType><OrderID>' . $a->bankOrderId . '</OrderID></VposQueryResponse>' ) );
		$_POST = array();
		$_GET  = array(
			'wc-api'        => 'sanalpos_return',
			't'             => $a->token,
			'TransactionId' => '3ee068d5b5a747ada65dafc0016d5887',
			'PaymentToken'  => 'c5e076e7bf234a339c40afc10166c06d',
		);
		$sent  = $this->sent( array( new CallbackEndpoint( $this->plugin ), 'serve' ) );
		$this->assertSame( array( 303, wc_get_order( 2003 )->get_checkout_order_received_url() ), array( $sent['status'], $sent['redirect'] ) );
		$this->assertSame( 'processing', wc_get_order( 2003 )->get_status() );
		$this->assertSame( array( 'TransactionId' => '3ee068d5b5a747ada65dafc0016d5887', 'PaymentToken' => 'c5e076e7bf234a339c40afc10166c06d' ), array_intersect_key( self::lastRequest(), array_flip( array( 'TransactionId', 'PaymentToken' ) ) ) );
	}

	public function test_the_basket_is_every_line_at_what_woocommerce_charged(): void {
		$order = new \WC_Order( array( 'id' => 2004 ) );
		$lines = array(
			array( \WC_Order_Item_Product::class, array( 'product_id' => 77, 'name' => 'Çaydanlık', 'quantity' => 2, 'total' => '50.00', 'total_tax' => '10.00' ) ),
			array( \WC_Order_Item_Product::class, array( 'product_id' => 78, 'name' => 'E-kitap', 'quantity' => 3, 'total' => '100.00' ) ),
			array( \WC_Order_Item_Shipping::class, array( 'name' => 'Kargo', 'total' => '20.00', 'total_tax' => '3.60' ) ),
			array( \WC_Order_Item_Shipping::class, array( 'name' => 'Mağazadan teslim', 'total' => '0.00' ) ),
			array( \WC_Order_Item_Fee::class, array( 'name' => 'Hediye paketi', 'total' => '5.00' ) ),
		);
		foreach ( $lines as [ $class, $data ] ) {
			$item       = new $class();
			$item->data = $data;
			$order->add_item( $item );
		}
		$order->calculate_totals( false );
		new \WC_Product( 78, '33.33', true );
		World::$terms            = array( (object) array( 'term_id' => 5, 'name' => 'Mutfak' ) );
		World::$productTerms[77] = array( 5 );
		$store = new WcOrderStore( static fn(): array => array() );
		$this->assertSame( '188.60', $store->find( '2004' )->total );
		$this->assertSame(
			array(
				// Two at 30.00 each (tax included).
				array( 'id' => '77', 'name' => 'Çaydanlık', 'unit_price' => '30.00', 'virtual' => false, 'quantity' => 2, 'category' => 'Mutfak' ),
				// 100.00 for three does not split into kuruş: one line at its total.
				array( 'id' => '78', 'name' => 'E-kitap × 3', 'unit_price' => '100.00', 'virtual' => true ),
				array( 'id' => 'shipping-3', 'name' => 'Kargo', 'unit_price' => '23.60', 'virtual' => true ),
				// The free shipping line is left out: providers refuse zero prices.
				array( 'id' => 'fee-5', 'name' => 'Hediye paketi', 'unit_price' => '5.00', 'virtual' => true ),
			),
			$store->find( '2004' )->lines
		);
		// A negative fee (a discount) cannot be a basket line: then no basket at all (the core sends the total).
		$discount       = new \WC_Order_Item_Fee();
		$discount->data = array( 'name' => 'İndirim', 'total' => '-10.00' );
		$order->add_item( $discount );
		$order->save();
		$this->assertSame( array(), $store->find( '2004' )->lines );
	}

	public function test_the_buyer_from_the_billing_or_shipping_address_and_the_filter(): void {
		$order = new \WC_Order( array( 'id' => 2005, 'customer_id' => 12 ) );
		$order->save();
		$store = new WcOrderStore( static fn(): array => array() );
		$this->assertSame(
			array( 'id' => '12', 'phone' => '05321234567', 'address' => 'Bağdat Cad. 1 D:3', 'city' => 'İstanbul', 'country' => 'Türkiye', 'postal_code' => '34728' ),
			$store->find( '2005' )->buyer
		);
		// No billing address (a checkout that asks only for shipping): the shipping address.
		$order->test_set_address( 'billing', array( 'address_1' => '', 'address_2' => '', 'city' => '', 'postcode' => '', 'country' => '' ) );
		$order->test_set_address( 'shipping', array( 'address_1' => 'Unter den Linden 5', 'city' => 'Berlin', 'postcode' => '10117', 'country' => 'DE' ) );
		$order->save();
		// A shop that asks for the national id adds it.
		add_filter( 'sanalpos_buyer', static fn( array $buyer, \WC_Order $o ): array => $buyer + array( 'identity_number' => '10000000146' ), 10, 2 );
		$this->assertSame(
			array( 'id' => '12', 'phone' => '05321234567', 'address' => 'Unter den Linden 5', 'city' => 'Berlin', 'country' => 'Germany', 'postal_code' => '10117', 'identity_number' => '10000000146' ),
			$store->find( '2005' )->buyer
		);
	}

	public function test_a_model_that_needs_the_card_again_is_neither_offered_nor_saved(): void {
		$gateway = $this->configureAccount( 'vakifbank', 'payflex', '3d', array( 'merchant_id' => '000100000013506', 'password' => 'x', 'terminal_id' => 'VP000579' ) );
		$this->assertStringContainsString( 'vakifbank_cp', implode( "\n", $gateway->get_errors() ) );
		$this->assertSame( array(), $this->settings()->accounts() );
		$html = $gateway->generate_settings_html( array(), false );
		$this->assertStringNotContainsString( 'value="payflex:3d"', $html );
		$this->assertStringContainsString( 'value="payflex:regular"', $html );
		$this->assertStringContainsString( 'value="payflex_cp:3d_host"', $html );
		World::$locale = 'tr_TR';
		$turkish       = $this->configureAccount( 'vakifbank', 'payflex', '3d', array( 'merchant_id' => '000100000013506', 'password' => 'x', 'terminal_id' => 'VP000579' ) );
		$this->assertStringContainsString( 'kart bilgisi', implode( "\n", $turkish->get_errors() ) );
	}
}
