<?php
/**
 * Random requests for differential runs between engines: deterministic for a seed, one JSON
 * line each. Table-driven by op: to cover a new op, add a method that returns its request
 * fields and one line in ops().
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Differential;

final class RequestGenerator {
	/** BIN prefixes of every brand the core knows (and Turkish issuers' BINs), with card lengths. */
	private const PREFIXES = array(
		array( '4', array( 13, 16, 19 ) ),
		array( '454671', array( 16 ) ),
		array( '435508', array( 16 ) ),
		array( '540061', array( 16 ) ),
		array( '979203', array( 16 ) ),
		array( '658761', array( 16 ) ),
		array( '5', array( 16 ) ),
		array( '2221', array( 16 ) ),
		array( '2720', array( 16 ) ),
		array( '34', array( 15 ) ),
		array( '37', array( 15 ) ),
		array( '9792', array( 16 ) ),
		array( '65', array( 16, 19 ) ),
		array( '6011', array( 16, 19 ) ),
		array( '644', array( 16 ) ),
		array( '3528', array( 16, 19 ) ),
		array( '36', array( 14 ) ),
		array( '300', array( 14 ) ),
		array( '62', array( 16, 17, 18, 19 ) ),
		array( '50', array( 12, 16, 19 ) ),
		array( '67', array( 12, 16, 19 ) ),
		array( '1', array( 16 ) ),
		array( '', array( 8, 16, 20 ) ),
	);

	private const FAMILIES = array( 'axess', 'bonus', 'maximum', 'world', 'cardfinans', 'CARD_FNS', 'paraf', 'bankkart', 'advantage', 'nope', '' );

	private const TURKISH = array( 'ğ', 'ü', 'ş', 'ı', 'ö', 'ç', 'İ', '₺', '€', "\u{0}", "\t", '"', '\\', '/', '💳' );

	/** @var array<string, int> how many requests of each kind were made */
	private array $made = array();

	public function __construct( private readonly int $seed ) {}

	/**
	 * Kinds of request with their weights: an op's fields maker, or raw bytes.
	 *
	 * @return array<string, array{int, callable(): (array<string, mixed>|string)}>
	 */
	private function ops(): array {
		return array(
			'version'          => array( 2, fn() => array( 'op' => 'version' ) ),
			'card.inspect'     => array( 14, fn() => $this->cardInspect() ),
			'future op'        => array( 1, fn() => $this->futureOp() ),
			'junk'             => array( 2, fn() => $this->junk() ),
			'malformed fields' => array( 1, fn() => $this->malformed() ),
		);
	}

	/** @return \Generator<int, string> */
	public function requests( int $count ): \Generator {
		mt_srand( $this->seed );
		$ops   = $this->ops();
		$total = array_sum( array_column( $ops, 0 ) );
		for ( $i = 0; $i < $count; $i++ ) {
			$pick = mt_rand( 1, $total );
			foreach ( $ops as $kind => [ $weight, $make ] ) {
				$pick -= $weight;
				if ( $pick <= 0 ) {
					break;
				}
			}
			$this->made[ $kind ] = ( $this->made[ $kind ] ?? 0 ) + 1;
			$request             = $make();
			yield is_string( $request ) ? $request : $this->encode( $this->decorate( $request ) );
		}
	}

	/** @return array<string, int> */
	public function made(): array {
		return $this->made;
	}

	/** @param array<string, mixed> $request */
	private function encode( array $request ): string {
		$flags = JSON_THROW_ON_ERROR | JSON_INVALID_UTF8_SUBSTITUTE;
		if ( $this->chance( 50 ) ) {
			$flags |= JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES;
		}
		return json_encode( $request, $flags );
	}

	/**
	 * Envelope variations every op shares: language, extra fields (amounts among them), key order.
	 *
	 * @param array<string, mixed> $request
	 * @return array<string, mixed>
	 */
	private function decorate( array $request ): array {
		if ( $this->chance( 30 ) ) {
			$request['lang'] = $this->pick( array( 'en', 'tr', 'TR', 'de', '', null, 1 ) );
		}
		if ( $this->chance( 15 ) ) {
			$request[ $this->pick( array( 'amount', 'note', 'x', 'currency', 'nonce' ) ) ] = $this->pick( array( $this->amount(), $this->text( 12 ), mt_rand(), null, array() ) );
		}
		if ( $this->chance( 20 ) ) {
			$keys    = array_keys( $request );
			shuffle( $keys );
			$request = array_merge( array_flip( $keys ), $request );
		}
		return $request;
	}

	/** @return array<string, mixed> */
	private function cardInspect(): array {
		$card = array( 'number' => $this->pan() );
		if ( $this->chance( 8 ) ) {
			$card['number'] = $this->pick( array( null, (int) $this->digits( 15 ), true, array( '4' ), '' ) );
		} elseif ( $this->chance( 5 ) ) {
			unset( $card['number'] );
		}
		$request = array( 'op' => 'card.inspect', 'card' => $card );
		$month   = mt_rand( 0, 14 );
		$year    = mt_rand( 2015, 2050 );
		if ( $this->chance( 55 ) ) {
			$request['card']['expiry'] = $this->pick(
				array(
					sprintf( '%02d/%02d', $month, $year % 100 ),
					sprintf( '%02d/%04d', $month, $year ),
					sprintf( ' %d / %02d ', $month, $year % 100 ),
					sprintf( '%02d-%02d', $month, $year % 100 ),
					sprintf( '%d/%d', $month, $year ),
					$this->text( 5 ),
				)
			);
		} elseif ( $this->chance( 30 ) ) {
			$request['card']['expiry_month'] = $this->pick( array( (string) $month, sprintf( '%02d', $month ), 'x', $month ) );
			$request['card']['expiry_year']  = $this->pick( array( (string) $year, sprintf( '%02d', $year % 100 ), '20', $year ) );
		}
		if ( $this->chance( 50 ) ) {
			$request['card']['cvv'] = $this->pick( array( $this->digits( 3 ), $this->digits( 4 ), $this->digits( mt_rand( 0, 6 ) ), $this->text( 3 ), 123 ) );
		}
		if ( $this->chance( 80 ) ) {
			$request['today'] = $this->pick(
				array(
					sprintf( '%04d-%02d-%02d', mt_rand( 2020, 2035 ), mt_rand( 1, 12 ), mt_rand( 1, 28 ) ),
					sprintf( '%04d-%02d-%02d', mt_rand( 1999, 2100 ), mt_rand( 0, 13 ), mt_rand( 0, 32 ) ),
					'2028-02-29',
					'2027-02-29',
					$this->text( 10 ),
				)
			);
		}
		if ( $this->chance( 15 ) ) {
			$request['issuer'] = $this->issuer();
		}
		if ( $this->chance( 20 ) ) {
			$request['strict'] = $this->pick( array( true, false, 'yes', 1, null ) );
		}
		return $request;
	}

	/** A card number: a brand prefix, random digits, mostly a right check digit, in some format. */
	private function pan(): string {
		[ $prefix, $lengths ] = $this->pick( self::PREFIXES );
		$length               = $this->pick( $lengths );
		$body                 = $prefix . $this->digits( max( 0, $length - strlen( $prefix ) - 1 ) );
		$digits               = substr( $body . $this->checkDigit( $body, $this->chance( 75 ) ), 0, $length );
		if ( $this->chance( 10 ) ) { // half-typed
			$digits = substr( $digits, 0, mt_rand( 0, strlen( $digits ) ) );
		}
		switch ( mt_rand( 0, 9 ) ) {
			case 0:
				return implode( ' ', str_split( $digits, 4 ) );
			case 1:
				return implode( '-', str_split( $digits, 4 ) );
			case 2:
				return ' ' . $digits . '  ';
			case 3:
				return $digits . $this->digits( mt_rand( 1, 50 ) ); // too long
			case 4:
				return substr_replace( $digits, $this->text( 1 ), mt_rand( 0, strlen( $digits ) ), 0 );
			default:
				return $digits;
		}
	}

	/** The Luhn check digit for `$body` (or a wrong one). */
	private function checkDigit( string $body, bool $right ): string {
		$sum = 0;
		foreach ( array_reverse( str_split( $body ) ) as $i => $d ) {
			$d    = (int) $d * ( 0 === $i % 2 ? 2 : 1 );
			$sum += $d > 9 ? $d - 9 : $d;
		}
		$check = ( 10 - $sum % 10 ) % 10;
		return (string) ( $right ? $check : ( $check + mt_rand( 1, 9 ) ) % 10 );
	}

	/** @return array<string, mixed> */
	private function issuer(): array {
		$fields = array(
			'bank_code'  => fn() => $this->pick( array( '0062', '0046', '0010', $this->digits( 4 ), $this->digits( 3 ), 62 ) ),
			'bank_name'  => fn() => $this->text( mt_rand( 0, 20 ) ),
			'family'     => fn() => $this->pick( self::FAMILIES ),
			'card_type'  => fn() => $this->pick( array( 'credit', 'debit', 'prepaid', 'unknown', 'gold' ) ),
			'commercial' => fn() => $this->pick( array( true, false, 'true', null ) ),
			'country'    => fn() => $this->pick( array( 'TR', 'US', 'tr', 'TUR', '' ) ),
		);
		$issuer = array();
		foreach ( $fields as $name => $make ) {
			if ( $this->chance( 40 ) ) {
				$issuer[ $name ] = $make();
			}
		}
		return $issuer;
	}

	/** Ops other branches are adding: today they must give the same unknown-op envelope everywhere. */
	private function futureOp(): array {
		return array(
			'op'       => $this->pick( array( 'installments.quote', 'signature.compute', 'payment.prepare', 'callback.verify' ) ),
			'amount'   => $this->amount(),
			'currency' => $this->pick( array( 'TRY', '949', 'USD', 'XXX' ) ),
			'fields'   => $this->fieldMap(),
			'rates'    => array_map( fn() => $this->amount(), range( 0, mt_rand( 0, 4 ) ) ),
		);
	}

	/** A bank field map (strings, numbers, unicode) as signature ops take. */
	private function fieldMap(): array {
		$map = array();
		for ( $i = mt_rand( 0, 8 ); $i > 0; $i-- ) {
			$map[ $this->pick( array( 'clientid', 'oid', 'amount', 'okUrl', 'rnd', 'storetype', 'hashAlgorithm' ) ) . $i ] = $this->pick( array( $this->text( mt_rand( 0, 40 ) ), $this->amount(), mt_rand() ) );
		}
		return $map;
	}

	/** Decimal amounts, valid and not: "100.25", "0", "007", "1e3", "-5", huge. */
	private function amount(): string {
		return $this->pick(
			array(
				mt_rand( 0, 99999 ) . '.' . sprintf( '%02d', mt_rand( 0, 99 ) ),
				(string) mt_rand( 0, 1000000 ),
				mt_rand( 0, 999 ) . '.' . mt_rand( 0, 9 ),
				'0' . mt_rand( 0, 99 ),
				'999999999999.99',
				'1000000000000.00',
				'-' . mt_rand( 1, 99 ),
				mt_rand( 1, 9 ) . 'e' . mt_rand( 1, 5 ),
				'1.234',
				'',
				' 5',
			)
		);
	}

	/** Fields of the wrong type or shape. */
	private function malformed(): array {
		return $this->pick(
			array(
				array( 'op' => 'card.inspect' ),
				array( 'op' => 'card.inspect', 'card' => $this->pick( array( 'x', 1, array(), null ) ) ),
				array( 'op' => $this->pick( array( 1, null, true, array(), 'CARD.INSPECT', '' ) ) ),
				array( 'op' => 'version', 'lang' => array( 'tr' ) ),
				array( 'card' => array( 'number' => $this->pan() ) ),
			)
		);
	}

	/** Raw bytes that are not (valid) requests: truncated JSON, other values, deep nesting, binary. */
	private function junk(): string {
		$valid = $this->encode( $this->cardInspect() );
		$junk  = $this->pick(
			array(
				substr( $valid, 0, mt_rand( 1, strlen( $valid ) - 1 ) ),
				$valid . $this->pick( array( ',', '}', ' x', '[]' ) ),
				str_repeat( '[', mt_rand( 100, 200 ) ) . str_repeat( ']', mt_rand( 0, 200 ) ),
				str_repeat( '{"a":', mt_rand( 1, 150 ) ) . '1' . str_repeat( '}', mt_rand( 0, 150 ) ),
				$this->pick( array( 'null', 'true', '1', '"op"', '[1,2]', '{"op":"version"', "{'op':'version'}", '{"op":"version","op":"version"}' ) ),
				$this->bytes( mt_rand( 1, 64 ) ),
				$this->text( mt_rand( 1, 80 ) ),
				'{"op":"version","pad":"' . str_repeat( $this->pick( array( 'x', 'ş', '\\u0000', '\\ud800' ) ), mt_rand( 1, 5000 ) ) . '"}',
			)
		);
		// One line, not blank: what a line-based reference can carry.
		$junk = str_replace( array( "\n", "\r" ), ' ', $junk );
		return '' === trim( $junk ) ? '.' : $junk;
	}

	private function digits( int $n ): string {
		$s = '';
		for ( $i = 0; $i < $n; $i++ ) {
			$s .= (string) mt_rand( 0, 9 );
		}
		return $s;
	}

	/** Seeded bytes (random_bytes() cannot be seeded). */
	private function bytes( int $n ): string {
		$s = '';
		for ( $i = 0; $i < $n; $i++ ) {
			$s .= chr( mt_rand( 0, 255 ) );
		}
		return $s;
	}

	private function text( int $n ): string {
		$s = '';
		for ( $i = 0; $i < $n; $i++ ) {
			$s .= $this->chance( 70 ) ? chr( mt_rand( 32, 126 ) ) : $this->pick( self::TURKISH );
		}
		return $s;
	}

	private function chance( int $percent ): bool {
		return mt_rand( 1, 100 ) <= $percent;
	}

	/**
	 * @template T
	 * @param list<T> $items
	 * @return T
	 */
	private function pick( array $items ): mixed {
		return $items[ mt_rand( 0, count( $items ) - 1 ) ];
	}
}

