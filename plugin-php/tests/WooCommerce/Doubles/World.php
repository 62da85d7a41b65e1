<?php
/**
 * The state behind the WordPress and WooCommerce test doubles. Options, orders, notes, events
 * (payment_complete calls, log lines, bank requests) and the fake bank's answer queue live in one
 * SQLite file, so that two PHP processes posting the same callback share them as two PHP-FPM
 * workers share a shop's database; hooks, notices and the like are per process.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\WooCommerce\Doubles;

final class World {
	public static ?\PDO $db = null;
	public static string $path = '';
	/** @var array<string, array<int, list<array{0: callable, 1: int}>>> */
	public static array $hooks = array();
	/** @var list<array{0: string, 1: string}> */
	public static array $notices = array();
	public static string $locale = 'en_US';
	/** @var array<string, bool> */
	public static array $caps = array( 'manage_woocommerce' => true );
	/** @var array<string, mixed> Last redirect, status, JSON sent. */
	public static array $sent = array();
	/** @var array<int, list<int>> product id → category term ids */
	public static array $productTerms = array();
	/** @var list<object> */
	public static array $terms = array();
	/** @var array<string, list<string>> Enqueued scripts and inline data. */
	public static array $scripts = array();
	/** @var (\Closure(array{method: string, url: string, body: string}): array)|null An answer computed from the request (one process only). */
	public static ?\Closure $bankAnswerFor = null;
	/** `get_lock` (MySQL GET_LOCK emulated with flock) or `none` (a database without it). */
	public static string $dbLocks = 'none';
	/** @var array<string, string>|null Translations of the current locale. */
	private static ?array $mo = null;

	public static function open( string $path ): void {
		self::$path = $path;
		self::$db   = new \PDO( 'sqlite:' . $path, null, null, array( \PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION ) );
		self::$db->exec( 'PRAGMA busy_timeout = 10000' );
		self::$db->exec( 'PRAGMA journal_mode = WAL' );
		self::$db->exec(
			'CREATE TABLE IF NOT EXISTS options (name TEXT PRIMARY KEY, value TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS orders (id INTEGER PRIMARY KEY, data TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER, note TEXT);
			CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT, data TEXT);
			CREATE TABLE IF NOT EXISTS bank (id INTEGER PRIMARY KEY AUTOINCREMENT, answer TEXT)'
		);
	}

	/** A fresh world in a new file. */
	public static function reset(): string {
		$path          = tempnam( sys_get_temp_dir(), 'sanalpos-wc-' );
		self::$hooks   = array();
		self::$notices = array();
		self::$locale  = 'en_US';
		self::$caps    = array( 'manage_woocommerce' => true );
		self::$sent    = array();
		self::$scripts = array();
		self::$dbLocks = 'none';
		self::$bankAnswerFor = null;
		self::$mo      = null;
		self::$productTerms = array();
		self::$terms   = array();
		self::open( $path );
		return $path;
	}

	public static function event( string $kind, mixed $data ): void {
		self::$db->prepare( 'INSERT INTO events (kind, data) VALUES (?, ?)' )->execute( array( $kind, json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE ) ) );
	}

	/** @return list<mixed> */
	public static function events( string $kind ): array {
		$q = self::$db->prepare( 'SELECT data FROM events WHERE kind = ? ORDER BY id' );
		$q->execute( array( $kind ) );
		return array_map( static fn( $r ) => json_decode( $r, true ), $q->fetchAll( \PDO::FETCH_COLUMN ) );
	}

	/** @return list<string> */
	public static function notes( int $orderId ): array {
		$q = self::$db->prepare( 'SELECT note FROM notes WHERE order_id = ? ORDER BY id' );
		$q->execute( array( $orderId ) );
		return $q->fetchAll( \PDO::FETCH_COLUMN );
	}

	/** Queues the fake bank's next answer: `{status, body}`, `{error}` (no connection) and an optional `delay_ms`. */
	public static function bankAnswers( array ...$answers ): void {
		foreach ( $answers as $answer ) {
			self::$db->prepare( 'INSERT INTO bank (answer) VALUES (?)' )->execute( array( json_encode( $answer ) ) );
		}
	}

	/** Takes the next queued answer atomically (two processes never get the same one). */
	public static function nextBankAnswer(): ?array {
		self::$db->exec( 'BEGIN IMMEDIATE' );
		$row = self::$db->query( 'SELECT id, answer FROM bank ORDER BY id LIMIT 1' )->fetch( \PDO::FETCH_ASSOC );
		if ( false !== $row ) {
			self::$db->prepare( 'DELETE FROM bank WHERE id = ?' )->execute( array( $row['id'] ) );
		}
		self::$db->exec( 'COMMIT' );
		return false === $row ? null : json_decode( $row['answer'], true );
	}

	public static function translate( string $text ): string {
		if ( ! str_starts_with( self::$locale, 'tr' ) ) {
			return $text;
		}
		self::$mo ??= self::readMo( dirname( __DIR__, 3 ) . '/languages/sanalpos-woocommerce-tr_TR.mo' );
		return self::$mo[ $text ] ?? $text;
	}

	/** A GNU .mo file's singular entries (little-endian, as msgfmt writes them here). */
	private static function readMo( string $path ): array {
		$data = is_file( $path ) ? (string) file_get_contents( $path ) : '';
		if ( strlen( $data ) < 28 ) {
			return array();
		}
		[ , $count, $originals, $translations ] = array_values( unpack( 'V4', substr( $data, 4, 16 ) ) );
		$entries = array();
		for ( $i = 0; $i < $count; $i++ ) {
			[ $olen, $ooff ] = array_values( unpack( 'V2', substr( $data, $originals + 8 * $i, 8 ) ) );
			[ $tlen, $toff ] = array_values( unpack( 'V2', substr( $data, $translations + 8 * $i, 8 ) ) );
			$original = substr( $data, $ooff, $olen );
			if ( '' !== $original && ! str_contains( $original, "\0" ) ) {
				$entries[ $original ] = substr( $data, $toff, $tlen );
			}
		}
		return $entries;
	}
}
