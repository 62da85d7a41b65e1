<?php
/**
 * The Cart & Checkout blocks integration: registers the payment method whose script shows the
 * same card form (the markup and data of the classic checkout, driven by the same card form
 * module). The payment itself goes through Checkout::processWithContext().
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Automattic\WooCommerce\Blocks\Payments\Integrations\AbstractPaymentMethodType;
use Automattic\WooCommerce\Blocks\Payments\PaymentMethodRegistry;
use Sanalpos\Engine\EngineException;

final class BlocksSupport extends AbstractPaymentMethodType {
	protected $name = Plugin::ID;

	/** `woocommerce_blocks_loaded`. */
	public static function register(): void {
		if ( ! class_exists( AbstractPaymentMethodType::class ) ) {
			return;
		}
		add_action(
			'woocommerce_blocks_payment_method_type_registration',
			static function ( PaymentMethodRegistry $registry ): void {
				$registry->register( new self() );
			}
		);
	}

	public function initialize() {
		$this->settings = get_option( ShopSettings::OPTION, array() );
	}

	public function is_active() {
		return 'yes' === ( $this->settings['enabled'] ?? 'no' );
	}

	public function get_payment_method_script_handles() {
		$plugin = Plugin::instance();
		wp_register_script(
			'sanalpos-blocks',
			$plugin->url( 'assets/js/checkout-blocks.js' ),
			array( 'wc-blocks-registry', 'wc-settings', 'wp-element', 'wp-html-entities' ),
			SANALPOS_VERSION,
			true
		);
		wp_register_style( 'sanalpos-checkout', $plugin->url( 'assets/css/checkout.css' ), array(), SANALPOS_VERSION );
		wp_enqueue_style( 'sanalpos-checkout' );
		return array( 'sanalpos-blocks' );
	}

	/** Read in the browser as `wc.wcSettings.getSetting( 'sanalpos_data' )`: no secrets. */
	public function get_payment_method_data() {
		$plugin   = Plugin::instance();
		$checkout = new Checkout( $plugin );
		$data     = array(
			'title'       => (string) ( $this->settings['title'] ?? __( 'Credit or debit card', 'sanalpos-woocommerce' ) ),
			'description' => (string) ( $this->settings['description'] ?? '' ),
			'supports'    => array( 'products', 'refunds' ),
			'formHtml'    => $checkout->cardFormHtml( false ),
			'cardForm'    => $plugin->url( 'assets/js/card-form.js' ) . '?ver=' . SANALPOS_VERSION,
		);
		try {
			[ $amount, $currency, $cart ] = $checkout->cart();
			$data['config']              = $checkout->config( $amount, $currency, $cart ) + array( 'page' => 'blocks' );
		} catch ( EngineException $e ) {
			$data['config'] = null;
		}
		return $data;
	}
}
