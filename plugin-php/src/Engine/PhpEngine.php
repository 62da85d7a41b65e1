<?php
/**
 * The PHP engine: runs the core's .wasm translated ahead of time into plain PHP (by
 * wasm/wasm2php), so it needs no FFI and no extension. The universal fallback.
 *
 * The translated module (`engine/php/`, build artifacts: the module class
 * `SanalposModule.php`, its parts `SanalposModule_<n>.php`, each loaded on the first call into
 * it, and the data segments `SanalposModule.data`) carries the SHA-256 of the .wasm it came from
 * in every file; it is only used when that matches the .wasm the plugin ships.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

use Sanalpos\Engine\Generated\SanalposModule;
use Sanalpos\Engine\Generated\SanalposModuleTrap;

final class PhpEngine implements Engine {
	/** The translated module's directory, in the engine directory. */
	public const MODULE_DIR = 'php';
	/** The module class (the one file to load) and its data segments, in MODULE_DIR. */
	public const MODULE_FILE = 'SanalposModule.php';
	public const DATA_FILE   = 'SanalposModule.data';
	/** The .wasm the plugin ships, or a file holding its SHA-256 (written by `make`). */
	public const WASM_FILE   = EngineFiles::MODULE;
	public const WASM_SHA256 = EngineFiles::MODULE . '.sha256';

	/**
	 * Requests larger than this are refused before they reach the core. Above the core's own
	 * 1 MiB limit, so that the core answers `request.too_large` itself, as on every engine.
	 */
	public const MAX_INPUT_BYTES = 2 << 20;
	/** Linear memory cap, in 64 KiB pages (16 MiB). */
	public const MAX_MEMORY_PAGES = 256;

	private ?SanalposModule $instance = null;

	/** Why the translated module cannot run in this process (a part or the data file is stale or missing). */
	private static ?string $broken = null;

	/**
	 * @param string $dir            the engine directory (holding the translated module).
	 * @param int    $maxMemoryPages the guest's memory cap; beyond it a call fails with
	 *                               `engine.memory_exhausted`.
	 * @throws EngineException `engine.unavailable` or `engine.module_mismatch` (see isUsable()).
	 */
	public function __construct( string $dir, private readonly int $maxMemoryPages = self::MAX_MEMORY_PAGES ) {
		$reason = self::isUsable( $dir );
		if ( null !== $reason ) {
			$code = str_contains( $reason, 'different .wasm' ) ? 'engine.module_mismatch' : 'engine.unavailable';
			throw new EngineException( $code, $reason );
		}
		self::withoutJit( static fn() => require_once $dir . '/' . self::MODULE_DIR . '/' . self::MODULE_FILE );
	}

	/**
	 * Runs `$run` with opcache's JIT off, then gives the host its setting back: PHP 8.2's tracing
	 * JIT can loop forever compiling traces of the translated module (seen in benchmark runs).
	 *
	 * @template T
	 * @param callable(): T $run
	 * @return T
	 */
	private static function withoutJit( callable $run ): mixed {
		$jit = ini_get( 'opcache.jit' );
		$off = is_string( $jit ) && ! in_array( strtolower( $jit ), array( '', '0', 'off', 'disable' ), true ) && false !== ini_set( 'opcache.jit', 'off' );
		try {
			return $run();
		} finally {
			if ( $off ) {
				ini_set( 'opcache.jit', (string) $jit );
			}
		}
	}

	/**
	 * Why the PHP engine cannot run from `$dir`, or null when it can: the translated module (its
	 * class and data files) must exist and be stamped with the SHA-256 of the shipped .wasm. Each
	 * part is checked as it loads (SanalposModule::load()).
	 */
	public static function isUsable( string $dir ): ?string {
		if ( PHP_INT_SIZE !== 8 ) {
			return 'the PHP engine needs 64-bit PHP';
		}
		if ( null !== self::$broken ) {
			return self::$broken;
		}
		$stamps = array();
		foreach ( array( self::MODULE_FILE, self::DATA_FILE ) as $name ) {
			$file = $dir . '/' . self::MODULE_DIR . '/' . $name;
			$head = is_file( $file ) ? (string) file_get_contents( $file, false, null, 0, 512 ) : '';
			if ( '' === $head ) {
				return "the PHP engine's translated module is missing ($file): run `make`";
			}
			if ( ! preg_match( '/^\/\/ wasm-sha256: ([0-9a-f]{64})$/m', $head, $stamp ) ) {
				return "the PHP engine's module has no .wasm stamp ($file)";
			}
			$stamps[ $file ] = $stamp[1];
		}
		$expected = self::shippedWasmSha256( $dir );
		if ( null === $expected ) {
			return "no .wasm (or its SHA-256) in $dir to check the PHP engine's module against";
		}
		foreach ( $stamps as $file => $stamp ) {
			if ( ! hash_equals( $expected, $stamp ) ) {
				return "the PHP engine's module was translated from a different .wasm ($stamp in $file, shipped: $expected): run `make`";
			}
		}
		return null;
	}

	private static function shippedWasmSha256( string $dir ): ?string {
		$recorded = $dir . '/' . self::WASM_SHA256;
		if ( is_file( $recorded ) && preg_match( '/^[0-9a-f]{64}/', (string) file_get_contents( $recorded ), $m ) ) {
			return $m[0];
		}
		$wasm = $dir . '/' . self::WASM_FILE;
		return is_file( $wasm ) ? (string) hash_file( 'sha256', $wasm ) : null;
	}

	public function name(): string {
		return 'php';
	}

	public function call( string $json ): string {
		$len = strlen( $json );
		if ( $len > self::MAX_INPUT_BYTES ) {
			throw new EngineException( 'engine.input_too_large', sprintf( 'The request is %d bytes; the PHP engine takes at most %d', $len, self::MAX_INPUT_BYTES ) );
		}
		if ( null !== self::$broken ) {
			throw new EngineException( 'engine.module_mismatch', self::$broken );
		}
		// One instance serves every call of this request (the ABI is stateless); it is dropped
		// after a trap, so the next call starts from fresh memory.
		$module         = $this->instance;
		$this->instance = null;
		try {
			$answer = self::withoutJit(
				function () use ( &$module, $json, $len ): string {
					$module ??= new SanalposModule( $this->maxMemoryPages );
					$in       = $module->x_alloc( $len );
					$module->write( $in, $json );
					$packed = $module->x_call( $in, $len );
					$at     = ( $packed >> 32 ) & 0xFFFFFFFF;
					$size   = $packed & 0xFFFFFFFF;
					$answer = $module->read( $at, $size );
					$module->x_dealloc( $at, $size );
					$module->x_dealloc( $in, $len );
					return $answer;
				}
			);
		} catch ( SanalposModuleTrap $e ) {
			if ( null !== $module && $module->capped ) {
				throw new EngineException( 'engine.memory_exhausted', sprintf( 'The core needed more than the PHP engine\'s %d MiB of memory', $this->maxMemoryPages >> 4 ), null, $e );
			}
			throw new EngineException( 'engine.trap', 'The core stopped with a WebAssembly trap: ' . $e->getMessage(), null, $e );
		} catch ( \UnexpectedValueException $e ) {
			// A part or the data file does not belong to this module (a half-updated install):
			// nothing more of it may run in this process.
			self::$broken = "the PHP engine's module is incomplete: " . $e->getMessage() . ': reinstall the plugin';
			throw new EngineException( 'engine.module_mismatch', self::$broken, null, $e );
		}
		$this->instance = $module;
		return $answer;
	}
}
