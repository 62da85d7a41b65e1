<?php
/**
 * Masks card numbers in anything headed for a log or a note: every run of 12–19 digits (spaces
 * and dashes allowed between them) keeps its first six and last four digits. Applied to every
 * log line, whatever else already masked it.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

final class Masker {
	private const PAN = '/(?<![0-9])[0-9](?:[ -]?[0-9]){11,18}(?![0-9])/';

	public static function text( string $text ): string {
		return (string) preg_replace_callback(
			self::PAN,
			static function ( array $m ): string {
				$digits = preg_replace( '/[^0-9]/', '', $m[0] );
				return substr( $digits, 0, 6 ) . str_repeat( '*', strlen( $digits ) - 10 ) . substr( $digits, -4 );
			},
			$text
		);
	}

	/**
	 * Masks every string in a nested array, and drops values under keys that name card data.
	 *
	 * @param array<mixed> $data
	 * @return array<mixed>
	 */
	public static function context( array $data ): array {
		$out = array();
		foreach ( $data as $key => $value ) {
			if ( is_string( $key ) && preg_match( '/^(cvv|cv2|cvc|cardcvv2|cvv2|cvv2val|pan|card_?number|number|expiry|password|store_key|secret)/i', $key ) ) {
				$out[ $key ] = '***';
			} elseif ( is_array( $value ) ) {
				$out[ $key ] = self::context( $value );
			} elseif ( is_string( $value ) ) {
				$out[ $key ] = self::text( $value );
			} else {
				$out[ $key ] = $value;
			}
		}
		return $out;
	}
}
