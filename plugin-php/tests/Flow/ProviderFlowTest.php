<?php
/**
 * The payment flow with the families whose 3D page is not one plain form, or whose result comes
 * server-to-server: PayTR (an embedded page, the notification; the Direct API form the browser
 * completes), ParamPos (the bank's HTML page), KuveytTürk (a form read from the bank's answer),
 * PayFlex Common Payment (a GET form and a GET return), iyzico (the basket and the buyer), PayFlex
 * MPI (refused: the card would be needed again). Against the native core and a fake bank.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Flow;

use Closure;
use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Core;
use Sanalpos\Flow\Attempt;
use Sanalpos\Flow\PaymentException;
use Sanalpos\Flow\PaymentFlow;
use Sanalpos\Flow\Settings;
use Sanalpos\Tests\Support\ArrayLogger;
use Sanalpos\Tests\Support\CliEngine;
use Sanalpos\Tests\Support\FakeBank;
use Sanalpos\Tests\Support\FixedClock;
use Sanalpos\Tests\Support\MemoryOrderStore;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\Param;
use Sanalpos\Tests\Support\PayTr;
use Sanalpos\Tests\Support\ProcessLock;

final class ProviderFlowTest extends TestCase {
	/** Two kettles and the buyer's address, as WcOrderStore reads them from an order. */
	private const LINES = array(
		array(
			'id'         => '77',
			'name'       => 'Çaydanlık',
			'unit_price' => '500.00',
			'quantity'   => 2,
			'category'   => 'Mutfak',
		),
	);
	private const BUYER = array(
		'id'          => '42',
		'phone'       => '05321234567',
		'address'     => 'Bağdat Cad. 1 D:3',
		'city'        => 'İstanbul',
		'country'     => 'Türkiye',
		'postal_code' => '34728',
	);

	/** VakıfBank Common Payment's test merchant and its register answer (mewebstudio/pos test data, core payflex_cp tests). */
	private const PAYFLEX_CP = array(
		'merchant_id' => '000000000111111',
		'password'    => '3XTgER89as',
		'terminal_id' => 'VP000579',
	);
	private const REGISTERED = array(
		'status' => 200,
		'body'   => '<RegisterResponse><CommonPaymentUrl>https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment</CommonPaymentUrl><PaymentToken>c5e076e7bf234a339c40afc10166c06d</PaymentToken><ErrorCode /><ResponseMessage /></RegisterResponse>',
	);

	private static ?Core $core = null;
	private MemoryOrderStore $orders;
	private FakeBank $bank;

	protected function setUp(): void {
		self::$core ??= new Core( new CliEngine() );
		$this->orders = new MemoryOrderStore();
		$this->bank   = new FakeBank();
	}

	/** A flow with one account; installments 1 and 3 (2.5 %, added to the price). */
	private function flow( string $gateway, string $model, array $credentials ): PaymentFlow {
		$settings = new Settings(
			'test',
			array(
				'pos' => array(
					'gateway'     => $gateway,
					'model'       => $model,
					'credentials' => $credentials,
				),
			),
			'pos',
			array(
				array(
					'family' => 'default',
					'mode'   => 'markup',
					'rates'  => array(
						array(
							'count' => 1,
							'rate'  => '0',
						),
						array(
							'count' => 3,
							'rate'  => '2.5',
						),
					),
				),
			)
		);
		return new PaymentFlow( self::$core, $settings, $this->orders, $this->bank, new ProcessLock(), new ArrayLogger(), new FixedClock() );
	}

	private static function returnUrl(): \Closure {
		return static fn( string $token ): string => "https://shop.example/return?t=$token";
	}

	private function attempt( string $orderId ): Attempt {
		$attempts = $this->orders->attempts( $orderId );
		return end( $attempts );
	}

	/** @return array<string, string> A form-urlencoded request body as a map. */
	private static function fields( string $body ): array {
		parse_str( $body, $fields );
		return $fields;
	}

	public function test_paytr_shows_its_page_embedded_and_its_notification_pays_once(): void {
		$flow = $this->flow( 'paytr', '3d_host', PayTr::CREDENTIALS );
		$this->orders->add( '5001', '1000.00', array(), 'TRY', self::LINES, self::BUYER );
		$this->bank->answers[] = PayTr::token( 'a1b2c3' );
		$next = $flow->start( '5001', array( 'installments' => 3, 'bin' => '45080345' ), self::returnUrl() );
		$this->assertEquals( array( 'url' => 'https://www.paytr.com/odeme/guvenli/a1b2c3', 'embed' => true ), $next['redirect'] );
		$this->assertSame( array( 'redirect', 'pending', $this->attempt( '5001' )->token ), array( $next['type'], $next['status'], $next['attempt'] ) );

		// The token request carries the basket with the commission line (adding up to the charged
		// 1025.00) and the buyer.
		$sent = self::fields( $this->bank->requests[0]['body'] );
		$this->assertSame( '102500', $sent['payment_amount'] );
		$this->assertSame( array( array( 'Çaydanlık', '500.00', 2 ), array( 'Installment commission', '25.00', 1 ) ), json_decode( base64_decode( $sent['user_basket'] ), true ) );
		$this->assertSame( array( '05321234567', 'Bağdat Cad. 1 D:3', 'Ayşe Yılmaz' ), array( $sent['user_phone'], $sent['user_address'], $sent['user_name'] ) );
		$this->assertSame( 'https://shop.example/return?t=' . $next['attempt'], $sent['merchant_ok_url'] );

		// The shopper comes back before the notification, with nothing: the order waits.
		$a = $this->attempt( '5001' );
		$this->assertSame( 'pending', $flow->handleCallback( $a->token, array() )['status'] );
		$this->assertSame( 'pending', $this->orders->orders['5001']['status'] );

		// Forged, or for an order PayTR never had: no `OK`, so that a genuine one is resent.
		$post   = PayTr::notification( self::$core, $a->bankOrderId, 'success', '102500' );
		$forged = array( 'total_amount' => '102600' ) + $post;
		$this->assertSame( array( 'rejected', null ), array( $flow->handleNotification( $forged )['status'], $flow->handleNotification( $forged )['reply'] ?? null ) );
		$this->assertSame( 'unknown', $flow->handleNotification( array( 'merchant_oid' => '5001S9ABCD' ) + $post )['status'] );
		$this->assertSame( 'unknown', $flow->handleNotification( array( 'status' => 'success' ) )['status'] );
		$this->assertSame( 0, $this->orders->paidCalls['5001'] ?? 0 );

		// The notification pays the order; its duplicates are answered `OK` and change nothing.
		$answer = $flow->handleNotification( $post );
		$this->assertSame( array( 'paid', 'OK' ), array( $answer['status'], $answer['reply'] ) );
		$this->assertSame( array( 'paid', 'OK' ), array( $flow->handleNotification( $post )['status'], $flow->handleNotification( $post )['reply'] ) );
		$this->assertSame( 1, $this->orders->paidCalls['5001'] );
		$this->assertSame( '1025.00', $this->orders->orders['5001']['refs']['total_amount'] );
		$this->assertCount( 1, $this->bank->requests, 'a notification needs no request to the bank' );
		// And the shopper's return now lands on a paid order.
		$this->assertSame( 'paid', $flow->handleCallback( $a->token, array() )['status'] );
	}

	public function test_a_failed_paytr_notification_fails_the_order_and_is_answered_ok(): void {
		$flow = $this->flow( 'paytr', '3d_host', PayTr::CREDENTIALS );
		$this->orders->add( '5002', '1000.00', array(), 'TRY', array(), self::BUYER );
		$this->bank->answers[] = PayTr::token( 't' );
		$flow->start( '5002', array( 'bin' => '45080345' ), self::returnUrl() );
		$answer = $flow->handleNotification( PayTr::notification( self::$core, $this->attempt( '5002' )->bankOrderId, 'failed', '100000' ) );
		$this->assertSame( array( 'failed', 'OK' ), array( $answer['status'], $answer['reply'] ) );
		$this->assertSame( 'failed', $this->orders->orders['5002']['status'] );
		$this->assertStringContainsString( 'Kart limiti yetersiz', end( $this->orders->notes['5002'] ) );
		// The order id alone names the order in PayTR's basket when the shop gives no lines.
		$basket = json_decode( base64_decode( self::fields( $this->bank->requests[0]['body'] )['user_basket'] ), true );
		$this->assertSame( array( array( $this->attempt( '5002' )->bankOrderId, '1000.00', 1 ) ), $basket );
	}

	/**
	 * PayTR's Direct API with the card typed in the browser: the form for installments names the
	 * card program field (`card_type`, outside the token) for the browser to add with the card; a
	 * single payment's names none.
	 */
	public function test_paytr_direct_api_leaves_the_card_and_its_program_to_the_browser(): void {
		$flow = $this->flow( 'paytr', '3d_pay', PayTr::CREDENTIALS );
		$this->orders->add( '5009', '1000.00', array(), 'TRY', self::LINES, self::BUYER );
		$next = $flow->start( '5009', array( 'installments' => 3, 'bin' => '43550843' ), self::returnUrl() );
		$form = $next['form'];
		$this->assertSame( array( 'form', 'browser' ), array( $next['type'], $form['card_entry'] ) );
		$fields = array_column( $form['fields'], 'value', 'name' );
		$this->assertSame( array( '3', '1025.00' ), array( $fields['installment_count'], $fields['payment_amount'] ) );
		$this->assertArrayNotHasKey( 'card_type', $fields, 'the browser adds it' );
		$this->assertArrayNotHasKey( 'card_number', $fields );
		$this->assertSame( 'card_type', $form['card_fields']['program'][0] );
		$this->assertContains( array( 'bankkart', 'combo' ), $form['card_fields']['program'][1] );
		$this->assertSame( array(), $this->bank->requests, 'nothing goes server-to-server' );

		$this->orders->add( '5010', '1000.00', array(), 'TRY', self::LINES, self::BUYER );
		$single = $flow->start( '5010', array( 'bin' => '43550843' ), self::returnUrl() );
		$this->assertSame( '0', array_column( $single['form']['fields'], 'value', 'name' )['installment_count'] );
		$this->assertNull( $single['form']['card_fields']['program'] );
	}

	public function test_a_notification_never_accepts_an_unsigned_message(): void {
		// PayFlex Common Payment returns are not signed: fine for the token-bound return (the
		// result query decides), never at the shop-wide notification address.
		$flow = $this->flow( 'vakifbank_cp', '3d_host', self::PAYFLEX_CP );
		$this->orders->add( '5003', '10.00' );
		$this->bank->answers[] = self::REGISTERED;
		$flow->start( '5003', array( 'bin' => '45080345' ), self::returnUrl() );
		$answer = $flow->handleNotification(
			array(
				'merchant_oid' => $this->attempt( '5003' )->bankOrderId,
				'Rc'           => '2053',
				'Message'      => 'x',
			)
		);
		$this->assertSame( 'rejected', $answer['status'] );
		$this->assertSame( 'pending', $this->orders->orders['5003']['status'] );
	}

	/**
	 * PayFlex Common Payment: the register answer becomes a GET form to the bank's page; the bank
	 * returns by address (GET) and the result query decides.
	 */
	public function test_a_get_form_and_a_get_return(): void {
		$flow = $this->flow( 'vakifbank_cp', '3d_host', self::PAYFLEX_CP );
		$this->orders->add( '5004', '10.00' );
		$this->bank->answers[] = self::REGISTERED;
		$next = $flow->start( '5004', array( 'bin' => '45080345' ), self::returnUrl() );
		$this->assertSame( 'form', $next['type'] );
		$this->assertSame( array( 'GET', 'https://cptest.vakifbank.com.tr/CommonPayment/SecurePayment', 'bank_page' ), array( $next['form']['method'], $next['form']['action'], $next['form']['card_entry'] ) );
		$this->assertSame( array( array( 'name' => 'Ptkn', 'value' => 'c5e076e7bf234a339c40afc10166c06d' ) ), $next['form']['fields'] );

		$a                     = $this->attempt( '5004' );
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<VposQueryResponse><Rc>0000</Rc><AuthCode>735879</AuthCode><Rrn>306822971283</Rrn><TransactionId>3ee068d5b5a747ada65dafc0016d5887</TransactionId><PaymentToken>c5e076e7bf234a339c40afc10166c06d</PaymentToken><AmountCode>949</AmountCode><Amount>10,00</Amount><TransactionType>Sale</TransactionType><OrderID>' . $a->bankOrderId . '</OrderID></VposQueryResponse>',
		);
		$answer = $flow->handleCallback(
			$a->token,
			array(
				'TransactionId' => '3ee068d5b5a747ada65dafc0016d5887',
				'PaymentToken'  => 'c5e076e7bf234a339c40afc10166c06d',
			)
		);
		$this->assertSame( 'paid', $answer['status'] );
		$this->assertStringEndsWith( '/CommonPayment/api/VposTransaction', $this->bank->requests[1]['url'] );
		$this->assertSame( '735879', $this->orders->orders['5004']['refs']['auth_code'] );
	}

	/** ParamPos `3d`: the payment start answers the bank's 3D page (`UCD_HTML`): an `html` step. */
	public function test_a_banks_html_page_comes_back_as_an_html_step(): void {
		$flow = $this->flow( 'param', '3d', Param::CREDENTIALS );
		$this->orders->add( '5005', '100.00' );
		$this->bank->answers[] = Closure::fromCallable( array( Param::class, 'startAnswer' ) );
		$next = $flow->start( '5005', array( 'card' => Nestpay::CARD ), self::returnUrl() );
		$this->assertSame( array( 'html', Param::PAGE ), array( $next['type'], $next['html'] ) );
		$this->assertSame( 'pending', $this->orders->orders['5005']['status'] );
	}

	/** KuveytTürk `3d`: the enrollment answer is the bank's page, read into a form (`redirect` outcome). */
	public function test_a_form_read_from_the_banks_answer(): void {
		$flow = $this->flow(
			'kuveytturk',
			'3d',
			array(
				'merchant_id' => '496',
				'customer_id' => '400235',
				'username'    => 'apitest',
				'password'    => 'api123',
			)
		);
		$this->orders->add( '5006', '100.00' );
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<html><body onload="document.forms[0].submit()"><form name="downloadForm" action="https://acs.example/pareq" method="POST"><input type="hidden" name="PaReq" value="eJxVUdtu"><input type="hidden" name="MD" value="md-1"></form></body></html>',
		);
		$next = $flow->start( '5006', array( 'card' => Nestpay::CARD ), self::returnUrl() );
		$this->assertSame( array( 'form', 'https://acs.example/pareq', 'POST' ), array( $next['type'], $next['form']['action'], $next['form']['method'] ) );
		$this->assertSame( array( 'PaReq', 'MD' ), $next['form']['sensitive'], 'a form read from a bank page is all sensitive' );
	}

	/** iyzico checks the buyer and that `price` is the basket's sum: the commission line keeps it the charged amount. */
	public function test_iyzico_gets_the_basket_with_the_commission_and_the_buyer(): void {
		$flow = $this->flow( 'iyzico', '3d', array( 'api_key' => 'sandbox-key', 'secret_key' => 'sandbox-secret' ) );
		$this->orders->add( '5007', '1000.00', array(), 'TRY', self::LINES, self::BUYER );
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '{"status":"failure","errorCode":"12","errorMessage":"Kart numarası geçersizdir","errorGroup":"INVALID_CARD"}',
		);
		try {
			$flow->start( '5007', array( 'installments' => 3, 'card' => Nestpay::CARD ), self::returnUrl() );
			$this->fail( 'the refused start must throw' );
		} catch ( PaymentException $e ) {
			$this->assertSame( 'bank.declined', $e->reason() );
		}
		$sent = json_decode( $this->bank->requests[0]['body'], true );
		$this->assertSame( array( '1025.0', '1025.0' ), array( $sent['price'], $sent['paidPrice'] ) );
		$this->assertSame( array( '1000.0', '25.0' ), array_column( $sent['basketItems'], 'price' ) );
		$this->assertSame( array( 'Mutfak', 'General' ), array_column( $sent['basketItems'], 'category1' ) );
		$this->assertSame( array( '42', '05321234567', 'İstanbul', 'Türkiye', '34728' ), array( $sent['buyer']['id'], $sent['buyer']['gsmNumber'], $sent['buyer']['city'], $sent['buyer']['country'], $sent['buyer']['zipCode'] ) );
		$this->assertSame( 'failed', $this->orders->orders['5007']['status'] );
	}

	/** PayFlex MPI `3d` would need the card again after 3D Secure: refused before anything is sent. */
	public function test_a_model_that_needs_the_card_again_is_refused(): void {
		$flow = $this->flow( 'vakifbank', '3d', array( 'merchant_id' => '000100000013506', 'password' => 'x', 'terminal_id' => 'VP000579' ) );
		$this->orders->add( '5008', '100.00' );
		try {
			$flow->start( '5008', array( 'card' => Nestpay::CARD ), self::returnUrl() );
			$this->fail( 'payflex 3d must be refused' );
		} catch ( PaymentException $e ) {
			$this->assertSame( 'config.card_again', $e->reason() );
		}
		$this->assertSame( array(), $this->bank->requests );
		$this->assertSame( array(), $this->orders->attempts( '5008' ) );
	}
}
