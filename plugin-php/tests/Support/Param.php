<?php
/**
 * ParamPos's test merchant and the SOAP answer of a TRY 3D payment start (`TP_WMD_UCD`) carrying
 * the bank's 3D page (`UCD_HTML`), shaped after mewebstudio/pos test data (3d_form_response_success).
 */

declare(strict_types=1);

namespace Sanalpos\Tests\Support;

final class Param {
	public const CREDENTIALS = array(
		'client_code'     => '10738',
		'client_username' => 'Test',
		'client_password' => 'Test',
		'guid'            => '0c13d406-873b-403b-9c09-a5766840d98c',
	);

	/** The bank's 3D page: not one plain form (its script submits it). */
	public const PAGE = '<!DOCTYPE html><html><body><form id="webform0" method="POST" action="https://testvpos.asseco-see.com.tr/mdpaympi/MerchantServer"><input type="hidden" name="txid" value="32360341"/></form><script>hideAndSubmitTimed(\'webform0\');</script></body></html>';

	/**
	 * The answer to a payment start request, for the order id it names (Param echoes it).
	 *
	 * @param array{body: string} $request
	 * @return array{status: int, body: string}
	 */
	public static function startAnswer( array $request ): array {
		preg_match( '#<Siparis_ID>([^<]+)</Siparis_ID>#', $request['body'], $m );
		return array(
			'status' => 200,
			'body'   => '<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><TP_WMD_UCDResponse xmlns="https://turkpos.com.tr/"><TP_WMD_UCDResult><Islem_ID>6021840768</Islem_ID><Islem_GUID>d68ac15c-17ca-4b7d-a046-10700291b249</Islem_GUID><UCD_HTML>' . htmlspecialchars( self::PAGE, ENT_XML1 ) . '</UCD_HTML><UCD_MD>MD1</UCD_MD><Sonuc>1</Sonuc><Sonuc_Str>İşlem Başarılı</Sonuc_Str><Banka_Sonuc_Kod>0</Banka_Sonuc_Kod><Siparis_ID>' . ( $m[1] ?? '' ) . '</Siparis_ID></TP_WMD_UCDResult></TP_WMD_UCDResponse></soap:Body></soap:Envelope>',
		);
	}
}
