	// ---- Runtime (from wasm/wasm2php/src/runtime.php) ----
	// i32 values are ints in 0..0xFFFFFFFF, i64 values PHP ints, f32 values their bits, f64 floats.
	// Public: the parts call them through the instance (`$I->oob()`, `$I->add64( $a, $b )`).

	/**
	 * Class loader of the parts: `<class>_7` is `<class>_7.php` beside this file, and must come
	 * from the same .wasm as this file (a half-updated install fails clearly, not strangely).
	 *
	 * @throws \UnexpectedValueException when the part is missing or from another .wasm.
	 */
	public static function load( string $class ): void {
		$prefix = self::class . '_';
		$part   = \substr( $class, \strlen( $prefix ) );
		if ( ! \str_starts_with( $class, $prefix ) || (string) (int) $part !== $part ) {
			return;
		}
		$file = __DIR__ . '/' . self::FILE . '_' . $part . '.php';
		if ( ! \is_file( $file ) ) {
			throw new \UnexpectedValueException( "$file is missing" );
		}
		require $file;
		if ( ! \class_exists( $class, false ) || $class::WASM_SHA256 !== self::WASM_SHA256 ) {
			throw new \UnexpectedValueException( "$file was translated from a different .wasm" );
		}
	}

	/** The data file, read once per process; its first line is the stamp of this module. */
	private static ?string $segments = null;

	private static function segments(): string {
		if ( null === self::$segments ) {
			$file = __DIR__ . '/' . self::FILE . '.data';
			$data = \is_file( $file ) ? \file_get_contents( $file ) : false;
			if ( ! \is_string( $data ) || ! \str_starts_with( $data, '// wasm-sha256: ' . self::WASM_SHA256 . "\n" ) ) {
				throw new \UnexpectedValueException( "$file is missing or was translated from a different .wasm" );
			}
			self::$segments = $data;
		}
		return self::$segments;
	}

	/**
	 * Linear memory at instantiation: `$size` zero bytes with the data file's runs of bytes, read
	 * in order from `$from`, at their addresses.
	 *
	 * @param list<array{0: int, 1: int}> $runs address and length, ascending and disjoint
	 */
	private static function image( int $size, int $from, array $runs ): string {
		$data = self::segments();
		$m    = '';
		foreach ( $runs as [ $at, $len ] ) {
			$m    .= \str_repeat( "\0", $at - \strlen( $m ) ) . \substr( $data, $from, $len );
			$from += $len;
		}
		return $m . \str_repeat( "\0", $size - \strlen( $m ) );
	}

	/**
	 * The function implementing table entry `$i`, checked against the expected signature.
	 */
	public function callee( int $table, int $i, string $signature ): \Closure {
		$f = $this->tables[ $table ][ $i ] ?? null;
		if ( null === $f ) {
			if ( $i >= \count( $this->tables[ $table ] ) ) {
				throw new TRAP( 'undefined element: call_indirect out of table bounds' );
			}
			throw new TRAP( 'uninitialized element' );
		}
		if ( self::SIG[ $f ] !== $signature ) {
			throw new TRAP( 'indirect call type mismatch' );
		}
		return $this->closures[ $f ] ??= \Closure::fromCallable( self::class . '_' . self::PART[ $f ] . '::' . $f );
	}

	/** Copies `$bytes` into memory at `$at` (bounds-checked; the host writes requests with it). */
	public function write( int $at, string $bytes ): void {
		$len = \strlen( $bytes );
		if ( $at < 0 || $at + $len > $this->n ) {
			$this->oob();
		}
		if ( $len <= self::BYTEWISE ) {
			$m = &$this->m;
			for ( $i = 0; $i < $len; $i++ ) {
				$m[ $at++ ] = $bytes[ $i ];
			}
		} else {
			$this->m = \substr_replace( $this->m, $bytes, $at, $len );
		}
	}

	/** `$len` bytes of memory from `$at` (bounds-checked). */
	public function read( int $at, int $len ): string {
		if ( $at < 0 || $len < 0 || $at + $len > $this->n ) {
			$this->oob();
		}
		return \substr( $this->m, $at, $len );
	}

	/**
	 * Up to this many bytes, bulk memory operations write byte by byte in place; above it one
	 * substr_replace (a copy of the whole memory) is cheaper than the PHP loop.
	 */
	private const BYTEWISE = 2048;

	public function trap( string $message ): never {
		throw new TRAP( $message );
	}

	public function oob(): never {
		throw new TRAP( 'out of bounds memory access' );
	}

	/**
	 * Error handler while wasm code runs: loads read the memory string unchecked, and PHP warns
	 * about a read past its end (`$m[$at]`: uninitialized string offset; unpack: not enough input).
	 */
	public static function outOfBounds( int $level, string $message ): never {
		throw new TRAP( "out of bounds memory access ($message)" );
	}

	public function grow( int $delta ): int {
		$old = $this->n >> 16;
		if ( $old + $delta > $this->maxPages ) {
			return 0xFFFFFFFF;
		}
		if ( $old + $delta > $this->hostCap ) {
			$this->capped = true;
			return 0xFFFFFFFF;
		}
		if ( $delta > 0 ) {
			$this->m .= \str_repeat( "\0", $delta << 16 );
			$this->n += $delta << 16;
		}
		return $old;
	}

	public function fill( int $at, int $value, int $len ): void {
		if ( $at + $len > $this->n ) {
			$this->oob();
		}
		$byte = \chr( $value );
		if ( $len <= self::BYTEWISE ) {
			$m = &$this->m;
			for ( $end = $at + $len; $at < $end; $at++ ) {
				$m[ $at ] = $byte;
			}
		} else {
			$this->m = \substr_replace( $this->m, \str_repeat( $byte, $len ), $at, $len );
		}
	}

	public function copy( int $to, int $from, int $len ): void {
		if ( $to + $len > $this->n || $from + $len > $this->n ) {
			$this->oob();
		}
		if ( $len > self::BYTEWISE ) {
			$this->m = \substr_replace( $this->m, \substr( $this->m, $from, $len ), $to, $len );
			return;
		}
		// Through a copy of the source bytes, so overlapping ranges copy correctly.
		$m     = &$this->m;
		$bytes = \substr( $m, $from, $len );
		for ( $i = 0; $i < $len; $i++ ) {
			$m[ $to++ ] = $bytes[ $i ];
		}
	}

	public function init( int $segment, int $to, int $from, int $len ): void {
		$data = $this->data[ $segment ];
		if ( $from + $len > \strlen( $data ) || $to + $len > $this->n ) {
			$this->oob();
		}
		$this->write( $to, \substr( $data, $from, $len ) );
	}

	public function tableTrap(): never {
		throw new TRAP( 'out of bounds table access' );
	}

	public function tableGet( int $table, int $i ): ?string {
		if ( $i >= \count( $this->tables[ $table ] ) ) {
			$this->tableTrap();
		}
		return $this->tables[ $table ][ $i ];
	}

	public function tableSet( int $table, int $i, ?string $f ): void {
		if ( $i >= \count( $this->tables[ $table ] ) ) {
			$this->tableTrap();
		}
		$this->tables[ $table ][ $i ] = $f;
	}

	public function tableGrow( int $table, ?string $f, int $delta ): int {
		$old = \count( $this->tables[ $table ] );
		if ( $old + $delta > $this->tableMax[ $table ] || $old + $delta > 10000000 ) {
			return 0xFFFFFFFF;
		}
		for ( $i = 0; $i < $delta; $i++ ) {
			$this->tables[ $table ][] = $f;
		}
		return $old;
	}

	public function tableFill( int $table, int $at, ?string $f, int $len ): void {
		if ( $at + $len > \count( $this->tables[ $table ] ) ) {
			$this->tableTrap();
		}
		for ( $i = 0; $i < $len; $i++ ) {
			$this->tables[ $table ][ $at + $i ] = $f;
		}
	}

	public function tableCopy( int $dst, int $src, int $to, int $from, int $len ): void {
		if ( $to + $len > \count( $this->tables[ $dst ] ) || $from + $len > \count( $this->tables[ $src ] ) ) {
			$this->tableTrap();
		}
		$items = \array_slice( $this->tables[ $src ], $from, $len );
		foreach ( $items as $i => $f ) {
			$this->tables[ $dst ][ $to + $i ] = $f;
		}
	}

	public function tableInit( int $table, int $segment, int $to, int $from, int $len ): void {
		if ( $from + $len > \count( $this->elems[ $segment ] ) ) {
			$this->tableTrap();
		}
		$this->tableInitFrom( $table, $to, \array_slice( $this->elems[ $segment ], $from, $len ) );
	}

	/** @param array<int, ?string> $items */
	public function tableInitFrom( int $table, int $to, array $items ): void {
		if ( $to + \count( $items ) > \count( $this->tables[ $table ] ) ) {
			$this->tableTrap();
		}
		foreach ( $items as $i => $f ) {
			$this->tables[ $table ][ $to + $i ] = $f;
		}
	}

	// -- i32 --

	public static function mul32( int $a, int $b ): int {
		$r = $a * $b;
		if ( \is_int( $r ) ) {
			return $r & 0xFFFFFFFF;
		}
		return ( $a * ( $b & 0xFFFF ) + ( ( ( $a * ( $b >> 16 ) ) & 0xFFFF ) << 16 ) ) & 0xFFFFFFFF;
	}

	public static function divU32( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		return \intdiv( $a, $b );
	}

	public static function remU32( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		return $a % $b;
	}

	public static function divS32( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		if ( 0x80000000 === $a && 0xFFFFFFFF === $b ) {
			throw new TRAP( 'integer overflow' );
		}
		return \intdiv( ( $a ^ 0x80000000 ) - 0x80000000, ( $b ^ 0x80000000 ) - 0x80000000 ) & 0xFFFFFFFF;
	}

	public static function remS32( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		return ( ( ( $a ^ 0x80000000 ) - 0x80000000 ) % ( ( $b ^ 0x80000000 ) - 0x80000000 ) ) & 0xFFFFFFFF;
	}

	public static function rotl32( int $a, int $n ): int {
		$n &= 31;
		return ( ( $a << $n ) | ( $a >> ( 32 - $n ) ) ) & 0xFFFFFFFF;
	}

	public static function rotr32( int $a, int $n ): int {
		$n &= 31;
		return ( ( $a >> $n ) | ( $a << ( 32 - $n ) ) ) & 0xFFFFFFFF;
	}

	public static function clz32( int $a ): int {
		if ( 0 === $a ) {
			return 32;
		}
		$n = 0;
		if ( 0 === ( $a & 0xFFFF0000 ) ) {
			$n += 16;
			$a <<= 16;
		}
		if ( 0 === ( $a & 0xFF000000 ) ) {
			$n += 8;
			$a <<= 8;
		}
		if ( 0 === ( $a & 0xF0000000 ) ) {
			$n += 4;
			$a <<= 4;
		}
		if ( 0 === ( $a & 0xC0000000 ) ) {
			$n += 2;
			$a <<= 2;
		}
		return 0 === ( $a & 0x80000000 ) ? $n + 1 : $n;
	}

	public static function ctz32( int $a ): int {
		if ( 0 === $a ) {
			return 32;
		}
		$n = 0;
		if ( 0 === ( $a & 0xFFFF ) ) {
			$n += 16;
			$a >>= 16;
		}
		if ( 0 === ( $a & 0xFF ) ) {
			$n += 8;
			$a >>= 8;
		}
		if ( 0 === ( $a & 0xF ) ) {
			$n += 4;
			$a >>= 4;
		}
		if ( 0 === ( $a & 0x3 ) ) {
			$n += 2;
			$a >>= 2;
		}
		return 0 === ( $a & 0x1 ) ? $n + 1 : $n;
	}

	public static function popcnt32( int $a ): int {
		$a -= ( $a >> 1 ) & 0x55555555;
		$a  = ( $a & 0x33333333 ) + ( ( $a >> 2 ) & 0x33333333 );
		$a  = ( $a + ( $a >> 4 ) ) & 0x0F0F0F0F;
		return ( ( $a * 0x01010101 ) & 0xFFFFFFFF ) >> 24;
	}

	// -- i64: PHP ints overflow into floats, so these wrap by hand --

	public static function add64( int $a, int $b ): int {
		$r = $a + $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		// Both had the same sign; shift by 2^63 twice without overflowing.
		return $a < 0 ? $a - \PHP_INT_MIN + $b - \PHP_INT_MIN : $a + \PHP_INT_MIN + $b + \PHP_INT_MIN;
	}

	public static function sub64( int $a, int $b ): int {
		$r = $a - $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		return $a < 0 ? $a - \PHP_INT_MIN - $b - \PHP_INT_MIN : $a + \PHP_INT_MIN - $b + \PHP_INT_MIN;
	}

	public static function mul64( int $a, int $b ): int {
		$r = $a * $b;
		if ( \is_int( $r ) ) {
			return $r;
		}
		// Low 64 bits from 32-bit halves; the low product is split again into 16-bit pieces.
		$al  = $a & 0xFFFFFFFF;
		$ah  = ( $a >> 32 ) & 0xFFFFFFFF;
		$bl  = $b & 0xFFFFFFFF;
		$bh  = ( $b >> 32 ) & 0xFFFFFFFF;
		$mid = $al * ( $bl >> 16 );
		$lo  = $al * ( $bl & 0xFFFF ) + ( ( $mid & 0xFFFF ) << 16 );
		$hi  = ( $lo >> 32 ) + ( $mid >> 16 ) + self::mul32( $ah, $bl ) + self::mul32( $al, $bh );
		return ( ( $hi & 0xFFFFFFFF ) << 32 ) | ( $lo & 0xFFFFFFFF );
	}

	public static function divS64( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		if ( \PHP_INT_MIN === $a && -1 === $b ) {
			throw new TRAP( 'integer overflow' );
		}
		return \intdiv( $a, $b );
	}

	public static function remS64( int $a, int $b ): int {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		return $a % $b; // PHP gives 0 for PHP_INT_MIN % -1, as wasm does
	}

	/** @return array{0: int, 1: int} unsigned quotient and remainder */
	public static function divRemU64( int $a, int $b ): array {
		if ( 0 === $b ) {
			throw new TRAP( 'integer divide by zero' );
		}
		if ( $a >= 0 && $b > 0 ) {
			return array( \intdiv( $a, $b ), $a % $b );
		}
		if ( $b < 0 ) { // divisor >= 2^63: the quotient is 0 or 1
			return ( $a ^ \PHP_INT_MIN ) >= ( $b ^ \PHP_INT_MIN ) ? array( 1, self::sub64( $a, $b ) ) : array( 0, $a );
		}
		// Dividend >= 2^63: divide half of it, then correct by at most one.
		$q = \intdiv( ( $a >> 1 ) & \PHP_INT_MAX, $b ) << 1;
		$r = self::sub64( $a, self::mul64( $q, $b ) );
		if ( ( $r ^ \PHP_INT_MIN ) >= ( $b ^ \PHP_INT_MIN ) ) {
			++$q;
			$r = self::sub64( $r, $b );
		}
		return array( $q, $r );
	}

	public static function divU64( int $a, int $b ): int {
		return self::divRemU64( $a, $b )[0];
	}

	public static function remU64( int $a, int $b ): int {
		return self::divRemU64( $a, $b )[1];
	}

	public static function shrU64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : ( $a >> $n ) & ( \PHP_INT_MAX >> ( $n - 1 ) );
	}

	public static function rotl64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : ( $a << $n ) | ( ( $a >> ( 64 - $n ) ) & ( \PHP_INT_MAX >> ( 63 - $n ) ) );
	}

	public static function rotr64( int $a, int $n ): int {
		$n &= 63;
		return 0 === $n ? $a : ( ( $a >> $n ) & ( \PHP_INT_MAX >> ( $n - 1 ) ) ) | ( $a << ( 64 - $n ) );
	}

	public static function clz64( int $a ): int {
		if ( $a < 0 ) {
			return 0;
		}
		$hi = $a >> 32;
		return 0 !== $hi ? self::clz32( $hi ) : 32 + self::clz32( $a );
	}

	public static function ctz64( int $a ): int {
		$lo = $a & 0xFFFFFFFF;
		return 0 !== $lo ? self::ctz32( $lo ) : 32 + self::ctz32( ( $a >> 32 ) & 0xFFFFFFFF );
	}

	public static function popcnt64( int $a ): int {
		return self::popcnt32( $a & 0xFFFFFFFF ) + self::popcnt32( ( $a >> 32 ) & 0xFFFFFFFF );
	}

	// -- floats --

	/** The f32 with these bits, as a double (exact). */
	public static function f32Float( int $bits ): float {
		return \unpack( 'g', \pack( 'V', $bits ) )[1];
	}

	/** The bits of `$x` rounded to f32 (round to nearest even, like every wasm f32 result). */
	public static function f32Bits( float $x ): int {
		return \unpack( 'V', \pack( 'g', $x ) )[1];
	}

	public static function f64FromBits( int $bits ): float {
		return \unpack( 'e', \pack( 'P', $bits ) )[1];
	}

	public static function f64FromU64( int $a ): float {
		if ( $a >= 0 ) {
			return (float) $a;
		}
		// Halve with the lost bit kept as a sticky bit, so rounding happens once.
		return (float) ( ( ( $a >> 1 ) & \PHP_INT_MAX ) | ( $a & 1 ) ) * 2.0;
	}

	/** f32.convert_i64_s/u with a single rounding (int → double could round first). */
	public static function f32FromI64( int $a, bool $unsigned ): int {
		if ( $unsigned && $a < 0 ) {
			return self::f32Bits( self::f32Float( self::f32FromI64( ( ( $a >> 1 ) & \PHP_INT_MAX ) | ( $a & 1 ), false ) ) * 2.0 );
		}
		if ( \PHP_INT_MIN === $a ) {
			return 0xDF000000; // -2^63
		}
		$m = $a < 0 ? -$a : $a;
		if ( $m >= 0x20000000000000 ) { // 2^53: keep 53 bits and a sticky bit, then round once
			$shift = 64 - 53 - self::clz64( $m );
			$kept  = $m >> $shift;
			if ( 0 !== ( $m & ( ( 1 << $shift ) - 1 ) ) ) {
				$kept |= 1;
			}
			$x = (float) $kept * (float) ( 1 << $shift );
		} else {
			$x = (float) $m;
		}
		return self::f32Bits( $a < 0 ? -$x : $x );
	}

	public static function f64Neg( float $x ): float {
		return \unpack( 'e', \pack( 'P', \unpack( 'P', \pack( 'e', $x ) )[1] ^ \PHP_INT_MIN ) )[1];
	}

	public static function f64Copysign( float $x, float $sign ): float {
		$bits = ( \unpack( 'P', \pack( 'e', $x ) )[1] & \PHP_INT_MAX ) | ( \unpack( 'P', \pack( 'e', $sign ) )[1] & \PHP_INT_MIN );
		return \unpack( 'e', \pack( 'P', $bits ) )[1];
	}

	public static function fmin( float $a, float $b ): float {
		if ( $a != $a || $b != $b ) { // phpcs:ignore -- NaN test
			return \NAN;
		}
		if ( $a == $b ) { // equal, or -0 and +0: the negative one
			return \fdiv( 1.0, $a ) < 0 ? $a : $b;
		}
		return $a < $b ? $a : $b;
	}

	public static function fmax( float $a, float $b ): float {
		if ( $a != $a || $b != $b ) { // phpcs:ignore -- NaN test
			return \NAN;
		}
		if ( $a == $b ) {
			return \fdiv( 1.0, $a ) > 0 ? $a : $b;
		}
		return $a > $b ? $a : $b;
	}

	// ceil/floor/trunc/nearest: a NaN result must be quiet; `$x + 0.0` quiets a signalling NaN.

	public static function fceil( float $x ): float {
		return $x != $x ? $x + 0.0 : \ceil( $x ); // phpcs:ignore -- NaN test
	}

	public static function ffloor( float $x ): float {
		return $x != $x ? $x + 0.0 : \floor( $x ); // phpcs:ignore -- NaN test
	}

	public static function ftrunc( float $x ): float {
		return $x < 0 ? \ceil( $x ) : self::ffloor( $x );
	}

	/** Round half to even, keeping the sign of zero. */
	public static function fnearest( float $x ): float {
		if ( ! ( \abs( $x ) < 4503599627370496.0 ) ) { // >= 2^52 (already whole), infinite or NaN
			return $x + 0.0;
		}
		$r    = \floor( $x );
		$frac = $x - $r;
		if ( $frac > 0.5 || ( 0.5 == $frac && 0.0 != \fmod( $r, 2.0 ) ) ) {
			$r += 1.0;
		}
		if ( 0.0 == $r ) {
			return ( $x < 0 || \fdiv( 1.0, $x ) < 0 ) ? -0.0 : 0.0;
		}
		return $r;
	}

	/** Float → integer: traps on NaN and outside (`$below`, `$above`), both exclusive. */
	public static function truncChecked( float $x, float $below, float $above ): int {
		if ( $x != $x ) { // phpcs:ignore -- NaN test
			throw new TRAP( 'invalid conversion to integer' );
		}
		if ( $x <= $below || $x >= $above ) {
			throw new TRAP( 'integer overflow' );
		}
		return (int) $x;
	}

	public static function trunc32S( float $x ): int {
		return self::truncChecked( $x, -2147483649.0, 2147483648.0 ) & 0xFFFFFFFF;
	}

	public static function trunc32U( float $x ): int {
		return self::truncChecked( $x, -1.0, 4294967296.0 );
	}

	public static function trunc64S( float $x ): int {
		return self::truncChecked( $x, -9223372036854777856.0, 9223372036854775808.0 );
	}

	public static function trunc64U( float $x ): int {
		if ( $x >= 9223372036854775808.0 && $x < 18446744073709551616.0 ) {
			return ( (int) ( $x - 9223372036854775808.0 ) ) | \PHP_INT_MIN;
		}
		return self::truncChecked( $x, -1.0, 9223372036854775808.0 );
	}

	public static function sat32S( float $x ): int {
		if ( $x != $x ) { // phpcs:ignore -- NaN test
			return 0;
		}
		return $x <= -2147483648.0 ? 0x80000000 : ( $x >= 2147483647.0 ? 0x7FFFFFFF : ( (int) $x ) & 0xFFFFFFFF );
	}

	public static function sat32U( float $x ): int {
		if ( $x != $x ) { // phpcs:ignore -- NaN test
			return 0;
		}
		return $x <= 0.0 ? 0 : ( $x >= 4294967295.0 ? 0xFFFFFFFF : (int) $x );
	}

	public static function sat64S( float $x ): int {
		if ( $x != $x ) { // phpcs:ignore -- NaN test
			return 0;
		}
		return $x <= -9223372036854775808.0 ? \PHP_INT_MIN : ( $x >= 9223372036854775808.0 ? \PHP_INT_MAX : (int) $x );
	}

	public static function sat64U( float $x ): int {
		if ( $x != $x || $x <= 0.0 ) { // phpcs:ignore -- NaN test
			return 0;
		}
		return $x >= 18446744073709551616.0 ? -1 : self::trunc64U( $x );
	}
