<?php
/**
 * The HttpClient port on the WordPress HTTP API: the exact bytes the core built, TLS verification
 * on, a timeout, no redirects (a bank answers where it was asked).
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\HttpClient;
use Sanalpos\Flow\HttpFailure;

final class WpHttpClient implements HttpClient {
	public function send( string $method, string $url, array $headers, string $body, int $timeoutSeconds ): array {
		$assoc = array();
		foreach ( $headers as $header ) {
			$assoc[ (string) $header['name'] ] = (string) $header['value'];
		}
		$response = wp_remote_request(
			$url,
			array(
				'method'      => $method,
				'headers'     => $assoc,
				'body'        => $body,
				'timeout'     => $timeoutSeconds,
				'redirection' => 0,
				'sslverify'   => true,
				'httpversion' => '1.1',
				'user-agent'  => 'sanalpos-woocommerce/' . SANALPOS_VERSION,
			)
		);
		if ( is_wp_error( $response ) ) {
			throw new HttpFailure( $response->get_error_message() );
		}
		$received = array();
		foreach ( (array) wp_remote_retrieve_headers( $response ) as $name => $value ) {
			$received[ strtolower( (string) $name ) ] = is_array( $value ) ? implode( ', ', $value ) : (string) $value;
		}
		return array(
			'status'  => (int) wp_remote_retrieve_response_code( $response ),
			'headers' => $received,
			'body'    => (string) wp_remote_retrieve_body( $response ),
		);
	}
}
