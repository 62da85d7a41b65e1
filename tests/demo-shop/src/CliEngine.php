<?php
/**
 * Interim engine until the plugin's EngineFactory is on main: the native `sanalpos` command-line
 * tool in one process per PHP request (one JSON line in, one out), like the flow's tests.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Engine\Engine;
use Sanalpos\Engine\EngineException;

final class CliEngine implements Engine {
	/** @var resource|null */
	private $process = null;
	/** @var array<int, resource> */
	private array $pipes = array();

	public function __construct( private readonly string $binary ) {}

	public function call( string $json ): string {
		if ( null === $this->process ) {
			$process = proc_open( array( $this->binary ), array( array( 'pipe', 'r' ), array( 'pipe', 'w' ), array( 'file', '/dev/null', 'a' ) ), $this->pipes );
			if ( ! is_resource( $process ) ) {
				throw new EngineException( 'engine.unavailable', "cannot start {$this->binary}" );
			}
			$this->process = $process;
		}
		fwrite( $this->pipes[0], str_replace( "\n", ' ', $json ) . "\n" );
		$line = fgets( $this->pipes[1] );
		if ( false === $line ) {
			throw new EngineException( 'engine.unavailable', 'the sanalpos tool stopped' );
		}
		return rtrim( $line, "\n" );
	}

	public function name(): string {
		return 'cli';
	}

	public function __destruct() {
		if ( null !== $this->process ) {
			fclose( $this->pipes[0] );
			fclose( $this->pipes[1] );
			proc_close( $this->process );
		}
	}
}
