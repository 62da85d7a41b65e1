<?php
/**
 * Picks the best engine that can run on this host, or says why none can.
 */

declare(strict_types=1);

namespace Sanalpos\Engine;

final class EngineFactory {
	/** The engine of this PHP process (of this request under FPM), built on first use. */
	private static ?Engine $shared = null;

	/** @param list<EngineCandidate> $candidates Best first. */
	public function __construct( private readonly array $candidates ) {}

	/** The engines the plugin ships, best first. */
	public static function bundled(): self {
		$files = EngineFiles::bundled();
		return new self( array( new FfiCandidate( $files ), new PhpCandidate( $files ) ) );
	}

	/**
	 * One engine per PHP process, reused across calls.
	 *
	 * @throws EngineException `engine.unavailable` when no engine can run here.
	 */
	public static function shared(): Engine {
		return self::$shared ??= self::bundled()->create();
	}

	/**
	 * The first candidate that runs here.
	 *
	 * @throws EngineException `engine.unavailable`, naming every candidate's reason.
	 */
	public function create(): Engine {
		$reasons = array();
		foreach ( $this->candidates as $candidate ) {
			$reason = $candidate->unusableReason();
			if ( null === $reason ) {
				try {
					return $candidate->create();
				} catch ( EngineException $e ) {
					$reason = $e->getMessage() . ' (' . $e->errorCode() . ')';
				}
			}
			$reasons[] = $candidate->name() . ': ' . $reason;
		}
		throw new EngineException( 'engine.unavailable', 'No engine can run on this host. ' . implode( '; ', $reasons ) );
	}

	/**
	 * For the status screen: each candidate's name and why it cannot run (null when it can).
	 *
	 * @return array<string, ?string>
	 */
	public function report(): array {
		$report = array();
		foreach ( $this->candidates as $candidate ) {
			$report[ $candidate->name() ] = $candidate->unusableReason();
		}
		return $report;
	}
}
