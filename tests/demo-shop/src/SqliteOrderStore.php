<?php
/**
 * The demo shop's orders in SQLite (pdo_sqlite): the OrderStore port of the payment flow for a
 * shop without WooCommerce. One row per order, its attempts as JSON rows indexed by token, notes
 * and refunds. markPaid is one conditional UPDATE, so two PHP workers can never both pay an order.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

use Sanalpos\Flow\Attempt;
use Sanalpos\Flow\Order;
use Sanalpos\Flow\OrderStore;

final class SqliteOrderStore implements OrderStore {
	private \PDO $db;

	public function __construct( string $path ) {
		$this->db = new \PDO( 'sqlite:' . $path, null, null, array( \PDO::ATTR_ERRMODE => \PDO::ERRMODE_EXCEPTION, \PDO::ATTR_TIMEOUT => 10 ) );
		$this->db->exec( 'PRAGMA journal_mode = WAL; PRAGMA busy_timeout = 10000;' );
		$this->db->exec(
			'CREATE TABLE IF NOT EXISTS orders (
				id INTEGER PRIMARY KEY AUTOINCREMENT, created_at TEXT NOT NULL,
				product TEXT NOT NULL, category TEXT NOT NULL, base TEXT NOT NULL, currency TEXT NOT NULL,
				commission TEXT, commission_label TEXT NOT NULL DEFAULT \'\',
				bank TEXT NOT NULL, tx_type TEXT NOT NULL, name TEXT NOT NULL, email TEXT NOT NULL, ip TEXT NOT NULL,
				status TEXT NOT NULL DEFAULT \'pending\', reason TEXT NOT NULL DEFAULT \'\',
				transaction_id TEXT NOT NULL DEFAULT \'\', refs TEXT NOT NULL DEFAULT \'{}\');
			CREATE TABLE IF NOT EXISTS attempts (token TEXT PRIMARY KEY, order_id INTEGER NOT NULL, number INTEGER NOT NULL, data TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS notes (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, created_at TEXT NOT NULL, note TEXT NOT NULL);
			CREATE TABLE IF NOT EXISTS refunds (id INTEGER PRIMARY KEY AUTOINCREMENT, order_id INTEGER NOT NULL, created_at TEXT NOT NULL, amount TEXT NOT NULL, reason TEXT NOT NULL);
			INSERT INTO sqlite_sequence (name, seq) SELECT \'orders\', 1000 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = \'orders\');'
		);
	}

	/**
	 * A new pending order for one product, to be paid through `$bank` as a sale or a
	 * pre-authorisation (`$txType`); returns its id.
	 */
	public function create( array $product, string $bank, string $txType, string $name, string $email, string $ip ): string {
		$stmt = $this->db->prepare( 'INSERT INTO orders (created_at, product, category, base, currency, bank, tx_type, name, email, ip) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)' );
		$stmt->execute( array( self::now(), $product['name'], $product['category'], $product['price'], $product['currency'], $bank, $txType, $name, $email, $ip ) );
		return (string) $this->db->lastInsertId();
	}

	public function find( string $orderId ): ?Order {
		$o = $this->row( $orderId );
		if ( null === $o ) {
			return null;
		}
		return new Order(
			$orderId,
			self::total( $o ),
			$o['currency'],
			'paid' === $o['status'],
			'cancelled' === $o['status'],
			array(
				array(
					'category' => $o['category'],
					'price'    => $o['base'],
				),
			),
			$o['ip'],
			$o['email'],
			$o['name']
		);
	}

	/** The order's row as the shop's pages show it, with its total, or null. */
	public function row( string $orderId ): ?array {
		$stmt = $this->db->prepare( 'SELECT * FROM orders WHERE id = ?' );
		$stmt->execute( array( $orderId ) );
		$o = $stmt->fetch( \PDO::FETCH_ASSOC );
		if ( false === $o ) {
			return null;
		}
		$refunded        = array_sum( array_map( array( self::class, 'minor' ), $this->column( 'SELECT amount FROM refunds WHERE order_id = ?', $orderId ) ) );
		$o['total']      = self::total( $o );
		$o['refunded']   = self::format( $refunded );
		$o['refundable'] = self::format( max( 0, self::minor( $o['total'] ) - $refunded ) );
		$o['captured']   = array() !== array_filter( $this->attempts( $orderId ), static fn( Attempt $a ): bool => $a->captured );
		return $o;
	}

	/** @return list<array<string, mixed>> Every order, newest first. */
	public function all(): array {
		$ids = $this->db->query( 'SELECT id FROM orders ORDER BY id DESC' )->fetchAll( \PDO::FETCH_COLUMN );
		return array_map( fn( $id ) => $this->row( (string) $id ), $ids );
	}

	/** @return list<string> */
	public function notes( string $orderId ): array {
		return $this->column( 'SELECT note FROM notes WHERE order_id = ? ORDER BY id', $orderId );
	}

	public function findByToken( string $token ): ?string {
		$stmt = $this->db->prepare( 'SELECT order_id FROM attempts WHERE token = ?' );
		$stmt->execute( array( $token ) );
		$id = $stmt->fetchColumn();
		return false === $id ? null : (string) $id;
	}

	public function attempts( string $orderId ): array {
		$rows = $this->column( 'SELECT data FROM attempts WHERE order_id = ? ORDER BY number', $orderId );
		return array_map( static fn( string $json ): Attempt => Attempt::fromArray( json_decode( $json, true, 16, JSON_THROW_ON_ERROR ) ), $rows );
	}

	public function saveAttempt( string $orderId, Attempt $attempt ): void {
		$stmt = $this->db->prepare( 'INSERT OR REPLACE INTO attempts (token, order_id, number, data) VALUES (?, ?, ?, ?)' );
		$stmt->execute( array( $attempt->token, $orderId, $attempt->number, json_encode( $attempt->toArray(), JSON_THROW_ON_ERROR ) ) );
	}

	public function setCommission( string $orderId, ?string $amount, string $label ): string {
		$stmt = $this->db->prepare( 'UPDATE orders SET commission = ?, commission_label = ? WHERE id = ?' );
		$stmt->execute( array( $amount, null === $amount ? '' : $label, $orderId ) );
		return $this->find( $orderId )?->total ?? '0.00';
	}

	public function markPaid( string $orderId, string $transactionId, array $references ): bool {
		$stmt = $this->db->prepare( 'UPDATE orders SET status = \'paid\', reason = \'\', transaction_id = ?, refs = ? WHERE id = ? AND status IN (\'pending\', \'failed\')' );
		$stmt->execute( array( $transactionId, json_encode( $references, JSON_THROW_ON_ERROR ), $orderId ) );
		return 1 === $stmt->rowCount();
	}

	public function markFailed( string $orderId, string $reason ): void {
		$stmt = $this->db->prepare( 'UPDATE orders SET status = \'failed\', reason = ? WHERE id = ? AND status = \'pending\'' );
		$stmt->execute( array( $reason, $orderId ) );
	}

	public function recordRefund( string $orderId, string $amount, string $reason ): void {
		$stmt = $this->db->prepare( 'INSERT INTO refunds (order_id, created_at, amount, reason) VALUES (?, ?, ?, ?)' );
		$stmt->execute( array( $orderId, self::now(), $amount, $reason ) );
	}

	public function addNote( string $orderId, string $note ): void {
		$stmt = $this->db->prepare( 'INSERT INTO notes (order_id, created_at, note) VALUES (?, ?, ?)' );
		$stmt->execute( array( $orderId, self::now(), $note ) );
	}

	/** @return list<string> */
	private function column( string $sql, string $orderId ): array {
		$stmt = $this->db->prepare( $sql );
		$stmt->execute( array( $orderId ) );
		return array_map( 'strval', $stmt->fetchAll( \PDO::FETCH_COLUMN ) );
	}

	/** The order total: its price plus the installment commission line, added in kuruş. */
	private static function total( array $o ): string {
		return self::format( self::minor( $o['base'] ) + ( null === $o['commission'] ? 0 : self::minor( $o['commission'] ) ) );
	}

	/** A two-decimal amount (`"1025.00"`, as the core writes them) in minor units. */
	private static function minor( string $amount ): int {
		if ( ! preg_match( '/^(\d+)\.(\d{2})$/', $amount, $m ) ) {
			throw new \UnexpectedValueException( "not a two-decimal amount: $amount" );
		}
		return (int) $m[1] * 100 + (int) $m[2];
	}

	private static function format( int $minor ): string {
		return sprintf( '%d.%02d', intdiv( $minor, 100 ), $minor % 100 );
	}

	private static function now(): string {
		return gmdate( 'Y-m-d\TH:i:s\Z' );
	}
}
