<?php
/**
 * Plugin Name:          sanalpos — Turkish bank virtual POS for WooCommerce
 * Plugin URI:           https://github.com/sanalpos/sanalpos
 * Description:          Card payments with 3D Secure and installments (taksit) through Turkish banks' virtual POS, on the classic and the block checkout. One WebAssembly payment core signs and checks every bank message.
 * Version:              0.1.0
 * Requires at least:    6.1
 * Requires PHP:         8.1
 * Requires Plugins:     woocommerce
 * WC requires at least: 7.9
 * WC tested up to:      10.0
 * Author:               sanalpos contributors
 * License:              MIT
 * License URI:          https://opensource.org/licenses/MIT
 * Text Domain:          sanalpos-woocommerce
 * Domain Path:          /languages
 *
 * @package sanalpos
 */

declare(strict_types=1);

defined( 'ABSPATH' ) || exit;

define( 'SANALPOS_VERSION', '0.1.0' );
define( 'SANALPOS_FILE', __FILE__ );

require __DIR__ . '/src/autoload.php';

add_action( 'before_woocommerce_init', array( \Sanalpos\WooCommerce\Plugin::class, 'declareCompatibility' ) );
add_action( 'plugins_loaded', array( \Sanalpos\WooCommerce\Plugin::class, 'boot' ) );
