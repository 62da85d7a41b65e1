<?php
/**
 * Runs when the plugin is deleted. Settings go only when the owner asked for it (the setting
 * "Delete these settings when the plugin is deleted") or the site defines WC_REMOVE_ALL_DATA.
 * Orders keep their payment records (attempts and bank references), needed for refunds and
 * accounting.
 *
 * @package sanalpos
 */

declare(strict_types=1);

defined( 'WP_UNINSTALL_PLUGIN' ) || exit;

$sanalpos_settings = get_option( 'woocommerce_sanalpos_settings', array() );
if ( ( is_array( $sanalpos_settings ) && 'yes' === ( $sanalpos_settings['remove_data'] ?? 'no' ) ) || ( defined( 'WC_REMOVE_ALL_DATA' ) && true === WC_REMOVE_ALL_DATA ) ) {
	delete_option( 'woocommerce_sanalpos_settings' );
}
