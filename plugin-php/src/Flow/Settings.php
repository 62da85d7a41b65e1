<?php
/**
 * The shop's payment configuration as the flow uses it: the POS accounts of the active
 * environment, installment plans (each plan's `pos` routes its family to an account), and
 * options. Built by an adapter from WooCommerce settings or the demo's configuration.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class Settings {
	/**
	 * @param array<string, array{gateway: string, model: string, credentials: array<string, string>, endpoints?: array<string, string>}> $accounts POS accounts by id.
	 * @param list<array<string, mixed>> $plans          Installment plans in the core's format.
	 * @param array<string, array<string, mixed>> $binOverrides The shop's BIN list: 6- or 8-digit BIN → issuer facts.
	 * @param array<string, mixed> $limits Overrides of uncertain legal limits.
	 */
	public function __construct(
		public readonly string $environment,
		public readonly array $accounts,
		public readonly string $defaultAccount,
		public readonly array $plans,
		public readonly string $txType = 'sale',
		public readonly bool $acceptHalfSecure = false,
		public readonly array $binOverrides = array(),
		public readonly array $limits = array(),
	) {}

	/**
	 * The account fields of every bank op (`gateway`, `environment`, `credentials`, `endpoints`).
	 *
	 * @return array<string, mixed>
	 * @throws PaymentException when the account is not configured.
	 */
	public function accountFields( string $account ): array {
		$a = $this->accounts[ $account ] ?? null;
		if ( null === $a ) {
			throw new PaymentException( 'config.account_missing', "POS account '$account' is not configured" );
		}
		$fields = array(
			'gateway'     => $a['gateway'],
			'environment' => $this->environment,
			'credentials' => (object) $a['credentials'],
		);
		if ( ! empty( $a['endpoints'] ) ) {
			$fields['endpoints'] = (object) $a['endpoints'];
		}
		return $fields;
	}

	public function model( string $account ): string {
		return (string) ( $this->accounts[ $account ]['model'] ?? '' );
	}

	/**
	 * The shop's BIN list entry for a card number or BIN: the 8-digit prefix first, then 6.
	 *
	 * @return array<string, mixed>|null
	 */
	public function issuerFor( string $digits ): ?array {
		foreach ( array( 8, 6 ) as $n ) {
			$bin = substr( $digits, 0, $n );
			if ( strlen( $bin ) === $n && isset( $this->binOverrides[ $bin ] ) ) {
				return $this->binOverrides[ $bin ];
			}
		}
		return null;
	}
}
