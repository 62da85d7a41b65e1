<?php
/**
 * The payment flow end to end against the native core, with test doubles for the shop's
 * orders and the bank's server (NestPay, 3D model with a provision).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Flow;

use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Core;
use Sanalpos\Flow\Attempt;
use Sanalpos\Flow\HttpFailure;
use Sanalpos\Flow\PaymentException;
use Sanalpos\Flow\PaymentFlow;
use Sanalpos\Flow\Settings;
use Sanalpos\Tests\Support\ArrayLogger;
use Sanalpos\Tests\Support\CliEngine;
use Sanalpos\Tests\Support\FakeBank;
use Sanalpos\Tests\Support\FixedClock;
use Sanalpos\Tests\Support\MemoryOrderStore;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\ProcessLock;

final class PaymentFlowTest extends TestCase {
	private const CARD        = Nestpay::CARD;
	private const CREDENTIALS = Nestpay::CREDENTIALS;

	private static ?Core $core = null;
	private MemoryOrderStore $orders;
	private FakeBank $bank;
	private ArrayLogger $logger;
	private FixedClock $clock;
	private PaymentFlow $flow;

	protected function setUp(): void {
		self::$core ??= new Core( new CliEngine() );
		$this->orders = new MemoryOrderStore();
		$this->bank   = new FakeBank();
		$this->logger = new ArrayLogger();
		$this->clock  = new FixedClock();
		$settings     = new Settings(
			'test',
			array(
				'isbank' => array(
					'gateway'     => 'isbank',
					'model'       => '3d',
					'credentials' => self::CREDENTIALS,
				),
				'ziraat' => array(
					'gateway'     => 'ziraat',
					'model'       => '3d_host',
					'credentials' => self::CREDENTIALS,
				),
			),
			'isbank',
			array(
				array(
					'family' => 'default',
					'pos'    => 'isbank',
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
				array(
					'family' => 'bankkart',
					'pos'    => 'ziraat',
					'mode'   => 'absorb',
					'rates'  => array(
						array(
							'count' => 1,
							'rate'  => '0',
						),
						array(
							'count' => 6,
							'rate'  => '4',
						),
					),
				),
			)
		);
		$this->flow = new PaymentFlow( self::$core, $settings, $this->orders, $this->bank, new ProcessLock(), $this->logger, $this->clock );
	}

	private function startPayment( string $orderId = '1001', int $installments = 3 ): array {
		$this->orders->add( $orderId, '1000.00' );
		return $this->flow->start(
			$orderId,
			array(
				'installments' => $installments,
				'card'         => self::CARD,
				'lang'         => 'tr',
			),
			static fn( string $token ): string => 'https://shop.example/?wc-api=sanalpos&t=' . $token
		);
	}

	private function attempt( string $orderId = '1001' ): Attempt {
		$attempts = $this->orders->attempts( $orderId );
		return end( $attempts );
	}

	/** The callback a bank would post for the current attempt, signed with the store key. */
	private function bankCallback( array $changes = array(), string $orderId = '1001' ): array {
		$a = $this->attempt( $orderId );
		return Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments, $changes );
	}

	private static function cc5( string $code, string $response, string $orderId ): array {
		return Nestpay::cc5( $code, $response, $orderId );
	}

	public function test_start_prices_adds_the_commission_and_returns_the_signed_form(): void {
		$next = $this->startPayment();
		$this->assertSame( 'form', $next['type'] );
		$this->assertSame( 'https://entegrasyon.asseco-see.com.tr/fim/est3Dgate', $next['form']['action'] );
		$fields = array_column( $next['form']['fields'], 'value', 'name' );
		$this->assertSame( '1025.00', $fields['amount'], 'the bank is sent the quoted total' );
		$this->assertSame( '3', $fields['taksit'] );
		$this->assertSame( '1025.00', $this->orders->find( '1001' )->total, 'the commission is on the order' );
		$a = $this->attempt();
		$this->assertSame( Attempt::PENDING, $a->status );
		$this->assertMatchesRegularExpression( '/^1001S1[0-9A-F]{4}$/', $a->bankOrderId );
		$this->assertSame( $a->bankOrderId, $fields['oid'] );
		$this->assertStringContainsString( $a->token, $fields['okUrl'] );
		$this->assertSame( $fields['okUrl'], $a->returnUrl, 'kept for banks that sign it into the provision (Vakıf Katılım)' );
	}

	public function test_an_authentic_callback_provisions_and_pays_exactly_once(): void {
		$this->startPayment();
		$post = $this->bankCallback();
		$this->bank->answers[] = self::cc5( '00', 'Approved', $this->attempt()->bankOrderId );
		$first = $this->flow->handleCallback( $this->attempt()->token, $post );
		$this->assertSame( 'paid', $first['status'] );
		$this->assertCount( 1, $this->bank->requests, 'one provision' );
		$this->assertStringContainsString( '<Number>450803:ABCDEF:3545:##700655000200</Number>', $this->bank->requests[0]['body'] );
		$this->assertStringContainsString( '<Total>1025.00</Total>', $this->bank->requests[0]['body'] );
		$this->assertSame( 'paid', $this->orders->orders['1001']['status'] );
		$this->assertSame( '22303RqiC11252', $this->orders->orders['1001']['txn'] );
		$this->assertSame( 'P83516', $this->orders->orders['1001']['refs']['auth_code'] );
		$notes = count( $this->orders->notes['1001'] );

		// The same callback again (a replay, or the shopper's browser posting twice).
		$again = $this->flow->handleCallback( $this->attempt()->token, $post );
		$this->assertSame( 'paid', $again['status'] );
		$this->assertCount( 1, $this->bank->requests, 'no second provision' );
		$this->assertSame( 1, $this->orders->paidCalls['1001'], 'markPaid once' );
		$this->assertCount( $notes, $this->orders->notes['1001'], 'no second note' );
	}

	public function test_forged_or_foreign_callbacks_change_nothing(): void {
		$this->startPayment();
		$token = $this->attempt()->token;
		$good  = $this->bankCallback();
		$notes = $this->orders->notes['1001'];
		foreach ( array_keys( $good ) as $key ) {
			if ( 'HASH' === $key ) {
				continue;
			}
			$forged         = $good;
			$forged[ $key ] = $good[ $key ] . '1';
			$this->assertSame( 'rejected', $this->flow->handleCallback( $token, $forged )['status'], $key );
		}
		$unsigned = $good;
		unset( $unsigned['HASH'] );
		$this->assertSame( 'rejected', $this->flow->handleCallback( $token, $unsigned )['status'] );
		$this->assertSame( 'unknown', $this->flow->handleCallback( str_repeat( 'a', 32 ), $good )['status'] );
		$this->assertSame( 'unknown', $this->flow->handleCallback( '../../etc', $good )['status'] );
		$this->assertSame( array(), $this->bank->requests, 'nothing was provisioned' );
		$this->assertSame( 'pending', $this->orders->orders['1001']['status'] );
		$this->assertSame( $notes, $this->orders->notes['1001'], 'no note either' );
		$this->assertSame( Attempt::PENDING, $this->attempt()->status );
	}

	public function test_an_authentic_callback_for_another_amount_fails_the_order(): void {
		$this->startPayment();
		$post = $this->bankCallback( array( 'amount' => '1.00' ) );
		$this->assertSame( 'failed', $this->flow->handleCallback( $this->attempt()->token, $post )['status'] );
		$this->assertSame( 'failed', $this->orders->orders['1001']['status'] );
		$this->assertSame( array(), $this->bank->requests );
		$this->assertStringContainsString( 'callback.amount_mismatch', end( $this->orders->notes['1001'] ) );
	}

	public function test_3d_failure_and_decline(): void {
		$this->startPayment();
		$answer = $this->flow->handleCallback( $this->attempt()->token, $this->bankCallback( array( 'mdStatus' => '0' ) ) );
		$this->assertSame( array( 'failed', 'callback.3ds_failed' ), array( $answer['status'], $answer['reason'] ) );

		$this->startPayment( '1002' );
		$this->bank->answers[] = self::cc5( '51', 'Declined', $this->attempt( '1002' )->bankOrderId );
		$answer                = $this->flow->handleCallback( $this->attempt( '1002' )->token, $this->bankCallback( array(), '1002' ) );
		$this->assertSame( 'failed', $answer['status'] );
		$this->assertStringContainsString( '[51] Yetersiz bakiye', end( $this->orders->notes['1002'] ) );
	}

	public function test_a_lost_provision_answer_leaves_the_order_pending_until_a_status_query(): void {
		$this->startPayment();
		$post                  = $this->bankCallback();
		$this->bank->answers[] = new HttpFailure( 'timed out after 30 seconds' );
		$this->assertSame( 'pending', $this->flow->handleCallback( $this->attempt()->token, $post )['status'] );
		$this->assertSame( Attempt::NEEDS_STATUS, $this->attempt()->status );
		$this->assertSame( 'pending', $this->orders->orders['1001']['status'] );

		// A replay must not provision again: the first provision may have charged.
		$this->assertSame( 'pending', $this->flow->handleCallback( $this->attempt()->token, $post )['status'] );
		$this->assertCount( 1, $this->bank->requests );

		// Garbage from the bank is no answer either.
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<html>Bakım çalışması</html>',
		);
		$this->assertSame( 'pending', $this->flow->checkStatus( '1001' )['status'] );

		$bankOrder             = $this->attempt()->bankOrderId;
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => "<CC5Response><ErrMsg>Record(s) found</ErrMsg><ProcReturnCode>00</ProcReturnCode><Response>Approved</Response><OrderId>$bankOrder</OrderId><TransId>T1</TransId><Extra><AUTH_CODE>P1</AUTH_CODE><TRANS_STAT>S</TRANS_STAT><ORIG_TRANS_AMT>102500</ORIG_TRANS_AMT></Extra></CC5Response>",
		);
		$status = $this->flow->checkStatus( '1001' );
		$this->assertSame( array( 'paid', 'paid' ), array( $status['status'], $status['state'] ) );
		$this->assertSame( 'paid', $this->orders->orders['1001']['status'] );
		$this->assertStringContainsString( '<ORDERSTATUS>QUERY</ORDERSTATUS>', end( $this->bank->requests )['body'] );
	}

	public function test_refunds_void_the_same_day_and_refund_otherwise(): void {
		$this->startPayment();
		$bankOrder             = $this->attempt()->bankOrderId;
		$this->bank->answers[] = self::cc5( '00', 'Approved', $bankOrder );
		$this->flow->handleCallback( $this->attempt()->token, $this->bankCallback() );

		$this->bank->answers[] = self::cc5( '00', 'Approved', $bankOrder );
		$this->assertSame( 'refunded', $this->flow->refund( '1001', '25.00', false )['status'] );
		$this->assertStringContainsString( '<Type>Credit</Type>', end( $this->bank->requests )['body'] );
		$this->assertStringContainsString( '<Total>25.00</Total>', end( $this->bank->requests )['body'] );

		$this->bank->answers[] = self::cc5( '00', 'Approved', $bankOrder );
		$this->assertSame( 'voided', $this->flow->refund( '1001', '1025.00', true )['status'] );
		$this->assertStringContainsString( '<Type>Void</Type>', end( $this->bank->requests )['body'] );

		$this->clock->now      = '2026-11-29T10:00:00+03:00';
		$this->bank->answers[] = self::cc5( '99', 'Error', $bankOrder );
		try {
			$this->flow->refund( '1001', '5000.00', false );
			$this->fail( 'an over-refund the bank refuses must throw' );
		} catch ( PaymentException $e ) {
			$this->assertSame( 'flow.refund_refused', $e->reason() );
		}
		$this->assertSame( array( '25.00', '1025.00' ), $this->orders->orders['1001']['refunds'] );
	}

	public function test_a_second_payment_after_the_order_was_paid_is_not_provisioned(): void {
		$this->startPayment();
		$first = $this->attempt();
		$this->orders->orders['1001']['status'] = 'pending';
		// The shopper opened the payment twice: a second attempt exists as well.
		$this->flow->start(
			'1001',
			array(
				'installments' => 3,
				'card'         => self::CARD,
			),
			static fn( string $t ): string => "https://shop.example/?t=$t"
		);
		$second                = $this->attempt();
		$this->bank->answers[] = self::cc5( '00', 'Approved', $second->bankOrderId );
		$this->assertSame( 'paid', $this->flow->handleCallback( $second->token, $this->bankCallback() )['status'] );

		// Now the first attempt's callback arrives, authentic: it must not be provisioned.
		$post         = $this->bankCallback( array( 'oid' => $first->bankOrderId ) );
		$requestsSoFar = count( $this->bank->requests );
		$answer       = $this->flow->handleCallback( $first->token, $post );
		$this->assertSame( array( 'paid', 'flow.already_paid' ), array( $answer['status'], $answer['reason'] ) );
		$this->assertCount( $requestsSoFar, $this->bank->requests );
		$this->assertSame( 1, $this->orders->paidCalls['1001'] );
	}

	public function test_card_data_never_reaches_logs_or_notes(): void {
		$this->startPayment();
		$this->bank->answers[] = self::cc5( '00', 'Approved', $this->attempt()->bankOrderId );
		$this->flow->handleCallback( $this->attempt()->token, $this->bankCallback() );
		$everything = json_encode( array( $this->logger->lines, $this->orders->notes, $this->orders->orders ) );
		foreach ( array( '4508034508034509', '4508 0345 0803 4509', 'ISBANK07', 'TRPS0200' ) as $secret ) {
			$this->assertStringNotContainsString( $secret, $everything );
		}
		$this->assertDoesNotMatchRegularExpression( '/cv2\\\\?"?:?\\\\?"?000/', $everything );
	}

	public function test_bad_input_is_refused_before_anything_is_stored(): void {
		$this->orders->add( '1003', '1000.00' );
		foreach ( array(
			array( array( 'installments' => 3, 'card' => array( 'number' => '4508034508034508', 'expiry' => '12/30', 'cvv' => '000' ) ), 'card.luhn' ),
			array( array( 'installments' => 3, 'card' => array( 'number' => '4508034508034509', 'expiry' => '01/25', 'cvv' => '000' ) ), 'card.expired' ),
			array( array( 'installments' => 7, 'card' => self::CARD ), 'flow.installments_unavailable' ),
		) as [ $input, $reason ] ) {
			try {
				$this->flow->start( '1003', $input, static fn( string $t ): string => "https://shop.example/?t=$t" );
				$this->fail( "expected $reason" );
			} catch ( PaymentException $e ) {
				$this->assertSame( $reason, $e->reason() );
			}
		}
		$this->assertSame( array(), $this->orders->attempts( '1003' ) );
		$this->assertSame( '1000.00', $this->orders->find( '1003' )->total );
	}

	public function test_validate_checks_the_card_and_the_installment_choice(): void {
		$this->flow->validate( array( 'installments' => '3', 'card' => self::CARD ), '1000.00', 'TRY', array() );
		$this->flow->validate( array( 'installments' => '1', 'bin' => '45080345' ), '1000.00', 'TRY', array() );
		foreach ( array(
			array( array( 'installments' => '3', 'card' => array( 'number' => '4508034508034508', 'expiry' => '12/30', 'cvv' => '000' ) ), array(), 'card.luhn' ),
			array( array( 'installments' => '6', 'card' => self::CARD ), array(), 'flow.installments_unavailable' ),
			// New phones: no installments by law.
			array( array( 'installments' => '3', 'bin' => '45080345' ), array( array( 'category' => 'phones_new' ) ), 'flow.installments_unavailable' ),
		) as [ $input, $cart, $reason ] ) {
			try {
				$this->flow->validate( $input, '1000.00', 'TRY', $cart, 'tr' );
				$this->fail( "expected $reason" );
			} catch ( PaymentException $e ) {
				$this->assertSame( $reason, $e->reason() );
			}
		}
	}

	public function test_installments_go_to_the_family_pos_and_single_payments_to_the_default(): void {
		// A Ziraat Bankkart (BIN 454671): its plan routes installments to the Ziraat account.
		$card = array(
			'number' => '4546 7112 3456 7894',
			'expiry' => '12/30',
			'cvv'    => '000',
		);
		$this->orders->add( '2001', '600.00' );
		$next = $this->flow->start( '2001', array( 'installments' => 6, 'card' => $card ), static fn( string $t ): string => "https://shop.example/?t=$t" );
		$this->assertSame( 'ziraat', $this->attempt( '2001' )->account );
		$this->assertSame( '3d_host', $this->attempt( '2001' )->model );
		$this->assertSame( 'bank_page', $next['form']['card_entry'] );
		$fields = array_column( $next['form']['fields'], 'value', 'name' );
		$this->assertArrayNotHasKey( 'pan', $fields, 'a card typed at the bank is never put into the form' );
		$this->assertSame( '600.00', $fields['amount'], 'absorb: the merchant pays the commission' );

		$this->orders->add( '2002', '600.00' );
		$this->flow->start( '2002', array( 'installments' => 1, 'card' => $card ), static fn( string $t ): string => "https://shop.example/?t=$t" );
		$this->assertSame( 'isbank', $this->attempt( '2002' )->account );
		$this->assertSame( 'bank_page', $this->flow->cardEntry( 'ziraat' ) );
		$this->assertSame( 'server', $this->flow->cardEntry( 'isbank' ) );
	}

	/**
	 * A bank-page payment whose callback cannot prove the charge (NestPay 3d_host without a
	 * ProcReturnCode) is settled by a status query — by the state it reports, not by whether the
	 * query itself succeeded (NestPay answers "Approved" to any query it could run).
	 */
	public function test_a_status_query_settles_by_the_payment_state_not_by_the_query_outcome(): void {
		$card = array(
			'number' => '4546 7112 3456 7894',
			'expiry' => '12/30',
			'cvv'    => '000',
		);
		foreach ( array( 'D' => 'failed', 'PN' => 'pending', 'S' => 'paid' ) as $state => $expected ) {
			$orderId = "300$expected";
			$this->orders->add( $orderId, '600.00' );
			$this->flow->start( $orderId, array( 'installments' => 6, 'card' => $card ), static fn( string $t ): string => "https://shop.example/?t=$t" );
			$a    = $this->attempt( $orderId );
			$post = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments, array( 'storetype' => '3d_host' ) );
			$this->bank->answers[] = Nestpay::status( $a->bankOrderId, $state, '60000' );
			$this->assertSame( $expected, $this->flow->handleCallback( $a->token, $post )['status'], "TRANS_STAT $state" );
			$this->assertStringContainsString( '<ORDERSTATUS>QUERY</ORDERSTATUS>', end( $this->bank->requests )['body'] );
			$this->assertSame( 'paid' === $expected, $this->orders->find( $orderId )->paid );
		}
	}

	public function test_probe_reports_whether_the_bank_answers(): void {
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<CC5Response><ErrMsg>No record found for SANALPOSTEST</ErrMsg><ProcReturnCode>99</ProcReturnCode><Response>Error</Response><OrderId></OrderId><Extra></Extra></CC5Response>',
		);
		$ok = $this->flow->probe( 'isbank' );
		$this->assertTrue( $ok['ok'], json_encode( $ok ) );
		$this->assertSame( 'https://entegrasyon.asseco-see.com.tr/fim/api', $ok['url'] );
		$this->assertStringContainsString( '<ORDERSTATUS>QUERY</ORDERSTATUS>', $this->bank->requests[0]['body'] );

		$this->bank->answers[] = new HttpFailure( 'Connection refused' );
		$this->assertSame( array( false, 'send' ), array_slice( array_values( $this->flow->probe( 'isbank' ) ), 0, 2 ) );
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<html>Bakım</html>',
		);
		$garbage = $this->flow->probe( 'isbank' );
		$this->assertSame( array( false, 'parse', 'bank.bad_response' ), array( $garbage['ok'], $garbage['stage'], $garbage['detail'] ) );
		$this->assertSame( array( false, 'request' ), array_slice( array_values( $this->flow->probe( 'nosuch' ) ), 0, 2 ) );
	}

	/**
	 * POSNET: the callback is sealed for the bank, so the bank's resolve answer is what says the 3D
	 * authentication failed; the order fails with that reason, and nothing is provisioned.
	 */
	public function test_a_multi_step_bank_answer_fails_the_order_with_its_own_reason(): void {
		$credentials = array(
			'merchant_no' => '6706598320',
			'terminal_id' => '67005551',
			'posnet_id'   => '27426',
			'enc_key'     => '10,10,10,10,10,10,10,10',
		);
		$plans       = array(
			array(
				'family' => 'default',
				'mode'   => 'markup',
				'rates'  => array(
					array(
						'count' => 1,
						'rate'  => '0',
					),
				),
			),
		);
		$settings    = new Settings(
			'test',
			array(
				'ykb' => array(
					'gateway'     => 'yapikredi',
					'model'       => '3d',
					'credentials' => $credentials,
				),
			),
			'ykb',
			$plans
		);
		$flow        = new PaymentFlow( self::$core, $settings, $this->orders, $this->bank, new ProcessLock(), $this->logger, $this->clock );
		$this->orders->add( '3001', '100.00' );
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => '<posnetResponse><approved>1</approved><oosRequestDataResponse><data1>D1</data1><data2>D2</data2><sign>S</sign></oosRequestDataResponse></posnetResponse>',
		);
		$next = $flow->start( '3001', array( 'card' => self::CARD ), static fn( string $t ): string => "https://shop.example/?t=$t" );
		$this->assertSame( 'form', $next['type'] );

		$xid = str_pad( $this->attempt( '3001' )->bankOrderId, 20, '0', STR_PAD_LEFT );
		$mac = self::$core->run(
			'signature.compute',
			array(
				'kind'   => 'posnet_response_mac',
				'inputs' => $credentials + array(
					'response' => array(
						'mdStatus' => '0',
						'xid'      => $xid,
						'amount'   => '10000',
						'currency' => 'TL',
					),
				),
			)
		)['value'];
		$this->bank->answers[] = array(
			'status' => 200,
			'body'   => "<posnetResponse><approved>1</approved><oosResolveMerchantDataResponse><xid>$xid</xid><amount>10000</amount><currency>TL</currency><mdStatus>0</mdStatus><mac>$mac</mac></oosResolveMerchantDataResponse></posnetResponse>",
		);
		$answer = $flow->handleCallback(
			$this->attempt( '3001' )->token,
			array(
				'BankPacket'     => 'B',
				'MerchantPacket' => 'M',
				'Sign'           => 'S',
			)
		);
		$this->assertSame( array( 'failed', 'callback.3ds_failed' ), array( $answer['status'], $answer['reason'] ) );
		$this->assertCount( 2, $this->bank->requests, 'oosRequestData and the resolve; no provision' );
		$this->assertSame( 'failed', $this->orders->orders['3001']['status'] );
		$this->assertStringContainsString( 'callback.3ds_failed', end( $this->orders->notes['3001'] ) );
	}
}
