<?php
/**
 * The PHP face of the core: arrays in, arrays out, error envelopes as EngineException.
 * All payment logic stays in the .wasm; this class only encodes and decodes JSON.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class Core {
	public function __construct( private readonly Engine $engine ) {}

	public function engine(): Engine {
		return $this->engine;
	}

	/**
	 * Runs `$op` with `$fields` and returns the `result` object.
	 *
	 * @param array<string, mixed> $fields
	 * @return array<string, mixed>
	 * @throws EngineException for an error envelope or an engine failure.
	 */
	public function run( string $op, array $fields = array() ): array {
		$request = json_encode( array( 'op' => $op ) + $fields, JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_THROW_ON_ERROR );
		$answer  = json_decode( $this->engine->call( $request ), true, 512, JSON_THROW_ON_ERROR );
		if ( ! is_array( $answer ) || ! isset( $answer['ok'] ) ) {
			throw new EngineException( 'engine.bad_answer', 'The engine returned something that is not an answer envelope' );
		}
		if ( true !== $answer['ok'] ) {
			$error = is_array( $answer['error'] ?? null ) ? $answer['error'] : array();
			throw new EngineException( (string) ( $error['code'] ?? 'engine.bad_answer' ), (string) ( $error['message'] ?? '' ), isset( $error['field'] ) ? (string) $error['field'] : null );
		}
		return is_array( $answer['result'] ?? null ) ? $answer['result'] : array();
	}
}
