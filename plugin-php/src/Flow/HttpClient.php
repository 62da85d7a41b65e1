<?php
/**
 * Port: sends a signed request built by the core to a bank, exactly as given.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

interface HttpClient {
	/**
	 * @param list<array{name: string, value: string}> $headers
	 * @return array{status: int, headers: array<string, string>, body: string} The body as raw bytes.
	 * @throws HttpFailure on a timeout, a TLS failure or no connection.
	 */
	public function send( string $method, string $url, array $headers, string $body, int $timeoutSeconds ): array;
}
