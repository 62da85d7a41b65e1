//! BIN → issuing bank and card family (kart ailesi).
//!
//! The built-in table ([`bins::BINS`]) is generated from banks-db (CC-BY-4.0) by
//! `tools/bin-table/build.mjs` and knows only the bank of a 6-digit prefix. The card family comes
//! from the bank → family map below: a bank's credit cards belong to the program it owns or
//! joined (`docs/cards-installments.md` §2.1). The card type (credit/debit/prepaid) and the
//! commercial flag are not in any public dataset with a usable licence, so they are "unknown"
//! unless the shop's own BIN list says otherwise through an [`IssuerOverride`], which always wins.

mod bins;

use crate::error::{Code, Error, Result};

/// A Turkish card family (loyalty and installment program).
#[derive(Debug, PartialEq, Eq)]
pub struct Family {
    /// Canonical id used everywhere in the API (`bonus`, `world`, …).
    pub id: &'static str,
    pub name: &'static str,
    /// The bank that runs the program (EFT code); its POS gives the program's installments.
    pub owner_bank: &'static str,
    /// For a sub-brand (Wings, Miles&Smiles…), the program whose installments it takes.
    pub parent: Option<&'static str>,
    /// Other spellings used by providers (normalised: lower-case ASCII letters and digits only).
    pub aliases: &'static [&'static str],
}

/// Canonical families and the names providers use for them: Craftgate `CardBrand`, PayTR
/// `card_type`, iyzico `cardFamilyName`, CCPayment `card_program`, EticSoft table keys and the
/// CP.VPOS `CreditCardProgram` enum (docs/cards-installments.md §2.1).
#[rustfmt::skip]
pub static FAMILIES: &[Family] = &[
    Family { id: "bonus", name: "Bonus", owner_bank: "0062", parent: None, aliases: &["bonuscard"] },
    Family { id: "world", name: "World", owner_bank: "0067", parent: None, aliases: &["worldcard"] },
    Family { id: "maximum", name: "Maximum", owner_bank: "0064", parent: None, aliases: &["maximumcard", "maximumkart"] },
    Family { id: "axess", name: "Axess", owner_bank: "0046", parent: None, aliases: &[] },
    Family { id: "cardfinans", name: "CardFinans", owner_bank: "0111", parent: None, aliases: &["cardfns"] },
    Family { id: "paraf", name: "Paraf", owner_bank: "0012", parent: None, aliases: &[] },
    Family { id: "advantage", name: "Advantage", owner_bank: "0123", parent: None, aliases: &["advant"] },
    Family { id: "bankkart", name: "Bankkart", owner_bank: "0010", parent: None, aliases: &["bankkartcombo", "combo"] },
    Family { id: "saglam", name: "Sağlam Kart", owner_bank: "0205", parent: None, aliases: &["saglamkart", "saglamcard"] },
    Family { id: "wings", name: "Wings", owner_bank: "0046", parent: Some("axess"), aliases: &[] },
    Family { id: "neo", name: "Neo", owner_bank: "0046", parent: Some("axess"), aliases: &[] },
    Family { id: "miles_smiles", name: "Miles&Smiles", owner_bank: "0062", parent: Some("bonus"), aliases: &["milessmiles", "milesandsmiles"] },
    Family { id: "shop_fly", name: "Shop&Fly", owner_bank: "0062", parent: Some("bonus"), aliases: &["shopfly", "shopandfly"] },
    Family { id: "bank24", name: "Bank24", owner_bank: "0012", parent: Some("paraf"), aliases: &[] },
];

/// A Turkish bank by its EFT code.
#[derive(Debug, PartialEq, Eq)]
pub struct Bank {
    pub code: &'static str,
    pub name: &'static str,
    /// The family its credit cards carry, when that is known.
    pub family: Option<&'static str>,
}

/// Bank → family membership. Owners run the program; members are taken from the CP.VPOS BIN
/// data counts in docs/cards-installments.md §2.1. Uncertain: HSBC (CardFinans or Advantage; the
/// bank still advertises Advantage), Odeabank (4 Axess rows), Fibabanka (in both Bonus and
/// Maximum, so none). Bank Asya closed in 2016.
#[rustfmt::skip]
pub static BANKS: &[Bank] = &[
    Bank { code: "0010", name: "Ziraat Bankası", family: Some("bankkart") },
    Bank { code: "0012", name: "Halkbank", family: Some("paraf") },
    Bank { code: "0015", name: "VakıfBank", family: Some("world") },
    Bank { code: "0032", name: "TEB", family: Some("bonus") },
    Bank { code: "0046", name: "Akbank", family: Some("axess") },
    Bank { code: "0059", name: "Şekerbank", family: Some("bonus") },
    Bank { code: "0062", name: "Garanti BBVA", family: Some("bonus") },
    Bank { code: "0064", name: "Türkiye İş Bankası", family: Some("maximum") },
    Bank { code: "0067", name: "Yapı Kredi", family: Some("world") },
    Bank { code: "0099", name: "ING", family: Some("bonus") },
    Bank { code: "0103", name: "Fibabanka", family: None },
    Bank { code: "0111", name: "QNB", family: Some("cardfinans") },
    Bank { code: "0123", name: "HSBC", family: Some("advantage") },
    Bank { code: "0124", name: "Alternatif Bank", family: Some("bonus") },
    Bank { code: "0134", name: "Denizbank", family: Some("bonus") },
    Bank { code: "0135", name: "Anadolubank", family: Some("world") },
    Bank { code: "0146", name: "Odeabank", family: Some("axess") },
    Bank { code: "0203", name: "Albaraka Türk", family: Some("world") },
    Bank { code: "0205", name: "Kuveyt Türk", family: Some("saglam") },
    Bank { code: "0206", name: "Türkiye Finans", family: Some("bonus") },
    Bank { code: "0208", name: "Bank Asya", family: None },
];

impl Family {
    /// Finds a family by canonical id or any provider alias, ignoring case, Turkish letters,
    /// spaces and punctuation (`"Bankkart Combo"`, `"BANKKART_COMBO"`, `"Sağlam Kart"`, `"MILES&SMILES"`).
    pub fn find(name: &str) -> Result<&'static Family> {
        let key = fold(name);
        FAMILIES
            .iter()
            .find(|f| fold(f.id) == key || fold(f.name) == key || f.aliases.contains(&key.as_str()))
            .ok_or_else(|| Error::new(Code::IssuerUnknownFamily).detail(crate::money::truncate_for_detail(name)))
    }

    pub fn by_id(id: &str) -> Option<&'static Family> {
        FAMILIES.iter().find(|f| f.id == id)
    }
}

impl Bank {
    pub fn by_code(code: &str) -> Option<&'static Bank> {
        BANKS.iter().find(|b| b.code == code)
    }
}

/// Lower-case ASCII letters and digits only; Turkish letters folded to their ASCII base.
fn fold(s: &str) -> String {
    s.chars()
        .filter_map(|c| {
            let c = match c {
                'ç' | 'Ç' => 'c',
                'ğ' | 'Ğ' => 'g',
                'ı' | 'İ' => 'i',
                'ö' | 'Ö' => 'o',
                'ş' | 'Ş' => 's',
                'ü' | 'Ü' => 'u',
                c => c.to_ascii_lowercase(),
            };
            c.is_ascii_alphanumeric().then_some(c)
        })
        .collect()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CardType {
    Credit,
    Debit,
    Prepaid,
    #[default]
    Unknown,
}

impl CardType {
    pub fn parse(s: &str) -> Option<CardType> {
        match s {
            "credit" => Some(CardType::Credit),
            "debit" => Some(CardType::Debit),
            "prepaid" => Some(CardType::Prepaid),
            "unknown" => Some(CardType::Unknown),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CardType::Credit => "credit",
            CardType::Debit => "debit",
            CardType::Prepaid => "prepaid",
            CardType::Unknown => "unknown",
        }
    }
}

/// Where an [`Issuer`] answer came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// The caller's override (a shop's own BIN list).
    Override,
    /// The built-in banks-db table.
    Builtin,
    /// Nothing known: a normal answer, not an error.
    Unknown,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Override => "override",
            Source::Builtin => "builtin",
            Source::Unknown => "unknown",
        }
    }
}

/// What is known about a card's issuer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Issuer {
    pub source: Source,
    /// The BIN that matched in the built-in table (6 or 8 digits).
    pub matched_bin: Option<String>,
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub family: Option<&'static Family>,
    pub card_type: CardType,
    pub commercial: Option<bool>,
    /// ISO 3166-1 alpha-2.
    pub country: Option<String>,
}

/// Issuer facts supplied by the caller; every field given wins over the built-in table.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IssuerOverride {
    pub bank_code: Option<String>,
    pub bank_name: Option<String>,
    pub family: Option<&'static Family>,
    pub card_type: Option<CardType>,
    pub commercial: Option<bool>,
    pub country: Option<String>,
}

/// Looks a PAN (or its first 6–8 digits) up: 8-digit BINs first, then 6-digit.
pub fn lookup(digits: &str) -> Issuer {
    let builtin = [8usize, 6].iter().find_map(|&n| {
        let bin = digits.get(..n).filter(|b| b.bytes().all(|c| c.is_ascii_digit()))?;
        let key: u32 = bin.parse().ok()?;
        // 8-digit keys are ≥ 10^7 and 6-digit keys < 10^6, so one sorted table holds both.
        let i = bins::BINS.binary_search_by_key(&key, |&(k, _)| k).ok()?;
        Some((bin.to_string(), bins::BINS[i].1))
    });
    match builtin {
        Some((bin, code)) => {
            let bank = Bank::by_code(code);
            Issuer {
                source: Source::Builtin,
                matched_bin: Some(bin),
                bank_code: Some(code.to_string()),
                bank_name: bank.map(|b| b.name.to_string()),
                family: bank.and_then(|b| b.family).and_then(Family::by_id),
                card_type: CardType::Unknown,
                commercial: None,
                country: Some("TR".into()),
            }
        }
        None => Issuer {
            source: Source::Unknown,
            matched_bin: None,
            bank_code: None,
            bank_name: None,
            family: None,
            card_type: CardType::Unknown,
            commercial: None,
            country: None,
        },
    }
}

/// The built-in answer with the caller's facts laid over it. A bank code given without a family
/// takes that bank's family.
pub fn resolve(digits: &str, over: Option<&IssuerOverride>) -> Issuer {
    let mut issuer = lookup(digits);
    let Some(o) = over else { return issuer };
    if let Some(code) = &o.bank_code {
        let bank = Bank::by_code(code);
        issuer.bank_code = Some(code.clone());
        issuer.bank_name = bank.map(|b| b.name.to_string());
        issuer.family = bank.and_then(|b| b.family).and_then(Family::by_id);
        issuer.country = Some("TR".into()).filter(|_| bank.is_some()).or(issuer.country);
    }
    if o.bank_name.is_some() {
        issuer.bank_name = o.bank_name.clone();
    }
    if o.family.is_some() {
        issuer.family = o.family;
    }
    if let Some(t) = o.card_type {
        issuer.card_type = t;
    }
    if o.commercial.is_some() {
        issuer.commercial = o.commercial;
    }
    if o.country.is_some() {
        issuer.country = o.country.clone();
    }
    issuer.source = Source::Override;
    issuer
}

/// Number of rows in the built-in table (reported by `version`).
pub fn builtin_rows() -> usize {
    bins::BINS.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_is_sorted_and_every_bank_is_known() {
        assert!(bins::BINS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(builtin_rows() > 300);
        for (bin, code) in bins::BINS {
            assert!((100_000..1_000_000).contains(bin) || (10_000_000..100_000_000).contains(bin), "{bin}");
            assert!(Bank::by_code(code).is_some(), "bank {code} of {bin} missing from BANKS");
        }
    }

    #[test]
    fn bank_families_exist() {
        for b in BANKS {
            if let Some(f) = b.family {
                assert!(Family::by_id(f).is_some(), "{}", b.code);
            }
        }
        for f in FAMILIES {
            assert!(Bank::by_code(f.owner_bank).is_some(), "{}", f.id);
            if let Some(p) = f.parent {
                assert!(Family::by_id(p).is_some_and(|p| p.parent.is_none()), "{}", f.id);
            }
            for a in f.aliases {
                assert_eq!(fold(a), *a, "alias {a} must be stored folded");
            }
        }
    }

    #[test]
    fn aliases_from_every_provider_resolve() {
        let id = |s: &str| Family::find(s).unwrap().id;
        assert_eq!(id("Bonus"), "bonus");
        assert_eq!(id("BANKKART_COMBO"), "bankkart");
        assert_eq!(id("combo"), "bankkart");
        assert_eq!(id("Bankkart Combo"), "bankkart");
        assert_eq!(id("CARD_FNS"), "cardfinans");
        assert_eq!(id("Card Finans"), "cardfinans");
        assert_eq!(id("ADVANT"), "advantage");
        assert_eq!(id("saglamkart"), "saglam");
        assert_eq!(id("saglamcard"), "saglam");
        assert_eq!(id("SAĞLAM KART"), "saglam");
        assert_eq!(id("MILES&SMILES"), "miles_smiles");
        assert_eq!(id("miles-smiles"), "miles_smiles");
        assert_eq!(id("MilesAndSmiles"), "miles_smiles");
        assert_eq!(id("ShopAndFly"), "shop_fly");
        assert_eq!(id("WORLD"), "world");
        assert_eq!(Family::find("platinum").unwrap_err().code, Code::IssuerUnknownFamily);
        assert_eq!(Family::find("").unwrap_err().code, Code::IssuerUnknownFamily);
    }

    #[test]
    fn builtin_lookup_and_unknown() {
        // 454671: Ziraat (banks-db ziraatbankasi.json); the NestPay/Param Ziraat test card.
        let z = lookup("4546711234567894");
        assert_eq!(z.source, Source::Builtin);
        assert_eq!(z.bank_code.as_deref(), Some("0010"));
        assert_eq!(z.family.map(|f| f.id), Some("bankkart"));
        assert_eq!(z.matched_bin.as_deref(), Some("454671"));
        assert_eq!(z.country.as_deref(), Some("TR"));
        let unknown = lookup("5400010000000004");
        assert_eq!(unknown.source, Source::Unknown);
        assert_eq!(unknown.family, None);
        assert_eq!(lookup("45").source, Source::Unknown);
        assert_eq!(lookup("").source, Source::Unknown);
    }

    #[test]
    fn override_wins_field_by_field() {
        let over = IssuerOverride {
            family: Some(Family::find("axess").unwrap()),
            card_type: Some(CardType::Debit),
            ..Default::default()
        };
        let i = resolve("4546711234567894", Some(&over));
        assert_eq!(i.source, Source::Override);
        assert_eq!(i.bank_code.as_deref(), Some("0010"), "bank kept from the table");
        assert_eq!(i.family.map(|f| f.id), Some("axess"));
        assert_eq!(i.card_type, CardType::Debit);
        let by_bank = IssuerOverride { bank_code: Some("0062".into()), commercial: Some(true), ..Default::default() };
        let g = resolve("5400010000000004", Some(&by_bank));
        assert_eq!(
            (g.bank_name.as_deref(), g.family.map(|f| f.id), g.commercial),
            (Some("Garanti BBVA"), Some("bonus"), Some(true))
        );
        assert_eq!(g.country.as_deref(), Some("TR"));
        let foreign = IssuerOverride { country: Some("DE".into()), ..Default::default() };
        assert_eq!(resolve("5400010000000004", Some(&foreign)).country.as_deref(), Some("DE"));
    }
}
