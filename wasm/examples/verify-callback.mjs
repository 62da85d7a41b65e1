// @ts-check
// Verify a bank's 3D callback before touching the order: the signature first, then the order it
// names. The callback below is a real NestPay test-environment callback published in the test data
// of mewebstudio/pos (tests/Unit/Crypt/EstPosCryptTest.php, vector nestpay-v1-callback-001 in
// tests/vectors/known-answers.json): ver1 hash, mdStatus 0 (not authenticated).
import { verifyCallback } from 'sanalpos';

const post = {
  TRANID: '', PAResSyntaxOK: 'true', firmaadi: 'John Doe', lang: 'tr', merchantID: '700655000200',
  maskedCreditCard: '4355 08** **** 4358', amount: '1.01', sID: '1', ACQBIN: '406456', Ecom_Payment_Card_ExpDate_Year: '30',
  MaskedPan: '435508***4358', clientIp: '89.244.149.137', iReqDetail: '', okUrl: 'http://localhost/akbank/3d/response.php',
  md: '435508:86D9842A9C594E17B28A2B9037FEB140E8EA480AED5FE19B5CEA446960AA03AA:4122:##700655000200', vendorCode: '',
  Ecom_Payment_Card_ExpDate_Month: '12', storetype: '3d', iReqCode: '', mdErrorMsg: 'Not authenticated', PAResVerified: 'false',
  cavv: '', digest: 'digest', callbackCall: 'true', failUrl: 'http://localhost/akbank/3d/response.php', cavvAlgorithm: '',
  xid: 'FKqfXqwd0VA5RILtjmwaW17t/jk=', encoding: 'ISO-8859-9', currency: '949', oid: '202204171C44', mdStatus: '0', dsId: '1',
  eci: '', version: '2.0', clientid: '700655000200', txstatus: 'N', _charset_: 'UTF-8', HASH: 'e5KcIY797JNvjrkWjZSfHOa+690=',
  rnd: 'mzTLQAaM8W5GuQwu4BfD', HASHPARAMS: 'clientid:oid:mdStatus:cavv:eci:md:rnd:',
  HASHPARAMSVAL: '700655000200202204171C440435508:86D9842A9C594E17B28A2B9037FEB140E8EA480AED5FE19B5CEA446960AA03AA:4122:##700655000200mzTLQAaM8W5GuQwu4BfD',
};
const request = {
  gateway: 'nestpay',
  environment: /** @type {const} */ ('test'),
  credentials: { client_id: '700655000200', store_key: 'TRPS0200', hash_version: 'ver1' },
  model: /** @type {const} */ ('3d'), // from the shop's records, never from the callback
  expected: { order_id: '202204171C44', amount: '1.01' }, // the order as the shop recorded it
};

const genuine = verifyCallback({ ...request, post });
console.log('as sent by the bank:', genuine.signature, '→', genuine.outcome, `(mdStatus ${genuine.bank.md_status}: ${genuine.reason?.message})`);

// Anyone can post to the callback URL: a forged "authenticated" callback does not verify.
const forged = verifyCallback({ ...request, post: { ...post, mdStatus: '1' } });
console.log('with mdStatus changed:', forged.signature, '→', forged.outcome, `(${forged.reason?.code})`);
if (forged.authentic || forged.outcome === 'approved') throw new Error('a forged callback must not verify');
