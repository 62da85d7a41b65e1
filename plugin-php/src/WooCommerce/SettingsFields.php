<?php
/**
 * The structured parts of the settings screen: POS accounts (drawn from `gateways.list`, so a
 * new bank family appears without plugin changes), installment plans (families × counts grid),
 * product category → legal installment category mapping, the merchant BIN list, and legal limit
 * overrides. Each renders as a WooCommerce settings field and validates what was posted, through
 * the core wherever a rule is involved; each is stored as JSON in the gateway's option.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Engine\EngineException;

final class SettingsFields {
	/** Card families a plan can be for (core/API.md "Card families"), with `default` for every other card. */
	public const FAMILIES = array(
		'default'      => '',
		'bonus'        => 'Bonus',
		'world'        => 'World',
		'maximum'      => 'Maximum',
		'axess'        => 'Axess',
		'cardfinans'   => 'CardFinans',
		'paraf'        => 'Paraf',
		'advantage'    => 'Advantage',
		'bankkart'     => 'Bankkart',
		'saglam'       => 'Sağlam Kart',
		'wings'        => 'Wings',
		'neo'          => 'Neo',
		'miles_smiles' => 'Miles&Smiles',
		'shop_fly'     => 'Shop&Fly',
		'bank24'       => 'Bank24',
	);

	/** Installment counts in the rate grid (personal cards: at most 12 by law; commercial: 18). */
	private const COUNTS = 18;

	/** Placeholder shown in a saved secret's input, which is never filled with the secret itself. */
	private const KEEP = '';

	public function __construct( private readonly Plugin $plugin, private readonly \WC_Settings_API $form ) {}

	/** The legal installment categories (core/API.md "Installment categories and legal limits"). */
	public static function categories(): array {
		return array(
			'general'            => __( 'General goods', 'sanalpos-woocommerce' ),
			'white_goods'        => __( 'White goods and electrical appliances', 'sanalpos-woocommerce' ),
			'furniture'          => __( 'Furniture', 'sanalpos-woocommerce' ),
			'electronics'        => __( 'Electronics (video, camera, audio)', 'sanalpos-woocommerce' ),
			'tv'                 => __( 'Televisions', 'sanalpos-woocommerce' ),
			'computers'          => __( 'Computers', 'sanalpos-woocommerce' ),
			'tablets'            => __( 'Tablets', 'sanalpos-woocommerce' ),
			'phones_new'         => __( 'New mobile phones', 'sanalpos-woocommerce' ),
			'phones_refurbished' => __( 'Refurbished mobile phones', 'sanalpos-woocommerce' ),
			'telecom'            => __( 'Telecom services', 'sanalpos-woocommerce' ),
			'jewellery'          => __( 'Jewellery', 'sanalpos-woocommerce' ),
			'food'               => __( 'Meals', 'sanalpos-woocommerce' ),
			'groceries'          => __( 'Groceries', 'sanalpos-woocommerce' ),
			'alcohol'            => __( 'Alcoholic drinks', 'sanalpos-woocommerce' ),
			'fuel'               => __( 'Fuel', 'sanalpos-woocommerce' ),
			'cosmetics'          => __( 'Cosmetics', 'sanalpos-woocommerce' ),
			'office_supplies'    => __( 'Office supplies', 'sanalpos-woocommerce' ),
			'gift_cards'         => __( 'Gift cards and vouchers', 'sanalpos-woocommerce' ),
			'direct_marketing'   => __( 'Direct marketing', 'sanalpos-woocommerce' ),
			'travel'             => __( 'Domestic travel and accommodation', 'sanalpos-woocommerce' ),
			'travel_abroad'      => __( 'Travel and accommodation abroad', 'sanalpos-woocommerce' ),
			'transport'          => __( 'Transport', 'sanalpos-woocommerce' ),
			'health'             => __( 'Health products and services', 'sanalpos-woocommerce' ),
			'education'          => __( 'Education', 'sanalpos-woocommerce' ),
			'clubs'              => __( 'Clubs and associations', 'sanalpos-woocommerce' ),
			'tax'                => __( 'Tax payments', 'sanalpos-woocommerce' ),
		);
	}

	/*
	 * POS accounts.
	 */

	public function accountsHtml( string $key, array $data ): string {
		$name     = $this->form->get_field_key( $key );
		$accounts = $this->plugin->settings()->accounts();
		$rows     = '';
		foreach ( array_merge( $accounts, array( array() ) ) as $i => $account ) {
			$rows .= $this->accountHtml( $name . '[' . $i . ']', $account, array() === $account );
		}
		return $this->row(
			$key,
			$data,
			'<div class="sanalpos-accounts" data-next="' . esc_attr( (string) count( $accounts ) ) . '">' . $rows . '</div>'
			. '<p class="description">' . esc_html__( 'Fill in the empty block to add a POS account; clear its bank to remove one. Secret fields are never shown again: leave them empty to keep the saved value.', 'sanalpos-woocommerce' ) . '</p>'
		);
	}

	private function accountHtml( string $name, array $account, bool $blank ): string {
		$gateways = $this->plugin->gateways()['gateways'];
		$preset   = (string) ( $account['gateway'] ?? '' );
		$family   = $this->familyOf( $preset );
		$options  = '<option value="">' . esc_html__( '— no account —', 'sanalpos-woocommerce' ) . '</option>';
		$models   = '';
		foreach ( $gateways as $gateway ) {
			$options .= '<optgroup label="' . esc_attr( $gateway['name'] ) . '">';
			foreach ( $gateway['presets'] as $p ) {
				$options .= '<option value="' . esc_attr( $p['id'] ) . '" data-family="' . esc_attr( $gateway['id'] ) . '"' . selected( $preset, $p['id'], false ) . '>' . esc_html( $p['name'] ) . '</option>';
			}
			$options .= '</optgroup>';
			foreach ( self::offeredModels( $gateway ) as $m ) {
				$selected = $family === $gateway['id'] && ( $account['model'] ?? '' ) === $m['id'];
				$models  .= '<option value="' . esc_attr( $gateway['id'] . ':' . $m['id'] ) . '" data-family="' . esc_attr( $gateway['id'] ) . '"' . selected( $selected, true, false ) . '>' . esc_html( $gateway['name'] . ' — ' . self::modelLabel( $m['id'], $m['card_entry'] ) ) . '</option>';
			}
		}
		$html  = '<fieldset class="sanalpos-account' . ( $blank ? ' sanalpos-account-new' : '' ) . '">';
		$html .= '<legend>' . esc_html( $blank ? __( 'New POS account', 'sanalpos-woocommerce' ) : sprintf( /* translators: %s: account id */ __( 'POS account "%s"', 'sanalpos-woocommerce' ), (string) $account['id'] ) ) . '</legend>';
		$html .= '<p><label>' . esc_html__( 'Account id (used in installment routing)', 'sanalpos-woocommerce' ) . ' <input type="text" name="' . esc_attr( $name . '[id]' ) . '" value="' . esc_attr( (string) ( $account['id'] ?? '' ) ) . '" pattern="[a-z0-9_\-]*" /></label></p>';
		$html .= '<p><label>' . esc_html__( 'Bank', 'sanalpos-woocommerce' ) . ' <select class="sanalpos-preset" name="' . esc_attr( $name . '[gateway]' ) . '">' . $options . '</select></label> ';
		$html .= '<label>' . esc_html__( 'Payment model', 'sanalpos-woocommerce' ) . ' <select class="sanalpos-model" name="' . esc_attr( $name . '[model]' ) . '">' . $models . '</select></label></p>';
		foreach ( $gateways as $gateway ) {
			$html .= '<div class="sanalpos-family" data-family="' . esc_attr( $gateway['id'] ) . '"' . ( $family === $gateway['id'] || ( '' === $family ) ? '' : ' hidden' ) . '>';
			foreach ( array(
				'test' => __( 'Test environment', 'sanalpos-woocommerce' ),
				'live' => __( 'Live environment', 'sanalpos-woocommerce' ),
			) as $env => $label ) {
				$saved = $family === $gateway['id'] ? (array) ( $account[ $env ]['credentials'] ?? array() ) : array();
				$html .= '<div class="sanalpos-env"><strong>' . esc_html( $gateway['name'] . ' — ' . $label ) . '</strong>';
				foreach ( $gateway['credentials'] as $c ) {
					$field = $name . '[' . $env . '][' . $gateway['id'] . '][credentials][' . $c['id'] . ']';
					$value = (string) ( $saved[ $c['id'] ] ?? '' );
					$html .= '<p><label>' . esc_html( $c['label'] ) . ( $c['required'] ? ' *' : '' ) . ' ';
					if ( array() !== $c['choices'] ) {
						$html .= '<select name="' . esc_attr( $field ) . '">';
						foreach ( $c['choices'] as $choice ) {
							$html .= '<option value="' . esc_attr( $choice ) . '"' . selected( $value, $choice, false ) . '>' . esc_html( $choice ) . '</option>';
						}
						$html .= '</select>';
					} elseif ( $c['secret'] ) {
						$html .= '<input type="password" autocomplete="new-password" name="' . esc_attr( $field ) . '" value="' . self::KEEP . '" placeholder="' . esc_attr( '' === $value ? '' : __( '(saved — leave empty to keep)', 'sanalpos-woocommerce' ) ) . '" />';
					} else {
						$html .= '<input type="text" name="' . esc_attr( $field ) . '" value="' . esc_attr( $value ) . '" />';
					}
					$html .= '</label></p>';
				}
				$endpoints = (array) ( $account[ $env ]['endpoints'] ?? array() );
				foreach ( $gateway['endpoints'] as $e ) {
					$default = (string) $e[ $env ];
					$html   .= '<p><label>' . esc_html( sprintf( /* translators: %s: endpoint id, e.g. gate_3d */ __( 'Address "%s" (leave empty for the bank\'s)', 'sanalpos-woocommerce' ), $e['id'] ) ) . ' <input type="url" class="regular-text" name="' . esc_attr( $name . '[' . $env . '][' . $gateway['id'] . '][endpoints][' . $e['id'] . ']' ) . '" value="' . esc_attr( $family === $gateway['id'] ? (string) ( $endpoints[ $e['id'] ] ?? '' ) : '' ) . '" placeholder="' . esc_attr( $default ) . '" /></label></p>';
				}
				$html .= '</div>';
			}
			$html .= '</div>';
		}
		if ( ! $blank ) {
			$html .= '<p><button type="button" class="button sanalpos-connection-test" data-account="' . esc_attr( (string) $account['id'] ) . '">' . esc_html__( 'Connection test', 'sanalpos-woocommerce' ) . '</button> <span class="sanalpos-connection-result" aria-live="polite"></span></p>';
		}
		return $html . '</fieldset>';
	}

	/**
	 * @param mixed $posted
	 * @return string The accounts as JSON.
	 */
	public function validateAccounts( $posted ): string {
		$saved    = array();
		foreach ( $this->plugin->settings()->accounts() as $account ) {
			$saved[ (string) $account['id'] ] = $account;
		}
		$env      = 'live' === ( $this->form->get_post_data()[ $this->form->get_field_key( 'environment' ) ] ?? 'test' ) ? 'live' : 'test';
		$accounts = array();
		foreach ( is_array( $posted ) ? $posted : array() as $row ) {
			$preset = sanitize_key( (string) ( $row['gateway'] ?? '' ) );
			if ( '' === $preset ) {
				continue;
			}
			$gateway = $this->gatewayOf( $preset );
			if ( null === $gateway ) {
				$this->form->add_error( sprintf( /* translators: %s: bank id */ __( 'Unknown bank "%s": the account was not saved.', 'sanalpos-woocommerce' ), $preset ) );
				continue;
			}
			$id = sanitize_key( (string) ( $row['id'] ?? '' ) );
			$id = '' === $id ? $preset : $id;
			if ( isset( $accounts[ $id ] ) ) {
				$this->form->add_error( sprintf( /* translators: %s: account id */ __( 'Two POS accounts are named "%s": the second was not saved.', 'sanalpos-woocommerce' ), $id ) );
				continue;
			}
			[ $modelFamily, $model ] = array_pad( explode( ':', (string) ( $row['model'] ?? '' ), 2 ), 2, '' );
			$offered                 = self::offeredModels( $gateway );
			if ( $modelFamily === $gateway['id'] && in_array( $model, array_diff( array_column( $gateway['models'], 'id' ), array_column( $offered, 'id' ) ), true ) ) {
				/* translators: 1: account id, 2: bank name */
				$this->form->add_error( sprintf( __( 'POS account "%1$s": this payment model of %2$s needs the card again after the bank\'s 3D Secure page, and the shop never keeps card data, so it cannot be offered. For VakıfBank, use the Common Payment preset (vakifbank_cp): the card is typed at the bank. The account was not saved.', 'sanalpos-woocommerce' ), $id, $gateway['name'] ) );
				continue;
			}
			if ( $modelFamily !== $gateway['id'] || ! in_array( $model, array_column( $offered, 'id' ), true ) ) {
				$model = (string) ( $offered[0]['id'] ?? '' );
			}
			$account = array(
				'id'      => $id,
				'gateway' => $preset,
				'model'   => $model,
			);
			foreach ( array( 'test', 'live' ) as $e ) {
				$given        = (array) ( $row[ $e ][ $gateway['id'] ] ?? array() );
				$old          = $this->familyOf( (string) ( $saved[ $id ]['gateway'] ?? '' ) ) === $gateway['id'] ? (array) ( $saved[ $id ][ $e ]['credentials'] ?? array() ) : array();
				$credentials  = array();
				foreach ( $gateway['credentials'] as $c ) {
					$value = trim( wp_unslash( (string) ( $given['credentials'][ $c['id'] ] ?? '' ) ) );
					if ( '' === $value && $c['secret'] ) {
						$value = (string) ( $old[ $c['id'] ] ?? '' );
					}
					if ( '' !== $value ) {
						$credentials[ $c['id'] ] = $value;
					}
				}
				$endpoints = array();
				foreach ( $gateway['endpoints'] as $endpoint ) {
					$url = trim( (string) ( $given['endpoints'][ $endpoint['id'] ] ?? '' ) );
					if ( '' !== $url ) {
						$endpoints[ $endpoint['id'] ] = esc_url_raw( $url, array( 'https', 'http' ) );
					}
				}
				$account[ $e ] = array(
					'credentials' => $credentials,
					'endpoints'   => $endpoints,
				);
			}
			$this->checkAccount( $account, $gateway, $env );
			$accounts[ $id ] = $account;
		}
		return (string) wp_json_encode( array_values( $accounts ) );
	}

	/** Reports what the active environment lacks, and what the core refuses, without losing the input. */
	private function checkAccount( array $account, array $gateway, string $env ): void {
		$credentials = $account[ $env ]['credentials'];
		foreach ( $gateway['credentials'] as $c ) {
			if ( $c['required'] && ! isset( $credentials[ $c['id'] ] ) ) {
				/* translators: 1: account id, 2: credential label, 3: environment */
				$this->form->add_error( sprintf( __( 'POS account "%1$s": "%2$s" is required for the %3$s environment.', 'sanalpos-woocommerce' ), $account['id'], $c['label'], $env ) );
				return;
			}
		}
		$fields = array(
			'gateway'     => $account['gateway'],
			'environment' => $env,
			'credentials' => (object) $credentials,
			'model'       => $account['model'],
			'order'       => array(
				'id'     => 'SETTINGSCHECK1',
				'amount' => '1.00',
			),
			'urls'        => array(
				'ok'   => 'https://example.com/ok',
				'fail' => 'https://example.com/fail',
			),
			// A made-up shopper with every field a provider may require (PayTR, iyzico, ParamPos).
			'customer'    => array(
				'ip'      => '127.0.0.1',
				'email'   => 'settings-check@example.com',
				'name'    => 'Settings Check',
				'phone'   => '05000000000',
				'address' => 'Settings check',
				'city'    => 'Istanbul',
				'country' => 'Turkey',
			),
			'nonce'       => str_repeat( '0', 128 ),
			'now'         => $this->plugin->clock()->now()->format( \DateTimeInterface::ATOM ),
			'today'       => $this->plugin->today(),
			'lang'        => $this->plugin->lang(),
		);
		if ( array() !== $account[ $env ]['endpoints'] ) {
			$fields['endpoints'] = (object) $account[ $env ]['endpoints'];
		}
		$entries = array_column( $gateway['models'], 'card_entry', 'id' );
		if ( 'server' === ( $entries[ $account['model'] ] ?? '' ) ) {
			// A public test card: the check builds a form, it never sends one.
			$fields['card'] = array(
				'number' => '4508034508034509',
				'expiry' => '12/40',
				'cvv'    => '000',
			);
		}
		try {
			$this->plugin->core()->run( 'payment.prepare', $fields );
		} catch ( EngineException $e ) {
			/* translators: 1: account id, 2: the core's message */
			$this->form->add_error( sprintf( __( 'POS account "%1$s": %2$s', 'sanalpos-woocommerce' ), $account['id'], $e->getMessage() ) );
		}
	}

	/*
	 * Installment plans.
	 */

	public function plansHtml( string $key, array $data ): string {
		$name     = $this->form->get_field_key( $key );
		$plans    = $this->plugin->settings()->plans();
		$accounts = array_column( $this->plugin->settings()->accounts(), 'id' );
		$head     = '<tr><th>' . esc_html__( 'Card family', 'sanalpos-woocommerce' ) . '</th><th>' . esc_html__( 'Commission', 'sanalpos-woocommerce' ) . '</th><th>' . esc_html__( 'POS for installments', 'sanalpos-woocommerce' ) . '</th><th>' . esc_html__( 'Minimum installment', 'sanalpos-woocommerce' ) . '</th>';
		for ( $n = 1; $n <= self::COUNTS; $n++ ) {
			$head .= '<th>' . ( 1 === $n ? esc_html__( 'Single', 'sanalpos-woocommerce' ) : esc_html( (string) $n ) ) . '</th>';
		}
		$rows = '';
		foreach ( array_merge( $plans, array( array() ) ) as $i => $plan ) {
			$field  = $name . '[' . $i . ']';
			$family = (string) ( $plan['family'] ?? '' );
			$rows  .= '<tr><td><select name="' . esc_attr( $field . '[family]' ) . '"><option value="">—</option>';
			foreach ( self::FAMILIES as $id => $label ) {
				$rows .= '<option value="' . esc_attr( $id ) . '"' . selected( $family, $id, false ) . '>' . esc_html( 'default' === $id ? __( 'Other cards (default)', 'sanalpos-woocommerce' ) : $label ) . '</option>';
			}
			$rows .= '</select></td><td><select name="' . esc_attr( $field . '[mode]' ) . '">';
			foreach ( array(
				'absorb'  => __( 'Paid by the shop', 'sanalpos-woocommerce' ),
				'markup'  => __( 'Added to the price (markup)', 'sanalpos-woocommerce' ),
				'grossup' => __( 'Added so the shop nets the price (gross-up)', 'sanalpos-woocommerce' ),
			) as $mode => $label ) {
				$rows .= '<option value="' . esc_attr( $mode ) . '"' . selected( (string) ( $plan['mode'] ?? 'absorb' ), $mode, false ) . '>' . esc_html( $label ) . '</option>';
			}
			$rows .= '</select></td><td><select name="' . esc_attr( $field . '[pos]' ) . '"><option value="">' . esc_html__( 'Default POS', 'sanalpos-woocommerce' ) . '</option>';
			foreach ( $accounts as $account ) {
				$rows .= '<option value="' . esc_attr( $account ) . '"' . selected( (string) ( $plan['pos'] ?? '' ), $account, false ) . '>' . esc_html( $account ) . '</option>';
			}
			$rows .= '</select></td><td><input type="text" size="7" name="' . esc_attr( $field . '[min]' ) . '" value="' . esc_attr( (string) ( $plan['min_installment_amount'] ?? '' ) ) . '" /></td>';
			$rates = array_column( (array) ( $plan['rates'] ?? array() ), 'rate', 'count' );
			for ( $n = 1; $n <= self::COUNTS; $n++ ) {
				$rows .= '<td><input type="text" size="4" inputmode="decimal" name="' . esc_attr( $field . '[rates][' . $n . ']' ) . '" value="' . esc_attr( (string) ( $rates[ $n ] ?? '' ) ) . '" aria-label="' . esc_attr( sprintf( /* translators: %d: installment count */ __( 'Rate for %d installments (%%)', 'sanalpos-woocommerce' ), $n ) ) . '" /></td>';
			}
			$rows .= '</tr>';
		}
		return $this->row(
			$key,
			$data,
			'<div class="sanalpos-grid-wrap"><table class="widefat sanalpos-plans"><thead>' . $head . '</tr></thead><tbody>' . $rows . '</tbody></table></div>'
			. '<p class="description">' . esc_html__( 'One row per card family; the empty row adds one. A rate is the bank\'s commission in percent (2.49); an empty cell means the count is not offered. The law\'s limits apply on top (12 installments for personal cards, less for some product categories).', 'sanalpos-woocommerce' ) . '</p>'
		);
	}

	/** @param mixed $posted */
	public function validatePlans( $posted ): string {
		$plans = array();
		foreach ( is_array( $posted ) ? $posted : array() as $row ) {
			$family = sanitize_key( (string) ( $row['family'] ?? '' ) );
			if ( '' === $family ) {
				continue;
			}
			$plan = array(
				'family' => $family,
				'mode'   => in_array( $row['mode'] ?? '', array( 'absorb', 'markup', 'grossup' ), true ) ? $row['mode'] : 'absorb',
				'rates'  => array(),
			);
			$pos = sanitize_key( (string) ( $row['pos'] ?? '' ) );
			if ( '' !== $pos ) {
				$plan['pos'] = $pos;
			}
			$min = self::decimalInput( (string) ( $row['min'] ?? '' ) );
			if ( '' !== $min ) {
				$plan['min_installment_amount'] = $min;
			}
			foreach ( (array) ( $row['rates'] ?? array() ) as $count => $rate ) {
				$rate = self::decimalInput( (string) $rate );
				if ( '' !== $rate ) {
					$plan['rates'][] = array(
						'count' => (int) $count,
						'rate'  => $rate,
					);
				}
			}
			if ( array() === $plan['rates'] ) {
				/* translators: %s: card family */
				$this->form->add_error( sprintf( __( 'The plan for "%s" has no rates and was not saved.', 'sanalpos-woocommerce' ), $family ) );
				continue;
			}
			$plans[] = $plan;
		}
		$this->coreCheck( array( 'plans' => $plans ), __( 'Installment plans', 'sanalpos-woocommerce' ) );
		return (string) wp_json_encode( $plans );
	}

	/*
	 * Product categories → legal installment categories.
	 */

	public function categoriesHtml( string $key, array $data ): string {
		$name  = $this->form->get_field_key( $key );
		$map   = $this->plugin->settings()->categoryMap();
		$terms = get_terms(
			array(
				'taxonomy'   => 'product_cat',
				'hide_empty' => false,
			)
		);
		$rows  = '';
		foreach ( is_array( $terms ) ? $terms : array() as $term ) {
			$rows .= '<tr><td>' . esc_html( $term->name ) . '</td><td><select name="' . esc_attr( $name . '[' . $term->term_id . ']' ) . '"><option value="">' . esc_html__( 'General goods (no special rule)', 'sanalpos-woocommerce' ) . '</option>';
			foreach ( self::categories() as $id => $label ) {
				if ( 'general' !== $id ) {
					$rows .= '<option value="' . esc_attr( $id ) . '"' . selected( $map[ (string) $term->term_id ] ?? '', $id, false ) . '>' . esc_html( $label ) . '</option>';
				}
			}
			$rows .= '</select></td></tr>';
		}
		if ( '' === $rows ) {
			$rows = '<tr><td colspan="2">' . esc_html__( 'No product categories yet.', 'sanalpos-woocommerce' ) . '</td></tr>';
		}
		return $this->row( $key, $data, '<table class="widefat sanalpos-categories"><tbody>' . $rows . '</tbody></table>' );
	}

	/** @param mixed $posted */
	public function validateCategories( $posted ): string {
		$known = self::categories();
		$map   = array();
		foreach ( is_array( $posted ) ? $posted : array() as $term => $category ) {
			if ( (int) $term > 0 && isset( $known[ (string) $category ] ) ) {
				$map[ (string) (int) $term ] = (string) $category;
			}
		}
		return (string) wp_json_encode( (object) $map );
	}

	/*
	 * Merchant BIN list (CSV): bin,bank_code,family,card_type,commercial,country.
	 */

	public function binsHtml( string $key, array $data ): string {
		$name = $this->form->get_field_key( $key );
		$csv  = "bin,bank_code,family,card_type,commercial,country\n";
		foreach ( $this->plugin->settings()->binList() as $bin => $facts ) {
			$commercial = $facts['commercial'] ?? null;
			$csv       .= implode( ',', array( $bin, $facts['bank_code'] ?? '', $facts['family'] ?? '', $facts['card_type'] ?? '', null === $commercial ? '' : ( $commercial ? 'yes' : 'no' ), $facts['country'] ?? '' ) ) . "\n";
		}
		return $this->row(
			$key,
			$data,
			'<textarea class="large-text code" rows="8" name="' . esc_attr( $name ) . '">' . esc_textarea( $csv ) . '</textarea>'
			. '<p><label>' . esc_html__( 'or import a CSV file:', 'sanalpos-woocommerce' ) . ' <input type="file" accept=".csv,text/csv" name="' . esc_attr( $name . '_file' ) . '" /></label></p>'
		);
	}

	/**
	 * Each row is checked by the core (family names and aliases, card types, bank codes) and
	 * stored as the core normalised it.
	 *
	 * @param mixed $posted
	 */
	public function validateBins( $posted ): string {
		$upload = $_FILES[ $this->form->get_field_key( 'bin_list' ) . '_file' ] ?? null; // phpcs:ignore WordPress.Security.NonceVerification -- WooCommerce checked the settings nonce.
		$csv    = is_array( $upload ) && UPLOAD_ERR_OK === ( $upload['error'] ?? -1 ) && is_uploaded_file( (string) $upload['tmp_name'] )
			? (string) file_get_contents( (string) $upload['tmp_name'] )
			: wp_unslash( (string) $posted );
		$list   = array();
		foreach ( preg_split( '/\r\n|\r|\n/', $csv ) as $number => $line ) {
			$cells = array_map( 'trim', str_getcsv( $line ) );
			$bin   = preg_replace( '/\D/', '', (string) ( $cells[0] ?? '' ) );
			if ( '' === $bin || ! ctype_digit( trim( (string) $cells[0] ) ) ) {
				continue; // Blank lines and the header.
			}
			$facts = array_filter(
				array(
					'bank_code'  => $cells[1] ?? '',
					'family'     => $cells[2] ?? '',
					'card_type'  => $cells[3] ?? '',
					'commercial' => match ( strtolower( $cells[4] ?? '' ) ) {
						'yes', '1', 'true', 'evet' => true,
						'no', '0', 'false', 'hayır' => false,
						default => null,
					},
					'country'    => strtoupper( $cells[5] ?? '' ),
				),
				static fn( $v ): bool => '' !== $v && null !== $v
			);
			if ( ! in_array( strlen( $bin ), array( 6, 8 ), true ) ) {
				/* translators: %d: line number */
				$this->form->add_error( sprintf( __( 'BIN list, line %d: a BIN has 6 or 8 digits.', 'sanalpos-woocommerce' ), $number + 1 ) );
				continue;
			}
			try {
				$issuer = $this->plugin->core()->run(
					'installments.quote',
					array(
						'amount' => '100.00',
						'today'  => $this->plugin->today(),
						'plans'  => array(
							array(
								'family' => 'default',
								'mode'   => 'absorb',
								'rates'  => array( array( 'count' => 1, 'rate' => '0' ) ),
							),
						),
						'card'   => array( 'number' => $bin ),
						'issuer' => (object) $facts,
						'lang'   => $this->plugin->lang(),
					)
				)['issuer'];
			} catch ( EngineException $e ) {
				/* translators: 1: line number, 2: the reason */
				$this->form->add_error( sprintf( __( 'BIN list, line %1$d: %2$s', 'sanalpos-woocommerce' ), $number + 1, $e->getMessage() ) );
				continue;
			}
			$list[ $bin ] = array_filter(
				array(
					'bank_code'  => $issuer['bank_code'] ?? null,
					'family'     => isset( $facts['family'] ) ? $issuer['family'] : null,
					'card_type'  => $facts['card_type'] ?? null,
					'commercial' => $facts['commercial'] ?? null,
					'country'    => $facts['country'] ?? null,
				),
				static fn( $v ): bool => null !== $v && '' !== $v
			);
		}
		return (string) wp_json_encode( (object) $list );
	}

	/*
	 * Legal limit overrides (JSON, see core/API.md "Limit overrides").
	 */

	/** @param mixed $posted */
	public function validateLimits( $posted ): string {
		$text = trim( wp_unslash( (string) $posted ) );
		if ( '' === $text ) {
			return '';
		}
		$limits = json_decode( $text, true );
		if ( ! is_array( $limits ) ) {
			throw new \Exception( esc_html__( 'Legal limit overrides: not valid JSON; the previous value was kept.', 'sanalpos-woocommerce' ) );
		}
		if ( ! $this->coreCheck( array( 'limits' => (object) $limits ), __( 'Legal limit overrides', 'sanalpos-woocommerce' ) ) ) {
			throw new \Exception( esc_html__( 'Legal limit overrides were not saved.', 'sanalpos-woocommerce' ) );
		}
		return (string) wp_json_encode( $limits );
	}

	/** Lets the core judge plans or limits with a sample quote; reports its error. */
	private function coreCheck( array $fields, string $what ): bool {
		try {
			$this->plugin->core()->run(
				'installments.quote',
				$fields + array(
					'amount' => '1000.00',
					'today'  => $this->plugin->today(),
					'plans'  => array(),
					'lang'   => $this->plugin->lang(),
				)
			);
			return true;
		} catch ( EngineException $e ) {
			/* translators: 1: settings section, 2: the core's message, 3: the field to blame */
			$this->form->add_error( sprintf( __( '%1$s: %2$s (%3$s)', 'sanalpos-woocommerce' ), $what, $e->getMessage(), (string) $e->field() ) );
			return false;
		}
	}

	/**
	 * The models the plugin can offer: not those whose provision needs the card again after 3D
	 * Secure (`card_again`), since the shop never holds the card across the bank's redirect.
	 *
	 * @return list<array<string, mixed>>
	 */
	private static function offeredModels( array $gateway ): array {
		return array_values( array_filter( $gateway['models'], static fn( array $m ): bool => true !== ( $m['card_again'] ?? false ) ) );
	}

	/** The family id of a bank preset, or '' when unknown. */
	public function familyOf( string $preset ): string {
		return (string) ( $this->gatewayOf( $preset )['id'] ?? '' );
	}

	/** @return array<string, mixed>|null The `gateways.list` family of a bank preset. */
	private function gatewayOf( string $preset ): ?array {
		if ( '' === $preset ) {
			return null;
		}
		foreach ( $this->plugin->gateways()['gateways'] as $gateway ) {
			if ( in_array( $preset, array_column( $gateway['presets'], 'id' ), true ) ) {
				return $gateway;
			}
		}
		return null;
	}

	public static function modelLabel( string $model, string $entry ): string {
		$names = array(
			'3d'             => __( '3D Secure', 'sanalpos-woocommerce' ),
			'3d_pay'         => __( '3D Pay', 'sanalpos-woocommerce' ),
			'3d_host'        => __( '3D Host (bank\'s payment page)', 'sanalpos-woocommerce' ),
			'3d_pay_hosting' => __( '3D Pay Hosting (bank\'s payment page)', 'sanalpos-woocommerce' ),
			'regular'        => __( 'Non-3D (no 3D Secure)', 'sanalpos-woocommerce' ),
		);
		$entries = array(
			'server'    => __( 'card passes through your server', 'sanalpos-woocommerce' ),
			'browser'   => __( 'card goes from the browser to the bank', 'sanalpos-woocommerce' ),
			'bank_page' => __( 'card typed at the bank', 'sanalpos-woocommerce' ),
		);
		return ( $names[ $model ] ?? $model ) . ' (' . ( $entries[ $entry ] ?? $entry ) . ')';
	}

	/** A decimal typed by a Turkish or English admin ("2,49", " 2.49 ") as the core reads it. */
	private static function decimalInput( string $value ): string {
		return str_replace( ',', '.', trim( $value ) );
	}

	/** A settings row in WooCommerce's table layout. */
	private function row( string $key, array $data, string $control ): string {
		return '<tr valign="top"><th scope="row" class="titledesc"><label for="' . esc_attr( $this->form->get_field_key( $key ) ) . '">' . wp_kses_post( (string) ( $data['title'] ?? '' ) ) . '</label></th><td class="forminp">'
			. ( empty( $data['description'] ) ? '' : '<p class="description">' . wp_kses_post( (string) $data['description'] ) . '</p>' )
			. $control . '</td></tr>';
	}
}
