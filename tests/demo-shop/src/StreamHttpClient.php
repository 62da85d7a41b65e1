<?php
/**
 * The HttpClient port over PHP's stream wrapper (no extension needed): TLS peers are verified,
 * plain http is allowed only to this machine (the bank simulator), and no answer within the
 * deadline is an HttpFailure. `$maxTimeout` caps the flow's wait, so that the end-to-end tests
 * see the "bank timeout" card in seconds rather than half a minute.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Flow\HttpClient;
use Sanalpos\Flow\HttpFailure;

final class StreamHttpClient implements HttpClient {
	public function __construct( private readonly int $maxTimeout = 30 ) {}

	public function send( string $method, string $url, array $headers, string $body, int $timeoutSeconds ): array {
		$parts = parse_url( $url );
		$scheme = strtolower( (string) ( $parts['scheme'] ?? '' ) );
		$host   = strtolower( (string) ( $parts['host'] ?? '' ) );
		if ( 'https' !== $scheme && ! ( 'http' === $scheme && in_array( $host, array( '127.0.0.1', 'localhost' ), true ) ) ) {
			throw new HttpFailure( "refused to send to $scheme://$host: https only, or http to this machine" );
		}
		$lines = array( 'Connection: close', 'Content-Length: ' . strlen( $body ) );
		foreach ( $headers as $header ) {
			$lines[] = $header['name'] . ': ' . $header['value'];
		}
		$context = stream_context_create(
			array(
				'http' => array(
					'method'           => $method,
					'header'           => implode( "\r\n", $lines ),
					'content'          => $body,
					'timeout'          => (float) min( $timeoutSeconds, $this->maxTimeout ),
					'ignore_errors'    => true,
					'follow_location'  => 0,
					'protocol_version' => 1.1,
				),
				'ssl'  => array(
					'verify_peer'      => true,
					'verify_peer_name' => true,
				),
			)
		);
		$answer = @file_get_contents( $url, false, $context );
		$head   = $http_response_header ?? array();
		if ( false === $answer || array() === $head ) {
			throw new HttpFailure( 'no answer from ' . $host . ': ' . ( error_get_last()['message'] ?? 'timed out' ) );
		}
		$status = preg_match( '#^HTTP/\S+\s+(\d{3})#', (string) $head[0], $m ) ? (int) $m[1] : 0;
		$fields = array();
		foreach ( array_slice( $head, 1 ) as $line ) {
			if ( str_contains( $line, ':' ) ) {
				[ $name, $value ]                = explode( ':', $line, 2 );
				$fields[ strtolower( trim( $name ) ) ] = trim( $value );
			}
		}
		return array(
			'status'  => $status,
			'headers' => $fields,
			'body'    => $answer,
		);
	}
}
