<?php
/**
 * The WooCommerce payment gateway "sanalpos": settings, the classic checkout's card form,
 * payment, refunds. Everything it decides goes through the payment flow (and so the core).
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\PaymentException;

class Gateway extends \WC_Payment_Gateway {
	private Plugin $plugin;
	private SettingsFields $fields;

	public function __construct() {
		$this->plugin     = Plugin::instance();
		$this->fields     = new SettingsFields( $this->plugin, $this );
		$this->id         = Plugin::ID;
		$this->has_fields = true;
		$this->supports   = array( 'products', 'refunds' );
		$this->init_form_fields();
		$this->init_settings();
		$this->title       = $this->get_option( 'title' );
		$this->description = $this->get_option( 'description' );
		add_action( 'woocommerce_update_options_payment_gateways_' . $this->id, array( $this, 'process_admin_options' ) );
		add_action( 'woocommerce_receipt_' . $this->id, array( $this, 'receipt_page' ) );
		add_action( 'woocommerce_thankyou_' . $this->id, array( $this, 'thankyou_page' ) );
	}

	/** Translated when shown, not when WooCommerce builds the gateway (possibly before `init`). */
	public function get_method_title() {
		return __( 'Card payment with Turkish bank POS (sanalpos)', 'sanalpos-woocommerce' );
	}

	public function get_method_description() {
		return __( 'Card payments with 3D Secure and installments through your bank\'s virtual POS: İş Bankası, Ziraat, Halkbank, Garanti BBVA, Akbank and more.', 'sanalpos-woocommerce' );
	}

	public function init_form_fields() {
		$accounts = array( '' => __( 'The first account', 'sanalpos-woocommerce' ) );
		foreach ( $this->plugin->settings()->accounts() as $account ) {
			$accounts[ (string) $account['id'] ] = (string) $account['id'];
		}
		$this->form_fields = array(
			'enabled'         => array(
				'title'   => __( 'Enable', 'sanalpos-woocommerce' ),
				'type'    => 'checkbox',
				'label'   => __( 'Take card payments through the bank POS', 'sanalpos-woocommerce' ),
				'default' => 'no',
			),
			'title'           => array(
				'title'   => __( 'Title', 'sanalpos-woocommerce' ),
				'type'    => 'text',
				'default' => __( 'Credit or debit card', 'sanalpos-woocommerce' ),
			),
			'description'     => array(
				'title'   => __( 'Description', 'sanalpos-woocommerce' ),
				'type'    => 'textarea',
				'default' => __( 'Pay securely with 3D Secure; choose installments for your card.', 'sanalpos-woocommerce' ),
			),
			'environment'     => array(
				'title'       => __( 'Environment', 'sanalpos-woocommerce' ),
				'type'        => 'select',
				'options'     => array(
					'test' => __( 'Test (the bank\'s test system, no money moves)', 'sanalpos-woocommerce' ),
					'live' => __( 'Live', 'sanalpos-woocommerce' ),
				),
				'default'     => 'test',
				'description' => __( 'Each POS account has its own credentials for each environment.', 'sanalpos-woocommerce' ),
			),
			'accounts'        => array(
				'title' => __( 'POS accounts', 'sanalpos-woocommerce' ),
				'type'  => 'sanalpos_accounts',
			),
			'default_account' => array(
				'title'       => __( 'Default POS', 'sanalpos-woocommerce' ),
				'type'        => 'select',
				'options'     => $accounts,
				'description' => __( 'Serves single payments, foreign, debit and prepaid cards, and every card family whose plan names no POS.', 'sanalpos-woocommerce' ),
			),
			'plans'           => array(
				'title' => __( 'Installment plans', 'sanalpos-woocommerce' ),
				'type'  => 'sanalpos_plans',
			),
			'categories'      => array(
				'title'       => __( 'Installment categories', 'sanalpos-woocommerce' ),
				'type'        => 'sanalpos_categories',
				'description' => __( 'The law limits installments for some goods (phones, jewellery, electronics…). Tell the plugin which of your product categories they are.', 'sanalpos-woocommerce' ),
			),
			'bin_list'        => array(
				'title'       => __( 'Your BIN list', 'sanalpos-woocommerce' ),
				'type'        => 'sanalpos_bins',
				'description' => __( 'Optional: the card BIN list your bank gave you. Its entries win over the built-in table (card family, debit or credit, commercial).', 'sanalpos-woocommerce' ),
			),
			'limits'          => array(
				'title'       => __( 'Legal limit overrides (advanced)', 'sanalpos-woocommerce' ),
				'type'        => 'textarea',
				'css'         => 'font-family: monospace',
				'description' => __( 'JSON, e.g. {"commercial_max": 12}. Leave empty unless your bank applies other limits.', 'sanalpos-woocommerce' ),
			),
			'preauth'         => array(
				'title'       => __( 'Pre-authorisation', 'sanalpos-woocommerce' ),
				'type'        => 'checkbox',
				'label'       => __( 'Only authorise at checkout; capture later from the order screen', 'sanalpos-woocommerce' ),
				'default'     => 'no',
			),
			'half_secure'     => array(
				'title'       => __( 'Half-secure 3D', 'sanalpos-woocommerce' ),
				'type'        => 'checkbox',
				'label'       => __( 'Accept payments whose 3D Secure was only attempted (no liability shift)', 'sanalpos-woocommerce' ),
				'default'     => 'no',
			),
			'product_tab'     => array(
				'title'       => __( 'Product page', 'sanalpos-woocommerce' ),
				'type'        => 'checkbox',
				'label'       => __( 'Show an "Installments" tab with the installment table', 'sanalpos-woocommerce' ),
				'default'     => 'no',
				'description' => __( 'Or place the shortcode [sanalpos_installments] anywhere.', 'sanalpos-woocommerce' ),
			),
			'debug'           => array(
				'title'       => __( 'Debug log', 'sanalpos-woocommerce' ),
				'type'        => 'checkbox',
				'label'       => __( 'Log bank messages (card numbers masked, secrets never) to WooCommerce → Status → Logs', 'sanalpos-woocommerce' ),
				'default'     => 'no',
			),
			'remove_data'     => array(
				'title'   => __( 'Uninstall', 'sanalpos-woocommerce' ),
				'type'    => 'checkbox',
				'label'   => __( 'Delete these settings when the plugin is deleted (orders keep their payment records)', 'sanalpos-woocommerce' ),
				'default' => 'no',
			),
			'status'          => array(
				'title' => __( 'Status', 'sanalpos-woocommerce' ),
				'type'  => 'sanalpos_status',
			),
		);
	}

	public function admin_options() {
		$this->display_errors();
		parent::admin_options();
	}

	public function process_admin_options() {
		$saved = parent::process_admin_options();
		$this->plugin->settingsChanged();
		$this->init_form_fields();
		return $saved;
	}

	public function generate_sanalpos_accounts_html( $key, $data ) {
		return $this->fields->accountsHtml( (string) $key, (array) $data );
	}

	public function generate_sanalpos_plans_html( $key, $data ) {
		return $this->fields->plansHtml( (string) $key, (array) $data );
	}

	public function generate_sanalpos_categories_html( $key, $data ) {
		return $this->fields->categoriesHtml( (string) $key, (array) $data );
	}

	public function generate_sanalpos_bins_html( $key, $data ) {
		return $this->fields->binsHtml( (string) $key, (array) $data );
	}

	public function generate_sanalpos_status_html( $key, $data ) {
		return ( new Admin( $this->plugin ) )->statusHtml( (string) ( $data['title'] ?? '' ) );
	}

	public function validate_accounts_field( $key, $value ) {
		return $this->fields->validateAccounts( $value );
	}

	public function validate_plans_field( $key, $value ) {
		return $this->fields->validatePlans( $value );
	}

	public function validate_categories_field( $key, $value ) {
		return $this->fields->validateCategories( $value );
	}

	public function validate_bin_list_field( $key, $value ) {
		return $this->fields->validateBins( $value );
	}

	public function validate_limits_field( $key, $value ) {
		return $this->fields->validateLimits( $value );
	}

	/** The status panel stores nothing. */
	public function validate_status_field( $key, $value ) {
		return '';
	}

	public function is_available() {
		return parent::is_available() && array() !== $this->plugin->settings()->accounts() && null === $this->plugin->engineProblem();
	}

	public function payment_fields() {
		$description = $this->get_description();
		if ( '' !== (string) $description ) {
			echo wp_kses_post( wpautop( wptexturize( $description ) ) );
		}
		// Re-rendered on every checkout update: the current total goes with it.
		$checkout = new Checkout( $this->plugin );
		echo $checkout->cardFormHtml( true, $checkout->cart()[0] ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
	}

	public function validate_fields() {
		return ( new Checkout( $this->plugin ) )->validateClassic();
	}

	public function process_payment( $order_id ) {
		return ( new Checkout( $this->plugin ) )->processPayment( (int) $order_id );
	}

	/**
	 * WooCommerce has already recorded the refund when it asks: a full refund is one that brings
	 * the refunded total to the order total.
	 */
	public function process_refund( $order_id, $amount = null, $reason = '' ) {
		$order = wc_get_order( $order_id );
		if ( ! $order instanceof \WC_Order || null === $amount ) {
			return new \WP_Error( 'sanalpos_refund', __( 'Nothing to refund.', 'sanalpos-woocommerce' ) );
		}
		$amount = WcOrderStore::decimal( $amount );
		$full   = WcOrderStore::decimal( $order->get_total_refunded() ) === WcOrderStore::decimal( $order->get_total() );
		try {
			$this->plugin->flow()->refund( (string) $order->get_id(), $amount, $full, (string) $reason );
			return true;
		} catch ( PaymentException $e ) {
			return new \WP_Error( 'sanalpos_refund', Messages::refundText( $e ) );
		}
	}

	public function receipt_page( $order_id ) {
		( new Checkout( $this->plugin ) )->receipt( (int) $order_id );
	}

	public function thankyou_page( $order_id ) {
		$order = wc_get_order( $order_id );
		if ( $order instanceof \WC_Order && ! $order->is_paid() && $order->has_status( array( 'pending', 'on-hold' ) ) ) {
			echo '<p class="woocommerce-info sanalpos-verifying">' . esc_html__( 'Your payment is being verified with the bank. You will receive an email as soon as it is confirmed.', 'sanalpos-woocommerce' ) . '</p>';
		}
	}
}
