<?php
/**
 * The Lock port for every PHP worker of the shop: MySQL's GET_LOCK through $wpdb where the
 * database has it; otherwise an option row inserted atomically (add_option fails when the row
 * exists), with an expiry so a crashed worker cannot block an order for ever.
 */

declare(strict_types=1);

namespace Sanalpos\WooCommerce;

use Sanalpos\Flow\Lock;

final class WpLock implements Lock {
	/** A lock row older than this belongs to a worker that died. */
	private const EXPIRY = 120;
	/** Pause between tries of the option lock, in microseconds. */
	private const POLL = 100000;

	/** @var array<string, string> Held locks: name → 'db' or the option row's value. */
	private array $held = array();

	public function acquire( string $name, int $waitSeconds ): bool {
		$db = $this->dbLock( $name, $waitSeconds );
		if ( null !== $db ) {
			if ( $db ) {
				$this->held[ $name ] = 'db';
			}
			return $db;
		}
		$option   = self::option( $name );
		$deadline = microtime( true ) + $waitSeconds;
		do {
			$value = ( time() + self::EXPIRY ) . ':' . bin2hex( random_bytes( 8 ) );
			if ( add_option( $option, $value, '', false ) ) {
				$this->held[ $name ] = $value;
				return true;
			}
			$this->takeOverExpired( $option );
			usleep( self::POLL );
		} while ( microtime( true ) < $deadline );
		return false;
	}

	public function release( string $name ): void {
		$held = $this->held[ $name ] ?? null;
		unset( $this->held[ $name ] );
		if ( 'db' === $held ) {
			global $wpdb;
			$wpdb->query( $wpdb->prepare( 'SELECT RELEASE_LOCK( %s )', self::dbName( $name ) ) );
		} elseif ( null !== $held ) {
			$this->deleteRow( self::option( $name ), $held );
		}
	}

	/**
	 * MySQL's named lock: true when taken, false on timeout, null when the database has none
	 * (e.g. SQLite under WordPress).
	 */
	private function dbLock( string $name, int $waitSeconds ): ?bool {
		global $wpdb;
		if ( ! is_object( $wpdb ) ) {
			return null;
		}
		$suppressed = $wpdb->suppress_errors( true );
		$got        = $wpdb->get_var( $wpdb->prepare( 'SELECT GET_LOCK( %s, %d )', self::dbName( $name ), $waitSeconds ) );
		$wpdb->suppress_errors( $suppressed );
		return null === $got ? null : '1' === (string) $got;
	}

	/** Removes a lock row whose expiry has passed, only if it is still the row that was read. */
	private function takeOverExpired( string $option ): void {
		wp_cache_delete( $option, 'options' );
		wp_cache_delete( 'notoptions', 'options' );
		$value  = (string) get_option( $option, '' );
		$expiry = (int) strtok( $value, ':' );
		if ( '' !== $value && $expiry < time() ) {
			$this->deleteRow( $option, $value );
		}
	}

	/** Deletes the option row only when it holds `$value` (compare-and-delete). */
	private function deleteRow( string $option, string $value ): void {
		global $wpdb;
		$wpdb->delete(
			$wpdb->options,
			array(
				'option_name'  => $option,
				'option_value' => $value,
			)
		);
		wp_cache_delete( $option, 'options' );
		wp_cache_delete( 'notoptions', 'options' );
	}

	private static function option( string $name ): string {
		return 'sanalpos_lock_' . $name;
	}

	/** GET_LOCK names are server-wide and at most 64 characters: prefix this site's database and tables. */
	private static function dbName( string $name ): string {
		global $wpdb;
		$site = ( defined( 'DB_NAME' ) ? DB_NAME : '' ) . '.' . $wpdb->prefix;
		return substr( substr( $site, 0, 40 ) . ':' . $name, 0, 64 );
	}
}
