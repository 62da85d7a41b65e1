<?php
/**
 * Test double of an Engine: the native `sanalpos` command-line tool in one long-lived process
 * (one JSON line in, one out). The engines' own tests prove they answer byte-identically, so
 * flow tests can run against the native core.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Engine\Engine;

final class CliEngine implements Engine {
	/** @var resource */
	private $process;
	/** @var array<int, resource> */
	private array $pipes = array();

	public function __construct() {
		$this->process = proc_open( array( SANALPOS_CLI ), array( array( 'pipe', 'r' ), array( 'pipe', 'w' ), STDERR ), $this->pipes );
		if ( ! is_resource( $this->process ) ) {
			throw new \RuntimeException( 'cannot start ' . SANALPOS_CLI . ' (run cargo build)' );
		}
	}

	public function call( string $json ): string {
		fwrite( $this->pipes[0], str_replace( "\n", ' ', $json ) . "\n" );
		return rtrim( (string) fgets( $this->pipes[1] ), "\n" );
	}

	public function name(): string {
		return 'cli';
	}

	public function __destruct() {
		fclose( $this->pipes[0] );
		fclose( $this->pipes[1] );
		proc_close( $this->process );
	}
}
