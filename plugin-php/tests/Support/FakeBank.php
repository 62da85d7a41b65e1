<?php
/**
 * Test double of the HttpClient port: records every request and answers with whatever the
 * test queued (a status and body, a transport failure, or a function of the request for answers
 * that must echo it, such as the bank order id).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Flow\HttpClient;
use Sanalpos\Flow\HttpFailure;

final class FakeBank implements HttpClient {
	/** @var list<array{method: string, url: string, body: string}> */
	public array $requests = array();
	/** @var list<array{status: int, body: string}|\Throwable|\Closure(array{method: string, url: string, body: string}): array{status: int, body: string}> */
	public array $answers = array();

	public function send( string $method, string $url, array $headers, string $body, int $timeoutSeconds ): array {
		$this->requests[] = array(
			'method' => $method,
			'url'    => $url,
			'body'   => $body,
		);
		$answer = array_shift( $this->answers ) ?? new HttpFailure( 'no answer queued' );
		if ( $answer instanceof \Closure ) {
			$answer = $answer( end( $this->requests ) );
		}
		if ( $answer instanceof \Throwable ) {
			throw $answer;
		}
		return array(
			'status'  => $answer['status'],
			'headers' => array(),
			'body'    => $answer['body'],
		);
	}
}
