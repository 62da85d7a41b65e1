<?php
/**
 * The main plugin file's constants, as WordPress would have them after loading the plugin.
 */

declare(strict_types=1);

if ( ! defined( 'SANALPOS_VERSION' ) ) {
	define( 'SANALPOS_VERSION', '0.1.0' );
	define( 'SANALPOS_FILE', dirname( __DIR__, 2 ) . '/sanalpos-woocommerce.php' );
}
