<?php
/**
 * The NestPay test merchant of the flow and plugin tests: its account, a bank callback signed
 * through the core, and CC5 API answers as the bank's test system gives them.
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

use Sanalpos\Engine\Core;

final class Nestpay {
	/** Asseco's public test store (docs/pos-protocols.md §1). */
	public const CREDENTIALS = array(
		'client_id'    => '700655000200',
		'store_key'    => 'TRPS0200',
		'api_user'     => 'ISBANKAPI',
		'api_password' => 'ISBANK07',
	);

	/** Test cards (public test numbers) with their CVV. */
	public const CARD = array(
		'number' => '4508 0345 0803 4509',
		'expiry' => '12/30',
		'cvv'    => '000',
	);

	/**
	 * The 3D callback a bank would post for an attempt, signed with the store key.
	 *
	 * @param array<string, string> $changes Fields to set before signing.
	 * @return array<string, string>
	 */
	public static function callback( Core $core, string $bankOrderId, string $amount, int $installments, array $changes = array() ): array {
		$post         = array_merge(
			array(
				'clientid'      => self::CREDENTIALS['client_id'],
				'oid'           => $bankOrderId,
				'amount'        => $amount,
				'currency'      => '949',
				'taksit'        => (string) $installments,
				'storetype'     => '3d',
				'mdStatus'      => '1',
				'md'            => '450803:ABCDEF:3545:##700655000200',
				'xid'           => 'N1An1iS5iN4u/1VWS6CgzSGRtN0=',
				'eci'           => '05',
				'cavv'          => 'ABABBCgghAAAAABllJMDdZdTdic=',
				'MaskedPan'     => '450803***4509',
				'hashAlgorithm' => 'ver3',
				'rnd'           => 'ABC',
			),
			$changes
		);
		$post['HASH'] = self::sign( $core, $post );
		return $post;
	}

	/** The ver3 signature of a form or callback, computed by the core. */
	public static function sign( Core $core, array $fields ): string {
		return $core->run(
			'signature.compute',
			array(
				'kind'   => 'nestpay_v3',
				'inputs' => array(
					'store_key' => self::CREDENTIALS['store_key'],
					'response'  => $fields,
				),
			)
		)['value'];
	}

	/** A CC5Response to a provision, sale, refund or void. */
	public static function cc5( string $code, string $response, string $orderId ): array {
		return array(
			'status' => 200,
			'body'   => "<?xml version=\"1.0\" encoding=\"ISO-8859-9\"?><CC5Response><OrderId>$orderId</OrderId><Response>$response</Response><AuthCode>P83516</AuthCode><HostRefNum>230317184784</HostRefNum><ProcReturnCode>$code</ProcReturnCode><TransId>22303RqiC11252</TransId><ErrMsg>" . ( '00' === $code ? '' : 'Yetersiz bakiye' ) . '</ErrMsg></CC5Response>',
		);
	}

	/** A CC5Response to an ORDERSTATUS query. */
	public static function status( string $orderId, string $transStat, string $amountMinor ): array {
		return array(
			'status' => 200,
			'body'   => "<CC5Response><ErrMsg>Record(s) found</ErrMsg><ProcReturnCode>00</ProcReturnCode><Response>Approved</Response><OrderId>$orderId</OrderId><TransId>T1</TransId><Extra><AUTH_CODE>P1</AUTH_CODE><TRANS_STAT>$transStat</TRANS_STAT><ORIG_TRANS_AMT>$amountMinor</ORIG_TRANS_AMT></Extra></CC5Response>",
		);
	}
}
