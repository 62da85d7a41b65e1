<?php
/**
 * A shop with the plugin: loads the WordPress and WooCommerce doubles and boots the plugin on the
 * native core, the way WordPress boots it. Used by the tests and by the worker processes.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce\Doubles;

use Sanalpos\Engine\Core;
use Sanalpos\Flow\Clock;
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

	public static function boot( Clock $clock ): Plugin {
		$core   = self::core();
		$plugin = new Plugin(
			SANALPOS_FILE,
			static fn(): Core => $core,
			new WpHttpClient(),
			$clock,
			static fn(): array => array(
				'engines'       => array(
					'ffi' => 'the PHP FFI extension is not loaded',
					'php' => null,
				),
				'module_sha256' => str_repeat( 'ab', 32 ),
			)
		);
		Plugin::install( $plugin );
		$plugin->register();
		return $plugin;
	}
}
