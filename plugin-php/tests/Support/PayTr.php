<?php
/**
 * A PayTR test merchant: its account, and the notification PayTR posts to the shop's "Bildirim
 * URL", signed through the core (core/API.md, PayTR).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Engine\Core;

final class PayTr {
	/** Made-up credentials (PayTR publishes no test merchant). */
	public const CREDENTIALS = array(
		'merchant_id'   => '123456',
		'merchant_key'  => 'TEST_MERCHANT_KEY',
		'merchant_salt' => 'TEST_SALT',
	);

	/** The token request's answer: the iframe token. */
	public static function token( string $token ): array {
		return array(
			'status' => 200,
			'body'   => '{"status":"success","token":"' . $token . '"}',
		);
	}

	/**
	 * The notification for a bank order id: `success` or `failed`, the total in kuruş.
	 *
	 * @return array<string, string>
	 */
	public static function notification( Core $core, string $bankOrderId, string $status, string $total ): array {
		$post         = array(
			'merchant_oid'       => $bankOrderId,
			'status'             => $status,
			'total_amount'       => $total,
			'failed_reason_code' => 'success' === $status ? '' : '2',
			'failed_reason_msg'  => 'success' === $status ? '' : 'Kart limiti yetersiz',
			'test_mode'          => '1',
			'payment_type'       => 'card',
			'currency'           => 'TL',
			'payment_amount'     => $total,
		);
		$post['hash'] = $core->run(
			'signature.compute',
			array(
				'kind'   => 'paytr_callback',
				'inputs' => self::CREDENTIALS + array( 'response' => array_intersect_key( $post, array_flip( array( 'merchant_oid', 'status', 'total_amount' ) ) ) ),
			)
		)['value'];
		return $post;
	}
}
