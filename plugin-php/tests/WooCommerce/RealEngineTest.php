<?php
/**
 * The plugin on the engines it ships, not the test double: a NestPay payment end to end
 * (settings, checkout, the bank's return, the provision, a refund) through EngineFactory with
 * the FFI engine and with the PHP engine, and the Status panel naming the engine in use.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use Sanalpos\Engine\EngineFactory;
use Sanalpos\Engine\EngineFiles;
use Sanalpos\Engine\FfiCandidate;
use Sanalpos\Engine\FfiEngine;
use Sanalpos\Engine\PhpCandidate;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\Paths;
use Sanalpos\Tests\WooCommerce\Doubles\Shop;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\Admin;
use Sanalpos\WooCommerce\CallbackEndpoint;
use Sanalpos\WooCommerce\Checkout;
use Sanalpos\WooCommerce\Gateway;
use Sanalpos\WooCommerce\Plugin;
use Sanalpos\WooCommerce\WcOrderStore;

final class RealEngineTest extends WcTestCase {
	/** @return array<string, array{0: string}> */
	public function engines(): array {
		return array(
			'FFI engine' => array( 'ffi' ),
			'PHP engine' => array( 'php' ),
		);
	}

	/**
	 * The bundled engine files; for `php`, behind an FFI candidate that cannot run (an empty
	 * folder), as on a host without FFI.
	 */
	private function boot( string $engine ): void {
		$files = new EngineFiles( Paths::engineDir() );
		if ( 'ffi' === $engine ) {
			$reason = $files->runnerLibrary() === null ? 'no runner library' : FfiEngine::unusableReason();
			if ( null !== $reason ) {
				$this->markTestSkipped( "FFI cannot run in this PHP: $reason" );
			}
			$candidates = array( new FfiCandidate( $files ), new PhpCandidate( $files ) );
		} else {
			$candidates = array( new FfiCandidate( new EngineFiles( sys_get_temp_dir() . '/sanalpos-no-engine' ) ), new PhpCandidate( $files ) );
		}
		Plugin::install( null );
		World::$hooks = array();
		$this->plugin = Shop::boot( $this->clock, new EngineFactory( $candidates ) );
	}

	/** @dataProvider engines */
	public function test_a_payment_end_to_end_on_the_engine( string $engine ): void {
		$this->boot( $engine );
		$gateway = $this->configure();
		$this->assertSame( array(), $gateway->get_errors(), 'the settings are checked by this engine' );
		$this->assertSame( $engine, $this->plugin->core()->engine()->name() );

		$this->order( 3001 );
		WC()->cart = new \WC_Cart( array(), '1000.00' );
		$_POST     = wp_slash(
			array(
				Checkout::NUMBER       => Nestpay::CARD['number'],
				Checkout::EXPIRY       => Nestpay::CARD['expiry'],
				Checkout::CVV          => Nestpay::CARD['cvv'],
				Checkout::INSTALLMENTS => '3',
			)
		);
		$this->assertTrue( ( new Gateway() )->validate_fields() );
		$result = ( new Gateway() )->process_payment( 3001 );
		$fields = array_column( json_decode( $result['sanalpos'], true )['fields'], 'value', 'name' );
		$this->assertSame( array( '1025.00', '3' ), array( $fields['amount'], $fields['taksit'] ) );
		$hash = $fields['hash'];
		unset( $fields['hash'] );
		$this->assertSame( Nestpay::sign( self::$core, $fields ), $hash, 'the engine signs as the native core does' );

		$attempts = ( new WcOrderStore( static fn(): array => array() ) )->attempts( '3001' );
		$a        = end( $attempts );
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$answer = ( new CallbackEndpoint( $this->plugin ) )->handle( $a->token, Nestpay::callback( self::$core, $a->bankOrderId, $a->amount, $a->installments ), '' );
		$this->assertSame( 303, $answer['status'] );
		$this->assertSame( 'processing', wc_get_order( 3001 )->get_status() );
		$this->assertStringContainsString( '<Type>Auth</Type>', World::events( 'http' )[0]['body'], 'the provision' );

		wc_get_order( 3001 )->test_add_refund( '25.00' );
		World::bankAnswers( Nestpay::cc5( '00', 'Approved', $a->bankOrderId ) );
		$this->assertTrue( ( new Gateway() )->process_refund( 3001, '25.00', '' ) );
		$this->assertStringContainsString( '<Total>25.00</Total>', World::events( 'http' )[1]['body'] );
	}

	/** @dataProvider engines */
	public function test_the_status_panel_names_the_engine_in_use_and_why( string $engine ): void {
		$this->boot( $engine );
		$html = ( new Admin( $this->plugin ) )->statusHtml( 'Status' );
		$why  = 'ffi' === $engine ? 'ffi — the fastest engine that can run here' : 'php — the better engines cannot run here (ffi: the plugin has no runner library';
		$this->assertStringContainsString( $why, $html );
		$this->assertMatchesRegularExpression( '/Sample call \(version\).*?\d+\.\d\d ms/s', $html );
		$this->assertStringContainsString( (string) ( new EngineFiles( Paths::engineDir() ) )->recordedSha256() . ' (the shipped module matches it)', $html );
	}
}
