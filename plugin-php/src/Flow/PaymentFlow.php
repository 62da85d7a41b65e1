<?php
/**
 * The payment flow: start a payment, handle the bank's callback, refund, capture, check status.
 *
 * It only orchestrates: prices, signs, verifies and parses through the core; reads and changes
 * orders through the OrderStore port; talks to banks through the HttpClient port. No hash, no
 * money arithmetic, no card rule lives here. WooCommerce and the demo shop are adapters.
 *
 * Exactly-once: every callback and every after-sale action runs under the order's lock, checks
 * the order's state first, and writes nothing unless the core authenticated the bank's message.
 */

declare(strict_types=1);

namespace Sanalpos\Flow;

use Sanalpos\Engine\Core;
use Sanalpos\Engine\EngineException;

final class PaymentFlow {
	/** Seconds to wait for the order lock before answering "busy". */
	private const LOCK_WAIT = 20;
	/** Seconds a bank gets to answer a server-to-server request. */
	private const HTTP_TIMEOUT = 30;
	/** Most server-to-server steps one flow follows (POSNET needs two before its form). */
	private const MAX_STEPS = 4;
	/**
	 * Where a server-to-server notification names the bank order id: PayTR's "Bildirim URL"
	 * (`merchant_oid`), the one family whose result reaches the shop only that way.
	 */
	private const NOTIFICATION_ORDER_FIELD = 'merchant_oid';
	/** Steps that continue in the shopper's browser (core/API.md "Steps"). */
	private const BROWSER_STEPS = array( 'form', 'redirect', 'html' );

	public function __construct(
		private readonly Core $core,
		private readonly Settings $settings,
		private readonly OrderStore $orders,
		private readonly HttpClient $http,
		private readonly Lock $lock,
		private readonly Logger $logger,
		private readonly Clock $clock,
	) {}

	/**
	 * The installment options for an amount and a card (BIN or number), as the core prices them.
	 *
	 * @param list<array{category: string, price: string}> $cart
	 * @return array<string, mixed> The `installments.quote` result.
	 */
	public function quote( string $amount, string $currency, string $cardDigits, array $cart, string $lang = 'en' ): array {
		$fields = array(
			'amount'   => $amount,
			'currency' => $currency,
			'today'    => $this->today(),
			'plans'    => $this->settings->plans,
			'cart'     => $cart,
			'lang'     => $lang,
		);
		if ( '' !== $cardDigits ) {
			$fields['card'] = array( 'number' => $cardDigits );
			$issuer         = $this->settings->issuerFor( preg_replace( '/\D/', '', $cardDigits ) );
			if ( null !== $issuer ) {
				$fields['issuer'] = $issuer;
			}
		}
		if ( array() !== $this->settings->limits ) {
			$fields['limits'] = $this->settings->limits;
		}
		return $this->core( 'installments.quote', $fields );
	}

	/**
	 * Checks checkout input before an order is paid: the posted card strictly (Luhn, brand,
	 * length, expiry, CVV), and that the chosen installment count is offered for this card, amount
	 * and cart.
	 *
	 * @param array{installments?: int|string, card?: array<string, string>, bin?: string} $input
	 * @param list<array{category: string, price?: string}>                                $cart
	 * @throws PaymentException with a shopper-facing reason.
	 */
	public function validate( array $input, string $amount, string $currency, array $cart, string $lang = 'en' ): void {
		$this->checkCard( $input['card'] ?? null, $lang );
		$this->option( $this->quote( $amount, $currency, self::digits( $input ), $cart, $lang ), self::count( $input ) );
	}

	/**
	 * Starts paying an order: prices the chosen installment count (server-side, authoritatively),
	 * puts any commission passed to the customer on the order as its own fee line, opens a new
	 * attempt and returns what the shopper's browser does next.
	 *
	 * @param array{installments?: int, card?: array<string, string>, bin?: string, lang?: string} $input
	 *        `card` only for models where the card must pass through the server; otherwise `bin`
	 *        (the first 6–8 digits, from the browser) for pricing and routing.
	 * @param callable(string): string $returnUrl Builds the bank's return URL for an attempt token.
	 * @return array{type: string, form?: array<string, mixed>, redirect?: array{url: string, embed: bool}, html?: string, order_id: string, status: string, attempt?: string}
	 *         What the shopper's browser does next (core/API.md "Steps"): `form` — post (or, for
	 *         `"method": "GET"`, open) the bank's form, adding the card where `card_fields` says;
	 *         `redirect` — go to `url`, or with `embed` show it in an iframe on the shop's page;
	 *         `html` — the bank's 3D page, to be served unchanged as the shopper's whole page;
	 *         `paid` — the order is paid (non-3D sale). `attempt`: the attempt's token (the key
	 *         of anything the adapter keeps for the shopper's browser).
	 * @throws PaymentException with a shopper-facing reason.
	 */
	public function start( string $orderId, array $input, callable $returnUrl ): array {
		$answer = $this->locked( $orderId, fn(): array => $this->startLocked( $orderId, $input, $returnUrl ) );
		if ( 'busy' === $answer['status'] ) {
			throw new PaymentException( 'flow.busy', "order $orderId is being processed" );
		}
		return $answer;
	}

	/** @see start() */
	private function startLocked( string $orderId, array $input, callable $returnUrl ): array {
		$lang  = 'tr' === ( $input['lang'] ?? 'en' ) ? 'tr' : 'en';
		$order = $this->order( $orderId );
		if ( $order->paid ) {
			throw new PaymentException( 'flow.already_paid', "order $orderId is already paid" );
		}
		$card = $input['card'] ?? null;
		$this->checkCard( $card, $lang );

		// Price on the amount before any earlier attempt's commission.
		$base    = $this->orders->setCommission( $orderId, null, '' );
		$order   = $this->order( $orderId );
		$quote   = $this->quote( $base, $order->currency, self::digits( $input ), $order->cart, $lang );
		$count   = self::count( $input );
		$option  = $this->option( $quote, $count );
		$plan    = $quote['plan'] ?? array();
		$account = $this->route( $plan, $count );
		if ( true === ( $this->modelInfo( $account )['card_again'] ?? false ) ) {
			// Its provision needs the card after the bank's return, which the shop never has then.
			throw new PaymentException( 'config.card_again', "POS account '$account': this payment model needs the card again after 3D Secure" );
		}
		$total = $base;
		if ( 'absorb' !== ( $plan['mode'] ?? 'absorb' ) && (int) $option['commission_minor'] > 0 ) {
			$total = $this->orders->setCommission( $orderId, (string) $option['commission'], $option['labels'][ $lang ] ?? '' );
		}
		if ( $total !== $option['total'] ) {
			// The bank must be sent exactly what the customer saw; never charge another amount.
			$this->orders->setCommission( $orderId, null, '' );
			throw new PaymentException( 'flow.total_mismatch', "order total $total differs from the quoted {$option['total']}" );
		}
		// Read again: the basket includes the commission fee line now.
		$order = $this->order( $orderId );

		$number  = count( $this->orders->attempts( $orderId ) ) + 1;
		$attempt = new Attempt(
			bin2hex( random_bytes( 16 ) ),
			$number,
			// Unique per attempt (banks refuse a reused order id), letters and digits only.
			$orderId . 'S' . $number . strtoupper( bin2hex( random_bytes( 2 ) ) ),
			$account,
			$this->settings->model( $account ),
			$total,
			$order->currency,
			$count,
			$this->settings->txType,
		);
		$attempt->returnUrl = $returnUrl( $attempt->token );
		$this->orders->saveAttempt( $orderId, $attempt );

		$fields = $this->settings->accountFields( $account ) + array(
			'model'    => $attempt->model,
			'order'    => $this->bankOrder( $attempt ) + ( array() === $order->lines ? array() : array( 'lines' => $order->lines ) ),
			'urls'     => self::urls( $attempt ),
			'customer' => $this->customer( $order ),
			'lang'     => $lang,
		);
		if ( is_array( $card ) && 'bank_page' !== $this->cardEntry( $account ) ) {
			// Posted only where the card must pass through the server, or by a browser without
			// JavaScript (then the core puts it into the form even where the browser could have).
			$fields['card'] = $card;
		}
		$step = $this->core( 'payment.prepare', $this->withEntropy( $fields ) );
		$this->note( $orderId, sprintf( 'Payment started: %s, %d installment(s), %s %s, bank order id %s.', $account, $count, $total, $order->currency, $attempt->bankOrderId ) );

		// Server-to-server steps first (a non-3D sale, or POSNET's request before its form).
		for ( $i = 0; 'http' === $step['type'] && $i < self::MAX_STEPS; $i++ ) {
			$charges = 'regular' === $attempt->model;
			$parsed  = $charges ? $this->exchangeCharge( $orderId, $attempt, $step['http'] ) : $this->exchange( $orderId, $attempt, $step['http'] );
			if ( null === $parsed ) {
				throw new PaymentException( 'flow.bank_unreachable', 'the bank did not answer the sale; the order waits for a status query' );
			}
			if ( 'approved' === $parsed['outcome'] ) {
				$this->complete( $orderId, $attempt, $parsed['references'], 'Payment approved by the bank.' );
				return array(
					'type'     => 'paid',
					'order_id' => $orderId,
					'status'   => 'paid',
				);
			}
			if ( null === $parsed['next'] ) {
				$this->fail( $orderId, $attempt, $parsed['bank'] );
				throw new PaymentException( 'bank.declined', 'the bank refused the payment', $this->bankText( $parsed['bank'] ) );
			}
			$step = $parsed['next'];
		}
		if ( ! in_array( $step['type'], self::BROWSER_STEPS, true ) ) {
			throw new PaymentException( 'flow.unexpected_step', 'the bank flow did not reach a page for the shopper' );
		}
		return $step + array(
			'order_id' => $orderId,
			'status'   => 'pending',
			'attempt'  => $attempt->token,
		);
	}

	/**
	 * Handles the bank's return (3D callback) for an attempt token. Safe to call any number of
	 * times, concurrently: only an authentic, matching callback for a not-yet-paid order changes
	 * anything, and it does so once. A return without any bank message (PayTR sends the shopper
	 * back empty-handed: its result comes as a notification) only says how the order stands.
	 *
	 * @param array<string, string> $post    The POST map (or a GET return's query) with original keys, unslashed.
	 * @param string                $rawBody The raw urlencoded body when available (byte-exact).
	 * @return array{status: string, order_id: ?string, reason: ?string, reply?: ?string}
	 *         status: `paid`, `failed`, `pending` (the bank must be asked, or its notification
	 *         has not come yet), `rejected` (not authentic: ignored), `unknown` (no such attempt),
	 *         `busy` (locked: try again). `reply`: what the provider must be answered, if anything.
	 */
	public function handleCallback( string $token, array $post, string $rawBody = '' ): array {
		$orderId = preg_match( '/^[0-9a-f]{32}$/', $token ) ? $this->orders->findByToken( $token ) : null;
		if ( null === $orderId ) {
			$this->log( 'warning', 'Callback for an unknown attempt token.' );
			return $this->answer( 'unknown', null );
		}
		return $this->receive( $orderId, static fn( Attempt $a ): bool => hash_equals( $a->token, $token ), $post, $rawBody, false );
	}

	/**
	 * Handles a provider's server-to-server notification (PayTR's "Bildirim URL"): one address for
	 * the whole shop with no token in it, so the attempt is found by the bank order id the
	 * notification names. Then exactly as handleCallback(), except that only a verified signature
	 * is accepted. Answer the provider with `reply` when it is set (also for duplicates), and with
	 * a plain error otherwise, so that it resends only what failed here.
	 *
	 * @param array<string, string> $post The POST map with original keys, unslashed.
	 * @return array{status: string, order_id: ?string, reason: ?string, reply?: ?string}
	 */
	public function handleNotification( array $post, string $rawBody = '' ): array {
		$bankOrderId = (string) ( $post[ self::NOTIFICATION_ORDER_FIELD ] ?? '' );
		$orderId     = preg_match( '/^[A-Za-z0-9_-]{1,64}$/', $bankOrderId ) ? $this->orders->findByBankOrderId( $bankOrderId ) : null;
		if ( null === $orderId ) {
			$this->log( 'warning', 'Notification for an unknown bank order id.' );
			return $this->answer( 'unknown', null );
		}
		return $this->receive( $orderId, static fn( Attempt $a ): bool => $a->bankOrderId === $bankOrderId, $post, $rawBody, true );
	}

	/**
	 * A bank message about one attempt of an order, under the order's lock: verified by the core,
	 * then acted on once.
	 *
	 * @param callable(Attempt): bool $isAttempt  Picks the attempt the message is about.
	 * @param bool                    $signedOnly Accept only a verified signature (never `not_signed`).
	 */
	private function receive( string $orderId, callable $isAttempt, array $post, string $rawBody, bool $signedOnly ): array {
		return $this->locked(
			$orderId,
			function () use ( $orderId, $isAttempt, $post, $rawBody, $signedOnly ): array {
				$order   = $this->order( $orderId );
				$matches = array_values( array_filter( $this->orders->attempts( $orderId ), $isAttempt ) );
				$attempt = $matches[0] ?? null;
				if ( null === $attempt ) {
					return $this->answer( 'rejected', $orderId, 'flow.unknown_attempt' );
				}
				if ( array() === $post && '' === $rawBody && ! $signedOnly ) {
					return $this->answer( $this->standing( $order, $attempt ), $orderId );
				}
				$fields = $this->settings->accountFields( $attempt->account ) + array(
					'model'    => $attempt->model,
					'expected' => array(
						'order_id'     => $attempt->bankOrderId,
						'amount'       => $attempt->amount,
						'currency'     => $attempt->currency,
						'installments' => $attempt->installments,
						'tx_type'      => $attempt->txType,
					),
					'options'  => array( 'accept_half_secure' => $this->settings->acceptHalfSecure ),
					'customer' => $this->customer( $order ),
				);
				if ( '' !== $attempt->returnUrl ) {
					$fields['urls'] = self::urls( $attempt );
				}
				if ( '' !== $rawBody ) {
					$fields['post_body'] = $rawBody;
				} else {
					$fields['post'] = (object) $post;
				}
				$verdict = $this->core( 'callback.verify', $this->withEntropy( $fields ) );
				$this->log( 'info', 'Callback verdict', array( 'order' => $orderId, 'signature' => $verdict['signature'], 'outcome' => $verdict['outcome'], 'reason' => $verdict['reason']['code'] ?? null ) );
				if ( true !== $verdict['authentic'] && ( $signedOnly || 'not_signed' !== $verdict['signature'] ) ) {
					// Forged, altered or foreign: nothing is written.
					return $this->answer( 'rejected', $orderId, (string) ( $verdict['reason']['code'] ?? 'callback.signature_mismatch' ) );
				}
				$reply = isset( $verdict['reply'] ) ? (string) $verdict['reply'] : null;
				if ( Attempt::PENDING !== $attempt->status ) {
					// Each attempt is settled once: a replay or a concurrent duplicate changes nothing.
					return $this->answer( $this->standing( $order, $attempt ), $orderId ) + array( 'reply' => $reply );
				}
				return $this->settle( $orderId, $attempt, $verdict ) + array( 'reply' => $reply );
			}
		);
	}

	/** How an order stands for the shopper after one of its attempts: `paid`, `failed` or `pending`. */
	private function standing( Order $order, Attempt $attempt ): string {
		if ( $order->paid ) {
			return 'paid';
		}
		return in_array( $attempt->status, array( Attempt::FAILED, Attempt::VOIDED ), true ) ? 'failed' : 'pending';
	}

	/**
	 * Asks the bank for the order's state and reconciles the order with it (for an order left
	 * pending after a timeout, or whenever the owner asks).
	 *
	 * @return array{status: string, order_id: ?string, reason: ?string, state?: string}
	 */
	public function checkStatus( string $orderId ): array {
		return $this->locked(
			$orderId,
			function () use ( $orderId ): array {
				$attempt = $this->attemptOf( $orderId );
				try {
					$parsed = $this->exchange( $orderId, $attempt, $this->request( $attempt, 'status', $this->order( $orderId ) ) );
				} catch ( PaymentException $e ) {
					$this->note( $orderId, 'Status query failed (' . $e->reason() . '); nothing changed.' );
					return $this->answer( $this->order( $orderId )->paid ? 'paid' : 'pending', $orderId, $e->reason() );
				}
				$state = (string) ( $parsed['order_status']['state'] ?? 'unknown' );
				$this->note( $orderId, "Bank status: $state." );
				$order = $this->order( $orderId );
				if ( 'paid' === $state && ! $order->paid ) {
					$answer = $this->complete( $orderId, $attempt, $parsed['references'], 'Payment confirmed by a status query.' );
				} elseif ( in_array( $state, array( 'declined', 'cancelled' ), true ) && ! $order->paid ) {
					$this->fail( $orderId, $attempt, $parsed['bank'] );
					$answer = $this->answer( 'failed', $orderId );
				} else {
					$answer = $this->answer( $order->paid ? 'paid' : 'pending', $orderId );
				}
				return $answer + array( 'state' => $state );
			}
		);
	}

	/**
	 * Refunds `$amount` of a paid order: a same-day full refund voids the payment (banks refuse to
	 * refund before the day's settlement), anything else is a refund.
	 *
	 * @throws PaymentException when the bank refuses.
	 */
	public function refund( string $orderId, string $amount, bool $full, string $reason = '' ): array {
		return $this->locked(
			$orderId,
			function () use ( $orderId, $amount, $full, $reason ): array {
				$attempt = $this->attemptOf( $orderId );
				if ( Attempt::PAID !== $attempt->status ) {
					throw new PaymentException( 'flow.not_paid', "order $orderId has no paid attempt to refund" );
				}
				$sameDay = null !== $attempt->paidAt && substr( $attempt->paidAt, 0, 10 ) === $this->today();
				if ( $full && $sameDay && $this->supports( $attempt->account, 'cancel' ) ) {
					$parsed = $this->exchange( $orderId, $attempt, $this->request( $attempt, 'cancel', $this->order( $orderId ) ) );
					if ( 'approved' === $parsed['outcome'] ) {
						$this->orders->recordRefund( $orderId, $amount, $reason );
						$this->note( $orderId, "Payment voided at the bank ($amount {$attempt->currency})." );
						return array( 'status' => 'voided' );
					}
					// Some banks have already settled: fall back to a refund.
				}
				$parsed = $this->exchange( $orderId, $attempt, $this->request( $attempt, 'refund', $this->order( $orderId ), $amount ) );
				if ( 'approved' !== $parsed['outcome'] ) {
					$this->note( $orderId, "Refund of $amount {$attempt->currency} refused by the bank: " . $this->bankText( $parsed['bank'] ) );
					throw new PaymentException( 'flow.refund_refused', 'the bank refused the refund', $this->bankText( $parsed['bank'] ) );
				}
				$this->orders->recordRefund( $orderId, $amount, $reason );
				$this->note( $orderId, "Refunded $amount {$attempt->currency} at the bank." );
				return array( 'status' => 'refunded' );
			}
		);
	}

	/**
	 * Captures a pre-authorised payment in full.
	 *
	 * @throws PaymentException when there is nothing to capture or the bank refuses.
	 */
	public function capture( string $orderId ): array {
		return $this->locked(
			$orderId,
			function () use ( $orderId ): array {
				$attempt = $this->attemptOf( $orderId );
				if ( Attempt::PAID !== $attempt->status || 'preauth' !== $attempt->txType || $attempt->captured ) {
					throw new PaymentException( 'flow.nothing_to_capture', "order $orderId has no open pre-authorisation" );
				}
				$parsed = $this->exchange( $orderId, $attempt, $this->request( $attempt, 'capture', $this->order( $orderId ) ) );
				if ( 'approved' !== $parsed['outcome'] ) {
					$this->note( $orderId, 'Capture refused by the bank: ' . $this->bankText( $parsed['bank'] ) );
					throw new PaymentException( 'flow.capture_refused', 'the bank refused the capture', $this->bankText( $parsed['bank'] ) );
				}
				$attempt->captured   = true;
				$attempt->references = array_merge( $attempt->references, $parsed['references'] );
				$this->orders->saveAttempt( $orderId, $attempt );
				$this->note( $orderId, "Captured {$attempt->amount} {$attempt->currency}." );
				return array( 'status' => 'captured' );
			}
		);
	}

	/**
	 * Checks that an account can reach its bank: builds a signed status query for an order that
	 * does not exist, sends it and lets the core read the answer. Any answer the core can read
	 * (typically "no such order") proves the endpoint, the network path and the request format;
	 * nothing is stored.
	 *
	 * @return array{ok: bool, stage: string, detail: string, url?: string, http_status?: int, outcome?: string}
	 *         `stage`: where it stopped — `request` (the core refused the account's settings),
	 *         `send` (no answer), `parse` (an answer the core cannot read) or `done`.
	 */
	public function probe( string $account ): array {
		if ( ! $this->supports( $account, 'status' ) ) {
			return array(
				'ok'     => false,
				'stage'  => 'request',
				'detail' => 'gateway.unsupported_operation',
			);
		}
		$attempt = new Attempt( '', 0, 'SANALPOSTEST' . $this->clock->now()->format( 'YmdHis' ), $account, $this->settings->model( $account ), '1.00', 'TRY', 1, 'sale' );
		try {
			$http = $this->request( $attempt, 'status', null );
		} catch ( PaymentException $e ) {
			return array(
				'ok'     => false,
				'stage'  => 'request',
				'detail' => $e->reason() . ( null === $e->shopperText() ? '' : ': ' . $e->shopperText() ),
			);
		}
		$body = base64_decode( (string) $http['body_base64'], true );
		try {
			$response = $this->http->send( (string) $http['method'], (string) $http['url'], $http['headers'], false === $body ? '' : $body, self::HTTP_TIMEOUT );
		} catch ( HttpFailure $e ) {
			return array(
				'ok'     => false,
				'stage'  => 'send',
				'url'    => (string) $http['url'],
				'detail' => Masker::text( $e->getMessage() ),
			);
		}
		try {
			$parsed = $this->core(
				'api.parse',
				$this->settings->accountFields( $account ) + array(
					'context'  => $http['context'],
					'response' => array(
						'status'      => $response['status'],
						'headers'     => (object) $response['headers'],
						'body_base64' => base64_encode( $response['body'] ),
					),
				)
			);
		} catch ( PaymentException $e ) {
			return array(
				'ok'          => false,
				'stage'       => 'parse',
				'url'         => (string) $http['url'],
				'http_status' => $response['status'],
				'detail'      => $e->reason(),
			);
		}
		return array(
			'ok'          => true,
			'stage'       => 'done',
			'url'         => (string) $http['url'],
			'http_status' => $response['status'],
			'outcome'     => (string) $parsed['outcome'],
			'detail'      => $this->bankText( $parsed['bank'] ),
		);
	}

	/**
	 * Acts on an authentic verdict: pays, provisions, asks for status, or fails the order.
	 *
	 * @param array<string, mixed> $verdict
	 */
	private function settle( string $orderId, Attempt $attempt, array $verdict ): array {
		$masked = isset( $verdict['masked_pan'] ) ? ' Card ' . Masker::text( (string) $verdict['masked_pan'] ) . '.' : '';
		if ( $this->order( $orderId )->paid ) {
			return $this->secondPayment( $orderId, $attempt, $verdict );
		}
		switch ( $verdict['outcome'] ) {
			case 'approved':
				return $this->complete( $orderId, $attempt, $verdict['references'], 'Payment approved by the bank (3D Secure).' . $masked );
			case 'needs_provision':
			case 'needs_status':
				$step = $verdict['next'] ?? null;
				if ( 'needs_provision' === $verdict['outcome'] && null === $step ) {
					// The core could not build the provision (API credentials missing, or a protocol
					// that needs the card again, like PayFlex MPI): nothing was charged.
					$this->fail( $orderId, $attempt, $verdict['bank'], 'flow.provision_unavailable' );
					return $this->answer( 'failed', $orderId, 'flow.provision_unavailable' );
				}
				$step ??= array(
					'type' => 'http',
					'http' => $this->request( $attempt, 'status', $this->order( $orderId ) ),
				);
				for ( $i = 0; $i < self::MAX_STEPS; $i++ ) {
					$parsed = $this->exchangeCharge( $orderId, $attempt, $step['http'] );
					if ( null === $parsed ) {
						return $this->answer( 'pending', $orderId, 'flow.bank_unreachable' );
					}
					$references = array_merge( $verdict['references'], $parsed['references'] );
					if ( 'status' === ( $step['http']['context']['operation'] ?? '' ) ) {
						// A status answer says the query worked; the payment's state is in order_status.
						$state = (string) ( $parsed['order_status']['state'] ?? 'unknown' );
						if ( 'paid' === $state ) {
							return $this->complete( $orderId, $attempt, $references, 'Payment confirmed by the bank\'s status query.' . $masked );
						}
						if ( in_array( $state, array( 'declined', 'cancelled' ), true ) ) {
							$this->fail( $orderId, $attempt, $parsed['bank'], "bank.$state" );
							return $this->answer( 'failed', $orderId, 'bank.declined' );
						}
						$this->note( $orderId, "The bank's status query says \"$state\": the order stays pending; use \"Check status with bank\" later." );
						return $this->answer( 'pending', $orderId, 'flow.status_open' );
					}
					if ( 'approved' === $parsed['outcome'] ) {
						return $this->complete( $orderId, $attempt, $references, 'Payment approved by the bank.' . $masked );
					}
					if ( in_array( $parsed['outcome'], array( 'needs_provision', 'needs_status' ), true ) && null !== $parsed['next'] && 'http' === $parsed['next']['type'] ) {
						$step = $parsed['next'];
						continue;
					}
					// The bank's answer says why (POSNET's resolve answer: a failed 3D authentication).
					$reason = (string) ( $parsed['reason']['code'] ?? 'bank.declined' );
					$this->fail( $orderId, $attempt, $parsed['bank'], $reason );
					return $this->answer( 'failed', $orderId, $reason );
				}
				return $this->answer( 'pending', $orderId, 'flow.too_many_steps' );
			default:
				$reason = (string) ( $verdict['reason']['code'] ?? $verdict['outcome'] );
				$this->fail( $orderId, $attempt, $verdict['bank'], $reason );
				return $this->answer( 'failed', $orderId, $reason );
		}
	}

	/**
	 * Sends a request that may charge the card (provision, non-3D sale): the attempt is marked
	 * `needs_status` first, so that nothing ever sends it twice; when the answer is lost or
	 * unreadable, it stays so and the order stays pending until a status query decides.
	 *
	 * @param array<string, mixed> $http
	 * @return array<string, mixed>|null The parsed answer, or null when there is none.
	 */
	private function exchangeCharge( string $orderId, Attempt $attempt, array $http ): ?array {
		$attempt->status = Attempt::NEEDS_STATUS;
		$this->orders->saveAttempt( $orderId, $attempt );
		try {
			return $this->exchange( $orderId, $attempt, $http );
		} catch ( PaymentException $e ) {
			$this->note( $orderId, 'The bank did not give a usable answer (' . $e->reason() . '). The order stays pending: use "Check status with bank".' );
			return null;
		}
	}

	/**
	 * An authentic callback of another attempt of an order that is already paid (the shopper
	 * paid twice, e.g. in two tabs): never provision it; void it when the bank already charged.
	 *
	 * @param array<string, mixed> $verdict
	 */
	private function secondPayment( string $orderId, Attempt $attempt, array $verdict ): array {
		if ( 'approved' !== $verdict['outcome'] ) {
			$attempt->status = Attempt::FAILED;
			$this->orders->saveAttempt( $orderId, $attempt );
			$this->note( $orderId, "A second payment attempt ({$attempt->bankOrderId}) came back after the order was paid; it was not completed." );
			return $this->answer( 'paid', $orderId, 'flow.already_paid' );
		}
		$attempt->references = array_merge( $attempt->references, array_map( 'strval', $verdict['references'] ) );
		$voided              = false;
		if ( $this->supports( $attempt->account, 'cancel' ) ) {
			try {
				$voided = 'approved' === $this->exchange( $orderId, $attempt, $this->request( $attempt, 'cancel', $this->order( $orderId ) ) )['outcome'];
			} catch ( PaymentException $e ) {
				$voided = false;
			}
		}
		$attempt->status = $voided ? Attempt::VOIDED : Attempt::PAID;
		$this->orders->saveAttempt( $orderId, $attempt );
		$this->note(
			$orderId,
			$voided
				? "A second payment of {$attempt->amount} {$attempt->currency} ({$attempt->bankOrderId}) was charged after the order was paid; it was voided at the bank."
				: "ATTENTION: a second payment of {$attempt->amount} {$attempt->currency} ({$attempt->bankOrderId}) was charged after the order was paid and could not be voided: refund it at the bank."
		);
		return $this->answer( 'paid', $orderId, 'flow.duplicate_payment' );
	}

	/** Marks the order paid once; never revives a cancelled order silently. */
	private function complete( string $orderId, Attempt $attempt, array $references, string $note ): array {
		$references          = array_map( 'strval', $references );
		$attempt->status     = Attempt::PAID;
		$attempt->references = array_merge( $attempt->references, $references );
		$attempt->paidAt     = $this->clock->now()->setTimezone( new \DateTimeZone( 'Europe/Istanbul' ) )->format( 'Y-m-d H:i:s' );
		$this->orders->saveAttempt( $orderId, $attempt );
		$transaction = $references['transaction_id'] ?? $references['host_ref'] ?? $references['auth_code'] ?? $attempt->bankOrderId;
		$refs        = implode( ', ', array_map( static fn( $k, $v ) => "$k $v", array_keys( $attempt->references ), $attempt->references ) );
		if ( $this->orders->markPaid( $orderId, $transaction, $attempt->references ) ) {
			$this->note( $orderId, "$note {$attempt->amount} {$attempt->currency}, {$attempt->installments} installment(s). References: $refs." );
			return $this->answer( 'paid', $orderId );
		}
		$this->note( $orderId, "ATTENTION: the bank approved {$attempt->amount} {$attempt->currency} for this order, but the order was not payable (cancelled or changed). It was left as it is: refund the payment or restore the order. References: $refs." );
		return $this->answer( 'paid', $orderId, 'flow.order_not_payable' );
	}

	/** @param array<string, mixed> $bank */
	private function fail( string $orderId, Attempt $attempt, array $bank, string $reason = 'bank.declined' ): void {
		$attempt->status = Attempt::FAILED;
		$this->orders->saveAttempt( $orderId, $attempt );
		$this->orders->markFailed( $orderId, $reason );
		$this->note( $orderId, "Payment not completed ($reason): " . $this->bankText( $bank ) );
	}

	/**
	 * Sends one signed request and parses the answer. A transport failure or an unreadable
	 * answer is a PaymentException; the order is not touched here.
	 *
	 * @param array<string, mixed> $http The `http` object of a step or `api.request`.
	 * @return array<string, mixed> The `api.parse` result.
	 */
	private function exchange( string $orderId, Attempt $attempt, array $http ): array {
		$this->log( 'debug', 'Bank request', array( 'order' => $orderId, 'url' => $http['url'], 'body' => $http['log_body'] ) );
		$body = base64_decode( (string) $http['body_base64'], true );
		try {
			$response = $this->http->send( (string) $http['method'], (string) $http['url'], $http['headers'], false === $body ? '' : $body, self::HTTP_TIMEOUT );
		} catch ( HttpFailure $e ) {
			$this->log( 'error', 'Bank unreachable', array( 'order' => $orderId, 'error' => $e->getMessage() ) );
			throw new PaymentException( 'flow.bank_unreachable', $e->getMessage() );
		}
		$this->log( 'debug', 'Bank answer', array( 'order' => $orderId, 'status' => $response['status'], 'body' => substr( $response['body'], 0, 4000 ) ) );
		return $this->core(
			'api.parse',
			$this->settings->accountFields( $attempt->account ) + array(
				'context'  => $http['context'],
				'response' => array(
					'status'      => $response['status'],
					'headers'     => (object) $response['headers'],
					'body_base64' => base64_encode( $response['body'] ),
				),
			)
		);
	}

	/**
	 * @param ?Order $order The shop's order (its shopper, e.g. the IP address iyzico's refunds
	 *                      carry), or null for the connection test's made-up order.
	 * @return array<string, mixed> The `http` object of an `api.request`.
	 */
	private function request( Attempt $attempt, string $operation, ?Order $order, ?string $amount = null ): array {
		$bankOrder = $this->bankOrder( $attempt );
		if ( null !== $amount ) {
			$bankOrder['amount'] = $amount;
		}
		$fields = $this->settings->accountFields( $attempt->account ) + array(
			'operation'  => $operation,
			'order'      => $bankOrder,
			'references' => (object) $attempt->references,
		);
		if ( null !== $order ) {
			$fields['customer'] = $this->customer( $order );
		}
		return $this->core( 'api.request', $this->withEntropy( $fields ) )['http'];
	}

	/** @return array{ok: string, fail: string} The bank's return URLs: the verdict tells success from failure. */
	private static function urls( Attempt $attempt ): array {
		return array(
			'ok'   => $attempt->returnUrl,
			'fail' => $attempt->returnUrl,
		);
	}

	/** @return array<string, mixed> */
	private function bankOrder( Attempt $attempt ): array {
		return array(
			'id'           => $attempt->bankOrderId,
			'amount'       => $attempt->amount,
			'currency'     => $attempt->currency,
			'installments' => $attempt->installments,
			'tx_type'      => $attempt->txType,
		);
	}

	/** @return array<string, string> The shopper as the core's `customer`. */
	private function customer( Order $order ): array {
		return array(
			'ip'    => $order->customerIp,
			'email' => $order->email,
			'name'  => $order->name,
		) + $order->buyer;
	}

	/**
	 * Checks a posted card strictly (Luhn, brand, length, expiry, CVV) before anything else.
	 *
	 * @param array<string, string>|null $card
	 */
	private function checkCard( ?array $card, string $lang ): void {
		if ( null === $card ) {
			return;
		}
		$this->core(
			'card.inspect',
			array(
				'card'   => $card,
				'today'  => $this->today(),
				'strict' => true,
				'lang'   => $lang,
			)
		);
	}

	/** The card digits to price with: the posted card's number, else the BIN from the browser. */
	private static function digits( array $input ): string {
		$card = $input['card'] ?? null;
		return is_array( $card ) ? (string) ( $card['number'] ?? '' ) : (string) ( $input['bin'] ?? '' );
	}

	private static function count( array $input ): int {
		return max( 1, (int) ( $input['installments'] ?? 1 ) );
	}

	/**
	 * The quote's option for an installment count.
	 *
	 * @param array<string, mixed> $quote
	 * @return array<string, mixed>
	 * @throws PaymentException `flow.installments_unavailable`.
	 */
	private function option( array $quote, int $count ): array {
		foreach ( $quote['options'] as $candidate ) {
			if ( (int) $candidate['count'] === $count ) {
				return $candidate;
			}
		}
		throw new PaymentException( 'flow.installments_unavailable', "$count installments are not offered for this card and cart" );
	}

	/**
	 * The account that serves a payment: installments go to the POS of the card family's plan;
	 * single payments (and so foreign, debit and prepaid cards) to the default POS.
	 *
	 * @param array<string, mixed> $plan The quote's `plan`.
	 */
	private function route( array $plan, int $count ): string {
		$account = $count > 1 ? (string) ( $plan['pos'] ?? '' ) : '';
		return '' !== $account && isset( $this->settings->accounts[ $account ] ) ? $account : $this->settings->defaultAccount;
	}

	/** How the card reaches the bank with this account's model: `server`, `browser` or `bank_page`. */
	public function cardEntry( string $account ): string {
		return $this->modelInfo( $account )['card_entry'] ?? 'server';
	}

	private function supports( string $account, string $operation ): bool {
		$gateway = $this->gatewayInfo( $account );
		return in_array( $operation, $gateway['operations'] ?? array(), true );
	}

	/** @return array<string, mixed> */
	private function modelInfo( string $account ): array {
		foreach ( $this->gatewayInfo( $account )['models'] ?? array() as $model ) {
			if ( $model['id'] === $this->settings->model( $account ) ) {
				return $model;
			}
		}
		return array();
	}

	/** @var array<string, mixed>|null */
	private ?array $gateways = null;

	/** The `gateways.list` entry of the account's family. */
	private function gatewayInfo( string $account ): array {
		$this->gateways ??= $this->core( 'gateways.list', array() );
		$preset = (string) ( $this->settings->accounts[ $account ]['gateway'] ?? '' );
		foreach ( $this->gateways['gateways'] as $gateway ) {
			foreach ( $gateway['presets'] as $p ) {
				if ( $p['id'] === $preset ) {
					return $gateway;
				}
			}
		}
		return array();
	}

	/** Adds the fresh randomness and the time the core needs (it has neither). */
	private function withEntropy( array $fields ): array {
		return $fields + array(
			'nonce' => bin2hex( random_bytes( 64 ) ),
			'now'   => $this->clock->now()->format( \DateTimeInterface::ATOM ),
			'today' => $this->today(),
		);
	}

	private function today(): string {
		return $this->clock->now()->setTimezone( new \DateTimeZone( 'Europe/Istanbul' ) )->format( 'Y-m-d' );
	}

	/**
	 * Runs an op; an error envelope becomes a PaymentException carrying the core's code and its
	 * message in the request's language.
	 */
	private function core( string $op, array $fields ): array {
		try {
			return $this->core->run( $op, $fields );
		} catch ( EngineException $e ) {
			$this->log( 'warning', "Core $op failed", array( 'code' => $e->errorCode(), 'field' => $e->field() ) );
			throw new PaymentException( $e->errorCode(), $op . ': ' . $e->errorCode(), $e->getMessage() );
		}
	}

	private function order( string $orderId ): Order {
		$order = $this->orders->find( $orderId );
		if ( null === $order ) {
			throw new PaymentException( 'flow.unknown_order', "no order $orderId" );
		}
		return $order;
	}

	/** The attempt that paid the order, else the latest one. */
	private function attemptOf( string $orderId ): Attempt {
		$attempts = $this->orders->attempts( $orderId );
		foreach ( $attempts as $attempt ) {
			if ( Attempt::PAID === $attempt->status ) {
				return $attempt;
			}
		}
		$last = end( $attempts );
		if ( false === $last ) {
			throw new PaymentException( 'flow.no_attempt', "order $orderId was never sent to a bank" );
		}
		return $last;
	}

	/** @param callable(): array $work */
	private function locked( string $orderId, callable $work ): array {
		$name = 'sanalpos-order-' . $orderId;
		if ( ! $this->lock->acquire( $name, self::LOCK_WAIT ) ) {
			return $this->answer( 'busy', $orderId );
		}
		try {
			return $work();
		} finally {
			$this->lock->release( $name );
		}
	}

	/** Every log line is masked here, whatever the sink does. */
	private function log( string $level, string $message, array $context = array() ): void {
		$this->logger->log( $level, Masker::text( $message ), Masker::context( $context ) );
	}

	private function note( string $orderId, string $text ): void {
		$this->orders->addNote( $orderId, Masker::text( $text ) );
	}

	/** @param array<string, mixed> $bank */
	private function bankText( array $bank ): string {
		$code    = (string) ( $bank['code'] ?? '' );
		$message = (string) ( $bank['message'] ?? '' );
		return Masker::text( trim( ( '' === $code ? '' : "[$code] " ) . $message ) );
	}

	/** @return array{status: string, order_id: ?string, reason: ?string} */
	private function answer( string $status, ?string $orderId, ?string $reason = null ): array {
		return array(
			'status'   => $status,
			'order_id' => $orderId,
			'reason'   => $reason,
		);
	}
}
