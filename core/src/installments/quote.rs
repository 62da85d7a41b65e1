//! The quote: which counts a card may take for a cart under a plan, and what each costs.

use super::limits::{CartItem, Category, Overrides};
use super::plan::{self, Plan, RateEntry};
use super::pricing::{self, Price, Split};
use super::MAX_COUNT;
use crate::date::Date;
use crate::error::Result;
use crate::issuer::{CardType, Family, Issuer};
use crate::money::Money;

/// The kind of card, as far as the limits care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CardClass {
    PersonalCredit,
    CommercialCredit,
    Debit,
    Prepaid,
    /// Issued outside Turkey: installments are a Turkish issuers' feature (§3.6).
    Foreign,
}

impl CardClass {
    pub fn as_str(self) -> &'static str {
        match self {
            CardClass::PersonalCredit => "personal_credit",
            CardClass::CommercialCredit => "commercial_credit",
            CardClass::Debit => "debit",
            CardClass::Prepaid => "prepaid",
            CardClass::Foreign => "foreign",
        }
    }
}

/// What the quote needs to know about the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Card {
    pub family: Option<&'static Family>,
    pub class: CardClass,
    /// Facts that were unknown and assumed (`country` → TR, `card_type` → credit, `commercial`
    /// → personal), in that order; only those the class depended on.
    pub assumed: Vec<&'static str>,
}

impl Card {
    /// Classifies a resolved issuer: a known country other than TR is foreign; then debit and
    /// prepaid; then commercial or personal credit. Unknowns take the domestic personal credit
    /// card's path and are listed in `assumed`.
    pub fn from_issuer(issuer: &Issuer) -> Card {
        let mut assumed = Vec::new();
        let class = match issuer.country.as_deref() {
            Some(country) if country != "TR" => CardClass::Foreign,
            country => {
                if country.is_none() {
                    assumed.push("country");
                }
                match issuer.card_type {
                    CardType::Debit => CardClass::Debit,
                    CardType::Prepaid => CardClass::Prepaid,
                    card_type => {
                        if card_type == CardType::Unknown {
                            assumed.push("card_type");
                        }
                        match issuer.commercial {
                            Some(true) => CardClass::CommercialCredit,
                            Some(false) => CardClass::PersonalCredit,
                            None => {
                                assumed.push("commercial");
                                CardClass::PersonalCredit
                            }
                        }
                    }
                }
            }
        };
        Card { family: issuer.family, class, assumed }
    }
}

/// Why a count is not offered. Not an error: a normal part of the answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    /// Installments are TRY only (§5).
    Currency,
    ForeignCard,
    DebitCard,
    PrepaidCard,
    /// Above the personal credit card maximum (the value).
    PersonalMax(u8),
    /// Above the commercial card maximum (the value).
    CommercialMax(u8),
    /// Above the maximum of the cart's strictest category.
    Category(&'static Category, u8),
    /// No plan for the card's family, its parent, or `default`.
    NoPlan,
    NotInPlan,
    Disabled,
    /// An installment would be below the plan's minimum (minor units).
    MinInstallment(i64),
}

impl Reason {
    /// Every code except the per-category `limit.category.<id>`.
    pub const FIXED_CODES: &'static [&'static str] = &[
        "limit.currency",
        "limit.foreign_card",
        "limit.debit_card",
        "limit.prepaid_card",
        "limit.personal_max",
        "limit.commercial_max",
        "limit.no_plan",
        "limit.not_in_plan",
        "limit.disabled",
        "limit.min_installment",
    ];

    pub fn code(&self) -> String {
        let fixed = match self {
            Reason::Currency => "limit.currency",
            Reason::ForeignCard => "limit.foreign_card",
            Reason::DebitCard => "limit.debit_card",
            Reason::PrepaidCard => "limit.prepaid_card",
            Reason::PersonalMax(_) => "limit.personal_max",
            Reason::CommercialMax(_) => "limit.commercial_max",
            Reason::Category(c, _) => return format!("limit.category.{}", c.id),
            Reason::NoPlan => "limit.no_plan",
            Reason::NotInPlan => "limit.not_in_plan",
            Reason::Disabled => "limit.disabled",
            Reason::MinInstallment(_) => "limit.min_installment",
        };
        fixed.to_string()
    }
}

/// Everything a quote depends on.
#[derive(Debug, Clone, Copy)]
pub struct Request<'a> {
    pub amount: Money,
    pub family: Option<&'static Family>,
    pub class: CardClass,
    pub plans: &'a [Plan],
    /// The cart's lines; empty means general goods.
    pub cart: &'a [CartItem],
    /// Picks the legal rules in force.
    pub today: Date,
    pub overrides: &'a Overrides,
}

/// An offered count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer<'a> {
    pub entry: &'a RateEntry,
    pub price: Price,
    pub split: Split,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Removed {
    pub count: u8,
    pub reason: Reason,
}

/// Every count from 1 to [`MAX_COUNT`] is in exactly one of `offers` and `removed`, ascending.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quote<'a> {
    pub plan: Option<&'a Plan>,
    /// The most installments the card type, the law and the cart allow (before the plan).
    pub max_count: u8,
    pub offers: Vec<Offer<'a>>,
    pub removed: Vec<Removed>,
}

/// Quotes every count. A count is removed for the first reason that applies, in this order:
/// currency, card class (foreign, debit, prepaid), overall maximum (personal or commercial),
/// the cart's strictest category (personal credit cards only), the plan (none, count not in
/// it, count disabled), then the plan's minimum installment (counts from 2 on).
pub fn quote<'a>(req: &Request<'a>) -> Result<Quote<'a>> {
    let (overall, overall_reason) = if req.amount.currency().alpha != "TRY" {
        (1, Reason::Currency)
    } else {
        match req.class {
            CardClass::Foreign => (1, Reason::ForeignCard),
            CardClass::Debit => (1, Reason::DebitCard),
            CardClass::Prepaid => (1, Reason::PrepaidCard),
            CardClass::CommercialCredit => {
                let max = req.overrides.commercial_max(req.today);
                (max, Reason::CommercialMax(max))
            }
            CardClass::PersonalCredit => {
                let max = req.overrides.personal_max(req.today);
                (max, Reason::PersonalMax(max))
            }
        }
    };
    let category =
        (req.class == CardClass::PersonalCredit && overall > 1).then(|| req.overrides.strictest(req.cart, req.today));
    let plan = plan::select(req.plans, req.family);

    let mut offers = Vec::new();
    let mut removed = Vec::new();
    for count in 1..=MAX_COUNT {
        let reason = if count > overall {
            Some(overall_reason)
        } else if let Some((max, cat)) = category.filter(|(max, _)| count > *max) {
            Some(Reason::Category(cat, max))
        } else {
            match plan.map(|p| (p, p.entry(count))) {
                None => Some(Reason::NoPlan),
                Some((_, None)) => Some(Reason::NotInPlan),
                Some((_, Some(entry))) if !entry.enabled => Some(Reason::Disabled),
                Some((plan, Some(entry))) => {
                    let price = pricing::price(req.amount.minor(), entry.rate, plan.mode)?;
                    let split = pricing::split(price.total, count);
                    match plan.min_installment {
                        Some(min) if count > 1 && split.per_installment < min => Some(Reason::MinInstallment(min)),
                        _ => {
                            offers.push(Offer { entry, price, split });
                            None
                        }
                    }
                }
            }
        };
        if let Some(reason) = reason {
            removed.push(Removed { count, reason });
        }
    }
    let max_count = category.map_or(overall, |(max, _)| max.min(overall));
    Ok(Quote { plan, max_count, offers, removed })
}

#[cfg(test)]
mod tests {
    use super::super::limits::Cap;
    use super::super::plan::Campaign;
    use super::super::pricing::{Mode, Rate};
    use super::*;
    use crate::issuer::{self, IssuerOverride};
    use crate::money::{Currency, Sign};

    fn plan(family: Option<&str>, mode: Mode, rates: &[(u8, &str)]) -> Plan {
        let mut p = Plan::new(family.map(|f| Family::find(f).unwrap()), mode);
        for (count, rate) in rates {
            p.add(RateEntry {
                count: *count,
                rate: Rate::parse(rate).unwrap(),
                rate_text: rate.to_string(),
                enabled: true,
                campaign: Campaign::default(),
            })
            .unwrap();
        }
        p
    }

    fn full_plan(family: Option<&str>, mode: Mode) -> Plan {
        let rates: Vec<(u8, String)> = (1..=18).map(|n| (n, format!("{}.5", n - 1))).collect();
        let rates: Vec<(u8, &str)> = rates.iter().map(|(n, r)| (*n, r.as_str())).collect();
        plan(family, mode, &rates)
    }

    fn card(class: CardClass, family: Option<&str>) -> Card {
        Card { family: family.map(|f| Family::find(f).unwrap()), class, assumed: vec![] }
    }

    fn amount(text: &str, currency: &str) -> Money {
        Money::parse(text, Currency::find(currency).unwrap(), Sign::Positive).unwrap()
    }

    fn run(card: &Card, plans: &[Plan], cart: &[CartItem], today: &str) -> Vec<(u8, String)> {
        let overrides = Overrides::default();
        let req = Request {
            amount: amount("1000.00", "TRY"),
            family: card.family,
            class: card.class,
            plans,
            cart,
            today: Date::parse(today).unwrap(),
            overrides: &overrides,
        };
        let q = quote(&req).unwrap();
        let mut all: Vec<(u8, String)> = q.offers.iter().map(|o| (o.entry.count, "offer".to_string())).collect();
        all.extend(q.removed.iter().map(|r| (r.count, r.reason.code())));
        all.sort();
        all
    }

    fn reason_of(all: &[(u8, String)], count: u8) -> &str {
        &all[usize::from(count - 1)].1
    }

    fn item(id: &str, lira: i64) -> CartItem {
        CartItem { category: Category::find(id).unwrap(), amount: lira * 100 }
    }

    #[test]
    fn reason_codes_are_listed() {
        let fixed = [
            Reason::Currency,
            Reason::ForeignCard,
            Reason::DebitCard,
            Reason::PrepaidCard,
            Reason::PersonalMax(12),
            Reason::CommercialMax(18),
            Reason::NoPlan,
            Reason::NotInPlan,
            Reason::Disabled,
            Reason::MinInstallment(100),
        ];
        let codes: Vec<String> = fixed.iter().map(Reason::code).collect();
        assert_eq!(codes, Reason::FIXED_CODES);
        assert_eq!(Reason::Category(Category::find("tv").unwrap(), 9).code(), "limit.category.tv");
    }

    #[test]
    fn classification_and_assumptions() {
        let unknown = issuer::resolve("", None);
        let c = Card::from_issuer(&unknown);
        assert_eq!(
            (c.class, c.assumed.as_slice()),
            (CardClass::PersonalCredit, &["country", "card_type", "commercial"][..])
        );
        let builtin = issuer::resolve("454671", None);
        let c = Card::from_issuer(&builtin);
        assert_eq!((c.class, c.family.map(|f| f.id)), (CardClass::PersonalCredit, Some("bankkart")));
        assert_eq!(c.assumed, ["card_type", "commercial"]);
        let over = |o: IssuerOverride| Card::from_issuer(&issuer::resolve("454671", Some(&o)));
        let debit = over(IssuerOverride { card_type: Some(CardType::Debit), ..Default::default() });
        assert_eq!((debit.class, debit.assumed.len()), (CardClass::Debit, 0));
        let prepaid = over(IssuerOverride { card_type: Some(CardType::Prepaid), ..Default::default() });
        assert_eq!(prepaid.class, CardClass::Prepaid);
        let commercial =
            over(IssuerOverride { card_type: Some(CardType::Credit), commercial: Some(true), ..Default::default() });
        assert_eq!((commercial.class, commercial.assumed.len()), (CardClass::CommercialCredit, 0));
        let foreign =
            over(IssuerOverride { country: Some("DE".into()), card_type: Some(CardType::Debit), ..Default::default() });
        assert_eq!(foreign.class, CardClass::Foreign, "foreign wins over the card type");
    }

    #[test]
    fn personal_cards_follow_the_law_and_the_cart() {
        let plans = [full_plan(None, Mode::Markup)];
        let personal = card(CardClass::PersonalCredit, Some("bonus"));
        let all = run(&personal, &plans, &[], "2026-11-27");
        assert_eq!(all.len(), 18);
        assert!((1..=12).all(|n| reason_of(&all, n) == "offer"));
        assert!((13..=18).all(|n| reason_of(&all, n) == "limit.personal_max"));
        let all = run(&personal, &plans, &[item("general", 500), item("electronics", 500)], "2026-11-27");
        assert_eq!(reason_of(&all, 4), "offer");
        assert_eq!(reason_of(&all, 5), "limit.category.electronics");
        assert_eq!(reason_of(&all, 13), "limit.personal_max", "the overall maximum comes first");
        for banned in ["jewellery", "groceries", "food", "fuel", "telecom", "phones_new", "gift_cards", "alcohol"] {
            let all = run(&personal, &plans, &[item(banned, 500)], "2026-11-27");
            assert_eq!(reason_of(&all, 1), "offer");
            assert_eq!(reason_of(&all, 2), format!("limit.category.{banned}"));
        }
        // Decision 8385: white goods 18 for personal cards in 2019–2021; general goods stayed 12.
        let all = run(&personal, &plans, &[item("white_goods", 500)], "2020-03-01");
        assert_eq!(reason_of(&all, 18), "offer");
        let all = run(&personal, &plans, &[item("general", 500)], "2020-03-01");
        assert_eq!(reason_of(&all, 13), "limit.category.general");
        let all = run(&personal, &plans, &[item("white_goods", 500)], "2026-11-27");
        assert_eq!(reason_of(&all, 10), "limit.category.white_goods");
    }

    #[test]
    fn card_classes() {
        let plans = [full_plan(None, Mode::Markup)];
        let cart = [item("jewellery", 500)];
        let commercial = run(&card(CardClass::CommercialCredit, None), &plans, &cart, "2026-11-27");
        assert!((1..=18).all(|n| reason_of(&commercial, n) == "offer"), "no category rules, cap 18");
        let commercial = run(&card(CardClass::CommercialCredit, None), &plans, &cart, "2019-01-01");
        assert_eq!(reason_of(&commercial, 13), "limit.commercial_max");
        for (class, code) in [
            (CardClass::Debit, "limit.debit_card"),
            (CardClass::Prepaid, "limit.prepaid_card"),
            (CardClass::Foreign, "limit.foreign_card"),
        ] {
            let all = run(&card(class, Some("bonus")), &plans, &cart, "2026-11-27");
            assert_eq!(reason_of(&all, 1), "offer");
            assert!((2..=18).all(|n| reason_of(&all, n) == code), "{code}");
        }
    }

    #[test]
    fn plan_reasons_and_the_minimum_installment() {
        let personal = card(CardClass::PersonalCredit, Some("world"));
        let mut p = plan(Some("world"), Mode::Absorb, &[(1, "0"), (2, "1"), (3, "2"), (6, "4")]);
        p.min_installment = Some(20_000); // 200.00: 1000.00 in 6 is 166.66
        p.add(RateEntry {
            count: 4,
            rate: Rate::ZERO,
            rate_text: "0".into(),
            enabled: false,
            campaign: Campaign::default(),
        })
        .unwrap();
        let all = run(&personal, std::slice::from_ref(&p), &[], "2026-11-27");
        assert_eq!(reason_of(&all, 3), "offer");
        assert_eq!(reason_of(&all, 4), "limit.disabled");
        assert_eq!(reason_of(&all, 5), "limit.not_in_plan");
        assert_eq!(reason_of(&all, 6), "limit.min_installment");
        let other = run(&card(CardClass::PersonalCredit, Some("bonus")), std::slice::from_ref(&p), &[], "2026-11-27");
        assert!((1..=12).all(|n| reason_of(&other, n) == "limit.no_plan"));
        assert_eq!(reason_of(&other, 13), "limit.personal_max", "the law before the plan");
    }

    #[test]
    fn foreign_currency_is_single_payment() {
        let plans = [full_plan(None, Mode::Grossup)];
        let overrides = Overrides::default();
        let req = Request {
            amount: amount("100.00", "EUR"),
            family: None,
            class: CardClass::PersonalCredit,
            plans: &plans,
            cart: &[],
            today: Date::parse("2026-11-27").unwrap(),
            overrides: &overrides,
        };
        let q = quote(&req).unwrap();
        assert_eq!(q.offers.len(), 1);
        assert_eq!(q.offers[0].price.total, 10_050, "the plan's single-payment rate (0.5 %) still applies");
        assert!(q.removed.iter().all(|r| r.reason == Reason::Currency));
        assert_eq!(q.max_count, 1);
    }

    #[test]
    fn overrides_and_max_count() {
        let plans = [full_plan(None, Mode::Markup)];
        let cart = [item("tv", 6_000)];
        let today = Date::parse("2026-11-27").unwrap();
        let mut overrides = Overrides::default();
        let req = |o: &Overrides| {
            let q = quote(&Request {
                amount: amount("6000.00", "TRY"),
                family: None,
                class: CardClass::PersonalCredit,
                plans: &plans,
                cart: &cart,
                today,
                overrides: o,
            })
            .unwrap();
            (q.max_count, q.offers.len())
        };
        assert_eq!(req(&overrides), (4, 4));
        overrides.categories.push((Category::find("tv").unwrap(), Cap { max: 9, above: None }));
        assert_eq!(req(&overrides), (9, 9));
        overrides.personal_max = Some(6);
        assert_eq!(req(&overrides), (6, 6));
    }
}
