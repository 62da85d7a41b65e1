<?php
/**
 * A shop with the plugin: loads the WordPress and WooCommerce doubles and boots the plugin on the
 * native core, the way WordPress boots it. Used by the tests and by the worker processes.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce\Doubles;

use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineCandidate;
use Sanalpos\Engine\EngineFactory;
use Sanalpos\Flow\Clock;
use Sanalpos\Tests\Support\CliCandidate;
use Sanalpos\Tests\Support\CliEngine;
use Sanalpos\WooCommerce\Plugin;
use Sanalpos\WooCommerce\WpHttpClient;

require_once __DIR__ . '/World.php';
require_once __DIR__ . '/wordpress.php';
require_once __DIR__ . '/woocommerce.php';

if ( ! defined( 'SANALPOS_VERSION' ) ) {
	define( 'SANALPOS_VERSION', '0.1.0' );
	define( 'SANALPOS_FILE', dirname( __DIR__, 3 ) . '/sanalpos-woocommerce.php' );
}

final class Shop {
	private static ?Core $core = null;

	/** The native core, one process-wide command-line tool. */
	public static function core(): Core {
		return self::$core ??= new Core( new CliEngine() );
	}

	/**
	 * The plugin booted on the native core. `$engines`: another engine factory (the real engines,
	 * or candidates that cannot run here).
	 */
	public static function boot( Clock $clock, ?EngineFactory $engines = null ): Plugin {
		$plugin = new Plugin( SANALPOS_FILE, $engines ?? self::engines(), new WpHttpClient(), $clock );
		Plugin::install( $plugin );
		$plugin->register();
		return $plugin;
	}

	/** The native core as the only engine. */
	public static function engines( EngineCandidate ...$before ): EngineFactory {
		return new EngineFactory( array_merge( $before, array( new CliCandidate( self::core()->engine() ) ) ) );
	}
}
