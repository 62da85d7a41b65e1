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
			CREATE TABLE IF NOT EXISTS pages (token TEXT PRIMARY KEY, order_id INTEGER NOT NULL, kind TEXT NOT NULL, body TEXT NOT NULL);
			INSERT INTO sqlite_sequence (name, seq) SELECT \'orders\', 1000 WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = \'orders\');'
		);
		// Orders of an older demo database have no buyer yet.
		$columns = $this->db->query( 'SELECT name FROM pragma_table_info(\'orders\')' )->fetchAll( \PDO::FETCH_COLUMN );
		if ( ! in_array( 'buyer', $columns, true ) ) {
			$this->db->exec( 'ALTER TABLE orders ADD COLUMN buyer TEXT NOT NULL DEFAULT \'{}\'' );
		}
	}

	/**
	 * A new pending order for one product, to be paid through `$bank` as a sale or a
	 * pre-authorisation (`$txType`); returns its id.
	 */
	public function create( array $product, string $bank, string $txType, string $name, string $email, string $ip, array $buyer = array() ): string {
		$stmt = $this->db->prepare( 'INSERT INTO orders (created_at, product, category, base, currency, bank, tx_type, name, email, ip, buyer) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)' );
		$stmt->execute( array( self::now(), $product['name'], $product['category'], $product['price'], $product['currency'], $bank, $txType, $name, $email, $ip, json_encode( (object) $buyer, JSON_THROW_ON_ERROR ) ) );
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
			$o['name'],
			self::lines( $o ),
			array_map( 'strval', (array) json_decode( $o['buyer'], true ) )
		);
	}

	/**
	 * The basket as the core's `order.lines` (PayTR and iyzico show or check it): the product and
	 * the installment commission as a fee line, adding up to the total.
	 *
	 * @return list<array<string, mixed>>
	 */
	private static function lines( array $o ): array {
		$lines = array(
			array(
				'id'         => 'product',
				'name'       => $o['product'],
				'unit_price' => $o['base'],
				'quantity'   => 1,
				'category'   => $o['category'],
			),
		);
		if ( null !== $o['commission'] ) {
			$lines[] = array(
				'id'         => 'commission',
				'name'       => '' !== $o['commission_label'] ? $o['commission_label'] : 'Installment commission',
				'unit_price' => $o['commission'],
				'quantity'   => 1,
				'virtual'    => true,
			);
		}
		return $lines;
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

	public function findByBankOrderId( string $bankOrderId ): ?string {
		$stmt = $this->db->prepare( 'SELECT order_id FROM attempts WHERE json_extract(data, \'$.bankOrderId\') = ?' );
		$stmt->execute( array( $bankOrderId ) );
		$id = $stmt->fetchColumn();
		return false === $id ? null : (string) $id;
	}

	/**
	 * Keeps what the shopper's browser is shown next for an attempt: a bank's 3D page (`html`,
	 * served once as a document of its own) or a provider's page to embed (`embed`, its address).
	 */
	public function keepPage( string $token, string $orderId, string $kind, string $body ): void {
		$stmt = $this->db->prepare( 'INSERT OR REPLACE INTO pages (token, order_id, kind, body) VALUES (?, ?, ?, ?)' );
		$stmt->execute( array( $token, $orderId, $kind, $body ) );
	}

	/**
	 * The page kept for an attempt token, as `[order id, kind, body]`; an `html` page only once.
	 *
	 * @return array{0: string, 1: string, 2: string}|null
	 */
	public function page( string $token ): ?array {
		$stmt = $this->db->prepare( 'SELECT order_id, kind, body FROM pages WHERE token = ?' );
		$stmt->execute( array( $token ) );
		$row = $stmt->fetch( \PDO::FETCH_NUM );
		if ( false === $row ) {
			return null;
		}
		if ( 'html' === $row[1] ) {
			$delete = $this->db->prepare( 'DELETE FROM pages WHERE token = ? AND kind = \'html\'' );
			$delete->execute( array( $token ) );
			if ( 1 !== $delete->rowCount() ) {
				return null;
			}
		}
		return array( (string) $row[0], (string) $row[1], (string) $row[2] );
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
