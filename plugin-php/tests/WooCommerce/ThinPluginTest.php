<?php
/**
 * The plugin stays thin: no hashing, HMAC, digest encoding or XML building in its PHP (those
 * are the core's). Scans every PHP file the plugin ships, except the engine layer (src/Engine:
 * it checks the .wasm module's recorded SHA-256) and the generated engine (engine/).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce;

use PHPUnit\Framework\TestCase;

final class ThinPluginTest extends TestCase {
	private const FORBIDDEN = array(
		'/\bhash\s*\(/i'                  => 'hash(',
		'/\bhash_hmac\s*\(/i'             => 'hash_hmac(',
		'/\bhash_init\s*\(/i'             => 'hash_init(',
		'/\bsha1\s*\(/i'                  => 'sha1(',
		'/\bmd5\s*\(/i'                   => 'md5(',
		'/\bcrc32\s*\(/i'                 => 'crc32(',
		'/\bopenssl_\w+\s*\(/i'           => 'openssl_*(',
		'/\bsodium_\w+\s*\(/i'            => 'sodium_*(',
		'/base64_encode\s*\(\s*(hash|sha1|md5|pack)/i' => 'base64 of a digest',
		'/\bDOMDocument\b/'               => 'DOMDocument',
		'/\bSimpleXMLElement\b/'          => 'SimpleXMLElement',
		'/\bXMLWriter\b/'                 => 'XMLWriter',
		'/\bsimplexml_load_string\b/'     => 'simplexml_load_string',
		'/[\'"]<\?xml/'                   => 'string-built XML declaration',
		'/[\'"]<\/?[A-Z][A-Za-z0-9]*>/'   => 'string-built XML element',
		'/\bbcadd\b|\bbcmul\b|\bbcdiv\b/' => 'money arithmetic (bcmath)',
	);

	/** @return list<string> */
	private static function shippedPhp(): array {
		$root  = dirname( __DIR__, 2 );
		$files = array();
		foreach ( new \RecursiveIteratorIterator( new \RecursiveDirectoryIterator( $root, \FilesystemIterator::SKIP_DOTS ) ) as $file ) {
			$relative = substr( $file->getPathname(), strlen( $root ) + 1 );
			if ( str_ends_with( $relative, '.php' ) && ! preg_match( '#^(tests|engine|src/Engine)/#', $relative ) ) {
				$files[] = $relative;
			}
		}
		sort( $files );
		return $files;
	}

	public function test_the_shipped_php_has_no_hash_hmac_or_xml_building(): void {
		$files = self::shippedPhp();
		$this->assertContains( 'src/WooCommerce/Checkout.php', $files );
		$this->assertContains( 'src/Flow/PaymentFlow.php', $files );
		$found = array();
		foreach ( $files as $relative ) {
			$code = (string) file_get_contents( dirname( __DIR__, 2 ) . '/' . $relative );
			foreach ( self::FORBIDDEN as $pattern => $what ) {
				if ( preg_match( $pattern, $code, $m ) ) {
					$found[] = "$relative: $what ({$m[0]})";
				}
			}
		}
		$this->assertSame( array(), $found );
	}

	public function test_the_scan_would_find_them(): void {
		foreach ( array( '$x = hash( "sha512", $y );', 'hash_hmac("sha1", $a, $k)', '$d = new DOMDocument();', '"<CC5Request>"', 'base64_encode(hash("sha1", $s, true))' ) as $code ) {
			$hit = false;
			foreach ( array_keys( self::FORBIDDEN ) as $pattern ) {
				$hit = $hit || 1 === preg_match( $pattern, $code );
			}
			$this->assertTrue( $hit, $code );
		}
	}
}
