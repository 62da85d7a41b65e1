<?php
/**
 * `?wc-api=sanalpos_return&t=<attempt token>`: where the bank sends the shopper back (and where
 * server-to-server notifications arrive). Needs no session or cookie: the token finds the order,
 * the core authenticates the bank's message, the flow's lock makes replays harmless.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;
use Sanalpos\Flow\PaymentException;

final class CallbackEndpoint {
	/** Where the raw body is read from; tests point it at a file. */
	public static string $input = 'php://input';

	public function __construct( private readonly Plugin $plugin ) {}

	/** The `woocommerce_api_sanalpos_return` hook. */
	public function serve(): void {
		$answer = $this->handle(
			(string) ( $_GET['t'] ?? '' ), // phpcs:ignore WordPress.Security.NonceVerification -- the bank's signature authenticates.
			wp_unslash( $_POST ), // phpcs:ignore WordPress.Security.NonceVerification
			self::rawBody()
		);
		status_header( $answer['status'] );
		if ( isset( $answer['location'] ) ) {
			wp_safe_redirect( $answer['location'], 303 );
		} else {
			if ( ! headers_sent() ) {
				header( 'Content-Type: text/plain; charset=utf-8' );
			}
			echo esc_html( $answer['body'] );
		}
		Http::finish();
	}

	/**
	 * @param array<string, mixed> $post The POST map with its original keys, unslashed.
	 * @return array{status: int, location?: string, body?: string, flow: array<string, mixed>}
	 */
	public function handle( string $token, array $post, string $rawBody ): array {
		try {
			$answer = $this->plugin->flow()->handleCallback( $token, array_map( 'strval', array_filter( $post, 'is_scalar' ) ), $rawBody );
		} catch ( PaymentException | EngineException $e ) {
			return array(
				'status' => 503,
				'body'   => 'Temporarily unavailable',
				'flow'   => array( 'status' => 'error' ),
			);
		}
		$order = null === $answer['order_id'] ? null : wc_get_order( (int) $answer['order_id'] );
		if ( ! $order instanceof \WC_Order || in_array( $answer['status'], array( 'rejected', 'unknown' ), true ) ) {
			return array(
				'status' => 400,
				'body'   => 'Bad request',
				'flow'   => $answer,
			);
		}
		switch ( $answer['status'] ) {
			case 'paid':
			case 'pending':
				$location = $order->get_checkout_order_received_url();
				break;
			case 'busy':
				// Another request holds the order (the shopper's browser and a notification at
				// once): the thank-you page says the payment is being verified.
				$location = $order->get_checkout_order_received_url();
				break;
			default:
				$location = add_query_arg( 'sanalpos_error', str_replace( '.', '-', (string) ( $answer['reason'] ?? 'bank.declined' ) ), $order->get_checkout_payment_url( true ) );
		}
		return array(
			'status'   => 303,
			'location' => $location,
			'flow'     => $answer,
		);
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
