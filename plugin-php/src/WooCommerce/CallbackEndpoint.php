<?php
/**
 * Where banks answer the shop. `?wc-api=sanalpos_return&t=<attempt token>`: where the bank sends
 * the shopper back (POST, or GET for banks that return by address). `?wc-api=sanalpos_notify`:
 * server-to-server notifications at one fixed address (PayTR's "Bildirim URL"), answered exactly
 * as the provider expects. Neither needs a session or cookie: the token, or the bank order id the
 * notification names, finds the attempt; the core authenticates the bank's message; the flow's
 * lock makes replays harmless.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;
use Sanalpos\Flow\PaymentException;

final class CallbackEndpoint {
	/** `woocommerce_api_…` names of the two endpoints. */
	public const RETURN_API = 'sanalpos_return';
	public const NOTIFY_API = 'sanalpos_notify';

	/** Where the raw body is read from; tests point it at a file. */
	public static string $input = 'php://input';

	public function __construct( private readonly Plugin $plugin ) {}

	/** The bank's return address (each attempt adds its token). */
	public static function returnUrl(): string {
		return WC()->api_request_url( self::RETURN_API );
	}

	/** The address to paste into the PayTR panel as "Bildirim URL". */
	public static function notificationUrl(): string {
		return WC()->api_request_url( self::NOTIFY_API );
	}

	/** The `woocommerce_api_sanalpos_return` hook. */
	public function serve(): void {
		// phpcs:disable WordPress.Security.NonceVerification -- the bank's signature authenticates.
		$post = wp_unslash( $_POST );
		if ( array() === $post ) {
			// A bank that returns by address (PayFlex Common Payment) puts its fields in the query.
			$post = array_diff_key( wp_unslash( $_GET ), array_flip( array( 't', 'wc-api' ) ) );
		}
		$answer = $this->handle( (string) ( $_GET['t'] ?? '' ), $post, self::rawBody() );
		// phpcs:enable
		status_header( $answer['status'] );
		if ( isset( $answer['location'] ) && $answer['empty'] ) {
			// No bank message: the shopper may be inside the provider's iframe (PayTR): leave it.
			self::header( 'Content-Type: text/html; charset=utf-8' );
			echo self::topLevelRedirect( $answer['location'] ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
		} elseif ( isset( $answer['location'] ) ) {
			wp_safe_redirect( $answer['location'], 303 );
		} else {
			self::header( 'Content-Type: text/plain; charset=utf-8' );
			echo esc_html( $answer['body'] );
		}
		Http::finish();
	}

	/**
	 * @param array<string, mixed> $post The POST map (or a GET return's query) with its original keys, unslashed.
	 * @return array{status: int, location?: string, body?: string, empty: bool, flow: array<string, mixed>}
	 *         `empty`: the return carried no bank message.
	 */
	public function handle( string $token, array $post, string $rawBody ): array {
		$post  = self::strings( $post );
		$empty = array() === $post && '' === $rawBody;
		try {
			$answer = $this->plugin->flow()->handleCallback( $token, $post, $rawBody );
		} catch ( PaymentException | EngineException $e ) {
			return array(
				'status' => 503,
				'body'   => 'Temporarily unavailable',
				'empty'  => $empty,
				'flow'   => array( 'status' => 'error' ),
			);
		}
		$order = null === $answer['order_id'] ? null : wc_get_order( (int) $answer['order_id'] );
		if ( ! $order instanceof \WC_Order || in_array( $answer['status'], array( 'rejected', 'unknown' ), true ) ) {
			return array(
				'status' => 400,
				'body'   => 'Bad request',
				'empty'  => $empty,
				'flow'   => $answer,
			);
		}
		if ( 'failed' === $answer['status'] ) {
			$location = add_query_arg( 'sanalpos_error', str_replace( '.', '-', (string) ( $answer['reason'] ?? 'bank.declined' ) ), $order->get_checkout_payment_url( true ) );
		} else {
			// Paid; pending (the bank must be asked, or its notification is still to come); busy
			// (a notification holds the order): the thank-you page says "being verified" until paid.
			$location = $order->get_checkout_order_received_url();
		}
		return array(
			'status'   => $empty ? 200 : 303,
			'location' => $location,
			'empty'    => $empty,
			'flow'     => $answer,
		);
	}

	/** The `woocommerce_api_sanalpos_notify` hook: answers the provider in plain text. */
	public function serveNotification(): void {
		$answer = $this->notify( wp_unslash( $_POST ), self::rawBody() ); // phpcs:ignore WordPress.Security.NonceVerification -- the provider's signature authenticates.
		status_header( $answer['status'] );
		self::header( 'Content-Type: text/plain; charset=utf-8' );
		echo $answer['body']; // phpcs:ignore WordPress.Security.EscapeOutput -- plain text: the provider's own reply word, or a fixed error.
		Http::finish();
	}

	/**
	 * A notification's answer: exactly the verdict's `reply` (PayTR: `OK`) for every authentic
	 * notification, duplicates included, so that the provider stops resending; a plain error for
	 * anything else (forged, unknown order, or not handled now), so that it resends.
	 *
	 * @param array<string, mixed> $post
	 * @return array{status: int, body: string, flow: array<string, mixed>}
	 */
	public function notify( array $post, string $rawBody ): array {
		try {
			$answer = $this->plugin->flow()->handleNotification( self::strings( $post ), $rawBody );
		} catch ( PaymentException | EngineException $e ) {
			$answer = array( 'status' => 'error' );
		}
		$reply = $answer['reply'] ?? null;
		if ( null !== $reply ) {
			return array(
				'status' => 200,
				'body'   => $reply,
				'flow'   => $answer,
			);
		}
		$errors = array(
			'rejected' => array( 400, 'Bad request' ),
			'unknown'  => array( 404, 'Unknown order' ),
		);
		[ $status, $body ] = $errors[ $answer['status'] ] ?? array( 503, 'Temporarily unavailable' );
		return array(
			'status' => $status,
			'body'   => $body,
			'flow'   => $answer,
		);
	}

	/** @return array<string, string> The scalar fields of a request map, as strings. */
	private static function strings( array $map ): array {
		return array_map( 'strval', array_filter( $map, 'is_scalar' ) );
	}

	/** A page that sends the whole window on, even from inside a provider's iframe. */
	private static function topLevelRedirect( string $url ): string {
		return '<!DOCTYPE html><html><head><meta charset="utf-8"><meta name="robots" content="noindex"><title>' . esc_html__( 'Back to the shop…', 'sanalpos-woocommerce' ) . '</title></head><body>'
			. '<p><a href="' . esc_url( $url ) . '" target="_top">' . esc_html__( 'Continue', 'sanalpos-woocommerce' ) . '</a></p>'
			. '<script>window.top.location.href = ' . wp_json_encode( esc_url_raw( $url ) ) . ';</script></body></html>';
	}

	private static function header( string $header ): void {
		if ( ! headers_sent() ) {
			header( $header );
		}
	}

	/** The urlencoded body exactly as the bank sent it (empty for multipart posts). */
	private static function rawBody(): string {
		$type = (string) ( $_SERVER['CONTENT_TYPE'] ?? '' );
		if ( '' !== $type && ! str_starts_with( strtolower( $type ), 'application/x-www-form-urlencoded' ) ) {
			return '';
		}
		$body = file_get_contents( self::$input );
		return false === $body ? '' : $body;
	}
}
