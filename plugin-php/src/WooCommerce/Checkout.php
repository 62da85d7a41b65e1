<?php
/**
 * The shopper's side: the card form (classic checkout, order-pay page, and the markup the Blocks
 * checkout shows), its page data, server-side validation, starting the payment, and the bank
 * form that comes back to the page. Both checkouts and the order-pay page go through begin().
 *
 * Card data: posted only when the routed POS needs it on the server (`card_entry` `server`, or
 * no JavaScript); then it lives in this request's memory only — never stored, logged or noted.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;
use Sanalpos\Flow\PaymentException;

final class Checkout {
	/**
	 * Order meta: the card-free next step the order-pay page shows once (a bank-page model's form,
	 * or a provider's page to embed: PayTR's iframe).
	 */
	public const NEXT = '_sanalpos_next';
	/** `woocommerce_api_…` names: the order-pay form's target, and the bank page server. */
	public const PAY_API  = 'sanalpos_pay';
	public const PAGE_API = 'sanalpos_page';
	/** Transient prefix of a bank's 3D page waiting to be served, by attempt token. */
	private const PAGE_TRANSIENT = 'sanalpos_page_';
	/** Seconds a bank's 3D page waits for the shopper's browser. */
	private const PAGE_LIFETIME = 900;

	/** Posted field names (classic POST and Blocks payment data alike). */
	public const NUMBER       = 'sanalpos_card_number';
	public const HOLDER       = 'sanalpos_card_holder';
	public const EXPIRY       = 'sanalpos_card_expiry';
	public const CVV          = 'sanalpos_card_cvv';
	public const BIN          = 'sanalpos_bin';
	public const INSTALLMENTS = 'sanalpos_installments';

	public function __construct( private readonly Plugin $plugin ) {}

	/**
	 * The card form. `$named`: inputs carry their names (the no-JavaScript default; the script
	 * removes them where the card must not be posted).
	 */
	public function cardFormHtml( bool $named, string $amount = '' ): string {
		$name  = static fn( string $field ): string => $named ? ' name="' . esc_attr( $field ) . '"' : '';
		$label = static fn( string $for, string $text ): string => '<label for="' . esc_attr( $for ) . '">' . esc_html( $text ) . '</label>';
		return '<fieldset class="sanalpos-card-form" data-sanalpos-form' . ( '' === $amount ? '' : ' data-amount="' . esc_attr( $amount ) . '"' ) . '>'
			. '<p class="form-row form-row-wide">' . $label( 'sanalpos-number', __( 'Card number', 'sanalpos-woocommerce' ) )
			. '<input id="sanalpos-number" class="input-text" data-sanalpos="number" inputmode="numeric" autocomplete="cc-number" maxlength="23" placeholder="•••• •••• •••• ••••"' . $name( self::NUMBER ) . ' />'
			. '<span class="sanalpos-brand" data-sanalpos="brand" aria-live="polite"></span></p>'
			. '<p class="form-row form-row-wide" data-sanalpos="card-only">' . $label( 'sanalpos-holder', __( 'Name on card', 'sanalpos-woocommerce' ) )
			. '<input id="sanalpos-holder" class="input-text" data-sanalpos="holder" autocomplete="cc-name"' . $name( self::HOLDER ) . ' /></p>'
			. '<p class="form-row form-row-first" data-sanalpos="card-only">' . $label( 'sanalpos-expiry', __( 'Expiry (MM/YY)', 'sanalpos-woocommerce' ) )
			. '<input id="sanalpos-expiry" class="input-text" data-sanalpos="expiry" inputmode="numeric" autocomplete="cc-exp" maxlength="7" placeholder="MM/YY"' . $name( self::EXPIRY ) . ' /></p>'
			. '<p class="form-row form-row-last" data-sanalpos="card-only">' . $label( 'sanalpos-cvv', __( 'Security code', 'sanalpos-woocommerce' ) )
			. '<input id="sanalpos-cvv" class="input-text" data-sanalpos="cvv" inputmode="numeric" autocomplete="cc-csc" maxlength="4" placeholder="CVV"' . $name( self::CVV ) . ' /></p>'
			. '<p class="form-row form-row-wide">' . $label( 'sanalpos-installments', __( 'Installments', 'sanalpos-woocommerce' ) )
			. '<select id="sanalpos-installments" data-sanalpos="installments" name="' . esc_attr( self::INSTALLMENTS ) . '"><option value="1">' . esc_html__( 'Single payment', 'sanalpos-woocommerce' ) . '</option></select></p>'
			. '<input type="hidden" data-sanalpos="bin" name="' . esc_attr( self::BIN ) . '" value="" />'
			. '<p class="sanalpos-bank-page" data-sanalpos="bank-page-note" hidden>' . esc_html__( 'You will enter your card details on your bank\'s secure page.', 'sanalpos-woocommerce' ) . '</p>'
			. '<div class="sanalpos-errors" data-sanalpos="errors" role="alert" aria-live="polite"></div>'
			. '</fieldset>';
	}

	/**
	 * What the card form script needs, for an amount (the cart or order total) and cart lines.
	 * No secret is in it: plans, the BIN list, and which accounts take the card where.
	 *
	 * @param list<array{category: string, price: string}> $cart
	 * @return array<string, mixed>
	 */
	public function config( string $amount, string $currency, array $cart ): array {
		$settings = $this->plugin->settings();
		$entries  = array();
		foreach ( $settings->accounts() as $account ) {
			$entries[ (string) $account['id'] ] = $this->plugin->flow()->cardEntry( (string) $account['id'] );
		}
		return array(
			'core'           => $this->plugin->url( 'assets/sanalpos/browser.js' ) . '?ver=' . SANALPOS_VERSION,
			'lang'           => $this->plugin->lang(),
			'today'          => $this->plugin->today(),
			'amount'         => $amount,
			'currency'       => $currency,
			'cart'           => $cart,
			'plans'          => $settings->plans(),
			'bins'           => (object) $settings->binList(),
			'limits'         => (object) $settings->limits(),
			'cardEntry'      => (object) $entries,
			'defaultAccount' => $settings->defaultAccount(),
			'fields'         => array(
				'number'       => self::NUMBER,
				'holder'       => self::HOLDER,
				'expiry'       => self::EXPIRY,
				'cvv'          => self::CVV,
				'bin'          => self::BIN,
				'installments' => self::INSTALLMENTS,
			),
			'i18n'           => array(
				'single'     => __( 'Single payment', 'sanalpos-woocommerce' ),
				'redirect'   => __( 'Redirecting to your bank for 3D Secure…', 'sanalpos-woocommerce' ),
				'failed'     => __( 'The payment could not be started. Please try again.', 'sanalpos-woocommerce' ),
				'coreFailed' => __( 'The card check could not be loaded; your card will be checked when you place the order.', 'sanalpos-woocommerce' ),
				'bankPage'    => __( 'You will enter your card details on your bank\'s secure page.', 'sanalpos-woocommerce' ),
				'cardMissing' => __( 'Please enter your card number.', 'sanalpos-woocommerce' ),
			),
		);
	}

	/** The checkout's cart: total and lines. @return array{0: string, 1: string, 2: list<array{category: string, price: string}>} */
	public function cart(): array {
		$cart  = WC()->cart;
		$lines = array();
		if ( null !== $cart ) {
			foreach ( $cart->get_cart() as $item ) {
				$price = WcOrderStore::decimal( wc_get_price_including_tax( $item['data'] ) );
				foreach ( $this->plugin->categoriesOf( (int) $item['product_id'] ) as $category ) {
					$lines[] = array(
						'category' => $category,
						'price'    => $price,
					);
				}
			}
		}
		return array( WcOrderStore::decimal( null === $cart ? 0 : $cart->get_total( 'edit' ) ), get_woocommerce_currency(), $lines );
	}

	/**
	 * The flow's input from posted fields: the card only when its number was posted.
	 *
	 * @param array<string, mixed> $data Unslashed POST or Blocks payment data.
	 */
	public function input( array $data ): array {
		$text  = static fn( string $key ): string => trim( (string) ( $data[ $key ] ?? '' ) );
		$input = array(
			'installments' => max( 1, (int) $text( self::INSTALLMENTS ) ),
			'lang'         => $this->plugin->lang(),
		);
		if ( '' !== $text( self::NUMBER ) ) {
			$input['card'] = array_filter(
				array(
					'number' => $text( self::NUMBER ),
					'expiry' => $text( self::EXPIRY ),
					'cvv'    => $text( self::CVV ),
					'holder' => $text( self::HOLDER ),
				),
				'strlen'
			);
		} else {
			$input['bin'] = substr( preg_replace( '/\D/', '', $text( self::BIN ) ), 0, 8 );
		}
		return $input;
	}

	/**
	 * Re-checks the posted form before WooCommerce creates the order: the card (strictly) and the
	 * installment choice for the cart, through the core.
	 *
	 * @throws PaymentException with the shopper's reason.
	 */
	public function validate( array $input, string $amount, string $currency, array $cart ): void {
		if ( ! isset( $input['card'] ) && strlen( (string) $input['bin'] ) < 6 ) {
			throw new PaymentException( 'sanalpos.card_missing' );
		}
		$this->plugin->flow()->validate( $input, $amount, $currency, $cart, $this->plugin->lang() );
	}

	/** `validate_fields()` of the classic checkout: errors become notices. */
	public function validateClassic(): bool {
		[ $amount, $currency, $cart ] = $this->cart();
		try {
			$this->validate( $this->input( wp_unslash( $_POST ) ), $amount, $currency, $cart ); // phpcs:ignore WordPress.Security.NonceVerification -- WooCommerce checked the checkout nonce.
			return true;
		} catch ( PaymentException $e ) {
			wc_add_notice( esc_html( Messages::forException( $e ) ), 'error' );
			return false;
		} catch ( EngineException $e ) {
			wc_add_notice( esc_html( Messages::forReason( 'sanalpos.unavailable' ) ), 'error' );
			return false;
		}
	}

	/**
	 * Starts the payment of an order and says where the shopper goes next: `form` is the bank's
	 * form for the page's script to submit (card fields added in the browser where the bank
	 * allows it); otherwise the browser just follows `redirect` — the thank-you page (paid), the
	 * order-pay page (which embeds the provider's page, or posts a bank-page form without
	 * JavaScript), the provider's own address, or the shop's address serving the bank's 3D page.
	 *
	 * @return array{redirect: string, form: ?array<string, mixed>}
	 * @throws PaymentException with the shopper's reason.
	 */
	public function begin( \WC_Order $order, array $input ): array {
		try {
			$next = $this->plugin->flow()->start(
				(string) $order->get_id(),
				$input,
				static fn( string $token ): string => add_query_arg( 't', $token, CallbackEndpoint::returnUrl() )
			);
		} catch ( EngineException $e ) {
			throw new PaymentException( 'sanalpos.unavailable', $e->getMessage() );
		}
		$order = wc_get_order( $order->get_id() );
		$order->delete_meta_data( self::NEXT );
		$form     = null;
		$redirect = $order->get_checkout_payment_url( true );
		switch ( $next['type'] ) {
			case 'paid':
				$redirect = $order->get_checkout_order_received_url();
				break;
			case 'form':
				$form = $next['form'];
				if ( 'bank_page' === $form['card_entry'] ) {
					// Card-free: kept so that the receipt page can send the shopper on without JavaScript.
					$order->update_meta_data( self::NEXT, wp_json_encode( $next ) );
				}
				break;
			case 'redirect':
				if ( true === $next['redirect']['embed'] ) {
					$order->update_meta_data( self::NEXT, wp_json_encode( $next ) );
				} else {
					$redirect = (string) $next['redirect']['url'];
				}
				break;
			default:
				// `html`: the bank's page is a document of its own, never part of the shop's page.
				set_transient(
					self::PAGE_TRANSIENT . $next['attempt'],
					array(
						'order' => $order->get_id(),
						'html'  => (string) $next['html'],
					),
					self::PAGE_LIFETIME
				);
				$redirect = add_query_arg( 't', $next['attempt'], WC()->api_request_url( self::PAGE_API ) );
		}
		$order->save();
		return array(
			'redirect' => $redirect,
			'form'     => $form,
		);
	}

	/**
	 * `?wc-api=sanalpos_page&t=<attempt token>`: the bank's 3D page of an attempt, served once
	 * and unchanged as a document of its own (its scripts run the bank's 3D Secure steps).
	 */
	public function serveBankPage(): void {
		$token = (string) ( $_GET['t'] ?? '' ); // phpcs:ignore WordPress.Security.NonceVerification -- the attempt token is the credential.
		$key   = self::PAGE_TRANSIENT . ( preg_match( '/^[0-9a-f]{32}$/', $token ) ? $token : 'none' );
		$page  = get_transient( $key );
		delete_transient( $key );
		$order = is_array( $page ) ? wc_get_order( (int) $page['order'] ) : null;
		if ( ! $order instanceof \WC_Order ) {
			self::respond( false, 404, esc_html__( 'This payment page has expired. Please go back to the shop and try again.', 'sanalpos-woocommerce' ) );
			return;
		}
		if ( ! $order->needs_payment() ) {
			self::redirect( $order->get_checkout_order_received_url() );
			return;
		}
		self::header( 'Cache-Control: no-store, private' );
		self::header( 'X-Robots-Tag: noindex' );
		self::respond( false, 200, (string) $page['html'] );
	}

	/** `process_payment()` of the classic checkout (and of the Blocks checkout's legacy path). */
	public function processPayment( int $orderId ): array {
		$order = wc_get_order( $orderId );
		try {
			$next = $this->begin( $order, $this->input( wp_unslash( $_POST ) ) ); // phpcs:ignore WordPress.Security.NonceVerification -- WooCommerce checked the checkout nonce.
		} catch ( PaymentException $e ) {
			wc_add_notice( esc_html( Messages::forException( $e ) ), 'error' );
			return array(
				'result'   => 'failure',
				'messages' => Messages::forException( $e ),
			);
		}
		return array(
			'result'   => 'success',
			'redirect' => $next['redirect'],
			// Read by the checkout script, which posts the form to the bank from the same page.
			'sanalpos' => null === $next['form'] ? '' : (string) wp_json_encode( $next['form'] ),
		);
	}

	/**
	 * Blocks checkout: handles this method before WooCommerce's legacy adapter (priority 999).
	 * Errors are thrown with the shopper's text: the Store API shows them (WooCommerce 7.9 to 10).
	 *
	 * @param \Automattic\WooCommerce\StoreApi\Payments\PaymentContext $context
	 * @param \Automattic\WooCommerce\StoreApi\Payments\PaymentResult  $result
	 */
	public function processWithContext( $context, &$result ): void {
		if ( Plugin::ID !== $context->payment_method || '' !== (string) $result->status ) {
			return;
		}
		$order = $context->order;
		$input = $this->input( (array) $context->payment_data );
		try {
			$this->validate( $input, WcOrderStore::decimal( $order->get_total() ), (string) $order->get_currency(), $this->plugin->orderCart( $order ) );
			$next = $this->begin( $order, $input );
		} catch ( PaymentException $e ) {
			$message = Messages::forException( $e );
			if ( class_exists( \Automattic\WooCommerce\StoreApi\Exceptions\RouteException::class ) ) {
				throw new \Automattic\WooCommerce\StoreApi\Exceptions\RouteException( 'sanalpos_payment_error', esc_html( $message ), 400 );
			}
			throw new \Exception( esc_html( $message ) );
		}
		$result->set_status( 'success' );
		$result->set_payment_details( array( 'sanalpos' => null === $next['form'] ? '' : (string) wp_json_encode( $next['form'] ) ) );
		$result->set_redirect_url( $next['redirect'] );
	}

	/**
	 * The order-pay receipt page: for a bank-page model, the stored card-free form sends the
	 * shopper on; otherwise the card form again, posting to the pay endpoint (no JavaScript, or a
	 * "pay for order" link).
	 */
	public function receipt( int $orderId ): void {
		$order = wc_get_order( $orderId );
		if ( ! $order instanceof \WC_Order || ! $order->needs_payment() ) {
			return;
		}
		$error = sanitize_key( wp_unslash( (string) ( $_GET['sanalpos_error'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification -- only picks a fixed message.
		$next  = json_decode( (string) $order->get_meta( self::NEXT ), true );
		if ( '' === $error && is_array( $next ) ) {
			// Shown once: a reload starts a new attempt from the card form.
			$order->delete_meta_data( self::NEXT );
			$order->save();
			echo 'form' === $next['type'] ? self::bankFormHtml( $next['form'] ) : self::embedHtml( (string) $next['redirect']['url'] ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
			return;
		}
		if ( '' !== $error ) {
			echo '<ul class="woocommerce-error" role="alert"><li>' . esc_html( Messages::forReason( str_replace( '-', '.', $error ) ) ) . '</li></ul>';
		}
		$this->enqueueFor( WcOrderStore::decimal( $order->get_total() ), (string) $order->get_currency(), $this->plugin->orderCart( $order ), 'receipt' );
		echo '<form method="post" class="sanalpos-pay" data-sanalpos-pay action="' . esc_url( WC()->api_request_url( self::PAY_API ) ) . '">'
			. $this->cardFormHtml( true ) // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
			. '<input type="hidden" name="order_id" value="' . esc_attr( (string) $order->get_id() ) . '" />'
			. '<input type="hidden" name="key" value="' . esc_attr( $order->get_order_key() ) . '" />'
			. wp_nonce_field( 'sanalpos-pay-' . $order->get_id(), '_wpnonce', true, false )
			. '<button type="submit" class="button alt">' . esc_html__( 'Pay now', 'sanalpos-woocommerce' ) . '</button></form>';
	}

	/**
	 * `?wc-api=sanalpos_pay`: the receipt page's form. JSON for the card form script (which adds
	 * the card in the browser where the bank allows it), or the auto-submitting bank form.
	 */
	public function servePayEndpoint(): void {
		$post  = wp_unslash( $_POST ); // phpcs:ignore WordPress.Security.NonceVerification -- verified below.
		$order = wc_get_order( absint( $post['order_id'] ?? 0 ) );
		$json  = ! empty( $post['sanalpos_ajax'] );
		if ( ! $order instanceof \WC_Order || ! hash_equals( $order->get_order_key(), (string) ( $post['key'] ?? '' ) )
			|| ! wp_verify_nonce( (string) ( $post['_wpnonce'] ?? '' ), 'sanalpos-pay-' . $order->get_id() ) ) {
			self::respond( $json, 403, array( 'result' => 'failure', 'messages' => __( 'This payment link is not valid any more. Please reload the page.', 'sanalpos-woocommerce' ) ) );
			return;
		}
		if ( ! $order->needs_payment() ) {
			self::redirect( $order->get_checkout_order_received_url() );
			return;
		}
		if ( Plugin::ID !== $order->get_payment_method() ) {
			$order->set_payment_method( Plugin::ID );
			$order->save();
		}
		try {
			$next = $this->begin( $order, $this->input( $post ) );
		} catch ( PaymentException $e ) {
			if ( $json ) {
				self::respond( true, 200, array( 'result' => 'failure', 'messages' => Messages::forException( $e ) ) );
			} else {
				self::redirect( add_query_arg( 'sanalpos_error', str_replace( '.', '-', $e->reason() ), $order->get_checkout_payment_url( true ) ) );
			}
			return;
		}
		if ( $json ) {
			self::respond( true, 200, array( 'result' => 'success', 'redirect' => $next['redirect'], 'sanalpos' => null === $next['form'] ? '' : (string) wp_json_encode( $next['form'] ) ) );
		} elseif ( null === $next['form'] ) {
			// Where the flow sends the shopper: the shop's own pages, or the bank's page by address.
			wp_redirect( $next['redirect'], 303 ); // phpcs:ignore WordPress.Security.SafeRedirect -- the address comes from the payment flow, not from the request.
			Http::finish();
		} else {
			self::respond( false, 200, '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>' . esc_html__( 'Redirecting to your bank…', 'sanalpos-woocommerce' ) . '</title></head><body>' . self::bankFormHtml( $next['form'] ) . '</body></html>' );
		}
	}

	/**
	 * The bank's form as hidden inputs, submitted at once (a button for browsers without
	 * JavaScript); a GET form opens the bank's page by address.
	 */
	public static function bankFormHtml( array $form ): string {
		$method = 'GET' === strtoupper( (string) ( $form['method'] ?? 'POST' ) ) ? 'get' : 'post';
		$html   = '<form method="' . $method . '" id="sanalpos-bank-form" action="' . esc_url( (string) $form['action'] ) . '">';
		foreach ( $form['fields'] as $field ) {
			$html .= '<input type="hidden" name="' . esc_attr( (string) $field['name'] ) . '" value="' . esc_attr( (string) $field['value'] ) . '" />';
		}
		return $html . '<p>' . esc_html__( 'Redirecting to your bank for 3D Secure…', 'sanalpos-woocommerce' ) . '</p><noscript><button type="submit">' . esc_html__( 'Continue to your bank', 'sanalpos-woocommerce' ) . '</button></noscript></form>'
			. '<script>document.getElementById("sanalpos-bank-form").submit();</script>';
	}

	/** A provider's payment page embedded in the order-pay page (PayTR's iFrame API): the shopper stays on the shop. */
	public static function embedHtml( string $url ): string {
		return '<div class="sanalpos-embed"><iframe src="' . esc_url( $url ) . '" title="' . esc_attr__( 'Secure payment page', 'sanalpos-woocommerce' ) . '" allow="payment" style="width:100%;min-height:640px;border:0"></iframe></div>';
	}

	/** `before_woocommerce_pay`: the reason a payment just failed, by its code (never echoed). */
	public function showReturnError(): void {
		$code = sanitize_key( wp_unslash( (string) ( $_GET['sanalpos_error'] ?? '' ) ) ); // phpcs:ignore WordPress.Security.NonceVerification -- only picks a fixed message.
		if ( '' !== $code && ! isset( $_GET['order-pay'] ) && function_exists( 'wc_print_notice' ) ) { // phpcs:ignore WordPress.Security.NonceVerification
			wc_print_notice( esc_html( Messages::forReason( str_replace( '-', '.', $code ) ) ), 'error' );
		}
	}

	/** `wp_enqueue_scripts`: the classic checkout's card form script, with its data. */
	public function enqueue(): void {
		if ( ! function_exists( 'is_checkout' ) || ! is_checkout() || is_wc_endpoint_url( 'order-received' ) || is_wc_endpoint_url( 'order-pay' ) ) {
			return;
		}
		[ $amount, $currency, $cart ] = $this->cart();
		$this->enqueueFor( $amount, $currency, $cart, 'checkout' );
	}

	/** @param list<array{category: string, price: string}> $cart */
	private function enqueueFor( string $amount, string $currency, array $cart, string $page ): void {
		try {
			$config = $this->config( $amount, $currency, $cart ) + array( 'page' => $page );
		} catch ( EngineException $e ) {
			return;
		}
		wp_enqueue_style( 'sanalpos-checkout', $this->plugin->url( 'assets/css/checkout.css' ), array(), SANALPOS_VERSION );
		wp_enqueue_script( 'sanalpos-checkout', $this->plugin->url( 'assets/js/checkout-classic.js' ), array( 'jquery' ), SANALPOS_VERSION, true );
		wp_add_inline_script( 'sanalpos-checkout', 'window.sanalposCheckout = ' . wp_json_encode( $config + array( 'cardForm' => $this->plugin->url( 'assets/js/card-form.js' ) . '?ver=' . SANALPOS_VERSION ) ) . ';', 'before' );
	}

	/** @param array<string, mixed>|string $body */
	private static function respond( bool $json, int $status, array|string $body ): void {
		status_header( $status );
		if ( $json ) {
			self::header( 'Content-Type: application/json; charset=utf-8' );
			echo wp_json_encode( $body );
		} else {
			self::header( 'Content-Type: text/html; charset=utf-8' );
			echo is_string( $body ) ? $body : esc_html( (string) ( $body['messages'] ?? '' ) ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
		}
		Http::finish();
	}

	private static function header( string $header ): void {
		if ( ! headers_sent() ) {
			header( $header );
		}
	}

	private static function redirect( string $url ): void {
		wp_safe_redirect( $url, 303 );
		Http::finish();
	}
}
