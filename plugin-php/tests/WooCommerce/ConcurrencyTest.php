<?php
/**
 * Two PHP processes post the same authentic callback at the same moment (the shopper's browser
 * and a retry, or two tabs): exactly one provision, one payment_complete, one set of notes —
 * with MySQL's GET_LOCK and with the option-row lock used where the database has none.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\Checkout;
use Sanalpos\WooCommerce\Gateway;
use Sanalpos\WooCommerce\WcOrderStore;

final class ConcurrencyTest extends WcTestCase {
	/** @return array<string, array{string}> */
	public static function locks(): array {
		return array(
			'MySQL GET_LOCK'  => array( 'get_lock' ),
			'option-row lock' => array( 'none' ),
		);
	}

	/** @dataProvider locks */
	public function test_two_processes_posting_the_same_callback_pay_once( string $locks ): void {
		$this->configure();
		$this->order();
		$_POST = wp_slash(
			array(
				Checkout::NUMBER       => '4508 0345 0803 4509',
				Checkout::EXPIRY       => '12/30',
				Checkout::CVV          => '000',
				Checkout::INSTALLMENTS => '3',
			)
		);
		( new Gateway() )->process_payment( 1001 );
		$attempts = ( new WcOrderStore( static fn(): array => array() ) )->attempts( '1001' );
		$a        = end( $attempts );
		$post     = Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments );
		$notes    = count( World::notes( 1001 ) );
		// One approval queued, slow enough that the second process arrives while the first holds the lock.
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) + array( 'delay_ms' => 700 ) );

		$start     = sprintf( '%.3f', microtime( true ) + 1.5 );
		$processes = array();
		foreach ( array( 1, 2 ) as $n ) {
			$processes[ $n ] = proc_open(
				array( PHP_BINARY, __DIR__ . '/fixtures/callback-worker.php', $this->db, $locks, $start, $a->token, json_encode( $post ) ),
				array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) ),
				$pipes[ $n ]
			);
		}
		$answers = array();
		foreach ( $processes as $n => $process ) {
			$answers[ $n ] = json_decode( (string) stream_get_contents( $pipes[ $n ][1] ), true );
			$errors        = (string) stream_get_contents( $pipes[ $n ][2] );
			$this->assertSame( 0, proc_close( $process ), $errors );
		}

		$received = wc_get_order( 1001 )->get_checkout_order_received_url();
		$this->assertSame( array( $received, $received ), array( $answers[1]['redirect'], $answers[2]['redirect'] ), 'both shoppers land on the thank-you page' );
		$this->assertCount( 1, World::events( 'payment_complete' ) );
		$this->assertCount( 1, World::events( 'http' ), 'one provision' );
		$this->assertSame( 'processing', wc_get_order( 1001 )->get_status() );
		$this->assertCount( $notes + 1, World::notes( 1001 ), 'one note' );
		$this->assertSame( array(), array_filter( World::$db->query( "SELECT name FROM options WHERE name LIKE 'sanalpos_lock_%'" )->fetchAll() ), 'no lock left behind' );
	}
}
