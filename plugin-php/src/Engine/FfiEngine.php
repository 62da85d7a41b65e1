<?php
/**
 * Runs the core's .wasm through the runner library (wasm/runner: wasmi behind a small C ABI)
 * loaded with PHP FFI. One runner per engine; calls reuse its instance.
 *
 * Every FFI call lives in this class on purpose: under the default `ffi.enable=preload`, PHP allows
 * FFI outside the CLI only from preloaded code, and the plugin's `preload.php` preloads this file.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class FfiEngine implements Engine {
	/** The runner's C ABI (see wasm/runner/src/lib.rs). PHP strings are passed only as `char*`. */
	public const HEADER = '
		typedef struct sanalpos_runner sanalpos_runner;
		sanalpos_runner *sanalpos_runner_new(const char *module, size_t module_len, uint64_t fuel_per_call,
			size_t max_memory_bytes, size_t max_input_bytes, char **error);
		char *sanalpos_runner_call(sanalpos_runner *runner, const char *request, size_t request_len);
		size_t sanalpos_runner_memory_bytes(const sanalpos_runner *runner);
		void sanalpos_runner_free_answer(char *answer);
		void sanalpos_runner_free(sanalpos_runner *runner);
		const char *sanalpos_runner_version(void);
	';

	/**
	 * The runner version this plugin ships (the Cargo workspace's; a test keeps them equal). A
	 * PHP-FPM worker keeps the library it loaded first until it restarts, also after an update.
	 */
	public const RUNNER_VERSION = '0.1.0';

	/**
	 * Fuel per call: the costliest corpus request needs under 1 million, a 1 MiB request of
	 * ordinary JSON about 9 million. 100 million is roughly 20–50 ms of CPU at most.
	 */
	public const FUEL_PER_CALL = 100000000;

	/** Linear memory cap; an instance that grew past a quarter of it is re-created after the call. */
	public const MAX_MEMORY_BYTES = 32 << 20;

	/** The core refuses requests over 1 MiB itself; the margin lets it give its own error. */
	public const MAX_INPUT_BYTES = ( 1 << 20 ) + ( 64 << 10 );

	/** How the runner's own error envelopes begin (the core never uses `engine.` codes). */
	private const RUNNER_ERROR = '{"error":{"code":"engine.';

	private \FFI $ffi;
	private \FFI\CData $runner;

	/**
	 * @param string $library Path of the runner library for this OS and CPU.
	 * @param string $module  The module bytes (already checked against their recorded SHA-256).
	 * @throws EngineException `engine.unavailable` when FFI or the library cannot be used,
	 *                         `engine.module_invalid` when the runner refuses the module.
	 */
	public function __construct(
		string $library,
		string $module,
		int $fuel_per_call = self::FUEL_PER_CALL,
		int $max_memory_bytes = self::MAX_MEMORY_BYTES,
		int $max_input_bytes = self::MAX_INPUT_BYTES
	) {
		try {
			$this->ffi = \FFI::cdef( self::HEADER, $library );
		} catch ( \FFI\Exception $e ) {
			throw new EngineException( 'engine.unavailable', 'The runner library cannot be loaded: ' . $e->getMessage(), null, $e );
		}
		$loaded = $this->ffi->sanalpos_runner_version(); // PHP FFI returns a const char* as a string.
		if ( self::RUNNER_VERSION !== $loaded ) {
			throw new EngineException( 'engine.unavailable', sprintf( 'This PHP process still has runner library %s loaded; the plugin ships %s. Restart PHP (PHP-FPM keeps a loaded library until its workers restart)', $loaded, self::RUNNER_VERSION ) );
		}
		$error  = $this->ffi->new( 'char*' );
		$runner = $this->ffi->sanalpos_runner_new( $module, strlen( $module ), $fuel_per_call, $max_memory_bytes, $max_input_bytes, \FFI::addr( $error ) );
		if ( null === $runner ) {
			throw \FFI::isNull( $error )
				? new EngineException( 'engine.unavailable', 'The runner could not be created' )
				: self::failure( $this->take( $error ) );
		}
		$this->runner = $runner;
	}

	public function __destruct() {
		$this->ffi->sanalpos_runner_free( $this->runner );
	}

	/**
	 * Why FFI cannot be used by this PHP process, or null when it can. Tries FFI for real (from
	 * this class, so a preloaded copy answers for the preloaded case).
	 */
	public static function unusableReason(): ?string {
		if ( ! extension_loaded( 'ffi' ) ) {
			return 'the PHP FFI extension is not loaded';
		}
		try {
			\FFI::cdef();
			return null;
		} catch ( \FFI\Exception $e ) {
			$setting = (string) ini_get( 'ffi.enable' );
			if ( 'preload' === strtolower( $setting ) ) {
				return sprintf( 'ffi.enable=preload allows FFI only in the command line and in preloaded code, and this is "%s" without the plugin\'s preload.php in opcache.preload (set ffi.enable=true, or preload it: see docs/ffi.md)', PHP_SAPI );
			}
			return sprintf( 'FFI is disabled here (ffi.enable=%s): %s', '' === $setting ? '0' : $setting, $e->getMessage() );
		}
	}

	public function call( string $json ): string {
		$pointer = $this->ffi->sanalpos_runner_call( $this->runner, $json, strlen( $json ) );
		if ( null === $pointer ) {
			throw new EngineException( 'engine.unavailable', 'The runner is out of memory' );
		}
		$answer = $this->take( $pointer );
		if ( str_starts_with( $answer, self::RUNNER_ERROR ) ) {
			throw self::failure( $answer );
		}
		return $answer;
	}

	public function name(): string {
		return 'ffi';
	}

	/** Linear memory the runner's instance holds now, in bytes (outside PHP's memory_limit). */
	public function memoryBytes(): int {
		return $this->ffi->sanalpos_runner_memory_bytes( $this->runner );
	}

	/** Copies a string the runner allocated into PHP and frees it. */
	private function take( \FFI\CData $pointer ): string {
		$text = \FFI::string( $pointer );
		$this->ffi->sanalpos_runner_free_answer( $pointer );
		return $text;
	}

	/** The runner's JSON error envelope as an exception. */
	private static function failure( string $envelope ): EngineException {
		$error = json_decode( $envelope, true )['error'] ?? array();
		return new EngineException( (string) ( $error['code'] ?? 'engine.bad_answer' ), (string) ( $error['message'] ?? $envelope ) );
	}
}
