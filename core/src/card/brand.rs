//! Card schemes (brands) from IIN ranges.
//!
//! Ranges, lengths and security-code sizes follow Braintree's `credit-card-type` 10.3.0
//! (`dist/lib/card-types.js`, MIT), cross-checked with the ISO/IEC 7812 IIN table; see
//! `docs/cards-installments.md` §1.2–1.3. Detection picks the most specific matching range, so the
//! explicit Troy 65xxxx list wins over Discover's `65`, UnionPay's `62…` over Maestro's `6`, etc.

/// A card scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Brand {
    Visa,
    Mastercard,
    Amex,
    Troy,
    Discover,
    Diners,
    Jcb,
    UnionPay,
    Maestro,
}

/// What the core knows about a scheme.
pub struct BrandInfo {
    pub brand: Brand,
    /// Stable id used in the JSON API.
    pub id: &'static str,
    pub name: &'static str,
    pub lengths: &'static [usize],
    pub cvv_length: usize,
    /// What the scheme calls its security code (shown next to the field).
    pub cvv_name: &'static str,
    /// UnionPay does not guarantee a Luhn check digit, so a failure there is not a rejection.
    pub luhn_required: bool,
    /// Positions of the spaces when the number is displayed in groups.
    pub gaps: &'static [usize],
}

pub static BRANDS: &[BrandInfo] = &[
    BrandInfo {
        brand: Brand::Visa,
        id: "visa",
        name: "Visa",
        lengths: &[16, 18, 19],
        cvv_length: 3,
        cvv_name: "CVV",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::Mastercard,
        id: "mastercard",
        name: "Mastercard",
        lengths: &[16],
        cvv_length: 3,
        cvv_name: "CVC",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::Amex,
        id: "amex",
        name: "American Express",
        lengths: &[15],
        cvv_length: 4,
        cvv_name: "CID",
        luhn_required: true,
        gaps: &[4, 10],
    },
    BrandInfo {
        brand: Brand::Troy,
        id: "troy",
        name: "Troy",
        lengths: &[16],
        cvv_length: 3,
        cvv_name: "CVV",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::Discover,
        id: "discover",
        name: "Discover",
        lengths: &[16, 19],
        cvv_length: 3,
        cvv_name: "CID",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::Diners,
        id: "diners",
        name: "Diners Club",
        lengths: &[14, 16, 19],
        cvv_length: 3,
        cvv_name: "CVV",
        luhn_required: true,
        gaps: &[4, 10],
    },
    BrandInfo {
        brand: Brand::Jcb,
        id: "jcb",
        name: "JCB",
        lengths: &[16, 17, 18, 19],
        cvv_length: 3,
        cvv_name: "CVV",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::UnionPay,
        id: "unionpay",
        name: "UnionPay",
        lengths: &[14, 15, 16, 17, 18, 19],
        cvv_length: 3,
        cvv_name: "CVN",
        luhn_required: false,
        gaps: &[4, 8, 12],
    },
    BrandInfo {
        brand: Brand::Maestro,
        id: "maestro",
        name: "Maestro",
        lengths: &[12, 13, 14, 15, 16, 17, 18, 19],
        cvv_length: 3,
        cvv_name: "CVC",
        luhn_required: true,
        gaps: &[4, 8, 12],
    },
];

impl Brand {
    pub fn info(self) -> &'static BrandInfo {
        // BRANDS holds every variant exactly once (tested).
        BRANDS.iter().find(|b| b.brand == self).unwrap_or(&BRANDS[0])
    }

    pub fn id(self) -> &'static str {
        self.info().id
    }
}

/// An inclusive IIN range over the first `digits` digits of the PAN.
struct Range {
    lo: u32,
    hi: u32,
    digits: u32,
    brand: Brand,
}

const fn r(lo: u32, hi: u32, digits: u32, brand: Brand) -> Range {
    Range { lo, hi, digits, brand }
}

use Brand::*;

#[rustfmt::skip]
static RANGES: &[Range] = &[
    r(4, 4, 1, Visa),
    // Mastercard: 51–55 and exactly 2221–2720 (not the too-broad ^2[2-7]).
    r(51, 55, 2, Mastercard), r(2221, 2720, 4, Mastercard),
    r(34, 34, 2, Amex), r(37, 37, 2, Amex),
    r(300, 305, 3, Diners), r(36, 36, 2, Diners), r(38, 39, 2, Diners),
    // Troy: BKM's native 9792 and the co-badged "Troy Global" BINs inside Discover's 65 range.
    r(9792, 9792, 4, Troy),
    r(650052, 650052, 6, Troy), r(650082, 650083, 6, Troy), r(650092, 650092, 6, Troy),
    r(650161, 650161, 6, Troy), r(650170, 650170, 6, Troy), r(650173, 650173, 6, Troy),
    r(650175, 650175, 6, Troy), r(650268, 650268, 6, Troy), r(650271, 650271, 6, Troy),
    r(650273, 650274, 6, Troy), r(650456, 650457, 6, Troy), r(650836, 650836, 6, Troy),
    r(650846, 650850, 6, Troy), r(650923, 650923, 6, Troy), r(650987, 650987, 6, Troy),
    r(650990, 650990, 6, Troy), r(654997, 654997, 6, Troy), r(657366, 657366, 6, Troy),
    r(657998, 657998, 6, Troy), r(658758, 658758, 6, Troy), r(658767, 658768, 6, Troy),
    // 658761: Troy Global test card 6587619825149656 published by Odeo/Token
    // (developer.oderopay.com.tr/tr/dev-tools); not in credit-card-type's list.
    r(658761, 658761, 6, Troy),
    r(65083700, 65083704, 8, Troy), r(65085800, 65085804, 8, Troy), r(65085900, 65085901, 8, Troy),
    r(65086000, 65086000, 8, Troy), r(65086100, 65086105, 8, Troy), r(65086200, 65086203, 8, Troy),
    r(65875000, 65875003, 8, Troy), r(65875009, 65875009, 8, Troy), r(65875101, 65875104, 8, Troy),
    r(65875200, 65875200, 8, Troy), r(65875501, 65875501, 8, Troy), r(65875601, 65875601, 8, Troy),
    r(65875900, 65875900, 8, Troy), r(65876000, 65876002, 8, Troy), r(65876100, 65876103, 8, Troy),
    r(65876110, 65876110, 8, Troy), r(65876115, 65876116, 8, Troy), r(65876200, 65876201, 8, Troy),
    r(65876500, 65876500, 8, Troy), r(65876504, 65876505, 8, Troy), r(65876600, 65876602, 8, Troy),
    r(65877100, 65877101, 8, Troy), r(65877600, 65877602, 8, Troy), r(65877700, 65877700, 8, Troy),
    r(65877801, 65877802, 8, Troy), r(65878200, 65878202, 8, Troy), r(65878300, 65878311, 8, Troy),
    r(65878400, 65878405, 8, Troy), r(65878500, 65878505, 8, Troy), r(65878600, 65878601, 8, Troy),
    r(65879800, 65879800, 8, Troy), r(65880800, 65880800, 8, Troy), r(65880900, 65880900, 8, Troy),
    r(6011, 6011, 4, Discover), r(644, 649, 3, Discover), r(65, 65, 2, Discover),
    r(2131, 2131, 4, Jcb), r(1800, 1800, 4, Jcb), r(3528, 3589, 4, Jcb),
    r(620, 620, 3, UnionPay), r(62100, 62182, 5, UnionPay), r(62184, 62197, 5, UnionPay),
    r(62200, 62205, 5, UnionPay), r(622010, 622999, 6, UnionPay), r(62207, 62209, 5, UnionPay),
    r(623, 626, 3, UnionPay), r(6270, 6270, 4, UnionPay), r(6272, 6272, 4, UnionPay),
    r(6276, 6276, 4, UnionPay), r(627700, 627779, 6, UnionPay), r(627781, 627799, 6, UnionPay),
    r(6282, 6289, 4, UnionPay), r(6291, 6292, 4, UnionPay), r(810, 810, 3, UnionPay),
    r(8110, 8171, 4, UnionPay),
    r(493698, 493698, 6, Maestro), r(500000, 504174, 6, Maestro), r(504176, 506698, 6, Maestro),
    r(506779, 508999, 6, Maestro), r(56, 59, 2, Maestro), r(63, 63, 2, Maestro), r(67, 67, 2, Maestro),
    r(6, 6, 1, Maestro),
];

/// The result of matching a (possibly partial) PAN against the IIN table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Detection {
    /// Exactly one scheme is possible for the digits typed so far.
    Brand(Brand),
    /// Too few digits: these schemes are still possible.
    Ambiguous(Vec<Brand>),
    /// No scheme matches.
    Unknown,
}

/// Detects the scheme of a digits-only PAN or PAN prefix.
pub fn detect(digits: &str) -> Detection {
    let typed = digits.len().min(8) as u32;
    if typed == 0 {
        return Detection::Ambiguous(BRANDS.iter().map(|b| b.brand).collect());
    }
    let prefix: u32 = digits.as_bytes()[..typed as usize].iter().fold(0, |acc, d| acc * 10 + u32::from(d - b'0'));
    // Most specific full match (the range is no longer than what was typed).
    let full = RANGES
        .iter()
        .filter(|r| r.digits <= typed && (r.lo..=r.hi).contains(&(prefix / 10u32.pow(typed - r.digits))))
        .max_by_key(|r| r.digits);
    // Longer ranges that the digits typed so far could still grow into.
    let mut candidates: Vec<Brand> = full.map(|f| f.brand).into_iter().collect();
    for r in RANGES.iter().filter(|r| r.digits > typed) {
        let scale = 10u32.pow(r.digits - typed);
        let (lo, hi) = (prefix * scale, prefix * scale + scale - 1);
        if lo <= r.hi && r.lo <= hi && !candidates.contains(&r.brand) {
            candidates.push(r.brand);
        }
    }
    match candidates.len() {
        0 => Detection::Unknown,
        1 => Detection::Brand(candidates[0]),
        _ => Detection::Ambiguous(candidates),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn brand(digits: &str) -> Option<Brand> {
        match detect(digits) {
            Detection::Brand(b) => Some(b),
            _ => None,
        }
    }

    #[test]
    fn every_brand_has_info_once() {
        for b in [Visa, Mastercard, Amex, Troy, Discover, Diners, Jcb, UnionPay, Maestro] {
            assert_eq!(BRANDS.iter().filter(|i| i.brand == b).count(), 1);
            assert_eq!(b.info().brand, b);
        }
    }

    #[test]
    fn mastercard_two_series_boundaries() {
        assert_eq!(brand("2220999999999999"), None);
        assert_eq!(brand("2221000000000009"), Some(Mastercard));
        assert_eq!(brand("2720999999999999"), Some(Mastercard));
        assert_eq!(brand("2721000000000000"), None);
        assert_eq!(brand("5100000000000000"), Some(Mastercard));
        assert_eq!(brand("5599999999999999"), Some(Mastercard));
        assert_eq!(brand("5000000000000000"), Some(Maestro));
        assert_eq!(brand("5600000000000000"), Some(Maestro));
    }

    #[test]
    fn troy_native_and_cobadged() {
        assert_eq!(brand("9792030000000000"), Some(Troy));
        assert_eq!(brand("6500528865390837"), Some(Troy));
        assert_eq!(brand("6501738564461396"), Some(Troy));
        assert_eq!(brand("6508370000000000"), Some(Troy), "8-digit range 65083700");
        assert_eq!(brand("6508370500000000"), Some(Discover), "65083705 is outside the 8-digit Troy range");
        assert_eq!(brand("6500530000000000"), Some(Discover), "plain 65 stays Discover");
        assert_eq!(brand("6587500900000000"), Some(Troy));
    }

    #[test]
    fn specificity_wins_over_catch_alls() {
        assert_eq!(brand("6011000000000004"), Some(Discover));
        assert_eq!(brand("6440000000000000"), Some(Discover));
        assert_eq!(brand("6200000000000000"), Some(UnionPay));
        assert_eq!(brand("6300000000000000"), Some(Maestro));
        assert_eq!(brand("6900000000000000"), Some(Maestro));
        assert_eq!(brand("3530111333300000"), Some(Jcb));
        assert_eq!(brand("3056930009020004"), Some(Diners));
        assert_eq!(brand("1800000000000000"), Some(Jcb));
        assert_eq!(brand("8100000000000000"), Some(UnionPay));
    }

    #[test]
    fn partial_input_is_ambiguous_until_it_is_not() {
        assert_eq!(
            detect("4"),
            Detection::Ambiguous(vec![Visa, Maestro]),
            "Maestro 493698 is still possible; the full match comes first"
        );
        assert_eq!(brand("41"), Some(Visa));
        assert_eq!(brand("37"), Some(Amex));
        assert!(matches!(detect("6"), Detection::Ambiguous(_)));
        assert!(matches!(detect("65"), Detection::Ambiguous(v) if v.contains(&Troy) && v.contains(&Discover)));
        assert_eq!(brand("979"), Some(Troy), "9792 is the only range under 979");
        assert_eq!(brand("1"), Some(Jcb), "only 1800 starts with 1");
        assert_eq!(detect("7"), Detection::Unknown);
        assert!(matches!(detect(""), Detection::Ambiguous(_)));
    }
}
