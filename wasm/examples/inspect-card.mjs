// @ts-check
// Inspect a card as a checkout does: live feedback while the shopper types, then a strict check of
// the complete card before the order is placed. Run: node inspect-card.mjs
import { inspectCard, SanalposError } from 'sanalpos';

const today = '2026-11-27'; // the shop's date in Turkish time: the core has no clock

// While typing: the first digits already tell the scheme and, from the BIN, the bank and card family.
for (const typed of ['5', '4546 7', '4546 71']) {
  const { brand, brand_candidates: candidates, issuer } = inspectCard({ card: { number: typed } });
  console.log(`typed "${typed}":`, brand?.name ?? `one of ${candidates.join(', ')}`, '/', issuer.bank_name ?? 'bank not known yet');
}

// The complete card: every finding comes back as a problem, never as the full number.
const card = { number: '4546 7112 3456 7894', expiry: '12/30', cvv: '000' };
const report = inspectCard({ card, today });
console.log('complete card:', report.number?.masked, report.brand?.name, report.valid ? 'valid' : report.problems);
console.log('issuer:', report.issuer.bank_name, '/ family', report.issuer.family_name, `(${report.issuer.source})`);

// The shop's own BIN list wins over the built-in table (here: a commercial Bonus card).
const corporate = inspectCard({ card: { number: '5400 0100 0000 0004' }, issuer: { bank_code: '0062', commercial: true } });
console.log('with the shop\'s BIN entry:', corporate.issuer.bank_name, corporate.issuer.family, 'commercial:', corporate.issuer.commercial);

// Server side: strict turns the first problem into an error, with a stable code and the field to blame.
try {
  inspectCard({ card: { ...card, number: '4546 7112 3456 7895' }, today, strict: true, lang: 'tr' });
  throw new Error('a wrong check digit must not pass');
} catch (error) {
  if (!(error instanceof SanalposError)) throw error;
  console.log('strict check:', error.code, 'at', error.field, '-', error.message);
}
