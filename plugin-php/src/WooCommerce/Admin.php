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

	/**
	 * The Status panel: every engine and whether it runs here, the engine in use and why, its
	 * start-up time and a timed sample call, the module's SHA-256, versions, and the two
	 * addresses a bank may ask for.
	 */
	public function statusHtml( string $title ): string {
		$rows    = array();
		$core    = null;
		$problem = '';
		try {
			$core = $this->plugin->core();
		} catch ( EngineException $e ) {
			$problem = $e->getMessage();
		}
		$status = $this->plugin->engineStatus();
		foreach ( $status['engines'] as $engine => $reason ) {
			$rows[] = array( sprintf( /* translators: %s: engine id */ __( 'Engine "%s"', 'sanalpos-woocommerce' ), $engine ), null === $reason ? __( 'can run here', 'sanalpos-woocommerce' ) : $reason );
		}
		if ( null === $core ) {
			$rows[] = array( __( 'Engine in use', 'sanalpos-woocommerce' ), __( 'none', 'sanalpos-woocommerce' ) . ' — ' . $problem );
		} else {
			$started = microtime( true );
			$version = $core->run( 'version' );
			$elapsed = ( microtime( true ) - $started ) * 1000;
			$inUse   = $core->engine()->name();
			$rows[]  = array( __( 'Engine in use', 'sanalpos-woocommerce' ), $inUse . ' — ' . self::whyEngine( $inUse, $status['engines'] ) );
			if ( null !== $status['start_ms'] ) {
				/* translators: %s: milliseconds */
				$rows[] = array( __( 'Engine start-up (this request)', 'sanalpos-woocommerce' ), sprintf( __( '%s ms', 'sanalpos-woocommerce' ), number_format_i18n( $status['start_ms'], 2 ) ) );
			}
			$rows[] = array( __( 'Core version', 'sanalpos-woocommerce' ), $version['core'] . ' (API ' . $version['api'] . ')' );
			/* translators: %s: milliseconds */
			$rows[] = array( __( 'Sample call (version)', 'sanalpos-woocommerce' ), sprintf( __( '%s ms', 'sanalpos-woocommerce' ), number_format_i18n( $elapsed, 2 ) ) );
			$rows[] = array( __( 'Bank families', 'sanalpos-woocommerce' ), implode( ', ', $version['gateways'] ) );
		}
		$module = $status['module'];
		if ( null === $module['recorded'] ) {
			$hash = __( 'missing', 'sanalpos-woocommerce' );
		} elseif ( $module['matches'] ) {
			/* translators: %s: SHA-256 in hex */
			$hash = sprintf( __( '%s (the shipped module matches it)', 'sanalpos-woocommerce' ), $module['recorded'] );
		} else {
			/* translators: %s: SHA-256 in hex */
			$hash = sprintf( __( '%s (the shipped module does NOT match it: reinstall the plugin)', 'sanalpos-woocommerce' ), $module['recorded'] );
		}
		$rows[] = array( __( 'Module SHA-256 (recorded)', 'sanalpos-woocommerce' ), $hash );
		$rows[] = array( __( 'PHP', 'sanalpos-woocommerce' ), PHP_VERSION . ' (' . PHP_SAPI . ')' );
		$rows[] = array( 'WooCommerce', defined( 'WC_VERSION' ) ? WC_VERSION : '?' );
		$rows[] = array( __( 'Environment', 'sanalpos-woocommerce' ), $this->plugin->settings()->environment() );
		$rows[] = array( __( 'Bank return address', 'sanalpos-woocommerce' ), CallbackEndpoint::returnUrl() );
		$rows[] = array( __( 'Notification URL (PayTR "Bildirim URL")', 'sanalpos-woocommerce' ), CallbackEndpoint::notificationUrl() );
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

	/**
	 * Why this engine runs: the first that can, or the reasons of the better ones that cannot.
	 *
	 * @param array<string, ?string> $engines Each engine (best first) and why it cannot run here.
	 */
	private static function whyEngine( string $inUse, array $engines ): string {
		$better = array();
		foreach ( $engines as $engine => $reason ) {
			if ( $engine === $inUse ) {
				break;
			}
			$better[] = $engine . ': ' . (string) $reason;
		}
		if ( array() === $better ) {
			return __( 'the fastest engine that can run here', 'sanalpos-woocommerce' );
		}
		/* translators: %s: the better engines and why each cannot run */
		return sprintf( __( 'the better engines cannot run here (%s)', 'sanalpos-woocommerce' ), implode( '; ', $better ) );
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
