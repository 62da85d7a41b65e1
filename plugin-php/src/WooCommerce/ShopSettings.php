<?php
/**
 * The gateway's saved settings (the option `woocommerce_sanalpos_settings`), read into what the
 * flow and the pages need. Structured settings (accounts, plans, category map, BIN list, limits)
 * are stored as JSON strings inside the one option, as the WooCommerce settings API keeps it.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\Settings;

final class ShopSettings {
	public const OPTION = 'woocommerce_sanalpos_settings';

	/** @param array<string, mixed> $values */
	public function __construct( private readonly array $values ) {}

	public static function load(): self {
		$values = get_option( self::OPTION, array() );
		return new self( is_array( $values ) ? $values : array() );
	}

	public function get( string $key, string $default = '' ): string {
		$value = $this->values[ $key ] ?? $default;
		return is_scalar( $value ) ? (string) $value : $default;
	}

	public function flag( string $key ): bool {
		return 'yes' === $this->get( $key );
	}

	public function environment(): string {
		return 'live' === $this->get( 'environment' ) ? 'live' : 'test';
	}

	/**
	 * The POS accounts as saved: `id`, `gateway` (bank preset), `model`, and per environment
	 * (`test`, `live`) `credentials` and `endpoints`.
	 *
	 * @return list<array<string, mixed>>
	 */
	public function accounts(): array {
		return $this->json( 'accounts' );
	}

	/** @return list<array<string, mixed>> Rate plans in the core's format. */
	public function plans(): array {
		return $this->json( 'plans' );
	}

	/** @return array<string, string> Product category id → legal installment category id. */
	public function categoryMap(): array {
		return array_map( 'strval', $this->json( 'categories' ) );
	}

	/** @return array<string, array<string, mixed>> BIN → issuer facts (the shop's BIN list). */
	public function binList(): array {
		return $this->json( 'bin_list' );
	}

	/** @return array<string, mixed> */
	public function limits(): array {
		return $this->json( 'limits' );
	}

	public function defaultAccount(): string {
		$ids     = array_column( $this->accounts(), 'id' );
		$default = $this->get( 'default_account' );
		return in_array( $default, $ids, true ) ? $default : (string) ( $ids[0] ?? '' );
	}

	/** The configuration the payment flow runs on: the active environment's credentials. */
	public function flowSettings(): Settings {
		$env      = $this->environment();
		$accounts = array();
		foreach ( $this->accounts() as $account ) {
			$accounts[ (string) $account['id'] ] = array(
				'gateway'     => (string) $account['gateway'],
				'model'       => (string) $account['model'],
				'credentials' => array_filter( array_map( 'strval', (array) ( $account[ $env ]['credentials'] ?? array() ) ), 'strlen' ),
				'endpoints'   => array_filter( array_map( 'strval', (array) ( $account[ $env ]['endpoints'] ?? array() ) ), 'strlen' ),
			);
		}
		return new Settings(
			$env,
			$accounts,
			$this->defaultAccount(),
			$this->plans(),
			$this->flag( 'preauth' ) ? 'preauth' : 'sale',
			$this->flag( 'half_secure' ),
			$this->binList(),
			$this->limits(),
		);
	}

	/** @return array<mixed> */
	private function json( string $key ): array {
		$decoded = json_decode( $this->get( $key ), true );
		return is_array( $decoded ) ? $decoded : array();
	}
}
