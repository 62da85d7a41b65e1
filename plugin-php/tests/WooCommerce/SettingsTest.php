<?php
/**
 * The settings screen: what the owner posts is validated (through the core where a rule is
 * involved) and saved as the flow reads it; secrets are never shown again.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use Sanalpos\Engine\EngineFiles;
use Sanalpos\Engine\FfiCandidate;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\Paths;
use Sanalpos\Tests\WooCommerce\Doubles\Shop;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\Gateway;

final class SettingsTest extends WcTestCase {
	public function test_a_valid_configuration_is_saved_as_the_flow_reads_it(): void {
		$gateway = $this->configure();
		$this->assertSame( array(), $gateway->get_errors() );
		$flow = $this->settings()->flowSettings();
		$this->assertSame( 'test', $flow->environment );
		$this->assertSame( 'isbank', $flow->defaultAccount );
		$this->assertSame(
			array(
				'gateway'     => 'isbank',
				'model'       => '3d',
				'credentials' => Nestpay::CREDENTIALS + array( 'hash_version' => 'ver3' ),
				'endpoints'   => array(),
			),
			$flow->accounts['isbank']
		);
		$this->assertSame(
			array(
				array(
					'family' => 'default',
					'mode'   => 'markup',
					'rates'  => array(
						array( 'count' => 1, 'rate' => '0' ),
						array( 'count' => 3, 'rate' => '2.5' ),
					),
				),
			),
			$flow->plans,
			'a Turkish decimal comma is read as a point'
		);
	}

	public function test_secrets_are_never_echoed_and_an_empty_secret_keeps_the_saved_one(): void {
		$gateway = $this->configure();
		$html    = $gateway->generate_settings_html( array(), false );
		$this->assertStringNotContainsString( Nestpay::CREDENTIALS['store_key'], $html );
		$this->assertStringNotContainsString( Nestpay::CREDENTIALS['api_password'], $html );
		$this->assertStringContainsString( Nestpay::CREDENTIALS['client_id'], $html, 'non-secret fields are shown' );
		// The form is drawn from gateways.list: every family's credentials are offered.
		foreach ( self::$core->run( 'gateways.list' )['gateways'] as $family ) {
			$this->assertStringContainsString( 'data-family="' . $family['id'] . '"', $html );
		}

		// Saved again with the secrets left empty, as the browser posts the form.
		$this->saveSettings(
			array(
				'accounts' => array(
					array(
						'id'      => 'isbank',
						'gateway' => 'isbank',
						'model'   => 'nestpay:3d',
						'test'    => array( 'nestpay' => array( 'credentials' => array( 'client_id' => '700655000200', 'api_user' => 'ISBANKAPI', 'store_key' => '', 'api_password' => '' ) ) ),
					),
				),
			)
		);
		$this->assertSame( 'TRPS0200', $this->settings()->flowSettings()->accounts['isbank']['credentials']['store_key'] );
	}

	public function test_bad_input_is_reported_with_the_cores_reason(): void {
		$gateway = $this->saveSettings(
			array(
				'environment' => 'test',
				'accounts'    => array(
					array(
						'id'      => 'isbank',
						'gateway' => 'isbank',
						'model'   => 'nestpay:3d',
						'test'    => array( 'nestpay' => array( 'credentials' => array( 'client_id' => '700655000200' ) ) ),
					),
					array(
						'id'      => 'sim',
						'gateway' => 'nestpay',
						'model'   => 'nestpay:3d',
						'test'    => array(
							'nestpay' => array(
								'credentials' => Nestpay::CREDENTIALS,
								'endpoints'   => array( 'gate_3d' => 'http://bank.example/gate' ),
							),
						),
					),
				),
				'plans'       => array(
					array( 'family' => 'bonus', 'mode' => 'markup', 'rates' => array( 3 => '-1' ) ),
					array( 'family' => 'world', 'mode' => 'markup', 'rates' => array() ),
				),
				'bin_list'    => "bin,bank_code,family,card_type,commercial,country\n540036,0062,Bonus Card,credit,no,TR\n12345,,,,,\n45080345,,nosuchfamily,,,\n",
				'limits'      => '{"personal_max": 40}',
			)
		);
		$errors = implode( "\n", $gateway->get_errors() );
		$this->assertStringContainsString( '"isbank"', $errors, 'a missing required credential' );
		$this->assertStringContainsString( 'sim', $errors, 'a non-https endpoint (the core refuses it)' );
		$this->assertStringContainsString( 'plans[0].rates[0].rate', $errors );
		$this->assertStringContainsString( '"world" has no rates', $errors );
		$this->assertStringContainsString( 'line 3', $errors, 'a 5-digit BIN' );
		$this->assertStringContainsString( 'line 4', $errors, 'an unknown family' );
		$this->assertStringContainsString( 'Legal limit overrides', $errors );
		// What was valid is saved, normalised by the core.
		$this->assertSame( array( '540036' => array( 'bank_code' => '0062', 'family' => 'bonus', 'card_type' => 'credit', 'commercial' => false, 'country' => 'TR' ) ), $this->settings()->binList() );
		$this->assertSame( array(), $this->settings()->limits() );
	}

	/** The save check builds a payment with a made-up shopper complete enough for providers that screen the buyer. */
	public function test_accounts_of_providers_that_require_a_buyer_are_saved(): void {
		$accounts = array(
			array( 'paytr', 'paytr', '3d_host', \Sanalpos\Tests\Support\PayTr::CREDENTIALS ),
			array( 'iyzico', 'iyzico', '3d', array( 'api_key' => 'sandbox-key', 'secret_key' => 'sandbox-secret' ) ),
			array( 'param', 'param', '3d', \Sanalpos\Tests\Support\Param::CREDENTIALS ),
		);
		foreach ( $accounts as [ $preset, $family, $model, $credentials ] ) {
			$gateway = $this->configureAccount( $preset, $family, $model, $credentials );
			$this->assertSame( array(), $gateway->get_errors(), $preset );
			$this->assertSame( $model, $this->settings()->flowSettings()->accounts[ $preset ]['model'] );
		}
	}

	public function test_categories_map_to_legal_ids_only(): void {
		$this->saveSettings( array( 'categories' => array( '12' => 'phones_new', '13' => 'spaceships', 'x' => 'tv' ) ) );
		$this->assertSame( array( '12' => 'phones_new' ), $this->settings()->categoryMap() );
	}

	public function test_the_status_panel_shows_the_engine_in_use_and_why(): void {
		// A better engine that cannot run here (no runner library in an empty folder), then the native core.
		$empty  = sys_get_temp_dir() . '/sanalpos-no-engine';
		$plugin = Shop::boot( $this->clock, Shop::engines( new FfiCandidate( new EngineFiles( $empty ) ) ) );
		$this->configure();
		$html = ( new \Sanalpos\WooCommerce\Admin( $plugin ) )->statusHtml( 'Status' );
		$this->assertStringContainsString( 'the plugin has no runner library for ' . EngineFiles::platform() . ' in ' . $empty, $html );
		$this->assertMatchesRegularExpression( '/Engine in use.*?cli — the better engines cannot run here \(ffi: the plugin has no runner library/s', $html );
		$this->assertMatchesRegularExpression( '/Engine start-up \(this request\).*?\d+\.\d\d ms/s', $html );
		$this->assertMatchesRegularExpression( '/Sample call \(version\).*?\d+\.\d\d ms/s', $html );
		$this->assertStringContainsString( 'https://shop.test/wc-api/sanalpos_return/', $html );
		$this->assertStringContainsString( 'https://shop.test/wc-api/sanalpos_notify/', $html, 'the address for the PayTR panel' );
		$this->assertStringContainsString( PHP_VERSION, $html );
		$recorded = ( new EngineFiles( Paths::engineDir() ) )->recordedSha256();
		$this->assertMatchesRegularExpression( '/^[0-9a-f]{64}$/', (string) $recorded, 'make test builds the engine files' );
		$this->assertStringContainsString( $recorded . ' (the shipped module matches it)', $html );
	}

	public function test_the_connection_test_checks_nonce_capability_and_reports_the_banks_answer(): void {
		$this->configure();
		$admin = new \Sanalpos\WooCommerce\Admin( $this->plugin );
		$_POST = $_REQUEST = array( 'nonce' => 'wrong', 'account' => 'isbank' );
		$this->assertSame( 403, $this->sent( array( $admin, 'connectionTest' ) )['status'] );

		$_POST = $_REQUEST = array( 'nonce' => wp_create_nonce( 'sanalpos-connection-test' ), 'account' => 'isbank' );
		World::$caps = array();
		$this->assertFalse( $this->sent( array( $admin, 'connectionTest' ) )['json']['success'] );

		World::$caps = array( 'manage_woocommerce' => true );
		World::bankAnswers( array( 'status' => 200, 'body' => '<CC5Response><ErrMsg>No record found</ErrMsg><ProcReturnCode>99</ProcReturnCode><Response>Error</Response><OrderId></OrderId><Extra></Extra></CC5Response>' ) );
		$ok = $this->sent( array( $admin, 'connectionTest' ) )['json'];
		$this->assertTrue( $ok['success'], json_encode( $ok ) );
		$this->assertStringContainsString( 'HTTP 200', $ok['data']['message'] );
		$this->assertTrue( World::events( 'http' )[0]['sslverify'], 'TLS verification stays on' );

		$failed = $this->sent( array( $admin, 'connectionTest' ) )['json'];
		$this->assertFalse( $failed['success'] );
		$this->assertStringContainsString( 'https://entegrasyon.asseco-see.com.tr/fim/api', $failed['data']['message'] );
	}

	public function test_gateway_declares_refunds_and_is_unavailable_until_configured(): void {
		$gateway = new Gateway();
		$this->assertTrue( $gateway->supports( 'refunds' ) );
		$this->assertFalse( $gateway->is_available() );
		$this->configure();
		$this->assertTrue( ( new Gateway() )->is_available(), 'a new request builds the gateway from the saved settings' );
	}
}
