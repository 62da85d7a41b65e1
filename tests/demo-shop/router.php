<?php
/**
 * The demo shop, for PHP's built-in server:
 *   SANALPOS_BANK_SIM=http://127.0.0.1:PORT PHP_CLI_SERVER_WORKERS=4 php -S 127.0.0.1:8080 tests/demo-shop/router.php
 *
 * Every payment step goes through the plugin's PaymentFlow (plugin-php/src/Flow); this file only
 * routes requests to it and renders pages. The checkout's card form runs the core in the browser
 * (the plugin's browser build, the checkout build: `make plugin-assets`).
 */

declare(strict_types=1);

use Sanalpos\Demo\Pages;
use Sanalpos\Flow\Attempt;
use Sanalpos\Demo\Shop;
use Sanalpos\Flow\PaymentException;

const REPO = __DIR__ . '/../..';

require REPO . '/plugin-php/src/autoload.php';
spl_autoload_register(
	static function ( string $class ): void {
		if ( str_starts_with( $class, 'Sanalpos\\Demo\\' ) ) {
			require __DIR__ . '/src/' . substr( $class, 14 ) . '.php';
		}
	}
);

ini_set( 'display_errors', '0' );
$path   = (string) parse_url( $_SERVER['REQUEST_URI'] ?? '/', PHP_URL_PATH );
$method = $_SERVER['REQUEST_METHOD'] ?? 'GET';

// Static files: the shop's assets, and the plugin's as a shop serves them: its card form script
// and its browser build of the core (entry, API module, glue, .wasm; `make plugin-assets`).
$static = array(
	'/assets/'        => array( __DIR__ . '/assets/', null ),
	'/plugin-assets/' => array(
		REPO . '/plugin-php/assets/',
		array( 'js/card-form.js', 'sanalpos/browser.js', 'sanalpos/api.js', 'sanalpos/gen/sanalpos.js', 'sanalpos/gen/sanalpos_bg.wasm' ),
	),
);
foreach ( $static as $prefix => [ $dir, $only ] ) {
	if ( str_starts_with( $path, $prefix ) ) {
		$relative = substr( $path, strlen( $prefix ) );
		serve_file( $dir, null === $only || in_array( $relative, $only, true ) ? $relative : '' );
		return true;
	}
}

$shop = Shop::fromEnvironment();
try {
	route( $shop, $method, $path );
} catch ( \Throwable $e ) {
	error_log( 'demo shop: ' . $e->getMessage() );
	page( 500, 'Error', Pages::error( 'The shop could not answer: ' . $e->getMessage() ), $shop );
}
return true;

function route( Shop $shop, string $method, string $path ): void {
	$orders = $shop->orders();
	if ( 'GET' === $method && '/health' === $path ) {
		header( 'Content-Type: text/plain' );
		echo 'ok ' . $shop->core()->engine()->name();
		return;
	}
	if ( 'GET' === $method && '/' === $path ) {
		page( 200, 'Products', Pages::products( script_config( $shop ) ), $shop, '<script type="module" src="/assets/shop.js"></script>' );
		return;
	}
	if ( '/checkout' === $path ) {
		'POST' === $method ? place_order( $shop ) : show_checkout( $shop );
		return;
	}
	if ( '/return' === $path && in_array( $method, array( 'POST', 'GET' ), true ) ) {
		bank_return( $shop );
		return;
	}
	if ( 'POST' === $method && '/notify' === $path ) {
		notification( $shop );
		return;
	}
	if ( 'GET' === $method && '/bank-page' === $path ) {
		bank_page( $shop );
		return;
	}
	if ( 'GET' === $method && preg_match( '#^/order/(\d+)$#', $path, $m ) ) {
		$o = $orders->row( $m[1] );
		if ( null === $o ) {
			page( 404, 'Not found', Pages::error( 'No such order.' ), $shop );
			return;
		}
		$attempts = $orders->attempts( $m[1] );
		$last     = end( $attempts );
		$awaiting = 'pending' === $o['status'] && false !== $last && Attempt::PENDING === $last->status && in_array( $last->account, Shop::NOTIFIED, true );
		page( 200, 'Order ' . $m[1], Pages::order( $o, $attempts, $orders->notes( $m[1] ), $awaiting ), $shop );
		return;
	}
	if ( 'GET' === $method && '/orders' === $path ) {
		page( 200, 'Orders', Pages::orders( $orders->all(), (string) ( $_GET['message'] ?? '' ) ), $shop );
		return;
	}
	if ( 'POST' === $method && preg_match( '#^/orders/(\d+)/(refund|capture|status)$#', $path, $m ) ) {
		after_sale( $shop, $m[1], $m[2] );
		return;
	}
	page( 404, 'Not found', Pages::error( 'No such page.' ), $shop );
}

/** The checkout page for a product. */
function show_checkout( Shop $shop ): void {
	$id = (string) ( $_GET['product'] ?? '' );
	if ( ! isset( Shop::PRODUCTS[ $id ] ) ) {
		page( 404, 'Not found', Pages::error( 'No such product.' ), $shop );
		return;
	}
	$p      = Shop::PRODUCTS[ $id ];
	$config = script_config( $shop ) + array(
		'amount'         => $p['price'],
		'cart'           => array(
			array(
				'category' => $p['category'],
				'price'    => $p['price'],
			),
		),
		'bins'           => new \stdClass(),
		'limits'         => new \stdClass(),
		'cardEntry'      => $shop->cardEntry(),
		'defaultAccount' => (string) array_key_first( $shop->accounts() ),
		'fields'         => array(
			'number'       => 'card[number]',
			'holder'       => 'card[holder]',
			'expiry'       => 'card[expiry]',
			'cvv'          => 'card[cvv]',
			'installments' => 'installments',
			'bin'          => 'bin',
		),
		'i18n'           => array(
			'coreFailed'  => 'The card check could not load; the shop checks your card when you pay.',
			'cardMissing' => 'Enter your card number.',
			'failed'      => 'The payment could not be started.',
			'redirect'    => 'Taking you to your bank…',
		),
	);
	page( 200, 'Checkout', Pages::checkout( $id, $shop->accounts(), $config ), $shop );
}

/**
 * `POST /checkout`: creates the order and starts paying it through the flow; answers JSON with
 * the bank's signed form (the page posts it to the bank, adding the card where the bank's
 * signature leaves it to the browser).
 */
function place_order( Shop $shop ): void {
	$product = (string) ( $_POST['product'] ?? '' );
	$bank    = (string) ( $_POST['bank'] ?? '' );
	if ( ! isset( Shop::PRODUCTS[ $product ] ) || ! isset( $shop->accounts()[ $bank ] ) ) {
		json( 400, array( 'result' => 'failure', 'message' => 'Choose a product and a bank.' ) );
		return;
	}
	$orders  = $shop->orders();
	$txType  = isset( $_POST['preauth'] ) ? 'preauth' : 'sale';
	// The buyer as payment service providers want it (iyzico and PayTR screen the shopper).
	$buyer = array();
	foreach ( array( 'phone', 'address', 'city', 'country' ) as $field ) {
		$value = trim( (string) ( $_POST[ $field ] ?? '' ) );
		if ( '' !== $value ) {
			$buyer[ $field ] = $value;
		}
	}
	$orderId = $orders->create(
		Shop::PRODUCTS[ $product ] + array( 'currency' => Shop::CURRENCY ),
		$bank,
		$txType,
		trim( (string) ( $_POST['name'] ?? '' ) ),
		trim( (string) ( $_POST['email'] ?? '' ) ),
		(string) ( $_SERVER['REMOTE_ADDR'] ?? '' ),
		$buyer
	);
	$input = array(
		'installments' => (int) ( $_POST['installments'] ?? 1 ),
		'lang'         => 'en',
	);
	$card = $_POST['card'] ?? null;
	if ( is_array( $card ) ) {
		// Only for a POS whose signed form carries the card: in memory for this request, never stored.
		$input['card'] = array_map( 'strval', array_intersect_key( $card, array_flip( array( 'number', 'holder', 'expiry', 'cvv' ) ) ) );
	} else {
		$input['bin'] = (string) ( $_POST['bin'] ?? '' );
	}
	$base = 'http://' . ( $_SERVER['HTTP_HOST'] ?? '127.0.0.1' );
	try {
		$next = $shop->flow( $bank, $txType )->start( $orderId, $input, static fn( string $token ): string => "$base/return?t=$token" );
	} catch ( PaymentException $e ) {
		$orders->addNote( $orderId, 'Payment not started: ' . $e->reason() );
		json( 200, array( 'result' => 'failure', 'order' => $orderId, 'message' => $e->shopperText() ?? Pages::reason( $e->reason() ) ) );
		return;
	}
	switch ( $next['type'] ) {
		case 'form':
			json( 200, array( 'result' => 'success', 'order' => $orderId, 'form' => $next['form'] ) );
			return;
		case 'redirect':
			// A provider's payment page: embedded in the shop's page (PayTR's iframe), or the
			// shopper goes there.
			$url = (string) $next['redirect']['url'];
			if ( true === $next['redirect']['embed'] ) {
				$orders->keepPage( (string) $next['attempt'], $orderId, 'embed', $url );
				$url = '/bank-page?t=' . $next['attempt'];
			}
			json( 200, array( 'result' => 'success', 'order' => $orderId, 'redirect' => $url ) );
			return;
		case 'html':
			// The bank's 3D page (ParamPos): a document of its own, served once from the shop.
			$orders->keepPage( (string) $next['attempt'], $orderId, 'html', (string) $next['html'] );
			json( 200, array( 'result' => 'success', 'order' => $orderId, 'redirect' => '/bank-page?t=' . $next['attempt'] ) );
			return;
		default:
			json( 200, array( 'result' => 'success', 'order' => $orderId, 'redirect' => "/order/$orderId" ) );
	}
}

/**
 * `GET /bank-page?t=…`: what the shopper sees next for an attempt: the bank's 3D page served once
 * and unchanged, or the provider's page in an iframe on a page of the shop.
 */
function bank_page( Shop $shop ): void {
	$token = (string) ( $_GET['t'] ?? '' );
	$page  = preg_match( '/^[0-9a-f]{32}$/', $token ) ? $shop->orders()->page( $token ) : null;
	if ( null === $page ) {
		page( 404, 'Expired', Pages::error( 'This payment page has expired. Go back to the shop and try again.' ), $shop );
		return;
	}
	[ $orderId, $kind, $body ] = $page;
	header( 'Cache-Control: no-store, private' );
	if ( 'html' === $kind ) {
		header( 'Content-Type: text/html; charset=UTF-8' );
		echo $body; // phpcs:ignore WordPress.Security.EscapeOutput -- the bank's page, as the bank wrote it.
		return;
	}
	page( 200, 'Payment', Pages::embed( $orderId, $body ), $shop );
}

/**
 * `POST /notify`: a provider's server-to-server notification (PayTR's "Bildirim URL"): the
 * provider's own reply word for an authentic one (duplicates included), a plain error otherwise
 * so that it sends it again.
 */
function notification( Shop $shop ): void {
	$post    = array_filter( $_POST, 'is_string' );
	$orderId = $shop->orders()->findByBankOrderId( (string) ( $post['merchant_oid'] ?? '' ) );
	$bank    = null === $orderId ? '' : (string) ( $shop->orders()->row( $orderId )['bank'] ?? '' );
	try {
		$answer = $shop->flow( '' === $bank ? (string) array_key_first( $shop->accounts() ) : $bank )
			->handleNotification( $post, (string) file_get_contents( 'php://input' ) );
	} catch ( PaymentException $e ) {
		$answer = array( 'status' => 'error' );
	}
	header( 'Content-Type: text/plain; charset=UTF-8' );
	if ( null !== ( $answer['reply'] ?? null ) ) {
		echo $answer['reply'];
		return;
	}
	$errors = array(
		'rejected' => array( 400, 'Bad request' ),
		'unknown'  => array( 404, 'Unknown order' ),
	);
	[ $status, $body ] = $errors[ $answer['status'] ] ?? array( 503, 'Temporarily unavailable' );
	http_response_code( $status );
	echo $body;
}

/**
 * `POST /return?t=…`: the bank sends the shopper back here (cross-site: no session needed, the
 * token names the attempt). The flow decides; this only sends the browser on.
 */
function bank_return( Shop $shop ): void {
	$token   = (string) ( $_GET['t'] ?? '' );
	$orderId = $shop->orders()->findByToken( $token );
	$bank    = null === $orderId ? '' : (string) ( $shop->orders()->row( $orderId )['bank'] ?? '' );
	// Most banks POST the shopper back; VakıfBank Common Payment sends a GET whose query carries
	// the fields (besides the shop's own `t`).
	$get    = array_diff_key( $_GET, array( 't' => true ) );
	$post   = 'GET' === $_SERVER['REQUEST_METHOD'] ? $get : $_POST;
	$raw    = 'GET' === $_SERVER['REQUEST_METHOD'] ? '' : (string) file_get_contents( 'php://input' );
	$post   = array_filter( $post, 'is_string' );
	$answer = $shop->flow( '' === $bank ? (string) array_key_first( $shop->accounts() ) : $bank )
		->handleCallback( $token, $post, $raw );
	switch ( $answer['status'] ) {
		case 'paid':
		case 'failed':
		case 'pending':
			if ( array() === $post && '' === $raw ) {
				// No bank message (PayTR): the shopper may be inside the provider's iframe.
				header( 'Content-Type: text/html; charset=UTF-8' );
				echo Pages::topLevelRedirect( '/order/' . $answer['order_id'] );
				return;
			}
			header( 'Location: /order/' . $answer['order_id'], true, 303 );
			return;
		case 'busy':
			page( 503, 'Busy', Pages::error( 'This payment is being processed; reload the page in a moment.' ), $shop );
			return;
		default:
			// Not authentic, or not ours: nothing was changed.
			page( 400, 'Not accepted', Pages::rejected( (string) ( $answer['reason'] ?? $answer['status'] ), $answer['order_id'] ), $shop );
	}
}

/** The orders page's buttons: refund, capture, check status with the bank. */
function after_sale( Shop $shop, string $orderId, string $action ): void {
	$o = $shop->orders()->row( $orderId );
	if ( null === $o ) {
		page( 404, 'Not found', Pages::error( 'No such order.' ), $shop );
		return;
	}
	$flow = $shop->flow( (string) $o['bank'] );
	try {
		switch ( $action ) {
			case 'refund':
				$amount = trim( (string) ( $_POST['amount'] ?? '' ) );
				// A refund of the whole payment, before any other refund, may be a same-day void.
				$full    = $amount === $o['total'] && '0.00' === $o['refunded'];
				$result  = $flow->refund( $orderId, $amount, $full, 'Refund from the demo orders page' );
				$message = "Order $orderId: " . ( 'voided' === $result['status'] ? "payment voided ($amount)." : "refunded $amount." );
				break;
			case 'capture':
				$flow->capture( $orderId );
				$message = "Order $orderId: captured.";
				break;
			default:
				$result  = $flow->checkStatus( $orderId );
				$message = "Order $orderId: the bank says " . ( $result['state'] ?? $result['status'] ) . '.';
		}
	} catch ( PaymentException $e ) {
		$message = "Order $orderId: " . Pages::reason( $e->reason() ) . ( null === $e->shopperText() ? '' : ' ' . $e->shopperText() );
	}
	header( 'Location: /orders?message=' . rawurlencode( $message ) . '#order-' . $orderId, true, 303 );
}

/** What every page's scripts need: the core's browser entry, the plugin's card form, the plans. */
function script_config( Shop $shop ): array {
	return array(
		'core'     => '/plugin-assets/sanalpos/browser.js',
		'cardForm' => '/plugin-assets/js/card-form.js',
		'currency' => Shop::CURRENCY,
		'today'    => Shop::today(),
		'lang'     => 'en',
		'plans'    => Shop::PLANS,
	);
}

function page( int $status, string $title, string $body, Shop $shop, string $scripts = '' ): void {
	http_response_code( $status );
	header( 'Content-Type: text/html; charset=UTF-8' );
	$engine = 'unavailable';
	try {
		$engine = $shop->core()->engine()->name();
	} catch ( \Throwable $e ) {
		error_log( 'demo shop: ' . $e->getMessage() );
	}
	echo Pages::layout( $title, $body, $engine, $scripts );
}

function json( int $status, array $data ): void {
	http_response_code( $status );
	header( 'Content-Type: application/json' );
	echo json_encode( $data, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_THROW_ON_ERROR );
}

/** Serves a file below `$dir` with its type; nothing outside it. */
function serve_file( string $dir, string $relative ): void {
	$file = realpath( $dir . $relative );
	$root = realpath( $dir );
	if ( false === $file || false === $root || ! str_starts_with( $file, $root . '/' ) || ! is_file( $file ) ) {
		http_response_code( 404 );
		echo 'Not found';
		return;
	}
	$types = array(
		'js'   => 'text/javascript',
		'mjs'  => 'text/javascript',
		'wasm' => 'application/wasm',
		'css'  => 'text/css',
		'json' => 'application/json',
	);
	header( 'Content-Type: ' . ( $types[ pathinfo( $file, PATHINFO_EXTENSION ) ] ?? 'application/octet-stream' ) );
	header( 'Cache-Control: no-cache' );
	readfile( $file );
}
