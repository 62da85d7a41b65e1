//! Texts for the customer and the shop owner, in English and Turkish.
//!
//! Amounts are shown the way each language writes them: `1,025.00 TRY` and `1.025,00 TL`.

use super::plan::Campaign;
use super::quote::{Offer, Reason};
use crate::error::Lang;
use crate::money::Currency;

/// `minor` units of `currency` for display: grouped thousands, the language's decimal mark and
/// currency name (`TL` in Turkish for the lira).
pub fn amount(minor: i64, currency: &Currency, lang: Lang) -> String {
    let (group, decimal, name) = match lang {
        Lang::En => (',', '.', currency.alpha),
        Lang::Tr => ('.', ',', if currency.alpha == "TRY" { "TL" } else { currency.alpha }),
    };
    let unit = 10i64.pow(u32::from(currency.exponent));
    let digits = (minor / unit).to_string();
    let mut out = String::with_capacity(digits.len() + 12);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(group);
        }
        out.push(c);
    }
    if currency.exponent > 0 {
        out.push(decimal);
        out.push_str(&format!("{:0width$}", minor % unit, width = usize::from(currency.exponent)));
    }
    out.push(' ');
    out.push_str(name);
    out
}

/// `Single payment: 1,025.00 TRY` / `Peşin: 1.025,00 TL`; `3 installments of 341.66 TRY (first
/// 341.68 TRY)` / `3 x 341,66 TL taksit (ilk taksit 341,68 TL)`, the first named only when the
/// remainder makes it differ.
pub fn offer(offer: &Offer, currency: &Currency, lang: Lang) -> String {
    let count = offer.entry.count;
    let show = |minor| amount(minor, currency, lang);
    if count == 1 {
        return match lang {
            Lang::En => format!("Single payment: {}", show(offer.price.total)),
            Lang::Tr => format!("Peşin: {}", show(offer.price.total)),
        };
    }
    let per = show(offer.split.per_installment);
    let mut text = match lang {
        Lang::En => format!("{count} installments of {per}"),
        Lang::Tr => format!("{count} x {per} taksit"),
    };
    if offer.split.first != offer.split.per_installment {
        let first = show(offer.split.first);
        text.push_str(&match lang {
            Lang::En => format!(" (first {first})"),
            Lang::Tr => format!(" (ilk taksit {first})"),
        });
    }
    text
}

/// `+2 installments, first installment deferred 3 months` / `+2 taksit, 3 ay erteleme`; `None`
/// when the campaign has neither.
pub fn campaign(campaign: &Campaign, lang: Lang) -> Option<String> {
    let (plus, months) = (campaign.plus_installments, campaign.deferral_months);
    let mut text = String::new();
    if plus > 0 {
        text.push_str(&match lang {
            Lang::En if plus == 1 => "+1 installment".to_string(),
            Lang::En => format!("+{plus} installments"),
            Lang::Tr => format!("+{plus} taksit"),
        });
    }
    if months > 0 {
        if !text.is_empty() {
            text.push_str(", ");
        }
        text.push_str(&match lang {
            Lang::En if months == 1 => "first installment deferred 1 month".to_string(),
            Lang::En => format!("first installment deferred {months} months"),
            Lang::Tr => format!("{months} ay erteleme"),
        });
    }
    (!text.is_empty()).then_some(text)
}

/// Why a count is not offered.
pub fn reason(reason: &Reason, currency: &Currency, lang: Lang) -> String {
    match (reason, lang) {
        (Reason::Currency, Lang::En) => "Installments are available in Turkish lira only".into(),
        (Reason::Currency, Lang::Tr) => "Taksit yalnızca Türk lirası ile yapılabilir".into(),
        (Reason::ForeignCard, Lang::En) => "Cards issued abroad pay in a single payment".into(),
        (Reason::ForeignCard, Lang::Tr) => "Yurt dışı kartlarıyla yalnızca tek çekim yapılabilir".into(),
        (Reason::DebitCard, Lang::En) => "Debit cards pay in a single payment".into(),
        (Reason::DebitCard, Lang::Tr) => "Banka kartlarıyla yalnızca tek çekim yapılabilir".into(),
        (Reason::PrepaidCard, Lang::En) => "Prepaid cards pay in a single payment".into(),
        (Reason::PrepaidCard, Lang::Tr) => "Ön ödemeli kartlarla yalnızca tek çekim yapılabilir".into(),
        (Reason::PersonalMax(max), Lang::En) => {
            format!("Personal credit cards allow at most {max} installments by law")
        }
        (Reason::PersonalMax(max), Lang::Tr) => format!("Bireysel kredi kartlarında yasal taksit sınırı {max}"),
        (Reason::CommercialMax(max), Lang::En) => format!("Commercial cards allow at most {max} installments"),
        (Reason::CommercialMax(max), Lang::Tr) => format!("Ticari kartlarda taksit sınırı {max}"),
        (Reason::Category(c, 1), Lang::En) => format!("No installments by law for {}", c.en),
        (Reason::Category(c, 1), Lang::Tr) => format!("Yasal olarak {} alımlarında taksit yapılamaz", c.tr),
        (Reason::Category(c, max), Lang::En) => format!("At most {max} installments by law for {}", c.en),
        (Reason::Category(c, max), Lang::Tr) => format!("Yasal sınır: {} alımlarında en fazla {max} taksit", c.tr),
        (Reason::NoPlan, Lang::En) => "No installment plan for this card".into(),
        (Reason::NoPlan, Lang::Tr) => "Bu kart için taksit planı yok".into(),
        (Reason::NotInPlan, Lang::En) => "This installment count is not offered".into(),
        (Reason::NotInPlan, Lang::Tr) => "Bu taksit sayısı sunulmuyor".into(),
        (Reason::Disabled, Lang::En) => "This installment count is switched off".into(),
        (Reason::Disabled, Lang::Tr) => "Bu taksit sayısı kapalı".into(),
        (Reason::MinInstallment(min), Lang::En) => {
            format!("Each installment must be at least {}", amount(*min, currency, lang))
        }
        (Reason::MinInstallment(min), Lang::Tr) => {
            format!("Taksit tutarı en az {} olmalı", amount(*min, currency, lang))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::limits::Category;
    use super::super::plan::RateEntry;
    use super::super::pricing::{self, Mode, Rate};
    use super::*;

    fn cur(code: &str) -> &'static Currency {
        Currency::find(code).unwrap()
    }

    #[test]
    fn amounts_in_each_language() {
        let t = cur("TRY");
        assert_eq!(amount(102_500, t, Lang::En), "1,025.00 TRY");
        assert_eq!(amount(102_500, t, Lang::Tr), "1.025,00 TL");
        assert_eq!(amount(5, t, Lang::Tr), "0,05 TL");
        assert_eq!(amount(99_999_999_999_999, t, Lang::En), "999,999,999,999.99 TRY");
        assert_eq!(amount(100_000, t, Lang::En), "1,000.00 TRY");
        assert_eq!(amount(1_500, cur("JPY"), Lang::Tr), "1.500 JPY");
        assert_eq!(amount(1_500, cur("KWD"), Lang::En), "1.500 KWD");
        assert_eq!(amount(12_345_678, cur("EUR"), Lang::Tr), "123.456,78 EUR");
    }

    fn offer_of(entry: &RateEntry) -> Offer<'_> {
        let price = pricing::price(100_000, entry.rate, Mode::Markup).unwrap();
        Offer { entry, price, split: pricing::split(price.total, entry.count) }
    }

    #[test]
    fn offer_labels() {
        let entry = |count| RateEntry {
            count,
            rate: Rate::parse("2.5").unwrap(),
            rate_text: "2.5".into(),
            enabled: true,
            campaign: Campaign::default(),
        };
        let (e1, e3, e5) = (entry(1), entry(3), entry(5));
        let t = cur("TRY");
        assert_eq!(offer(&offer_of(&e1), t, Lang::En), "Single payment: 1,025.00 TRY");
        assert_eq!(offer(&offer_of(&e1), t, Lang::Tr), "Peşin: 1.025,00 TL");
        assert_eq!(offer(&offer_of(&e3), t, Lang::En), "3 installments of 341.66 TRY (first 341.68 TRY)");
        assert_eq!(offer(&offer_of(&e3), t, Lang::Tr), "3 x 341,66 TL taksit (ilk taksit 341,68 TL)");
        assert_eq!(offer(&offer_of(&e5), t, Lang::En), "5 installments of 205.00 TRY");
        assert_eq!(offer(&offer_of(&e5), t, Lang::Tr), "5 x 205,00 TL taksit");
    }

    #[test]
    fn campaign_and_reason_texts() {
        let c = Campaign { plus_installments: 2, deferral_months: 3, name: None };
        assert_eq!(campaign(&c, Lang::En).unwrap(), "+2 installments, first installment deferred 3 months");
        assert_eq!(campaign(&c, Lang::Tr).unwrap(), "+2 taksit, 3 ay erteleme");
        let one = Campaign { plus_installments: 1, deferral_months: 1, name: None };
        assert_eq!(campaign(&one, Lang::En).unwrap(), "+1 installment, first installment deferred 1 month");
        assert_eq!(campaign(&Campaign { name: Some("Bonus".into()), ..Default::default() }, Lang::En), None);
        let t = cur("TRY");
        let electronics = Reason::Category(Category::find("electronics").unwrap(), 4);
        assert_eq!(
            reason(&electronics, t, Lang::En),
            "At most 4 installments by law for electronics (video, camera, audio)"
        );
        assert_eq!(reason(&electronics, t, Lang::Tr), "Yasal sınır: elektronik eşya alımlarında en fazla 4 taksit");
        let food = Reason::Category(Category::find("groceries").unwrap(), 1);
        assert_eq!(reason(&food, t, Lang::Tr), "Yasal olarak gıda alımlarında taksit yapılamaz");
        assert_eq!(reason(&Reason::MinInstallment(5_000), t, Lang::Tr), "Taksit tutarı en az 50,00 TL olmalı");
    }
}
