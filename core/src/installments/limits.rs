//! The legal installment limits (BDDK) as data: a timeline of changes with effective dates.
//!
//! Legal basis: Banka Kartları ve Kredi Kartları Hakkında Yönetmelik art. 26(7)–(8) and the BDDK
//! Board decisions made under it; timeline and sources in docs/cards-installments.md §3.6. A
//! limit is a maximum count; a ban ("0 months" in BDDK tables) is a maximum of 1, single payment.
//! Personal credit cards are bound by an overall maximum and by the strictest category in the
//! cart; commercial cards only by their own maximum (the category rules have not applied to them
//! since RG 2014-05-13). Values the sources leave uncertain can be replaced per request through
//! [`Overrides`].

use crate::date::Date;
use crate::error::{Code, Error, Result};

/// A cart category with a legal rule. Ids are stable API values; names are for reason texts.
#[derive(Debug, PartialEq, Eq)]
pub struct Category {
    pub id: &'static str,
    pub en: &'static str,
    pub tr: &'static str,
}

macro_rules! categories {
    ($( $id:literal, $en:literal, $tr:literal; )*) => { &[ $( Category { id: $id, en: $en, tr: $tr }, )* ] };
}

#[rustfmt::skip]
pub static CATEGORIES: &[Category] = categories! {
    "general", "general goods", "genel";
    "white_goods", "white goods and electrical appliances", "beyaz eşya ve elektrikli ev aletleri";
    "furniture", "furniture", "mobilya";
    "electronics", "electronics (video, camera, audio)", "elektronik eşya";
    "tv", "televisions", "televizyon";
    "computers", "computers", "bilgisayar";
    "tablets", "tablets", "tablet";
    "phones_new", "new mobile phones", "yeni cep telefonu";
    "phones_refurbished", "refurbished mobile phones", "yenilenmiş cep telefonu";
    "telecom", "telecom services", "telekomünikasyon";
    "jewellery", "jewellery", "kuyum";
    "food", "meals", "yemek";
    "groceries", "groceries", "gıda";
    "alcohol", "alcoholic drinks", "alkollü içecek";
    "fuel", "fuel", "akaryakıt";
    "cosmetics", "cosmetics", "kozmetik";
    "office_supplies", "office supplies", "ofis malzemesi";
    "gift_cards", "gift cards and vouchers", "hediye kartı ve hediye çeki";
    "direct_marketing", "direct marketing", "doğrudan pazarlama";
    "travel", "domestic airline, travel agency and accommodation", "yurt içi havayolu, seyahat acentesi ve konaklama";
    "travel_abroad", "airline, travel agency and accommodation abroad", "yurt dışı havayolu, seyahat acentesi ve konaklama";
    "transport", "transport", "taşımacılık";
    "health", "health products and services", "sağlık ürün ve hizmetleri";
    "education", "education", "eğitim";
    "clubs", "clubs and associations", "kulüp ve dernek";
    "tax", "tax payments", "vergi ödemeleri";
};

impl Category {
    pub fn find(id: &str) -> Result<&'static Category> {
        CATEGORIES
            .iter()
            .find(|c| c.id == id)
            .ok_or_else(|| Error::new(Code::InstallmentsUnknownCategory).detail(crate::money::truncate_for_detail(id)))
    }

    pub fn general() -> &'static Category {
        &CATEGORIES[0]
    }
}

/// A maximum installment count, optionally lower above a price (TV, refurbished phones).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Cap {
    pub max: u8,
    pub above: Option<Above>,
}

/// The lower maximum for an item priced above `amount` (TRY minor units).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Above {
    pub amount: i64,
    pub max: u8,
}

impl Cap {
    /// The maximum for an item of `amount` minor units.
    pub fn max_for(&self, amount: i64) -> u8 {
        match self.above {
            Some(above) if amount > above.amount => above.max,
            _ => self.max,
        }
    }
}

const fn cap(max: u8) -> Cap {
    Cap { max, above: None }
}

const fn cap_above(max: u8, lira: i64, max_above: u8) -> Cap {
    Cap { max, above: Some(Above { amount: lira * 100, max: max_above }) }
}

const fn on(year: u16, month: u8, day: u8) -> Date {
    Date { year, month, day }
}

/// Keys of the overall maxima, next to the category ids in [`TIMELINE`].
const PERSONAL_MAX: &str = "personal_max";
const COMMERCIAL_MAX: &str = "commercial_max";
const BAN: Cap = cap(1);

/// From `from` on, each listed key has the given cap (until a later change lists it again).
struct Change {
    from: Date,
    caps: &'static [(&'static str, Cap)],
}

/// What changed when, oldest first. A date before the first change gets the first change's rules.
#[rustfmt::skip]
static TIMELINE: &[Change] = &[
    // 2016-09-27 amendment (Moroğlu Arseven note; haberekspres 2016-09): general 12, jewellery 4,
    // electronics and computers 6, travel/transport/health/clubs/tax 9, the bans, corporate 12.
    // Mobile phones were in the telecom ban since 2013; refurbished ones had no rule of their own.
    Change { from: on(2016, 9, 27), caps: &[
        (PERSONAL_MAX, cap(12)), (COMMERCIAL_MAX, cap(12)),
        ("general", cap(12)), ("white_goods", cap(12)), ("furniture", cap(12)), ("education", cap(12)),
        ("electronics", cap(6)), ("tv", cap(6)), ("computers", cap(6)), ("tablets", cap(6)),
        ("jewellery", cap(4)),
        ("travel", cap(9)), ("travel_abroad", cap(9)), ("transport", cap(9)), ("health", cap(9)),
        ("clubs", cap(9)), ("tax", cap(9)),
        ("phones_new", BAN), ("phones_refurbished", BAN), ("telecom", BAN), ("food", BAN), ("groceries", BAN),
        ("alcohol", BAN), ("fuel", BAN), ("cosmetics", BAN), ("office_supplies", BAN), ("gift_cards", BAN),
        ("direct_marketing", BAN),
    ] },
    // The BDDK table quoted by TRT Haber (article 400842, "late 2018 / Jan 2019"): TV up to
    // 3,000 TL 9, electronics 3, clubs/transport/travel abroad 6, jewellery banned.
    // UNCERTAIN DATE: the article is undated in our sources; 2019-01-01 is our choice.
    Change { from: on(2019, 1, 1), caps: &[
        ("electronics", cap(3)), ("tv", cap_above(9, 3_000, 3)), ("clubs", cap(6)), ("transport", cap(6)),
        ("travel_abroad", cap(6)), ("jewellery", BAN),
    ] },
    // BDDK decision 8261 of 2019-02-25: computers (not tablets), transport, domestic travel and
    // health 12. (Corporate 9 → 12 per the same source; already 12 here since 2016.)
    Change { from: on(2019, 2, 25), caps: &[
        ("computers", cap(12)), ("transport", cap(12)), ("travel", cap(12)), ("health", cap(12)),
    ] },
    // BDDK decision 8385 of 2019-06-12: electronics 6, TV up to 3,500 TL 12 (6 above), white
    // goods/appliances and furniture 18 (so the personal maximum becomes 18), tax 12, corporate 18.
    Change { from: on(2019, 6, 12), caps: &[
        (PERSONAL_MAX, cap(18)), (COMMERCIAL_MAX, cap(18)),
        ("electronics", cap(6)), ("tv", cap_above(12, 3_500, 6)), ("white_goods", cap(18)), ("furniture", cap(18)),
        ("tax", cap(12)),
    ] },
    // The tightening behind today's figures: white goods/furniture 9, electronics 4, computers
    // 12, tablets 6, TV up to 5,000 TL 9 (4 above); personal maximum 12 (confirmed by the
    // 2025-09 summary). UNCERTAIN DATE: no source gives one ("likely 2020–21"); 2021-07-01 is
    // our choice, when the Trade Ministry's non-card installment rules with the same figures
    // came into force. The TV threshold may be outdated: override `tv` if the bank says so.
    Change { from: on(2021, 7, 1), caps: &[
        (PERSONAL_MAX, cap(12)),
        ("white_goods", cap(9)), ("furniture", cap(9)), ("electronics", cap(4)), ("computers", cap(12)),
        ("tablets", cap(6)), ("tv", cap_above(9, 5_000, 4)),
    ] },
    // BDDK, January 2023 (≈ 2023-01-05): refurbished phones 12 with no price cap.
    Change { from: on(2023, 1, 5), caps: &[("phones_refurbished", cap(12))] },
    // BDDK, 2024-12-05: refurbished phones up to 25,000 TL 12, above 3. New phones still banned.
    Change { from: on(2024, 12, 5), caps: &[("phones_refurbished", cap_above(12, 25_000, 3))] },
];

/// The cap for `key` on `today`.
fn cap_on(key: &str, today: Date) -> Option<Cap> {
    let mut found = None;
    for (i, change) in TIMELINE.iter().enumerate() {
        if i > 0 && change.from > today {
            break;
        }
        if let Some((_, cap)) = change.caps.iter().find(|(k, _)| *k == key) {
            found = Some(*cap);
        }
    }
    found
}

/// Replacements for the built-in values, supplied by the shop (or the plugin's settings) when
/// the bank applies something else. Every value given wins for every date.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    pub personal_max: Option<u8>,
    pub commercial_max: Option<u8>,
    pub categories: Vec<(&'static Category, Cap)>,
}

/// One line of the cart: its category and the price the amount-dependent rules look at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CartItem {
    pub category: &'static Category,
    /// Minor units of the quote's currency.
    pub amount: i64,
}

impl Overrides {
    pub fn personal_max(&self, today: Date) -> u8 {
        self.personal_max.or_else(|| cap_on(PERSONAL_MAX, today).map(|c| c.max)).unwrap_or(1)
    }

    pub fn commercial_max(&self, today: Date) -> u8 {
        self.commercial_max.or_else(|| cap_on(COMMERCIAL_MAX, today).map(|c| c.max)).unwrap_or(1)
    }

    /// The cap of `category` on `today` (every category has one from the first change on).
    pub fn category_cap(&self, category: &'static Category, today: Date) -> Cap {
        match self.categories.iter().rev().find(|(c, _)| c.id == category.id) {
            Some((_, cap)) => *cap,
            None => cap_on(category.id, today).unwrap_or(BAN),
        }
    }

    /// The strictest line of the cart for a personal credit card: its maximum and category.
    /// An empty cart is general goods. Ties go to the first such line.
    pub fn strictest(&self, cart: &[CartItem], today: Date) -> (u8, &'static Category) {
        let mut strictest: Option<(u8, &'static Category)> = None;
        for item in cart {
            let max = self.category_cap(item.category, today).max_for(item.amount);
            if strictest.is_none_or(|(m, _)| max < m) {
                strictest = Some((max, item.category));
            }
        }
        strictest.unwrap_or_else(|| (self.category_cap(Category::general(), today).max, Category::general()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    fn cat(id: &str) -> &'static Category {
        Category::find(id).unwrap()
    }

    /// The cap of a one-line cart of `id` at `lira` on `day`.
    fn max(id: &str, lira: i64, day: &str) -> u8 {
        Overrides::default().strictest(&[CartItem { category: cat(id), amount: lira * 100 }], date(day)).0
    }

    #[test]
    fn the_timeline_is_well_formed() {
        assert!(TIMELINE.windows(2).all(|w| w[0].from < w[1].from));
        let first = &TIMELINE[0];
        for c in CATEGORIES {
            assert!(first.caps.iter().any(|(k, _)| *k == c.id), "{} has no rule from the first date", c.id);
            assert!(c.id.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{}", c.id);
        }
        for change in TIMELINE {
            for (i, (key, cap)) in change.caps.iter().enumerate() {
                assert!([PERSONAL_MAX, COMMERCIAL_MAX].contains(key) || Category::find(key).is_ok(), "{key}");
                assert!(change.caps[..i].iter().all(|(k, _)| k != key), "{key} twice on one date");
                assert!((1..=18).contains(&cap.max), "{key}");
                assert!(cap.above.is_none_or(|a| a.max < cap.max && a.amount > 0), "{key}");
            }
        }
        assert_eq!(Category::general().id, "general");
        assert_eq!(Category::find("toys").unwrap_err().code, Code::InstallmentsUnknownCategory);
    }

    #[test]
    fn current_defaults_match_the_late_2025_reading() {
        // docs/cards-installments.md §3.6, "Best-effort current defaults".
        let today = "2026-11-27";
        let o = Overrides::default();
        assert_eq!(o.personal_max(date(today)), 12);
        assert_eq!(o.commercial_max(date(today)), 18);
        for (id, expected) in [
            ("general", 12),
            ("white_goods", 9),
            ("furniture", 9),
            ("electronics", 4),
            ("computers", 12),
            ("tablets", 6),
            ("travel", 12),
            ("travel_abroad", 6),
            ("health", 12),
            ("education", 12),
            ("tax", 12),
        ] {
            assert_eq!(max(id, 1_000, today), expected, "{id}");
        }
        for banned in [
            "phones_new",
            "telecom",
            "jewellery",
            "food",
            "groceries",
            "alcohol",
            "fuel",
            "cosmetics",
            "office_supplies",
            "gift_cards",
            "direct_marketing",
        ] {
            assert_eq!(max(banned, 1_000, today), 1, "{banned}");
        }
    }

    #[test]
    fn amount_dependent_categories() {
        let today = "2026-11-27";
        assert_eq!(max("tv", 5_000, today), 9, "up to and including 5,000 TL");
        assert_eq!(max("tv", 5_001, today), 4);
        assert_eq!(max("phones_refurbished", 25_000, today), 12);
        assert_eq!(max("phones_refurbished", 25_001, today), 3);
        let cap = Cap { max: 9, above: Some(Above { amount: 500_000, max: 4 }) };
        assert_eq!((cap.max_for(500_000), cap.max_for(500_001)), (9, 4));
    }

    #[test]
    fn effective_dates_are_honoured() {
        // Refurbished phones: banned as phones, then 12 from 2023-01-05, then 12/3 from 2024-12-05.
        assert_eq!(max("phones_refurbished", 30_000, "2023-01-04"), 1);
        assert_eq!(max("phones_refurbished", 30_000, "2023-01-05"), 12);
        assert_eq!(max("phones_refurbished", 30_000, "2024-12-04"), 12);
        assert_eq!(max("phones_refurbished", 30_000, "2024-12-05"), 3);
        // Electronics: 6 (2016), 3 (2019-01), 6 (decision 8385), 4 (tightening).
        assert_eq!(max("electronics", 1_000, "2018-12-31"), 6);
        assert_eq!(max("electronics", 1_000, "2019-01-01"), 3);
        assert_eq!(max("electronics", 1_000, "2019-06-12"), 6);
        assert_eq!(max("electronics", 1_000, "2021-07-01"), 4);
        // TV thresholds moved with the decisions.
        assert_eq!(max("tv", 3_200, "2019-02-01"), 3);
        assert_eq!(max("tv", 3_200, "2019-06-12"), 12);
        assert_eq!(max("tv", 4_000, "2019-06-12"), 6);
        assert_eq!(max("tv", 4_000, "2022-01-01"), 9);
        // Computers 6 → 12 by decision 8261; white goods 12 → 18 → 9.
        assert_eq!(max("computers", 1_000, "2019-02-24"), 6);
        assert_eq!(max("computers", 1_000, "2019-02-25"), 12);
        assert_eq!(max("white_goods", 1_000, "2019-06-11"), 12);
        assert_eq!(max("white_goods", 1_000, "2020-01-01"), 18);
        assert_eq!(max("jewellery", 1_000, "2017-01-01"), 4);
        // The overall maxima.
        let o = Overrides::default();
        assert_eq!(o.personal_max(date("2020-01-01")), 18);
        assert_eq!(o.commercial_max(date("2019-06-11")), 12);
        assert_eq!(o.commercial_max(date("2019-06-12")), 18);
        // Before the first change: the first change's rules.
        assert_eq!(max("electronics", 1_000, "2010-01-01"), 6);
    }

    #[test]
    fn the_strictest_line_wins_and_overrides_replace_the_data() {
        let today = date("2026-11-27");
        let o = Overrides::default();
        let cart = [
            CartItem { category: cat("computers"), amount: 3_000_000 },
            CartItem { category: cat("tv"), amount: 600_000 },
            CartItem { category: cat("electronics"), amount: 10_000 },
        ];
        assert_eq!(o.strictest(&cart, today), (4, cat("tv")), "first of the lines at 4");
        assert_eq!(o.strictest(&cart[..1], today), (12, cat("computers")));
        assert_eq!(o.strictest(&[], today), (12, cat("general")));
        let o = Overrides {
            personal_max: Some(9),
            commercial_max: Some(12),
            categories: vec![(cat("tv"), cap_above(9, 10_000, 6))],
        };
        assert_eq!(o.strictest(&cart[1..2], today), (9, cat("tv")));
        assert_eq!((o.personal_max(today), o.commercial_max(today)), (9, 12));
    }
}
