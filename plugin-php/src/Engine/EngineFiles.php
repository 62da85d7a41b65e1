<?php
/**
 * The engine files the plugin ships in `engine/` (built by `make`, not committed):
 * `sanalpos.raw.wasm`, its recorded SHA-256 in `sanalpos.raw.wasm.sha256` (`sha256sum` format),
 * and one runner library per OS and CPU, e.g. `libsanalpos_runner-linux-x86_64.so`.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class EngineFiles {
	public const MODULE = 'sanalpos.raw.wasm';

	public function __construct( private readonly string $dir ) {}

	/** The files shipped with the plugin. */
	public static function bundled(): self {
		return new self( dirname( __DIR__, 2 ) . '/engine' );
	}

	public function dir(): string {
		return $this->dir;
	}

	/**
	 * The module bytes, refused unless they match the recorded SHA-256.
	 *
	 * @throws EngineException `engine.unavailable` (missing files) or `engine.module_mismatch`.
	 */
	public function module(): string {
		$path     = $this->dir . '/' . self::MODULE;
		$module   = is_file( $path ) ? file_get_contents( $path ) : false;
		$expected = $this->recordedSha256();
		if ( false === $module || null === $expected ) {
			throw new EngineException( 'engine.unavailable', sprintf( 'The module or its recorded SHA-256 is missing in %s', $this->dir ) );
		}
		if ( ! hash_equals( $expected, self::sha256( $module ) ) ) {
			throw new EngineException( 'engine.module_mismatch', sprintf( 'The module %s does not match its recorded SHA-256; reinstall the plugin', $path ) );
		}
		return $module;
	}

	/**
	 * SHA-256 in lower-case hex. OpenSSL's, where PHP has it, uses the CPU's SHA instructions: about
	 * six times faster than hash() for the module, and every request that uses the engine pays it.
	 */
	private static function sha256( string $bytes ): string {
		return function_exists( 'openssl_digest' ) ? (string) openssl_digest( $bytes, 'sha256' ) : hash( 'sha256', $bytes );
	}

	/** The module's SHA-256 as recorded at build time (lower-case hex), or null when missing. */
	public function recordedSha256(): ?string {
		$path     = $this->dir . '/' . self::MODULE . '.sha256';
		$recorded = is_file( $path ) ? file_get_contents( $path ) : false;
		return false === $recorded ? null : strtolower( (string) strtok( $recorded, " \t\r\n" ) );
	}

	/**
	 * For the status panel: the recorded SHA-256 and whether the module file matches it.
	 *
	 * @return array{recorded: ?string, matches: bool}
	 */
	public function moduleStatus(): array {
		try {
			$this->module();
			$matches = true;
		} catch ( EngineException $e ) {
			$matches = false;
		}
		return array(
			'recorded' => $this->recordedSha256(),
			'matches'  => $matches,
		);
	}

	/** Path of the runner library for this OS and CPU, or null when the plugin has none. */
	public function runnerLibrary(): ?string {
		$path = sprintf( '%s/libsanalpos_runner-%s.%s', $this->dir, self::platform(), 'Darwin' === PHP_OS_FAMILY ? 'dylib' : 'so' );
		return is_file( $path ) ? $path : null;
	}

	/** OS and CPU as the runner libraries are named, e.g. `linux-x86_64` or `linux-aarch64`. */
	public static function platform(): string {
		$machine = function_exists( 'php_uname' ) ? strtolower( php_uname( 'm' ) ) : 'unknown';
		return strtolower( PHP_OS_FAMILY ) . '-' . ( 'arm64' === $machine ? 'aarch64' : $machine );
	}
}
