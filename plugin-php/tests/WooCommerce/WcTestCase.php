<?php
/**
 * Base of the plugin tests: a fresh WordPress + WooCommerce world (test doubles), the plugin
 * booted on the native core, and a NestPay test account configured through the settings form.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use PHPUnit\Framework\TestCase;
use Sanalpos\Engine\Core;
use Sanalpos\Tests\Support\FixedClock;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\WooCommerce\Doubles\Shop;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\Gateway;
use Sanalpos\WooCommerce\Http;
use Sanalpos\WooCommerce\Plugin;
use Sanalpos\WooCommerce\ShopSettings;

require_once __DIR__ . '/Doubles/Shop.php';

abstract class WcTestCase extends TestCase {
	protected static ?Core $core = null;
	protected Plugin $plugin;
	protected FixedClock $clock;
	protected string $db;

	protected function setUp(): void {
		self::$core   = Shop::core();
		$this->db     = World::reset();
		$this->clock  = new FixedClock();
		$this->plugin = Shop::boot( $this->clock );
		Http::$finisher = static function (): void {
			throw new \WpDie( 'finished' );
		};
	}

	protected function tearDown(): void {
		Plugin::install( null );
		Http::$finisher = null;
		$_POST          = array();
		$_GET           = array();
		@unlink( $this->db );
	}

	/** Saves settings through the gateway's settings form, as the admin screen posts them. */
	protected function saveSettings( array $fields ): Gateway {
		$gateway = new Gateway();
		$post    = array();
		foreach ( $fields as $key => $value ) {
			$post[ $gateway->get_field_key( $key ) ] = $value;
		}
		$gateway->set_post_data( $post );
		$gateway->process_admin_options();
		$this->plugin->settingsChanged();
		return $gateway;
	}

	/** One NestPay (İş Bankası) account in the test environment, 3D model, markup plan. */
	protected function configure( string $model = '3d', array $extra = array() ): Gateway {
		return $this->configureAccount( 'isbank', 'nestpay', $model, Nestpay::CREDENTIALS + array( 'hash_version' => 'ver3' ), $extra );
	}

	/** One account of a bank preset (`$family` its family) in the test environment, markup plan (single, 3 at 2.5 %). */
	protected function configureAccount( string $preset, string $family, string $model, array $credentials, array $extra = array() ): Gateway {
		return $this->saveSettings(
			$extra + array(
				'enabled'     => 'yes',
				'environment' => 'test',
				'accounts'    => array(
					array(
						'id'      => $preset,
						'gateway' => $preset,
						'model'   => $family . ':' . $model,
						'test'    => array( $family => array( 'credentials' => $credentials ) ),
					),
				),
				'plans'       => array(
					array(
						'family' => 'default',
						'mode'   => 'markup',
						'pos'    => '',
						'rates'  => array(
							1 => '0',
							3 => '2,5',
						),
					),
				),
				'debug'       => 'yes',
			)
		);
	}

	/** An order of `$total` TRY (one product line), pending payment with sanalpos. */
	protected function order( int $id = 1001, string $total = '1000.00' ): \WC_Order {
		$order = new \WC_Order(
			array(
				'id'    => $id,
				'total' => $total,
			)
		);
		$item       = new \WC_Order_Item_Product();
		$item->data = array(
			'product_id' => 77,
			'name'       => 'Çaydanlık',
			'quantity'   => 1,
			'total'      => $total,
		);
		$order->add_item( $item );
		$order->save();
		return $order;
	}

	protected function settings(): ShopSettings {
		return ShopSettings::load();
	}

	/** Runs an endpoint that ends the request; returns what it sent. */
	protected function sent( callable $endpoint ): array {
		World::$sent = array();
		ob_start();
		try {
			$endpoint();
		} catch ( \WpDie $e ) {
			// The request ended.
		}
		World::$sent['body'] = (string) ob_get_clean();
		return World::$sent;
	}
}
