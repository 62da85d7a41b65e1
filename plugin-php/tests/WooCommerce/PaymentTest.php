<?php
/**
 * A payment through the plugin end to end: checkout (classic and Blocks), the signed form, the
 * bank's return, after-sale actions — against the native core and the fake bank.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use Automattic\WooCommerce\StoreApi\Exceptions\RouteException;
use Automattic\WooCommerce\StoreApi\Payments\PaymentContext;
use Automattic\WooCommerce\StoreApi\Payments\PaymentResult;
use Sanalpos\Flow\Attempt;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\CallbackEndpoint;
use Sanalpos\WooCommerce\Checkout;
use Sanalpos\WooCommerce\Gateway;
use Sanalpos\WooCommerce\WcOrderStore;

final class PaymentTest extends WcTestCase {
	private const POSTED_CARD = array(
		Checkout::NUMBER       => '4508 0345 0803 4509',
		Checkout::HOLDER       => 'Ayse Yilmaz',
		Checkout::EXPIRY       => '12/30',
		Checkout::CVV          => '000',
		Checkout::INSTALLMENTS => '3',
	);

	protected function setUp(): void {
		parent::setUp();
		$this->configure();
	}

	/** The classic checkout: WooCommerce validates, then asks for the payment. */
	private function pay( int $orderId = 1001, array $post = self::POSTED_CARD ): array {
		$this->order( $orderId );
		$_POST = wp_slash( $post );
		WC()->cart = new \WC_Cart( array(), '1000.00' );
		$gateway   = new Gateway();
		$this->assertTrue( $gateway->validate_fields(), json_encode( World::$notices ) );
		return $gateway->process_payment( $orderId );
	}

	private function attempt( int $orderId = 1001 ): Attempt {
		$attempts = ( new WcOrderStore( static fn(): array => array() ) )->attempts( (string) $orderId );
		return end( $attempts );
	}

	/** The bank posts back to the return URL of the current attempt. */
	private function bankReturn( array $changes = array(), int $orderId = 1001 ): array {
		$a    = $this->attempt( $orderId );
		$post = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments, $changes );
		return ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, $post, '' );
	}

	/** Everything about an order that a callback could change. */
	private function state( int $orderId = 1001 ): array {
		$order = wc_get_order( $orderId );
		return array( $order->get_status(), $order->get_transaction_id(), $order->get_meta_rows(), World::notes( $orderId ), World::events( 'http' ) );
	}

	public function test_process_payment_returns_the_signed_form_and_adds_the_commission_line(): void {
		$result = $this->pay();
		$this->assertSame( 'success', $result['result'] );
		$this->assertSame( 'https://shop.test/checkout/order-pay/1001/?key=' . wc_get_order( 1001 )->get_order_key(), $result['redirect'] );
		$form   = json_decode( $result['sanalpos'], true );
		$fields = array_column( $form['fields'], 'value', 'name' );
		$this->assertSame( 'https://entegrasyon.asseco-see.com.tr/fim/est3Dgate', $form['action'] );
		$this->assertSame( '1025.00', $fields['amount'] );
		$this->assertSame( '3', $fields['taksit'] );
		// The signature, recomputed by the core over every other field, is the one in the form.
		$hash = $fields['HASH'] ?? $fields['hash'];
		unset( $fields['HASH'], $fields['hash'] );
		$this->assertSame( Nestpay::sign( self::$core, $fields ), $hash );
		$this->assertStringStartsWith( 'https://shop.test/wc-api/sanalpos_return/?t=' . $this->attempt()->token, $fields['okUrl'] );

		// The order now costs what the bank is asked for: the commission is its own fee line.
		$order = wc_get_order( 1001 );
		$this->assertSame( '1025.00', $order->get_total() );
		$fees = array_values( $order->get_fees() );
		$this->assertCount( 1, $fees );
		$this->assertSame( '25.00', $fees[0]->get_total() );
		$this->assertSame( 'none', $fees[0]->data['tax_status'] );
		$this->assertSame( 'pending', $order->get_status() );

		// A second try replaces the commission line, it does not add another.
		$_POST = wp_slash( array( Checkout::INSTALLMENTS => '1' ) + self::POSTED_CARD );
		( new Gateway() )->process_payment( 1001 );
		$this->assertSame( '1000.00', wc_get_order( 1001 )->get_total() );
		$this->assertCount( 0, wc_get_order( 1001 )->get_fees() );
	}

	public function test_invalid_card_or_installments_reach_the_shopper_in_their_language(): void {
		$this->order();
		WC()->cart = new \WC_Cart( array(), '1000.00' );
		World::$locale = 'tr_TR';
		$_POST = wp_slash( array( Checkout::NUMBER => '4508 0345 0803 4508' ) + self::POSTED_CARD );
		$this->assertFalse( ( new Gateway() )->validate_fields() );
		$this->assertSame( 'Kart numarası geçersiz (kontrol basamağı)', World::$notices[0][1] );
		$_POST = wp_slash( array( Checkout::INSTALLMENTS => '6' ) + self::POSTED_CARD );
		$this->assertFalse( ( new Gateway() )->validate_fields() );
		$_POST = wp_slash( array( Checkout::INSTALLMENTS => '1' ) );
		$this->assertFalse( ( new Gateway() )->validate_fields() );
		$this->assertCount( 3, World::$notices );
		$this->assertSame( array(), ( new WcOrderStore( static fn(): array => array() ) )->attempts( '1001' ), 'nothing stored' );
	}

	public function test_blocks_checkout_pays_through_the_payment_context_and_throws_readable_errors(): void {
		$order   = $this->order();
		$context = new PaymentContext();
		$context->set_payment_method( 'sanalpos' );
		$context->set_order( $order );
		$context->set_payment_data( self::POSTED_CARD );
		$result = new PaymentResult();
		do_action_ref_array( 'woocommerce_rest_checkout_process_payment_with_context', array( $context, &$result ) );
		$this->assertSame( 'success', $result->status );
		$this->assertSame( $order->get_checkout_payment_url( true ), $result->redirect_url );
		$form = json_decode( $result->payment_details['sanalpos'], true );
		$this->assertSame( '1025.00', array_column( $form['fields'], 'value', 'name' )['amount'] );

		$context->set_payment_data( array( Checkout::INSTALLMENTS => '7' ) + self::POSTED_CARD );
		$failed = new PaymentResult();
		try {
			do_action_ref_array( 'woocommerce_rest_checkout_process_payment_with_context', array( $context, &$failed ) );
			$this->fail( 'the block checkout must get an exception' );
		} catch ( RouteException $e ) {
			$this->assertStringContainsString( 'installments is not available', $e->getMessage() );
		}

		// Another method's payment is left to its own gateway.
		$other = new PaymentContext();
		$other->set_payment_method( 'cod' );
		$untouched = new PaymentResult();
		do_action_ref_array( 'woocommerce_rest_checkout_process_payment_with_context', array( $other, &$untouched ) );
		$this->assertSame( '', $untouched->status );
	}

	public function test_an_authentic_callback_pays_once_with_references(): void {
		$this->pay();
		$a = $this->attempt();
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$post   = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments );
		$answer = ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, $post, '' );
		$order  = wc_get_order( 1001 );
		$this->assertSame( 303, $answer['status'] );
		$this->assertSame( $order->get_checkout_order_received_url(), $answer['location'] );
		$this->assertSame( 'processing', $order->get_status() );
		$this->assertSame( '22303RqiC11252', $order->get_transaction_id() );
		$this->assertSame( 'P83516', WcOrderStore::references( $order )['auth_code'] );
		$this->assertStringContainsString( 'Card 450803***4509', implode( "\n", World::notes( 1001 ) ) );
		$before = $this->state();

		// Replayed: nothing changes, nothing is sent, the shopper still lands on the thank-you page.
		$again = ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, $post, '' );
		$this->assertSame( $answer['location'], $again['location'] );
		$this->assertSame( $before, $this->state() );
		$this->assertCount( 1, World::events( 'payment_complete' ) );
		$this->assertCount( 1, World::events( 'http' ) );
	}

	public function test_the_served_endpoint_reads_slashed_post_and_the_raw_body(): void {
		$this->pay();
		$a = $this->attempt();
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		// A value with a quote and a backslash: WordPress slashes $_POST; the signature is over the original.
		$post = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments, array( 'ErrMsg' => "O'Brien \\ test" ) );
		$_GET  = array( 't' => $a->token );
		$_POST = wp_slash( $post );
		$raw   = tempnam( sys_get_temp_dir(), 'body' );
		file_put_contents( $raw, http_build_query( $post ) );
		CallbackEndpoint::$input      = $raw;
		$_SERVER['CONTENT_TYPE']      = 'application/x-www-form-urlencoded';
		$sent = $this->sent( array( new CallbackEndpoint( $this->plugin ), 'serve' ) );
		CallbackEndpoint::$input = 'php://input';
		unlink( $raw );
		$this->assertSame( 303, $sent['status'] );
		$this->assertSame( 'processing', wc_get_order( 1001 )->get_status() );
	}

	public function test_every_tampered_field_is_rejected_without_any_change(): void {
		$this->pay();
		$a      = $this->attempt();
		$good   = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments );
		$before = $this->state();
		foreach ( array_keys( $good ) as $key ) {
			$forged         = $good;
			$forged[ $key ] = 'HASH' === $key ? strrev( $good[ $key ] ) : $good[ $key ] . '1';
			$answer         = ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, $forged, '' );
			$this->assertSame( 400, $answer['status'], $key );
		}
		$unsigned = $good;
		unset( $unsigned['HASH'] );
		$this->assertSame( 400, ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, $unsigned, '' )['status'] );
		$this->assertSame( 400, ( new CallbackEndpoint( $this->plugin ) )->handle( str_repeat( '0', 32 ), $good, '' )['status'] );
		$this->assertSame( $before, $this->state() );
		$this->assertSame( array(), World::events( 'payment_complete' ) );
	}

	public function test_an_amount_or_currency_mismatch_fails_the_order_with_a_note(): void {
		$this->pay();
		$answer = $this->bankReturn( array( 'amount' => '1.00' ) );
		$this->assertSame( 303, $answer['status'] );
		$this->assertStringContainsString( 'order-pay/1001/', $answer['location'] );
		$this->assertStringContainsString( 'sanalpos_error=callback-amount_mismatch', $answer['location'] );
		$this->assertSame( 'failed', wc_get_order( 1001 )->get_status() );
		$this->assertStringContainsString( 'callback.amount_mismatch', implode( "\n", World::notes( 1001 ) ) );

		$this->pay( 1002 );
		$this->bankReturn( array( 'currency' => '840' ), 1002 );
		$this->assertSame( 'failed', wc_get_order( 1002 )->get_status() );
		$this->assertStringContainsString( 'callback.currency_mismatch', implode( "\n", World::notes( 1002 ) ) );
		$this->assertSame( array(), World::events( 'payment_complete' ) );

		// The shopper is shown why, on the order-pay page, without a session.
		ob_start();
		$_GET = array( 'sanalpos_error' => 'callback-amount_mismatch' );
		( new Gateway() )->receipt_page( 1001 );
		$page = (string) ob_get_clean();
		$this->assertStringContainsString( 'The payment could not be confirmed', $page );
		$this->assertStringContainsString( 'data-sanalpos-form', $page, 'and can pay again' );
	}

	public function test_a_bank_timeout_or_garbage_leaves_the_order_pending_until_check_status(): void {
		$this->pay();
		$a = $this->attempt();
		World::bankAnswers( array( 'error' => 'cURL error 28: Operation timed out' ) );
		$answer = $this->bankReturn();
		$this->assertSame( $a->token, $this->attempt()->token );
		$this->assertStringContainsString( 'order-received', $answer['location'] );
		$this->assertSame( 'pending', wc_get_order( 1001 )->get_status() );
		$this->assertStringContainsString( 'Check status with bank', implode( "\n", World::notes( 1001 ) ) );
		$this->assertCount( 1, World::events( 'http' ) );

		// The thank-you page says the payment is being verified.
		ob_start();
		( new Gateway() )->thankyou_page( 1001 );
		$this->assertStringContainsString( 'being verified', (string) ob_get_clean() );

		// The owner's "Check status with bank": garbage first (nothing changes), then the real answer.
		$admin   = new \Sanalpos\WooCommerce\Admin( $this->plugin );
		$actions = $admin->orderActions( array(), wc_get_order( 1001 ) );
		$this->assertArrayHasKey( 'sanalpos_check_status', $actions );
		World::bankAnswers( array( 'status' => 200, 'body' => '<html>Bakım çalışması</html>' ) );
		$admin->checkStatus( wc_get_order( 1001 ) );
		$this->assertSame( 'pending', wc_get_order( 1001 )->get_status() );
		World::bankAnswers( Nestpay::status( $a->bankOrderId, 'S', '102500' ) );
		$admin->checkStatus( wc_get_order( 1001 ) );
		$this->assertSame( 'processing', wc_get_order( 1001 )->get_status() );
		$this->assertCount( 1, World::events( 'payment_complete' ) );
	}

	public function test_a_cancelled_order_is_never_revived_silently(): void {
		$this->pay();
		$a = $this->attempt();
		wc_get_order( 1001 )->update_status( 'cancelled' );
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$this->bankReturn();
		$this->assertSame( 'cancelled', wc_get_order( 1001 )->get_status() );
		$this->assertSame( array(), World::events( 'payment_complete' ) );
		$this->assertStringContainsString( 'ATTENTION', implode( "\n", World::notes( 1001 ) ) );
	}

	public function test_refunds_full_and_partial(): void {
		$this->pay();
		$a = $this->attempt();
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$this->bankReturn();
		$gateway = new Gateway();

		// A partial refund, as wc_create_refund() does it: recorded first, then the gateway asked.
		wc_get_order( 1001 )->test_add_refund( '25.00' );
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$this->assertTrue( $gateway->process_refund( 1001, 25, 'damaged box' ) );
		$sent = World::events( 'http' );
		$this->assertStringContainsString( '<Type>Credit</Type>', end( $sent )['body'] );
		$this->assertStringContainsString( '<Total>25.00</Total>', end( $sent )['body'] );

		// The bank refuses: the owner reads the bank's words.
		wc_get_order( 1001 )->test_add_refund( '100.00' );
		World::bankAnswers( Nestpay::cc5( '99', 'Error', $a->bankOrderId ) );
		$refused = $gateway->process_refund( 1001, '100.00', '' );
		$this->assertInstanceOf( \WP_Error::class, $refused );
		$this->assertStringContainsString( 'Yetersiz bakiye', $refused->get_error_message() );

		// The rest, the same day: the whole payment... already partly refunded, so a refund.
		wc_get_order( 1001 )->test_add_refund( '900.00' );
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$this->assertTrue( $gateway->process_refund( 1001, '900.00', '' ) );
		$sent = World::events( 'http' );
		$this->assertStringContainsString( '<Type>Void</Type>', end( $sent )['body'], 'the refunded total reached the order total on the payment day: a void' );
	}

	public function test_the_pay_endpoint_serves_the_order_pay_page(): void {
		$order = $this->order();
		$post  = array(
			'order_id'      => '1001',
			'key'           => $order->get_order_key(),
			'_wpnonce'      => wp_create_nonce( 'sanalpos-pay-1001' ),
			'sanalpos_ajax' => '1',
		) + self::POSTED_CARD;
		$checkout = new Checkout( $this->plugin );

		$_POST = wp_slash( array( 'key' => 'wc_order_wrong' ) + $post );
		$this->assertSame( 403, $this->sent( array( $checkout, 'servePayEndpoint' ) )['status'] );

		$_POST = wp_slash( $post );
		$sent  = json_decode( $this->sent( array( $checkout, 'servePayEndpoint' ) )['body'], true );
		$this->assertSame( 'success', $sent['result'] );
		$this->assertSame( '1025.00', array_column( json_decode( $sent['sanalpos'], true )['fields'], 'value', 'name' )['amount'] );

		// Without JavaScript: the auto-submitting form itself.
		unset( $post['sanalpos_ajax'] );
		$_POST = wp_slash( $post );
		$html  = $this->sent( array( $checkout, 'servePayEndpoint' ) )['body'];
		$this->assertStringContainsString( 'action="https://entegrasyon.asseco-see.com.tr/fim/est3Dgate"', $html );
		$this->assertStringContainsString( '.submit()', $html );
	}

	public function test_bank_page_models_post_no_card_and_the_receipt_page_sends_the_shopper_on(): void {
		$this->configure( '3d_pay_hosting' );
		$result = $this->pay( 1001, array( Checkout::BIN => '45080345', Checkout::INSTALLMENTS => '1' ) );
		$form   = json_decode( $result['sanalpos'], true );
		$this->assertSame( 'bank_page', $form['card_entry'] );
		$this->assertStringNotContainsString( '4508034508034509', $result['sanalpos'] );
		ob_start();
		( new Gateway() )->receipt_page( 1001 );
		$page = (string) ob_get_clean();
		$this->assertStringContainsString( 'id="sanalpos-bank-form"', $page );
		$this->assertSame( '', wc_get_order( 1001 )->get_meta( Checkout::NEXT ), 'used once' );
	}

	public function test_no_card_data_in_logs_notes_meta_or_answers(): void {
		$answers = array( $this->pay() );
		$a       = $this->attempt();
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ), Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$answers[] = $this->bankReturn();
		$answers[] = $this->bankReturn( array( 'amount' => '5.00' ) );
		wc_get_order( 1001 )->test_add_refund( '10.00' );
		$answers[] = ( new Gateway() )->process_refund( 1001, '10.00', '' );
		// A mistyped card: refused at validation and at payment.
		$this->order( 1002 );
		$_POST = wp_slash( array( Checkout::NUMBER => '4508 0345 0803 4508' ) + self::POSTED_CARD );
		$this->assertFalse( ( new Gateway() )->validate_fields() );
		$answers[] = ( new Gateway() )->process_payment( 1002 );
		$this->assertSame( 'failure', end( $answers )['result'] );

		$this->assertNotEmpty( World::events( 'log' ), 'debug logging was on' );
		$captured = json_encode(
			array(
				World::events( 'log' ),
				World::notes( 1001 ),
				World::notes( 1002 ),
				wc_get_order( 1001 )->get_meta_rows(),
				wc_get_order( 1002 )->get_meta_rows(),
				World::$notices,
				// The checkout's own answer to the shopper's browser carries the card in the signed
				// form for `server` models (the bank signs it); every other answer is scanned.
				array_slice( $answers, 1 ),
			),
			JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE
		);
		foreach ( array( '4508034508034509', '4508 0345 0803 4509', '4508034508034508', 'TRPS0200', 'ISBANK07' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $captured );
		}
		$this->assertDoesNotMatchRegularExpression( '/(cv2|cvv|CVV)[^,}]{0,12}\b000\b/', $captured );
		$this->assertDoesNotMatchRegularExpression( '/12\/30|"expiry"/', $captured );
	}

	public function test_the_shopper_reads_turkish(): void {
		World::$locale = 'tr_TR';
		$this->assertStringContainsString( 'Kart numarası', ( new Checkout( $this->plugin ) )->cardFormHtml( true ) );
		$this->assertSame( 'Bankanız ödemeyi reddetti. Lütfen kart bilgilerinizi kontrol edin veya başka bir kart kullanın.', \Sanalpos\WooCommerce\Messages::forReason( 'bank.declined' ) );
		$this->assertSame( 'Kredi veya banka kartı', ( new Gateway() )->form_fields['title']['default'] );
	}
}
