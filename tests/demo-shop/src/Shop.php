<?php
/**
 * The demo shop's wiring: its catalogue and installment plans (its "settings"), the POS accounts
 * of the bank simulator, and the plugin's own PaymentFlow over this shop's adapters (SQLite
 * orders, stream HTTP, flock locks, a file log, the system clock) and the core's engine.
 *
 * Configuration comes from the environment (`make demo` and the end-to-end tests set it):
 * SANALPOS_BANK_SIM (the simulator's URL), SANALPOS_DEMO_DATA (a writable folder),
 * SANALPOS_HTTP_TIMEOUT (longest wait for a bank, seconds; default 30).
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineFactory;
use Sanalpos\Flow\PaymentFlow;
use Sanalpos\Flow\Settings;
use Sanalpos\Flow\SystemClock;

final class Shop {
	public const CURRENCY = 'TRY';

	/** The catalogue: the category is the legal installment category of core/API.md. */
	public const PRODUCTS = array(
		'chair'      => array(
			'name'     => 'Ergonomic office chair',
			'category' => 'furniture',
			'price'    => '3000.00',
		),
		'kettle'     => array(
			'name'     => 'Stainless steel kettle',
			'category' => 'white_goods',
			'price'    => '1250.00',
		),
		'headphones' => array(
			'name'     => 'Wireless headphones',
			'category' => 'electronics',
			'price'    => '2400.00',
		),
	);

	/** The model each family's POS account uses. */
	public const MODELS = array(
		'nestpay'       => '3d',
		'garanti'       => '3d',
		'posnet'        => '3d',
		'akbank'        => '3d',
		'payfor'        => '3d',
		'interpos'      => '3d',
		'posnet_v1'     => '3d',
		'tosla'         => '3d_pay',
		'kuveyt'        => '3d',
		'vakif_katilim' => '3d',
		// VakıfBank Common Payment: the bank charges on its own page and sends the shopper back
		// with a GET.
		'payflex_cp'    => '3d_pay',
		// ParamPos: the bank's 3D page comes back as a document, served by the shop.
		'param'         => '3d',
		'iyzico'        => '3d',
		// PayTR's iFrame API: the card on PayTR's page inside the shop's; the result by notification.
		'paytr'         => '3d_host',
	);

	/** Families whose result reaches the shop only as a server-to-server notification. */
	public const NOTIFIED = array( 'paytr' );

	/**
	 * Installment plans: commission passed to the customer (markup). Bonus cards get their own
	 * rates; every other card the default plan.
	 */
	public const PLANS = array(
		array(
			'family' => 'bonus',
			'mode'   => 'markup',
			'rates'  => array(
				array( 'count' => 1, 'rate' => '0' ),
				array( 'count' => 3, 'rate' => '2.90' ),
				array( 'count' => 6, 'rate' => '5.90', 'plus_installments' => 2, 'campaign' => 'Bonus +2' ),
				array( 'count' => 9, 'rate' => '8.90' ),
			),
		),
		array(
			'family'                 => 'default',
			'mode'                   => 'markup',
			'min_installment_amount' => '50.00',
			'rates'                  => array(
				array( 'count' => 1, 'rate' => '0' ),
				array( 'count' => 2, 'rate' => '2.10' ),
				array( 'count' => 3, 'rate' => '3.20' ),
				array( 'count' => 6, 'rate' => '6.40' ),
				array( 'count' => 9, 'rate' => '9.60' ),
				array( 'count' => 12, 'rate' => '12.80' ),
			),
		),
	);

	private ?Core $core = null;
	private ?SqliteOrderStore $orders = null;
	/** @var array<string, array<string, mixed>>|null */
	private ?array $accounts = null;

	public function __construct( private readonly string $simulator, private readonly string $data, private readonly int $httpTimeout ) {}

	public static function fromEnvironment(): self {
		$data = getenv( 'SANALPOS_DEMO_DATA' ) ?: dirname( __DIR__, 3 ) . '/build/demo';
		foreach ( array( $data, "$data/locks" ) as $dir ) {
			if ( ! is_dir( $dir ) ) {
				mkdir( $dir, 0700, true );
			}
		}
		return new self( rtrim( (string) getenv( 'SANALPOS_BANK_SIM' ), '/' ), $data, (int) ( getenv( 'SANALPOS_HTTP_TIMEOUT' ) ?: 30 ) );
	}

	/** The core on the engine the plugin picks on this host: FFI where PHP allows it, else the PHP engine. */
	public function core(): Core {
		return $this->core ??= new Core( EngineFactory::shared() );
	}

	public function orders(): SqliteOrderStore {
		return $this->orders ??= new SqliteOrderStore( $this->data . '/shop.sqlite' );
	}

	/**
	 * The POS accounts: one per family the simulator speaks, with its credentials and endpoints
	 * (`GET /admin/accounts`), and this shop's model. Kept in the data folder after the first read.
	 *
	 * @return array<string, array<string, mixed>>
	 */
	public function accounts(): array {
		if ( null !== $this->accounts ) {
			return $this->accounts;
		}
		$cache = $this->data . '/accounts.json';
		$json  = is_file( $cache ) ? (string) file_get_contents( $cache ) : '';
		$known = json_decode( $json, true );
		if ( ! is_array( $known ) || ( $known['simulator'] ?? '' ) !== $this->simulator ) {
			$answer = @file_get_contents( $this->simulator . '/admin/accounts' );
			if ( false === $answer ) {
				throw new \RuntimeException( "the bank simulator does not answer at {$this->simulator}" );
			}
			$known = array(
				'simulator' => $this->simulator,
				'accounts'  => json_decode( $answer, true, 16, JSON_THROW_ON_ERROR ),
			);
			file_put_contents( $cache, json_encode( $known, JSON_PRETTY_PRINT | JSON_UNESCAPED_SLASHES ), LOCK_EX );
		}
		$this->accounts = array();
		foreach ( self::MODELS as $id => $model ) {
			if ( isset( $known['accounts'][ $id ] ) ) {
				$this->accounts[ $id ] = $known['accounts'][ $id ] + array( 'model' => $model );
			}
		}
		return $this->accounts;
	}

	/**
	 * The shop's payment settings, with `$bank` as the POS that serves its payments, as sales or
	 * pre-authorisations (`$txType`).
	 */
	public function settings( string $bank, string $txType = 'sale' ): Settings {
		$accounts = array();
		foreach ( $this->accounts() as $id => $a ) {
			$accounts[ $id ] = array(
				'gateway'     => $a['gateway'],
				'model'       => $a['model'],
				'credentials' => $a['credentials'],
				'endpoints'   => $a['endpoints'],
			);
		}
		return new Settings( 'test', $accounts, $bank, self::PLANS, $txType );
	}

	public function flow( string $bank, string $txType = 'sale' ): PaymentFlow {
		return new PaymentFlow(
			$this->core(),
			$this->settings( $bank, $txType ),
			$this->orders(),
			new StreamHttpClient( $this->httpTimeout ),
			new FileLock( $this->data . '/locks' ),
			new FileLogger( $this->data . '/shop.log' ),
			new SystemClock()
		);
	}

	/**
	 * How each account's card reaches the bank (`server`, `browser`, `bank_page`), as the flow
	 * decides it for the account's model.
	 *
	 * @return array<string, string>
	 */
	public function cardEntry(): array {
		$flow  = $this->flow( (string) array_key_first( $this->accounts() ) );
		$entry = array();
		foreach ( array_keys( $this->accounts() ) as $id ) {
			$entry[ $id ] = $flow->cardEntry( $id );
		}
		return $entry;
	}

	/** Today in Turkish time, as the core's `today`. */
	public static function today(): string {
		return ( new \DateTimeImmutable( 'now', new \DateTimeZone( 'Europe/Istanbul' ) ) )->format( 'Y-m-d' );
	}
}
