<?php
/**
 * The plugin zip as a shop installs it (`make test-dist` builds it and names it in SANALPOS_ZIP):
 * what it holds and what it must not, the runner libraries' CPU, C ABI and glibc baseline and their
 * answers on their own CPU (qemu-user for aarch64), the module's recorded SHA-256, every PHP file's
 * syntax, and the unpacked plugin booting and running its core on both engines it ships.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Dist;

use PHPUnit\Framework\TestCase;
use Sanalpos\Tests\Support\FixedClock;
use Sanalpos\Tests\Support\Nestpay;
use Sanalpos\Tests\Support\PayTr;
use Sanalpos\Tests\WooCommerce\Doubles\Shop;
use Sanalpos\Tests\WooCommerce\Doubles\World;
use Sanalpos\WooCommerce\Checkout;
use Sanalpos\WooCommerce\Plugin;

final class DistZipTest extends TestCase {
	/** The oldest glibc the runner libraries must load on (CentOS 7, Debian 8 era). */
	private const GLIBC = '2.17';
	/** The C ABI the FFI engine binds (src/Engine/FfiEngine.php). */
	private const RUNNER_ABI = array( 'sanalpos_runner_new', 'sanalpos_runner_call', 'sanalpos_runner_memory_bytes', 'sanalpos_runner_free_answer', 'sanalpos_runner_free', 'sanalpos_runner_version' );

	private static string $zip = '';
	private static string $dir = '';
	/** @var list<string> */
	private static array $files = array();

	public static function setUpBeforeClass(): void {
		self::$zip = (string) getenv( 'SANALPOS_ZIP' );
		if ( ! is_file( self::$zip ) ) {
			throw new \RuntimeException( 'No plugin zip in SANALPOS_ZIP: run `make test-dist`' );
		}
		self::$dir   = sys_get_temp_dir() . '/sanalpos-dist-' . getmypid();
		self::$files = self::command( array( 'unzip', '-Z1', self::$zip ) );
		self::command( array( 'rm', '-rf', self::$dir ) );
		self::command( array( 'unzip', '-q', self::$zip, '-d', self::$dir ) );
	}

	public static function tearDownAfterClass(): void {
		Plugin::install( null );
		self::command( array( 'rm', '-rf', self::$dir ) );
	}

	/**
	 * Runs a command; fails on a non-zero exit.
	 *
	 * @param list<string> $command
	 * @param ?string      $input A file to read standard input from.
	 * @return list<string> Its output lines.
	 */
	private static function command( array $command, ?string $input = null ): array {
		$streams = array( 1 => array( 'pipe', 'w' ), 2 => array( 'pipe', 'w' ) );
		if ( null !== $input ) {
			$streams[0] = array( 'file', $input, 'r' );
		}
		$process = proc_open( $command, $streams, $pipes );
		$out     = (string) stream_get_contents( $pipes[1] );
		$err     = (string) stream_get_contents( $pipes[2] );
		fclose( $pipes[1] );
		fclose( $pipes[2] );
		if ( 0 !== proc_close( $process ) ) {
			throw new \RuntimeException( implode( ' ', $command ) . " failed: $err$out" );
		}
		return '' === $out ? array() : explode( "\n", rtrim( $out, "\n" ) );
	}

	private static function plugin( string $path = '' ): string {
		return self::$dir . '/sanalpos-woocommerce' . ( '' === $path ? '' : '/' . $path );
	}

	/** @return list<string> The zip's files (not folders), relative to the plugin folder. */
	private static function files(): array {
		$files = array();
		foreach ( self::$files as $entry ) {
			if ( ! str_ends_with( $entry, '/' ) ) {
				$files[] = substr( $entry, strlen( 'sanalpos-woocommerce/' ) );
			}
		}
		return $files;
	}

	public function test_it_holds_the_plugin_both_wasm_builds_the_engines_and_the_translations(): void {
		foreach ( self::$files as $entry ) {
			$this->assertStringStartsWith( 'sanalpos-woocommerce/', $entry, 'one folder, named as the plugin' );
		}
		$files = self::files();
		foreach ( array(
			'sanalpos-woocommerce.php', 'uninstall.php', 'preload.php', 'readme.txt', 'docs/ffi.md', 'src/autoload.php',
			'src/Flow/PaymentFlow.php', 'src/WooCommerce/Plugin.php', 'src/Engine/FfiEngine.php', 'src/Engine/PhpEngine.php',
			'assets/js/card-form.js', 'assets/js/checkout-classic.js', 'assets/js/checkout-blocks.js', 'assets/js/admin.js', 'assets/css/checkout.css',
			'assets/sanalpos/browser.js', 'assets/sanalpos/api.js', 'assets/sanalpos/gen/sanalpos.js', 'assets/sanalpos/gen/sanalpos_bg.wasm',
			'engine/sanalpos.raw.wasm', 'engine/sanalpos.raw.wasm.sha256', 'engine/libsanalpos_runner-linux-x86_64.so', 'engine/libsanalpos_runner-linux-aarch64.so',
			'languages/sanalpos-woocommerce.pot', 'languages/sanalpos-woocommerce-tr_TR.po', 'languages/sanalpos-woocommerce-tr_TR.mo',
		) as $required ) {
			$this->assertContains( $required, $files );
		}
		$this->assertNotEmpty( preg_grep( '#^engine/.+\.php$#', $files ), 'the PHP engine' );
		// Every committed plugin file ships, but for the developers' own.
		$shipped = array_map( static fn( string $f ): string => 'plugin-php/' . $f, $files );
		foreach ( self::command( array( 'git', '-C', SANALPOS_REPO, 'ls-files', 'plugin-php' ) ) as $committed ) {
			if ( ! preg_match( '#^plugin-php/(tests/|phpunit\.xml$|languages/.*\.sh$)#', $committed ) ) {
				$this->assertContains( $committed, $shipped );
			}
		}
		// The browser gets the checkout build (no bank gateways), not the npm package's full one.
		$this->assertFileEquals( SANALPOS_REPO . '/build/wasm/checkout/sanalpos_bg.wasm', self::plugin( 'assets/sanalpos/gen/sanalpos_bg.wasm' ) );
	}

	public function test_no_tests_core_sources_development_files_or_secrets(): void {
		foreach ( self::files() as $file ) {
			$this->assertDoesNotMatchRegularExpression( '#(^|/)(tests?|node_modules|target|core)/|(^|/)\.|\.(rs|toml|lock|ts|sh|map|log)$|phpunit|Cargo|package(-lock)?\.json#i', $file );
		}
		// No credential of the tests, no key material, in any file (the binaries included).
		$secrets = array( Nestpay::CREDENTIALS['store_key'], Nestpay::CREDENTIALS['api_password'], PayTr::CREDENTIALS['merchant_key'], PayTr::CREDENTIALS['merchant_salt'], '-----BEGIN' );
		foreach ( self::files() as $file ) {
			$bytes = (string) file_get_contents( self::plugin( $file ) );
			foreach ( $secrets as $secret ) {
				$this->assertStringNotContainsString( $secret, $bytes, "$file holds a secret" );
			}
		}
	}

	public function test_the_runner_libraries_need_glibc_2_17_at_most_and_export_the_ffi_abi(): void {
		foreach ( array( 'x86_64' => 'X86-64', 'aarch64' => 'AArch64' ) as $arch => $machine ) {
			$library = self::plugin( "engine/libsanalpos_runner-linux-$arch.so" );
			$this->assertMatchesRegularExpression( "/Machine:.*\\b$machine\$/m", implode( "\n", self::command( array( 'readelf', '-h', $library ) ) ), $arch );
			$symbols = self::command( array( 'objdump', '-T', $library ) );
			preg_match_all( '/\bGLIBC_([0-9.]+)\b/', implode( "\n", $symbols ), $m );
			$this->assertNotEmpty( $m[1], "$arch links glibc" );
			$needed = array_reduce( $m[1], static fn( string $max, string $v ): string => version_compare( $v, $max, '>' ) ? $v : $max, '0' );
			$this->assertTrue( version_compare( $needed, self::GLIBC, '<=' ), "$arch needs glibc $needed, more than " . self::GLIBC );
			fwrite( STDERR, "\ndist: engine/libsanalpos_runner-linux-$arch.so needs glibc $needed at most, " . filesize( $library ) . " bytes\n" );
			foreach ( self::RUNNER_ABI as $function ) {
				$this->assertMatchesRegularExpression( '/\s\.text\s.*\s' . $function . '$/m', implode( "\n", $symbols ), "$arch exports $function" );
			}
		}
	}

	/**
	 * Each runner library runs on its CPU: a small C host that loads it as PHP FFI does
	 * (wasm/runner/host/answer.c, built with zig for that CPU and glibc 2.17; run under qemu-user
	 * for a CPU other than this machine's) answers the engine-conformance corpus with the zip's
	 * module byte for byte like the native core.
	 */
	public function test_each_runner_library_answers_the_corpus_like_the_native_core_on_its_cpu(): void {
		$corpus   = SANALPOS_REPO . '/tests/conformance/requests.jsonl';
		$expected = self::command( array( SANALPOS_CLI ), $corpus );
		$this->assertNotEmpty( $expected );
		foreach ( array( 'x86_64', 'aarch64' ) as $arch ) {
			$host = self::$dir . "/answer-$arch";
			self::command( array( 'env', 'PYTHONPATH=' . SANALPOS_REPO . '/target/tools/zig', 'python3', '-m', 'ziglang', 'cc', '-target', "$arch-linux-gnu." . self::GLIBC, '-O2', '-Wall', '-Werror', '-o', $host, SANALPOS_REPO . '/wasm/runner/host/answer.c' ) );
			$run     = php_uname( 'm' ) === $arch ? array( $host ) : array( "qemu-$arch", '-L', "/usr/$arch-linux-gnu", $host );
			$answers = self::command( array_merge( $run, array( self::plugin( "engine/libsanalpos_runner-linux-$arch.so" ), self::plugin( 'engine/sanalpos.raw.wasm' ) ) ), $corpus );
			$this->assertSame( $expected, $answers, "the $arch runner answers like the native core" );
			fwrite( STDERR, "\ndist: engine/libsanalpos_runner-linux-$arch.so answered " . count( $answers ) . ' corpus requests like the native core' . ( count( $run ) > 1 ? ' (under qemu)' : '' ) . "\n" );
		}
	}

	/**
	 * The browser build's modules resolve under their shipped `.js` names and run the core (in
	 * Node, which cannot fetch the .wasm by URL as browser.js does: the glue is given its bytes):
	 * the checkout build, whose bank ops answer `request.op_unavailable`.
	 */
	public function test_the_browser_build_loads_as_es_modules(): void {
		$assets = self::plugin( 'assets/sanalpos' );
		$this->assertStringContainsString( "from './gen/sanalpos.js'", (string) file_get_contents( $assets . '/browser.js' ) );
		// Node reads `.js` as an ES module only inside a `"type": "module"` package (a browser's import() needs no such hint).
		file_put_contents( $assets . '/package.json', '{"type": "module"}' );
		$script = "const [dir] = process.argv.slice(1);"
			. "const glue = await import(dir + '/gen/sanalpos.js');"
			. "glue.initSync({ module: (await import('node:fs')).readFileSync(dir + '/gen/sanalpos_bg.wasm') });"
			. "const api = await import(dir + '/api.js');"
			. "let unavailable = null; try { api.preparePayment({}); } catch (e) { unavailable = e.code; }"
			. "console.log(JSON.stringify({ brand: api.inspectCard({ card: { number: '4508 0345 0803 4509' } }).brand.id, unavailable }));";
		$seen = json_decode( implode( "\n", self::command( array( 'node', '--input-type=module', '-e', $script, $assets ) ) ), true );
		unlink( $assets . '/package.json' );
		$this->assertSame( array( 'brand' => 'visa', 'unavailable' => 'request.op_unavailable' ), $seen );
	}

	/**
	 * In Chromium, from the unpacked zip served over HTTP: the classic checkout script mounts the
	 * card form on the shipped browser build of the core (its .wasm fetched by browser.js), shows
	 * the brand and the installments, posts only the BIN, and adds the card to the bank's form; and
	 * where a form asks for the card's program (as PayTR's installment form does: here a `program`
	 * on Garanti's), its code for the family the core's `card.inspect` found (4282 20…: Bonus).
	 */
	public function test_the_classic_checkout_runs_in_a_browser_on_the_shipped_assets(): void {
		World::reset();
		$plugin = Shop::boot( new FixedClock() );
		$this->configureGaranti();
		$checkout = new Checkout( $plugin );
		$config   = array(
			'core'     => '/assets/sanalpos/browser.js',
			'cardForm' => '/assets/js/card-form.js',
		) + $checkout->config( '1000.00', 'TRY', array() );
		$bankForm = array(
			'action'      => 'https://bank.example/gt3dengine',
			'method'      => 'POST',
			'fields'      => array( array( 'name' => 'hash', 'value' => 'H' ) ),
			'sensitive'   => array(),
			'card_entry'  => 'browser',
			'card_fields' => array( 'number' => 'cardnumber', 'expiry' => array( array( 'cardexpiredatemonth', 'MM' ), array( 'cardexpiredateyear', 'YY' ) ), 'cvv' => 'cardcvv2', 'holder' => null, 'brand' => null, 'program' => array( 'card_type', array( array( 'axess', 'axess' ), array( 'bonus', 'bonus' ) ) ) ),
		);
		$page = strtr(
			(string) file_get_contents( __DIR__ . '/fixtures/classic-checkout.html' ),
			array(
				'{{FORM}}'      => $checkout->cardFormHtml( true, '1000.00' ),
				'{{CONFIG}}'    => json_encode( $config, JSON_UNESCAPED_SLASHES ),
				'{{BANK_FORM}}' => json_encode( $bankForm, JSON_UNESCAPED_SLASHES ),
			)
		);
		file_put_contents( self::plugin( 'sanalpos-check.html' ), $page );
		$seen = json_decode( self::inChromium( 'sanalpos-check.html' ), true );
		unlink( self::plugin( 'sanalpos-check.html' ) );
		$this->assertIsArray( $seen );
		$this->assertSame( array( true, 'Visa' ), array( $seen['mounted'], $seen['brand'] ), 'the core runs in the browser' );
		$this->assertSame( array( 'Single payment: 1,000.00 TRY', '3 installments of 341.66 TRY (first 341.68 TRY)' ), $seen['installments'] );
		$this->assertSame( array( null, '42822090' ), array( $seen['numberName'], $seen['bin'] ), 'the card is not posted to the shop' );
		$this->assertFalse( $seen['followsRedirect'], 'WooCommerce\'s redirect is stopped while the bank form goes out' );
		$this->assertSame(
			array( 'method' => 'post', 'action' => 'https://bank.example/gt3dengine', 'fields' => array( array( 'hash', 'H' ), array( 'cardnumber', '4282209004348015' ), array( 'cardexpiredatemonth', '12' ), array( 'cardexpiredateyear', '30' ), array( 'cardcvv2', '123' ), array( 'card_type', 'bonus' ) ) ),
			$seen['submitted']
		);
	}

	/** A Garanti account (card entry `browser`) with the default markup plan, saved through the settings form. */
	private function configureGaranti(): void {
		$gateway = new \Sanalpos\WooCommerce\Gateway();
		$post    = array();
		foreach ( array(
			'enabled'  => 'yes',
			'accounts' => array(
				array(
					'id'      => 'garanti',
					'gateway' => 'garanti',
					'model'   => 'garanti:3d',
					'test'    => array( 'garanti' => array( 'credentials' => array( 'merchant_id' => '7000679', 'terminal_id' => '30691298', 'prov_user_id' => 'PROVAUT', 'password' => '123qweASD/', 'store_key' => '12345678' ) ) ),
				),
			),
			'plans'    => array( array( 'family' => 'default', 'mode' => 'markup', 'rates' => array( 1 => '0', 3 => '2.5' ) ) ),
		) as $key => $value ) {
			$post[ $gateway->get_field_key( $key ) ] = $value;
		}
		$gateway->set_post_data( $post );
		$gateway->process_admin_options();
		$this->assertSame( array(), $gateway->errors );
	}

	/**
	 * The page's #out text after its scripts ran, from headless Chromium (Debian's) against the
	 * unpacked plugin served by PHP's built-in server on a free loopback port.
	 */
	private static function inChromium( string $page ): string {
		$probe = stream_socket_server( 'tcp://127.0.0.1:0' );
		$port  = (int) substr( (string) stream_socket_get_name( $probe, false ), strrpos( (string) stream_socket_get_name( $probe, false ), ':' ) + 1 );
		fclose( $probe );
		$server = proc_open( array( PHP_BINARY, '-S', "127.0.0.1:$port", '-t', self::plugin() ), array( 1 => array( 'file', '/dev/null', 'w' ), 2 => array( 'file', '/dev/null', 'w' ) ), $pipes );
		usleep( 300000 );
		try {
			$dom = implode(
				"\n",
				self::command(
					array(
						'timeout', '60', 'chromium', '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
						'--disable-background-networking', '--disable-component-update', '--disable-sync',
						'--user-data-dir=' . self::$dir . '/chromium', '--virtual-time-budget=15000', '--dump-dom', "http://127.0.0.1:$port/$page",
					)
				)
			);
		} finally {
			proc_terminate( $server );
			proc_close( $server );
		}
		return preg_match( '#<pre id="out">(.*?)</pre>#s', $dom, $m ) ? html_entity_decode( $m[1], ENT_QUOTES | ENT_HTML5, 'UTF-8' ) : '';
	}

	public function test_the_module_matches_its_recorded_sha256(): void {
		$recorded = strtok( (string) file_get_contents( self::plugin( 'engine/sanalpos.raw.wasm.sha256' ) ), ' ' );
		$this->assertSame( hash_file( 'sha256', self::plugin( 'engine/sanalpos.raw.wasm' ) ), $recorded );
		$this->assertSame( hash_file( 'sha256', SANALPOS_REPO . '/build/wasm/sanalpos.raw.wasm' ), $recorded, 'the module this tree built' );
	}

	public function test_every_php_file_parses(): void {
		$php = preg_grep( '/\.php$/', self::files() );
		$this->assertGreaterThan( 30, count( $php ) );
		foreach ( $php as $file ) {
			self::command( array( PHP_BINARY, '-l', self::plugin( $file ) ) );
		}
	}

	public function test_the_unpacked_plugin_boots_and_runs_on_both_engines(): void {
		$db     = tempnam( sys_get_temp_dir(), 'sanalpos-dist-db-' );
		$output = self::command( array( PHP_BINARY, '-d', 'ffi.enable=preload', __DIR__ . '/fixtures/boot-zip-plugin.php', self::plugin(), $db ) );
		unlink( $db );
		$seen = json_decode( implode( "\n", $output ), true );
		$this->assertIsArray( $seen, implode( "\n", $output ) );
		$this->assertSame( self::plugin( 'src/WooCommerce/Plugin.php' ), $seen['plugin_class'], 'the classes come from the zip' );
		$this->assertSame( array( 'custom_order_tables' => true, 'cart_checkout_blocks' => true ), $seen['declared'] );
		foreach ( array( 'woocommerce_payment_gateways', 'woocommerce_api_sanalpos_return', 'woocommerce_api_sanalpos_notify', 'woocommerce_api_sanalpos_page', 'woocommerce_blocks_loaded' ) as $hook ) {
			$this->assertContains( $hook, $seen['hooks'] );
		}
		$this->assertSame( 'Card payment with Turkish bank POS (sanalpos)', $seen['gateway'] );
		// This machine is linux x86_64 with FFI on the command line: both shipped engines run.
		$this->assertSame( array( 'ffi' => null, 'php' => null ), $seen['engines'] );
		$this->assertSame( 'ffi', $seen['in_use'] );
		$this->assertContains( 'paytr', $seen['version']['gateways'] );
		$this->assertSame( $seen['version'], $seen['php_engine'], 'the PHP engine answers as the FFI engine' );
	}
}
