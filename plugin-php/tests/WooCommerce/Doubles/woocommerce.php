<?php
/**
 * WooCommerce test doubles, written from WooCommerce's class and hook signatures (7.9 … 10.x):
 * the settings API and payment gateway base classes, orders and their items (stored in World's
 * database, so that every wc_get_order() reads what another request saved), the cart, the
 * logger, and the Blocks payment classes.
 */

declare(strict_types=1);

namespace {

	use Sanalpos\Tests\WooCommerce\Doubles\World;

	if ( ! defined( 'WC_VERSION' ) ) {
		define( 'WC_VERSION', '9.8.0' );
	}

	class WooCommerce {
		public ?WC_Cart $cart = null;
		public ?WC_Countries $countries = null;

		public function __construct() {
			$this->countries = new WC_Countries();
		}

		public function api_request_url( $request, $ssl = null ) {
			return 'https://shop.test/wc-api/' . strtolower( $request ) . '/';
		}
	}

	function WC() {
		return $GLOBALS['woocommerce'] ??= new WooCommerce();
	}

	/** Amounts in tests are exact two-decimal strings; the doubles add them in kuruş. */
	function wc_test_kurus( $amount ) {
		return (int) round( (float) $amount * 100 );
	}

	function wc_format_decimal( $number, $dp = false, $trim_zeros = false ) {
		return false === $dp ? (string) $number : number_format( (float) $number, (int) $dp, '.', '' );
	}

	function wc_get_price_decimals() {
		return 2;
	}

	function wc_get_rounding_precision() {
		return 6;
	}

	class WC_Countries {
		public function get_countries() {
			return array(
				'DE' => 'Germany',
				'TR' => 'Türkiye',
			);
		}
	}

	function get_woocommerce_currency() {
		return 'TRY';
	}

	function wc_price( $price, $args = array() ) {
		return '<span class="amount">' . number_format( (float) $price, 2, ',', '.' ) . '&nbsp;₺</span>';
	}

	function wc_add_notice( $message, $notice_type = 'success', $data = array() ) {
		World::$notices[] = array( $notice_type, $message );
	}

	function wc_print_notice( $message, $notice_type = 'success', $data = array() ) {
		echo '<div class="woocommerce-' . esc_attr( $notice_type ) . '">' . $message . '</div>';
	}

	function wc_get_product_term_ids( $product_id, $taxonomy ) {
		return World::$productTerms[ $product_id ] ?? array();
	}

	function wc_get_price_including_tax( $product, $args = array() ) {
		return $product->get_price();
	}

	function wc_get_price_to_display( $product, $args = array() ) {
		return $product->get_price();
	}

	function wc_get_product( $the_product = false ) {
		return $GLOBALS['wc_test_products'][ (int) $the_product ] ?? null;
	}

	function is_checkout() {
		return true;
	}

	function is_wc_endpoint_url( $endpoint = false ) {
		return false;
	}

	/** The logger: every line kept in the shared database for inspection. */
	final class WC_Logger_Double {
		public function log( $level, $message, $context = array() ) {
			World::event( 'log', array( 'level' => $level, 'message' => $message, 'source' => $context['source'] ?? '' ) );
		}
	}

	function wc_get_logger() {
		return new WC_Logger_Double();
	}

	class WC_Product {
		public function __construct( private int $id, private string $price, private bool $virtual = false ) {
			$GLOBALS['wc_test_products'][ $id ] = $this;
		}

		public function get_id() {
			return $this->id;
		}

		public function is_virtual() {
			return $this->virtual;
		}

		public function is_downloadable() {
			return false;
		}

		public function get_price( $context = 'view' ) {
			return $this->price;
		}
	}

	class WC_Cart {
		/** @param list<array{product_id: int, data: WC_Product, quantity: int}> $items */
		public function __construct( public array $items, public string $total ) {}

		public function get_cart() {
			return $this->items;
		}

		public function get_total( $context = 'view' ) {
			return $this->total;
		}
	}

	/*
	 * Settings API and payment gateway.
	 */

	abstract class WC_Settings_API {
		public $plugin_id   = 'woocommerce_';
		public $id          = '';
		public $errors      = array();
		public $settings    = array();
		public $form_fields = array();
		protected $data     = array();

		public function get_form_fields() {
			return apply_filters( 'woocommerce_settings_api_form_fields_' . $this->id, array_map( array( $this, 'set_defaults' ), $this->form_fields ) );
		}

		protected function set_defaults( $field ) {
			$field['default'] ??= '';
			return $field;
		}

		public function init_form_fields() {}

		public function get_option_key() {
			return $this->plugin_id . $this->id . '_settings';
		}

		public function get_field_type( $field ) {
			return empty( $field['type'] ) ? 'text' : $field['type'];
		}

		public function get_field_key( $key ) {
			return $this->plugin_id . $this->id . '_' . $key;
		}

		public function get_field_value( $key, $field, $post_data = array() ) {
			$type      = $this->get_field_type( $field );
			$post_data = empty( $post_data ) ? $_POST : $post_data;
			$value     = $post_data[ $this->get_field_key( $key ) ] ?? null;
			if ( is_callable( array( $this, 'validate_' . $key . '_field' ) ) ) {
				return $this->{'validate_' . $key . '_field'}( $key, $value );
			}
			if ( is_callable( array( $this, 'validate_' . $type . '_field' ) ) ) {
				return $this->{'validate_' . $type . '_field'}( $key, $value );
			}
			return $this->validate_text_field( $key, $value );
		}

		public function set_post_data( $data = array() ) {
			$this->data = $data;
		}

		public function get_post_data() {
			return ! empty( $this->data ) && is_array( $this->data ) ? $this->data : $_POST;
		}

		public function process_admin_options() {
			$this->init_settings();
			$post_data = $this->get_post_data();
			foreach ( $this->get_form_fields() as $key => $field ) {
				if ( 'title' !== $this->get_field_type( $field ) ) {
					try {
						$this->settings[ $key ] = $this->get_field_value( $key, $field, $post_data );
					} catch ( Exception $e ) {
						$this->add_error( $e->getMessage() );
					}
				}
			}
			return update_option( $this->get_option_key(), apply_filters( 'woocommerce_settings_api_sanitized_fields_' . $this->id, $this->settings ), 'yes' );
		}

		public function add_error( $error ) {
			$this->errors[] = $error;
		}

		public function get_errors() {
			return $this->errors;
		}

		public function display_errors() {
			foreach ( $this->errors as $error ) {
				echo '<div class="error"><p>' . wp_kses_post( $error ) . '</p></div>';
			}
		}

		public function init_settings() {
			$this->settings = get_option( $this->get_option_key(), null );
			if ( ! is_array( $this->settings ) ) {
				$form_fields    = $this->get_form_fields();
				$this->settings = array_map( static fn( $f ) => $f['default'] ?? '', $form_fields );
			}
		}

		public function get_option( $key, $empty_value = null ) {
			if ( empty( $this->settings ) ) {
				$this->init_settings();
			}
			if ( ! isset( $this->settings[ $key ] ) ) {
				$form_fields            = $this->get_form_fields();
				$this->settings[ $key ] = $form_fields[ $key ]['default'] ?? '';
			}
			return $this->settings[ $key ];
		}

		public function generate_settings_html( $form_fields = array(), $echo = true ) {
			$html = '';
			foreach ( ( $form_fields ?: $this->get_form_fields() ) as $k => $v ) {
				$type  = $this->get_field_type( $v );
				$html .= method_exists( $this, 'generate_' . $type . '_html' ) ? $this->{'generate_' . $type . '_html'}( $k, $v ) : '<tr><th>' . esc_html( $v['title'] ?? '' ) . '</th><td><input name="' . esc_attr( $this->get_field_key( $k ) ) . '" value="' . esc_attr( (string) $this->get_option( $k ) ) . '" /></td></tr>';
			}
			if ( $echo ) {
				echo $html;
			}
			return $html;
		}

		public function admin_options() {
			echo '<table class="form-table">' . $this->generate_settings_html( $this->get_form_fields(), false ) . '</table>';
		}

		public function validate_text_field( $key, $value ) {
			return wp_kses_post( trim( stripslashes( (string) $value ) ) );
		}

		public function validate_textarea_field( $key, $value ) {
			return trim( stripslashes( (string) $value ) );
		}

		public function validate_checkbox_field( $key, $value ) {
			return ! is_null( $value ) ? 'yes' : 'no';
		}

		public function validate_select_field( $key, $value ) {
			return sanitize_text_field( stripslashes( (string) $value ) );
		}
	}

	abstract class WC_Payment_Gateway extends WC_Settings_API {
		public $order_button_text;
		public $enabled            = 'yes';
		public $title;
		public $description;
		public $method_title       = '';
		public $method_description = '';
		public $has_fields;
		public $supports           = array( 'products' );

		public function init_settings() {
			parent::init_settings();
			$this->enabled = ! empty( $this->settings['enabled'] ) && 'yes' === $this->settings['enabled'] ? 'yes' : 'no';
		}

		public function get_method_title() {
			return $this->method_title;
		}

		public function get_method_description() {
			return $this->method_description;
		}

		public function get_return_url( $order = null ) {
			return $order->get_checkout_order_received_url();
		}

		public function is_available() {
			return 'yes' === $this->enabled;
		}

		public function get_description() {
			return $this->description;
		}

		public function supports( $feature ) {
			return in_array( $feature, $this->supports, true );
		}

		public function process_payment( $order_id ) {
			return array();
		}

		public function process_refund( $order_id, $amount = null, $reason = '' ) {
			return false;
		}

		public function validate_fields() {
			return true;
		}

		public function payment_fields() {}
	}

	/*
	 * Orders.
	 */

	abstract class WC_Order_Item {
		public int $id = 0;
		/** @var array<string, mixed> */
		public array $data = array();
		/** @var array<string, mixed> */
		public array $meta = array();

		public function get_id() {
			return $this->id;
		}

		public function get_total() {
			return $this->data['total'] ?? '0';
		}

		public function get_total_tax() {
			return $this->data['total_tax'] ?? '0';
		}

		abstract public function get_type();

		public function add_meta_data( $key, $value, $unique = false ) {
			$this->meta[ $key ] = $value;
		}

		public function get_meta( $key = '', $single = true, $context = 'view' ) {
			return $this->meta[ $key ] ?? '';
		}

		public function get_name() {
			return $this->data['name'] ?? '';
		}
	}

	class WC_Order_Item_Shipping extends WC_Order_Item {
		public function get_type() {
			return 'shipping';
		}
	}

	class WC_Order_Item_Fee extends WC_Order_Item {
		public function get_type() {
			return 'fee';
		}
		public function set_name( $value ) {
			$this->data['name'] = $value;
		}

		public function set_amount( $value ) {
			$this->data['amount'] = $value;
		}

		public function set_total( $value ) {
			$this->data['total'] = $value;
		}

		public function set_tax_status( $value ) {
			$this->data['tax_status'] = $value;
		}

		public function set_tax_class( $value ) {
			$this->data['tax_class'] = $value;
		}

		public function set_total_tax( $value ) {
			$this->data['total_tax'] = $value;
		}
	}

	class WC_Order_Item_Product extends WC_Order_Item {
		public function get_type() {
			return 'line_item';
		}

		public function get_product_id() {
			return $this->data['product_id'] ?? 0;
		}

		public function get_product() {
			return wc_get_product( $this->get_product_id() ) ?? false;
		}

		public function get_quantity() {
			return $this->data['quantity'] ?? 1;
		}
	}

	class WC_Order {
		/** @var array<string, mixed> */
		private array $data;

		/** @param array<string, mixed> $data */
		public function __construct( array $data = array() ) {
			$this->data = $data + array(
				'id'             => 0,
				'status'         => 'pending',
				'currency'       => 'TRY',
				'total'          => '0.00',
				'order_key'      => 'wc_order_' . bin2hex( random_bytes( 6 ) ),
				'payment_method' => 'sanalpos',
				'transaction_id' => '',
				'date_paid'      => null,
				'customer_id'    => 0,
				'billing'        => array(
					'first_name' => 'Ayşe',
					'last_name'  => 'Yılmaz',
					'email'      => 'ayse@example.com',
					'phone'      => '05321234567',
					'address_1'  => 'Bağdat Cad. 1',
					'address_2'  => 'D:3',
					'city'       => 'İstanbul',
					'postcode'   => '34728',
					'country'    => 'TR',
				),
				'shipping'       => array(),
				'ip'             => '10.0.0.5',
				'items'          => array(),
				'meta'           => array(),
				'refunds'        => array(),
			);
		}

		public static function load( int $id ): ?self {
			$q = World::$db->prepare( 'SELECT data FROM orders WHERE id = ?' );
			$q->execute( array( $id ) );
			$row = $q->fetchColumn();
			return false === $row ? null : new self( unserialize( $row ) );
		}

		public function save() {
			World::$db->prepare( 'INSERT OR REPLACE INTO orders (id, data) VALUES (?, ?)' )->execute( array( $this->data['id'], serialize( $this->data ) ) );
			return $this->data['id'];
		}

		public function get_id() {
			return $this->data['id'];
		}

		public function get_status( $context = 'view' ) {
			return $this->data['status'];
		}

		public function has_status( $status ) {
			return in_array( $this->data['status'], (array) $status, true );
		}

		public function is_paid() {
			return in_array( $this->data['status'], array( 'processing', 'completed' ), true );
		}

		public function needs_payment() {
			return $this->has_status( array( 'pending', 'failed' ) ) && wc_test_kurus( $this->data['total'] ) > 0;
		}

		public function get_total( $context = 'view' ) {
			return $this->data['total'];
		}

		public function get_currency( $context = 'view' ) {
			return $this->data['currency'];
		}

		public function get_order_key( $context = 'view' ) {
			return $this->data['order_key'];
		}

		public function get_payment_method( $context = 'view' ) {
			return $this->data['payment_method'];
		}

		public function set_payment_method( $method ) {
			$this->data['payment_method'] = $method;
		}

		public function get_transaction_id( $context = 'view' ) {
			return $this->data['transaction_id'];
		}

		public function get_customer_ip_address( $context = 'view' ) {
			return $this->data['ip'];
		}

		public function get_billing_email( $context = 'view' ) {
			return $this->data['billing']['email'];
		}

		public function get_billing_first_name( $context = 'view' ) {
			return $this->data['billing']['first_name'];
		}

		public function get_billing_last_name( $context = 'view' ) {
			return $this->data['billing']['last_name'];
		}

		public function get_customer_id( $context = 'view' ) {
			return $this->data['customer_id'];
		}

		/** The address props WooCommerce keeps for `billing` or `shipping` (absent ones empty). */
		public function get_address( $address_type = 'billing' ) {
			$keys = array( 'first_name', 'last_name', 'company', 'address_1', 'address_2', 'city', 'state', 'postcode', 'country', 'phone' );
			return array_merge( array_fill_keys( $keys, '' ), $this->data[ $address_type ] ?? array() );
		}

		/** For tests: changes billing or shipping props. */
		public function test_set_address( string $type, array $props ) {
			$this->data[ $type ] = $props + ( $this->data[ $type ] ?? array() );
		}

		public function get_checkout_payment_url( $on_checkout = false ) {
			return 'https://shop.test/checkout/order-pay/' . $this->get_id() . '/?' . ( $on_checkout ? '' : 'pay_for_order=true&' ) . 'key=' . $this->get_order_key();
		}

		public function get_checkout_order_received_url() {
			return 'https://shop.test/checkout/order-received/' . $this->get_id() . '/?key=' . $this->get_order_key();
		}

		/*
		 * Meta: rows of [key, value], as the data stores keep them (a key may repeat).
		 */

		public function get_meta( $key = '', $single = true, $context = 'view' ) {
			$values = array();
			foreach ( $this->data['meta'] as [ $k, $v ] ) {
				if ( $k === $key ) {
					$values[] = $v;
				}
			}
			return $single ? ( $values[0] ?? '' ) : $values;
		}

		/** @return list<array{0: string, 1: mixed}> */
		public function get_meta_rows() {
			return $this->data['meta'];
		}

		public function add_meta_data( $key, $value, $unique = false ) {
			if ( $unique ) {
				$this->delete_meta_data( $key );
			}
			$this->data['meta'][] = array( $key, $value );
		}

		public function update_meta_data( $key, $value, $meta_id = 0 ) {
			$this->delete_meta_data( $key );
			$this->data['meta'][] = array( $key, $value );
		}

		public function delete_meta_data( $key ) {
			$this->data['meta'] = array_values( array_filter( $this->data['meta'], static fn( $row ) => $row[0] !== $key ) );
		}

		/*
		 * Items and totals.
		 */

		public function add_item( $item ) {
			$item->id                          = 1 + max( array_merge( array( 0 ), array_keys( $this->data['items'] ) ) );
			$this->data['items'][ $item->id ] = $item;
		}

		public function remove_item( $item_id ) {
			unset( $this->data['items'][ $item_id ] );
		}

		public function get_items( $types = 'line_item' ) {
			return array_filter( $this->data['items'], static fn( $item ) => in_array( $item->get_type(), (array) $types, true ) );
		}

		public function get_fees() {
			return $this->get_items( 'fee' );
		}

		public function get_item_total( $item, $inc_tax = false, $round = true ) {
			$total = ( (float) $item->get_total() + ( $inc_tax ? (float) $item->get_total_tax() : 0.0 ) ) / max( 1, $item->get_quantity() );
			return $round ? round( $total, wc_get_price_decimals() ) : $total;
		}

		public function get_line_total( $item, $inc_tax = false, $round = true ) {
			$total = (float) $item->get_total() + ( $inc_tax ? (float) $item->get_total_tax() : 0.0 );
			return $round ? round( $total, wc_get_price_decimals() ) : $total;
		}

		/** Without taxes: the sum of the lines and fees, as WooCommerce's own calculation gives for untaxed orders. */
		public function calculate_totals( $and_taxes = true ) {
			$kurus = 0;
			foreach ( $this->data['items'] as $item ) {
				$kurus += wc_test_kurus( $item->get_total() ) + wc_test_kurus( $item->get_total_tax() );
			}
			$this->data['total'] = number_format( $kurus / 100, 2, '.', '' );
			$this->save();
			return $this->data['total'];
		}

		public function get_total_refunded() {
			return number_format( array_sum( array_map( 'wc_test_kurus', $this->data['refunds'] ) ) / 100, 2, '.', '' );
		}

		/** What wc_create_refund() records before it asks the gateway. */
		public function test_add_refund( string $amount ) {
			$this->data['refunds'][] = $amount;
			$this->save();
		}

		/*
		 * Status.
		 */

		public function payment_complete( $transaction_id = '' ) {
			World::event( 'payment_complete', array( 'order' => $this->get_id(), 'transaction_id' => $transaction_id, 'pid' => getmypid() ) );
			if ( $this->has_status( apply_filters( 'woocommerce_valid_order_statuses_for_payment_complete', array( 'on-hold', 'pending', 'failed', 'cancelled' ), $this ) ) ) {
				if ( ! empty( $transaction_id ) ) {
					$this->data['transaction_id'] = $transaction_id;
				}
				$this->data['date_paid'] = $this->data['date_paid'] ?? time();
				$this->data['status']    = 'processing';
				$this->save();
				do_action( 'woocommerce_payment_complete', $this->get_id(), $transaction_id );
			}
			return true;
		}

		public function update_status( $new_status, $note = '', $manual = false ) {
			$this->data['status'] = $new_status;
			$this->save();
			if ( '' !== $note ) {
				$this->add_order_note( $note );
			}
			return true;
		}

		public function add_order_note( $note, $is_customer_note = 0, $added_by_user = false ) {
			World::$db->prepare( 'INSERT INTO notes (order_id, note) VALUES (?, ?)' )->execute( array( $this->get_id(), $note ) );
			return (int) World::$db->lastInsertId();
		}
	}

	function wc_get_order( $the_order = false ) {
		return $the_order instanceof WC_Order ? WC_Order::load( $the_order->get_id() ) : WC_Order::load( (int) $the_order );
	}

	/** Only the query the plugin makes: orders whose meta has a key with a value. */
	function wc_get_orders( $args ) {
		$ids = array();
		foreach ( World::$db->query( 'SELECT id FROM orders ORDER BY id' )->fetchAll( PDO::FETCH_COLUMN ) as $id ) {
			$order = WC_Order::load( (int) $id );
			if ( in_array( array( $args['meta_key'], $args['meta_value'] ), $order->get_meta_rows(), true )
				&& in_array( array( $args['meta_query'][0]['key'], $args['meta_query'][0]['value'] ), $order->get_meta_rows(), true ) ) {
				$ids[] = (int) $id;
			}
		}
		return array_slice( $ids, 0, $args['limit'] ?? 10 );
	}
}

namespace Automattic\WooCommerce\Utilities {

	final class FeaturesUtil {
		/** @var array<string, bool> */
		public static array $declared = array();

		public static function declare_compatibility( $feature_id, $plugin_file, $positive_compatibility = true ) {
			self::$declared[ $feature_id ] = $positive_compatibility;
			return true;
		}
	}
}

namespace Automattic\WooCommerce\Blocks\Payments\Integrations {

	abstract class AbstractPaymentMethodType {
		protected $name     = '';
		protected $settings = array();

		public function get_name() {
			return $this->name;
		}

		abstract public function initialize();

		public function is_active() {
			return true;
		}

		public function get_payment_method_script_handles() {
			return array();
		}

		public function get_payment_method_data() {
			return array();
		}
	}
}

namespace Automattic\WooCommerce\Blocks\Payments {

	final class PaymentMethodRegistry {
		/** @var array<string, object> */
		public array $registered = array();

		public function register( $integration ) {
			$this->registered[ $integration->get_name() ] = $integration;
		}
	}
}

namespace Automattic\WooCommerce\StoreApi\Payments {

	class PaymentContext {
		protected $payment_method = '';
		protected $order;
		protected $payment_data = array();

		public function __get( $name ) {
			return in_array( $name, array( 'payment_method', 'order', 'payment_data' ), true ) ? $this->$name : null;
		}

		public function set_payment_method( $payment_method ) {
			$this->payment_method = (string) $payment_method;
		}

		public function set_order( \WC_Order $order ) {
			$this->order = $order;
		}

		/** Every value is cast to a string, as the Store API does. */
		public function set_payment_data( $payment_data = array() ) {
			$this->payment_data = array();
			foreach ( $payment_data as $key => $value ) {
				$this->payment_data[ (string) $key ] = (string) $value;
			}
		}
	}

	class PaymentResult {
		protected $valid_statuses  = array( 'success', 'failure', 'pending', 'error' );
		protected $status          = '';
		protected $payment_details = array();
		protected $redirect_url    = '';

		public function __get( $name ) {
			return in_array( $name, array( 'status', 'payment_details', 'redirect_url' ), true ) ? $this->$name : null;
		}

		public function set_status( $payment_status ) {
			if ( ! in_array( $payment_status, $this->valid_statuses, true ) ) {
				throw new \Exception( 'Invalid payment status' );
			}
			$this->status = $payment_status;
		}

		public function set_payment_details( $payment_details = array() ) {
			$this->payment_details = array();
			foreach ( $payment_details as $key => $value ) {
				$this->payment_details[ (string) $key ] = (string) $value;
			}
		}

		public function set_redirect_url( $redirect_url = '' ) {
			$this->redirect_url = esc_url_raw( $redirect_url );
		}
	}
}

namespace Automattic\WooCommerce\StoreApi\Exceptions {

	class RouteException extends \Exception {
		public function __construct( public string $error_code, string $message, public int $http_status_code = 400, public array $additional_data = array() ) {
			parent::__construct( $message, $http_status_code );
		}
	}
}
