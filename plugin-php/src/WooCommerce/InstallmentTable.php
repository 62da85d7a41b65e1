<?php
/**
 * The product page's installment table, from `installments.table`: shortcode
 * `[sanalpos_installments id="123"]` and, when the owner turned it on, an "Installments" tab.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;

final class InstallmentTable {
	public function __construct( private readonly Plugin $plugin ) {}

	/** @param array<string, string>|string $atts */
	public function shortcode( $atts = array() ): string {
		$atts    = shortcode_atts( array( 'id' => '' ), is_array( $atts ) ? $atts : array(), 'sanalpos_installments' );
		$product = wc_get_product( '' === $atts['id'] ? get_the_ID() : absint( $atts['id'] ) );
		return $product instanceof \WC_Product ? $this->html( $product ) : '';
	}

	/** `woocommerce_product_tabs`. */
	public function productTab( array $tabs ): array {
		if ( $this->plugin->settings()->flag( 'product_tab' ) && $this->plugin->settings()->flag( 'enabled' ) ) {
			$tabs['sanalpos_installments'] = array(
				'title'    => __( 'Installments', 'sanalpos-woocommerce' ),
				'priority' => 40,
				'callback' => function (): void {
					global $product;
					if ( $product instanceof \WC_Product ) {
						echo $this->html( $product ); // phpcs:ignore WordPress.Security.EscapeOutput -- escaped while built.
					}
				},
			);
		}
		return $tabs;
	}

	public function html( \WC_Product $product ): string {
		$settings = $this->plugin->settings();
		if ( array() === $settings->plans() ) {
			return '';
		}
		$price = WcOrderStore::decimal( wc_get_price_to_display( $product ) );
		$lang  = $this->plugin->lang();
		$cart  = array_map(
			static fn( string $category ): array => array(
				'category' => $category,
				'price'    => $price,
			),
			$this->plugin->categoriesOf( (int) $product->get_id() )
		);
		$fields = array(
			'amount'   => $price,
			'currency' => get_woocommerce_currency(),
			'today'    => $this->plugin->today(),
			'plans'    => $settings->plans(),
			'cart'     => $cart,
			'lang'     => $lang,
		);
		if ( array() !== $settings->limits() ) {
			$fields['limits'] = (object) $settings->limits();
		}
		try {
			$table = $this->plugin->core()->run( 'installments.table', $fields );
		} catch ( EngineException $e ) {
			return '';
		}
		if ( array() === $table['counts'] ) {
			return '';
		}
		$html = '<div class="sanalpos-installment-table"><table class="shop_table"><thead><tr><th>' . esc_html__( 'Installments', 'sanalpos-woocommerce' ) . '</th>';
		foreach ( $table['rows'] as $row ) {
			$html .= '<th>' . esc_html( (string) ( $row['name'][ $lang ] ?? $row['family'] ) ) . '</th>';
		}
		$html .= '</tr></thead><tbody>';
		foreach ( $table['counts'] as $count ) {
			$html .= '<tr><th scope="row">' . esc_html( 1 === $count ? __( 'Single payment', 'sanalpos-woocommerce' ) : (string) $count ) . '</th>';
			foreach ( $table['rows'] as $row ) {
				$option = null;
				foreach ( $row['options'] as $candidate ) {
					$option = (int) $candidate['count'] === (int) $count ? $candidate : $option;
				}
				$html .= null === $option
					? '<td>—</td>'
					/* translators: 1: per-installment amount, 2: installment count */
					: '<td>' . esc_html( sprintf( __( '%1$s × %2$d', 'sanalpos-woocommerce' ), wp_strip_all_tags( wc_price( $option['per_installment'] ) ), (int) $count ) ) . '<br /><small>' . esc_html( sprintf( /* translators: %s: total */ __( 'Total %s', 'sanalpos-woocommerce' ), wp_strip_all_tags( wc_price( $option['total'] ) ) ) ) . '</small></td>';
			}
			$html .= '</tr>';
		}
		return $html . '</tbody></table></div>';
	}
}
