<?php
/**
 * The owner's side beyond the settings form: the Status panel, the Connection test, the order
 * actions "Check status with bank" and "Capture", and notices when the plugin cannot work.
 * Every action checks the capability and a nonce; every output is escaped.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;
use Sanalpos\Flow\PaymentException;

final class Admin {
	public const CAPABILITY = 'manage_woocommerce';

	public function __construct( private readonly Plugin $plugin ) {}

	public static function notice( string $text, string $type = 'error' ): void {
		echo '<div class="notice notice-' . esc_attr( $type ) . '"><p>' . wp_kses_post( $text ) . '</p></div>';
	}

	/** `admin_notices`: no engine can run on this host — why, and how to fix it. */
	public function engineNotice(): void {
		if ( ! current_user_can( self::CAPABILITY ) ) {
			return;
		}
		$problem = $this->plugin->engineProblem();
		if ( null !== $problem ) {
			self::notice(
				esc_html__( 'sanalpos cannot take payments on this server: no engine can run its payment core.', 'sanalpos-woocommerce' ) . ' ' . esc_html( $problem ) . ' '
				. esc_html__( 'Fix: allow PHP FFI (ffi.enable=true, or preload the plugin\'s preload.php: see docs/ffi.md in the plugin folder), or reinstall the plugin if its engine files are missing or altered.', 'sanalpos-woocommerce' )
			);
		}
	}

	/** The Status panel: engine in use and why, module hash, a timed sample call, versions. */
	public function statusHtml( string $title ): string {
		$rows   = array();
		$status = $this->plugin->engineStatus();
		foreach ( $status['engines'] as $engine => $reason ) {
			$rows[] = array( sprintf( /* translators: %s: engine id */ __( 'Engine "%s"', 'sanalpos-woocommerce' ), $engine ), null === $reason ? __( 'can run here', 'sanalpos-woocommerce' ) : $reason );
		}
		try {
			$started  = microtime( true );
			$version  = $this->plugin->core()->run( 'version' );
			$elapsed  = ( microtime( true ) - $started ) * 1000;
			$rows[]   = array( __( 'Engine in use', 'sanalpos-woocommerce' ), $this->plugin->core()->engine()->name() );
			$rows[]   = array( __( 'Core version', 'sanalpos-woocommerce' ), $version['core'] . ' (API ' . $version['api'] . ')' );
			/* translators: %s: milliseconds */
			$rows[]   = array( __( 'Sample call (version)', 'sanalpos-woocommerce' ), sprintf( __( '%s ms', 'sanalpos-woocommerce' ), number_format_i18n( $elapsed, 2 ) ) );
			$rows[]   = array( __( 'Bank families', 'sanalpos-woocommerce' ), implode( ', ', $version['gateways'] ) );
		} catch ( EngineException $e ) {
			$rows[] = array( __( 'Engine in use', 'sanalpos-woocommerce' ), __( 'none', 'sanalpos-woocommerce' ) . ' — ' . $e->getMessage() );
		}
		$rows[]   = array( __( 'Module SHA-256 (recorded)', 'sanalpos-woocommerce' ), $status['module_sha256'] ?? __( 'missing', 'sanalpos-woocommerce' ) );
		$rows[]   = array( __( 'PHP', 'sanalpos-woocommerce' ), PHP_VERSION . ' (' . PHP_SAPI . ')' );
		$rows[]   = array( 'WooCommerce', defined( 'WC_VERSION' ) ? WC_VERSION : '?' );
		$rows[]   = array( __( 'Environment', 'sanalpos-woocommerce' ), $this->plugin->settings()->environment() );
		$rows[]   = array( __( 'Bank return address', 'sanalpos-woocommerce' ), WC()->api_request_url( 'sanalpos_return' ) );
		$html     = '';
		foreach ( $rows as [ $name, $value ] ) {
			$html .= '<tr><th scope="row">' . esc_html( $name ) . '</th><td><code>' . esc_html( (string) $value ) . '</code></td></tr>';
		}
		wp_enqueue_script( 'sanalpos-admin', $this->plugin->url( 'assets/js/admin.js' ), array(), SANALPOS_VERSION, true );
		wp_add_inline_script(
			'sanalpos-admin',
			'window.sanalposAdmin = ' . wp_json_encode(
				array(
					'ajax'    => admin_url( 'admin-ajax.php' ),
					'nonce'   => wp_create_nonce( 'sanalpos-connection-test' ),
					'testing' => __( 'Testing…', 'sanalpos-woocommerce' ),
				)
			) . ';',
			'before'
		);
		wp_enqueue_style( 'sanalpos-admin', $this->plugin->url( 'assets/css/admin.css' ), array(), SANALPOS_VERSION );
		return '<tr valign="top"><th scope="row" class="titledesc">' . esc_html( $title ) . '</th><td class="forminp"><table class="widefat striped sanalpos-status"><tbody>' . $html . '</tbody></table></td></tr>';
	}

	/** `wp_ajax_sanalpos_connection_test`: a signed status query for an order that does not exist. */
	public function connectionTest(): void {
		check_ajax_referer( 'sanalpos-connection-test', 'nonce' );
		if ( ! current_user_can( self::CAPABILITY ) ) {
			wp_send_json_error( array( 'message' => __( 'You are not allowed to do this.', 'sanalpos-woocommerce' ) ), 403 );
			return;
		}
		$account = sanitize_key( wp_unslash( (string) ( $_POST['account'] ?? '' ) ) );
		try {
			$probe = $this->plugin->flow()->probe( $account );
		} catch ( EngineException $e ) {
			wp_send_json_error( array( 'message' => $e->getMessage() ) );
			return;
		}
		$messages = array(
			'request' => __( 'The request could not be built: check the account\'s credentials and addresses (%s).', 'sanalpos-woocommerce' ),
			'send'    => __( 'No answer from %s: the address is wrong, the bank is down, or it does not accept this server\'s IP address.', 'sanalpos-woocommerce' ),
			'parse'   => __( 'The bank answered with HTTP %d, but not in its API\'s format: check the API address.', 'sanalpos-woocommerce' ),
			'done'    => __( 'The bank answered (HTTP %1$d, %2$s): the address and the request format work.', 'sanalpos-woocommerce' ),
		);
		$text = match ( $probe['stage'] ) {
			'request' => sprintf( $messages['request'], $probe['detail'] ),
			'send'    => sprintf( $messages['send'], $probe['url'] ?? '' ),
			'parse'   => sprintf( $messages['parse'], $probe['http_status'] ?? 0 ),
			default   => sprintf( $messages['done'], $probe['http_status'] ?? 0, trim( ( $probe['outcome'] ?? '' ) . ' ' . $probe['detail'] ) ),
		};
		$probe['ok'] ? wp_send_json_success( array( 'message' => $text ) ) : wp_send_json_error( array( 'message' => $text ) );
	}

	/**
	 * `woocommerce_order_actions`: the actions on orders paid through sanalpos.
	 *
	 * @param array<string, string> $actions
	 */
	public function orderActions( array $actions, $order = null ): array {
		$order = $order instanceof \WC_Order ? $order : ( isset( $GLOBALS['theorder'] ) ? $GLOBALS['theorder'] : null );
		if ( ! $order instanceof \WC_Order || Plugin::ID !== $order->get_payment_method() || '' === (string) $order->get_meta( WcOrderStore::ATTEMPTS ) ) {
			return $actions;
		}
		$actions['sanalpos_check_status'] = __( 'Check status with bank', 'sanalpos-woocommerce' );
		if ( $this->plugin->settings()->flag( 'preauth' ) && $order->is_paid() ) {
			$actions['sanalpos_capture'] = __( 'Capture the pre-authorised payment', 'sanalpos-woocommerce' );
		}
		return $actions;
	}

	/** `woocommerce_order_action_sanalpos_check_status` (WooCommerce checked the nonce and capability). */
	public function checkStatus( \WC_Order $order ): void {
		try {
			$this->plugin->flow()->checkStatus( (string) $order->get_id() );
		} catch ( PaymentException | EngineException $e ) {
			/* translators: %s: reason code */
			$order->add_order_note( sprintf( __( 'Status query failed: %s', 'sanalpos-woocommerce' ), $e instanceof PaymentException ? $e->reason() : $e->errorCode() ) );
		}
	}

	/** `woocommerce_order_action_sanalpos_capture`. */
	public function capture( \WC_Order $order ): void {
		try {
			$this->plugin->flow()->capture( (string) $order->get_id() );
		} catch ( PaymentException | EngineException $e ) {
			/* translators: %s: reason and the bank's message */
			$order->add_order_note( sprintf( __( 'Capture failed: %s', 'sanalpos-woocommerce' ), $e instanceof PaymentException ? Messages::refundText( $e ) : $e->errorCode() ) );
		}
	}
}
