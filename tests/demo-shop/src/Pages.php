<?php
/**
 * The demo shop's pages: product list, checkout, the order's result page and the orders page
 * with its after-sale buttons. Plain HTML; every value is escaped here.
 */

declare(strict_types=1);

namespace Sanalpos\Demo;

final class Pages {
	/** Texts for the flow's and the core's reason codes the shopper may meet. */
	private const REASONS = array(
		'callback.3ds_failed'           => '3-D Secure authentication failed.',
		'callback.3ds_attempt'          => '3-D Secure was only attempted (the card is not enrolled); the shop accepts fully authenticated payments only.',
		'callback.signature_mismatch'   => 'The bank\'s answer could not be verified.',
		'bank.declined'                 => 'The bank declined the payment.',
		'flow.bank_unreachable'         => 'The bank did not answer in time. The payment is being verified with the bank.',
		'flow.installments_unavailable' => 'This installment count is not offered for this card.',
		'flow.already_paid'             => 'This order is already paid.',
		'flow.refund_refused'           => 'The bank refused the refund.',
		'flow.nothing_to_capture'       => 'There is no open pre-authorisation to capture.',
		'flow.not_paid'                 => 'The order has no payment to refund.',
	);

	public static function reason( string $code ): string {
		return self::REASONS[ $code ] ?? $code;
	}

	public static function e( string $text ): string {
		return htmlspecialchars( $text, ENT_QUOTES | ENT_SUBSTITUTE, 'UTF-8' );
	}

	/** `1.234,56 TL` */
	public static function money( string $amount ): string {
		[ $int, $frac ] = array_pad( explode( '.', $amount, 2 ), 2, '00' );
		return number_format( (int) $int, 0, ',', '.' ) . ',' . str_pad( $frac, 2, '0' ) . ' TL';
	}

	public static function layout( string $title, string $body, string $engine, string $scripts = '' ): string {
		return '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
			. '<title>' . self::e( $title ) . ' — sanalpos demo shop</title><link rel="stylesheet" href="/assets/shop.css"></head><body>'
			. '<header><a class="logo" href="/">sanalpos demo shop</a><nav><a href="/">Products</a><a href="/orders">Orders</a></nav></header>'
			. '<main>' . $body . '</main>'
			. '<footer>Payments run through the sanalpos payment flow, the core on the <strong id="engine">' . self::e( $engine )
			. '</strong> engine, and a local bank simulator. Test cards only.</footer>' . $scripts . '</body></html>';
	}

	/** The product list with each product's installment table (drawn in the browser by the core). */
	public static function products( array $config ): string {
		$items = '';
		foreach ( Shop::PRODUCTS as $id => $p ) {
			$items .= '<article class="product" data-product="' . self::e( $id ) . '"><h2>' . self::e( $p['name'] ) . '</h2>'
				. '<p class="price">' . self::money( $p['price'] ) . '</p><p class="muted">Installment category: ' . self::e( $p['category'] ) . '</p>'
				. '<div class="installment-table" data-amount="' . self::e( $p['price'] ) . '" data-category="' . self::e( $p['category'] ) . '"></div>'
				. '<a class="button" id="buy-' . self::e( $id ) . '" href="/checkout?product=' . self::e( $id ) . '">Buy</a></article>';
		}
		return '<h1>Products</h1><div class="products">' . $items . '</div>' . self::data( $config );
	}

	/**
	 * The checkout: the customer, the bank (the shop's POS accounts), the card form with its live
	 * installment selector, and the pay button.
	 *
	 * @param array<string, array<string, mixed>> $accounts
	 */
	public static function checkout( string $productId, array $accounts, array $config ): string {
		$p     = Shop::PRODUCTS[ $productId ];
		$banks = '';
		foreach ( $accounts as $id => $a ) {
			$checked = $id === $config['defaultAccount'] ? ' checked' : '';
			$banks  .= '<label class="bank"><input type="radio" name="bank" value="' . self::e( $id ) . '"' . $checked . '> '
				. self::e( $a['name'] ) . ' <span class="muted">(' . self::e( $id ) . ', model ' . self::e( $a['model'] ) . ', card: '
				. self::e( $config['cardEntry'][ $id ] ?? '?' ) . ')</span></label>';
		}
		return '<h1>Checkout</h1><form id="checkout" data-sanalpos-form data-amount="' . self::e( $p['price'] ) . '" novalidate>'
			. '<input type="hidden" name="product" value="' . self::e( $productId ) . '">'
			. '<section><h2>' . self::e( $p['name'] ) . '</h2><p>Price: <strong>' . self::money( $p['price'] ) . '</strong> '
			. '<span class="muted">(an installment commission is added to the order when you pick installments)</span></p></section>'
			. '<section><h2>You</h2><label>Name <input name="name" value="Ayşe Yılmaz" autocomplete="name"></label>'
			. '<label>E-mail <input name="email" value="ayse@example.com" type="email" autocomplete="email"></label>'
			. '<label>Phone <input name="phone" value="05551112233" autocomplete="tel"></label>'
			. '<label>Address <input name="address" value="Atatürk Cad. 1" autocomplete="street-address"></label>'
			. '<label>City <input name="city" value="İstanbul" autocomplete="address-level2"></label>'
			. '<label>Country <input name="country" value="Türkiye" autocomplete="country-name"></label></section>'
			. '<section><h2>Bank (the shop\'s POS)</h2>' . $banks . '</section>'
			. '<section class="card"><h2>Card</h2>'
			. '<label>Card number <input id="card-number" data-sanalpos="number" inputmode="numeric" autocomplete="cc-number"> <span id="card-brand" data-sanalpos="brand"></span></label>'
			. '<label data-sanalpos="card-only">Name on card <input id="card-holder" data-sanalpos="holder" autocomplete="cc-name" value="AYSE YILMAZ"></label>'
			. '<label data-sanalpos="card-only">Expiry (MM/YY) <input id="card-expiry" data-sanalpos="expiry" autocomplete="cc-exp" placeholder="12/30"></label>'
			. '<label data-sanalpos="card-only">CVV <input id="card-cvv" data-sanalpos="cvv" inputmode="numeric" autocomplete="cc-csc"></label>'
			. '<p id="bank-page-note" data-sanalpos="bank-page-note" class="muted" hidden>This payment provider takes the rest of your card on its own secure page.</p>'
			. '<label>Installments <select id="installments" name="installments" data-sanalpos="installments"><option value="1">Single payment</option></select></label>'
			. '<input type="hidden" name="bin" data-sanalpos="bin">'
			. '<label><input type="checkbox" name="preauth" id="preauth"> Pre-authorise only (capture later from the orders page)</label>'
			. '<div id="card-errors" class="errors" data-sanalpos="errors" role="alert"></div></section>'
			. '<button id="pay" type="submit">Pay</button></form>'
			. self::data( $config ) . '<script type="module" src="/assets/checkout.js"></script>';
	}

	/** The order's result page. */
	public static function order( array $o, array $attempts, array $notes, bool $awaiting = false ): string {
		$status = $o['status'];
		$reason = '' !== $o['reason'] ? '<p class="reason" id="order-reason">' . self::e( self::reason( $o['reason'] ) ) . '</p>' : '';
		$paid   = null;
		foreach ( $attempts as $a ) {
			if ( 'paid' === $a->status ) {
				$paid = $a;
			}
		}
		$lines = '<tr><td>' . self::e( $o['product'] ) . '</td><td class="num">' . self::money( $o['base'] ) . '</td></tr>';
		if ( null !== $o['commission'] ) {
			$lines .= '<tr><td>Installment commission: ' . self::e( $o['commission_label'] ) . '</td><td class="num" id="order-commission">' . self::money( $o['commission'] ) . '</td></tr>';
		}
		$lines .= '<tr class="total"><td>Total</td><td class="num" id="order-total" data-amount="' . self::e( $o['total'] ) . '">' . self::money( $o['total'] ) . '</td></tr>';
		$payment = null === $paid ? '' : '<p>Paid with ' . self::e( $paid->account ) . ' in <strong id="order-installments">' . $paid->installments
			. '</strong> installment(s); bank order id <code id="bank-order-id">' . self::e( $paid->bankOrderId ) . '</code>.</p>';
		$last    = end( $attempts );
		$bankId  = false === $last ? '' : '<p class="muted">Bank order id of the last attempt: <code id="last-bank-order-id">' . self::e( $last->bankOrderId ) . '</code></p>';
		// A provider whose result comes server-to-server (PayTR's notification): look again shortly.
		$wait = ! $awaiting ? '' : '<p class="muted" id="awaiting">Waiting for the payment provider\'s confirmation…</p>'
			. '<script>setTimeout(() => location.reload(), 1500);</script>';
		return '<h1>Order ' . self::e( (string) $o['id'] ) . '</h1><p class="status status-' . self::e( $status ) . '">Status: <strong id="order-status">'
			. self::e( $status ) . '</strong></p>' . $reason . $wait . '<table class="lines">' . $lines . '</table>' . $payment . $bankId
			. self::notes( $notes ) . '<p><a href="/orders">All orders</a> · <a href="/">Shop again</a></p>';
	}

	/** The orders page: every order with its refund, capture and status buttons. */
	public static function orders( array $orders, string $message ): string {
		$rows = '';
		foreach ( $orders as $o ) {
			$id      = self::e( (string) $o['id'] );
			$actions = '';
			if ( 'paid' === $o['status'] ) {
				$actions = '<form method="post" action="/orders/' . $id . '/refund" class="inline"><input name="amount" size="9" value="' . self::e( $o['refundable'] ) . '" aria-label="Refund amount">'
					. '<button name="refund">Refund</button></form>';
			}
			if ( 'paid' === $o['status'] && 'preauth' === $o['tx_type'] && ! $o['captured'] ) {
				$actions .= '<form method="post" action="/orders/' . $id . '/capture" class="inline"><button name="capture">Capture</button></form>';
			}
			$actions .= '<form method="post" action="/orders/' . $id . '/status" class="inline"><button>Check status</button></form>';
			$rows    .= '<tr id="order-' . $id . '"><td><a href="/order/' . $id . '">' . $id . '</a></td><td>' . self::e( $o['created_at'] ) . '</td><td>' . self::e( $o['product'] )
				. '</td><td>' . self::e( $o['bank'] ) . ( 'preauth' === $o['tx_type'] ? ' (pre-auth)' : '' ) . '</td><td class="num">' . self::money( $o['total'] ) . '</td><td class="status-' . self::e( $o['status'] ) . '">'
				. self::e( $o['status'] ) . '</td><td class="num refunded">' . self::money( $o['refunded'] ) . '</td><td>' . $actions . '</td></tr>';
		}
		$flash = '' === $message ? '' : '<p class="flash" id="flash" role="status">' . self::e( $message ) . '</p>';
		return '<h1>Orders</h1>' . $flash . '<table class="orders"><tr><th>Order</th><th>Date (UTC)</th><th>Product</th><th>Bank</th><th>Total</th><th>Status</th><th>Refunded</th><th></th></tr>'
			. $rows . '</table><p class="muted">Refunds go to the bank as they are: the bank refuses what it would refuse (more than is left, a voided payment). A full refund on the day of the payment is a void.</p>';
	}

	/** A provider's payment page (PayTR's iFrame API) inside a page of the shop. */
	public static function embed( string $orderId, string $url ): string {
		return '<h1>Payment for order ' . self::e( $orderId ) . '</h1><p class="muted">The payment provider\'s secure page: enter your card there.</p>'
			. '<iframe id="provider-frame" src="' . self::e( $url ) . '" title="Secure payment page" allow="payment" style="width:100%;min-height:640px;border:0"></iframe>';
	}

	/** A page that sends the whole window on, even from inside a provider's iframe. */
	public static function topLevelRedirect( string $url ): string {
		return '<!DOCTYPE html><html><head><meta charset="utf-8"><title>Back to the shop…</title></head><body>'
			. '<p><a href="' . self::e( $url ) . '" target="_top">Continue</a></p>'
			. '<script>window.top.location.href = ' . json_encode( $url, JSON_HEX_TAG | JSON_HEX_AMP | JSON_UNESCAPED_SLASHES ) . ';</script></body></html>';
	}

	/** The answer to a bank POST that was not authentic: nothing changed. */
	public static function rejected( string $reason, ?string $orderId ): string {
		$order = null === $orderId ? '' : '<p><a id="order-link" href="/order/' . self::e( $orderId ) . '">Order ' . self::e( $orderId ) . '</a> was left as it was.</p>';
		return '<h1>Not accepted</h1><p class="reason" id="error">The bank\'s answer could not be verified, so nothing was changed ('
			. self::e( $reason ) . ').</p>' . $order;
	}

	public static function error( string $message ): string {
		return '<h1>Sorry</h1><p class="reason" id="error">' . self::e( $message ) . '</p><p><a href="/">Back to the shop</a></p>';
	}

	/** @param list<string> $notes */
	private static function notes( array $notes ): string {
		$items = implode( '', array_map( static fn( string $n ): string => '<li>' . self::e( $n ) . '</li>', $notes ) );
		return '<details open><summary>Order notes</summary><ol class="notes">' . $items . '</ol></details>';
	}

	/** Page data for the scripts (no secrets: plans, amounts, card entry per POS). */
	private static function data( array $config ): string {
		return '<script id="sanalpos-config" type="application/json">'
			. json_encode( $config, JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_HEX_TAG | JSON_HEX_AMP | JSON_THROW_ON_ERROR ) . '</script>';
	}
}
