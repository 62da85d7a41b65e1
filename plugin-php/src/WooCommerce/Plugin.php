<?php
/**
 * The plugin: checks what it needs, registers its hooks, and builds the payment flow on
 * WooCommerce's ports. One instance per request; tests give it their own engine, HTTP client and
 * clock.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineException;
use Sanalpos\Engine\EngineFactory;
use Sanalpos\Engine\EngineFiles;
use Sanalpos\Flow\Clock;
use Sanalpos\Flow\HttpClient;
use Sanalpos\Flow\PaymentFlow;
use Sanalpos\Flow\SystemClock;

final class Plugin {
	public const ID           = 'sanalpos';
	public const TEXT_DOMAIN  = 'sanalpos-woocommerce';
	public const MIN_WC       = '7.9';
	private static ?self $instance = null;

	private ?ShopSettings $settings = null;
	/** @var array<string, mixed>|null */
	private ?array $gateways = null;
	private ?Core $core = null;
	/** Milliseconds the engine took to start (load and check the module), for the status panel. */
	private ?float $engineStartMs = null;
	private readonly EngineFactory $engines;

	/**
	 * @param EngineFactory|null $engines The engines to pick from, best first; by default the
	 *                                    bundled ones (FFI, then PHP).
	 */
	public function __construct(
		private readonly string $file,
		?EngineFactory $engines = null,
		private readonly HttpClient $http = new WpHttpClient(),
		private readonly Clock $clock = new SystemClock(),
	) {
		$this->engines = $engines ?? EngineFactory::bundled();
	}

	public static function instance(): self {
		return self::$instance ??= new self( SANALPOS_FILE );
	}

	/** For tests: the instance hooks and WooCommerce's gateway objects use. */
	public static function install( ?self $plugin ): void {
		self::$instance = $plugin;
	}

	/** `before_woocommerce_init`: HPOS and Cart/Checkout blocks compatibility. */
	public static function declareCompatibility(): void {
		if ( class_exists( \Automattic\WooCommerce\Utilities\FeaturesUtil::class ) ) {
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'custom_order_tables', SANALPOS_FILE, true );
			\Automattic\WooCommerce\Utilities\FeaturesUtil::declare_compatibility( 'cart_checkout_blocks', SANALPOS_FILE, true );
		}
	}

	/** `plugins_loaded`: registers everything, or only an admin notice when WooCommerce is missing or too old. */
	public static function boot(): void {
		$plugin  = self::instance();
		$problem = self::wooCommerceProblem();
		add_action( 'init', array( $plugin, 'loadTextdomain' ) );
		if ( null !== $problem ) {
			add_action(
				'admin_notices',
				static function () use ( $problem ): void {
					Admin::notice( $problem() );
				}
			);
			return;
		}
		$plugin->register();
	}

	/** @return (\Closure(): string)|null Why WooCommerce cannot be used (translated late), or null. */
	private static function wooCommerceProblem(): ?\Closure {
		if ( ! class_exists( 'WooCommerce' ) || ! class_exists( 'WC_Payment_Gateway' ) ) {
			return static fn(): string => __( 'sanalpos needs WooCommerce: install and activate WooCommerce to take card payments.', 'sanalpos-woocommerce' );
		}
		if ( defined( 'WC_VERSION' ) && version_compare( WC_VERSION, self::MIN_WC, '<' ) ) {
			/* translators: 1: required WooCommerce version, 2: installed version */
			return static fn(): string => sprintf( __( 'sanalpos needs WooCommerce %1$s or newer; this site has %2$s. Update WooCommerce.', 'sanalpos-woocommerce' ), self::MIN_WC, WC_VERSION );
		}
		return null;
	}

	public function register(): void {
		$checkout = new Checkout( $this );
		$admin    = new Admin( $this );
		add_filter(
			'woocommerce_payment_gateways',
			static function ( array $gateways ): array {
				$gateways[] = Gateway::class;
				return $gateways;
			}
		);
		$callbacks = new CallbackEndpoint( $this );
		add_action( 'woocommerce_api_' . CallbackEndpoint::RETURN_API, array( $callbacks, 'serve' ) );
		add_action( 'woocommerce_api_' . CallbackEndpoint::NOTIFY_API, array( $callbacks, 'serveNotification' ) );
		add_action( 'woocommerce_api_' . Checkout::PAY_API, array( $checkout, 'servePayEndpoint' ) );
		add_action( 'woocommerce_api_' . Checkout::PAGE_API, array( $checkout, 'serveBankPage' ) );
		add_action( 'woocommerce_rest_checkout_process_payment_with_context', array( $checkout, 'processWithContext' ), 10, 2 );
		add_action( 'wp_enqueue_scripts', array( $checkout, 'enqueue' ) );
		add_action( 'before_woocommerce_pay', array( $checkout, 'showReturnError' ) );
		add_action( 'woocommerce_blocks_loaded', array( BlocksSupport::class, 'register' ) );
		add_filter( 'woocommerce_order_actions', array( $admin, 'orderActions' ), 10, 2 );
		add_action( 'woocommerce_order_action_sanalpos_check_status', array( $admin, 'checkStatus' ) );
		add_action( 'woocommerce_order_action_sanalpos_capture', array( $admin, 'capture' ) );
		add_action( 'wp_ajax_sanalpos_connection_test', array( $admin, 'connectionTest' ) );
		add_action( 'admin_notices', array( $admin, 'engineNotice' ) );
		$table = new InstallmentTable( $this );
		add_shortcode( 'sanalpos_installments', array( $table, 'shortcode' ) );
		add_filter( 'woocommerce_product_tabs', array( $table, 'productTab' ) );
	}

	public function loadTextdomain(): void {
		load_plugin_textdomain( self::TEXT_DOMAIN, false, dirname( plugin_basename( $this->file ) ) . '/languages' );
	}

	public function file(): string {
		return $this->file;
	}

	public function url( string $path ): string {
		return plugins_url( $path, $this->file );
	}

	public function settings(): ShopSettings {
		return $this->settings ??= ShopSettings::load();
	}

	/** After the settings were saved. */
	public function settingsChanged(): void {
		$this->settings = null;
	}

	/**
	 * The core on the best engine this host runs (one per request).
	 *
	 * @throws EngineException `engine.unavailable` with every engine's reason.
	 */
	public function core(): Core {
		if ( null === $this->core ) {
			$started             = microtime( true );
			$this->core          = new Core( $this->engines->create() );
			$this->engineStartMs = ( microtime( true ) - $started ) * 1000;
		}
		return $this->core;
	}

	/**
	 * For the status panel: each engine and why it cannot run here (null when it can), how long
	 * the engine in use took to start, and the bundled module's SHA-256 (recorded, and whether
	 * the file matches it).
	 *
	 * @return array{engines: array<string, ?string>, start_ms: ?float, module: array{recorded: ?string, matches: bool}}
	 */
	public function engineStatus(): array {
		return array(
			'engines'  => $this->engines->report(),
			'start_ms' => $this->engineStartMs,
			'module'   => EngineFiles::bundled()->moduleStatus(),
		);
	}

	/** Why no engine runs here, or null when one does. */
	public function engineProblem(): ?string {
		try {
			$this->core();
			return null;
		} catch ( EngineException $e ) {
			return $e->getMessage();
		}
	}

	public function flow(): PaymentFlow {
		$settings = $this->settings();
		return new PaymentFlow(
			$this->core(),
			$settings->flowSettings(),
			new WcOrderStore( \Closure::fromCallable( array( $this, 'orderCart' ) ) ),
			$this->http,
			new WpLock(),
			new WcLogger( $settings->flag( 'debug' ) ),
			$this->clock,
		);
	}

	public function clock(): Clock {
		return $this->clock;
	}

	/** The shopper's or admin's language as the core knows it. */
	public function lang(): string {
		$locale = function_exists( 'determine_locale' ) ? determine_locale() : get_locale();
		return str_starts_with( (string) $locale, 'tr' ) ? 'tr' : 'en';
	}

	/** Today in Turkish time, as the core's `today`. */
	public function today(): string {
		return $this->clock->now()->setTimezone( new \DateTimeZone( 'Europe/Istanbul' ) )->format( 'Y-m-d' );
	}

	/** @return array<string, mixed> `gateways.list` in the admin's language. */
	public function gateways(): array {
		return $this->gateways ??= $this->core()->run( 'gateways.list', array( 'lang' => $this->lang() ) );
	}

	/**
	 * An order's lines as legal installment categories (the owner's category mapping): one line
	 * per mapped category of each product, at the item's unit price.
	 *
	 * @return list<array{category: string, price: string}>
	 */
	public function orderCart( \WC_Order $order ): array {
		$lines = array();
		foreach ( $order->get_items() as $item ) {
			if ( ! $item instanceof \WC_Order_Item_Product ) {
				continue;
			}
			$price = WcOrderStore::decimal( $order->get_item_total( $item, true, true ) );
			foreach ( $this->categoriesOf( (int) $item->get_product_id() ) as $category ) {
				$lines[] = array(
					'category' => $category,
					'price'    => $price,
				);
			}
		}
		return $lines;
	}

	/** @return list<string> The legal installment categories the owner mapped a product's categories to. */
	public function categoriesOf( int $productId ): array {
		$map = $this->settings()->categoryMap();
		if ( array() === $map || $productId <= 0 ) {
			return array();
		}
		$terms = wc_get_product_term_ids( $productId, 'product_cat' );
		$found = array();
		foreach ( $terms as $term ) {
			if ( isset( $map[ (string) $term ] ) && '' !== $map[ (string) $term ] ) {
				$found[ $map[ (string) $term ] ] = true;
			}
		}
		return array_keys( $found );
	}
}
