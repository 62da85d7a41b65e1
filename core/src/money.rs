//! Money: integer minor units plus an ISO 4217 currency. No floating point anywhere.
//!
//! Amounts enter as strict decimal strings (`"100.25"`) and leave in whatever shape a bank wants
//! (`"100.25"`, `"10025"`, `"100,25"`, …) through the formatters below; a bank module hashes the
//! exact string it sends.

use crate::error::{Code, Error, Result};

/// An ISO 4217 currency (data: ISO 4217 list as published in the `iso_currency` crate's table).
#[derive(Debug, PartialEq, Eq)]
pub struct Currency {
    pub alpha: &'static str,
    pub numeric: u16,
    /// Digits after the decimal point (2 for TRY: 1 TL = 100 kuruş; 0 for JPY; 3 for KWD).
    pub exponent: u8,
}

macro_rules! currencies {
    ($( $alpha:literal $numeric:literal $exp:literal ),* $(,)?) => {
        &[ $( Currency { alpha: $alpha, numeric: $numeric, exponent: $exp } ),* ]
    };
}

/// The currencies the banks in `docs/pos-protocols.md` accept, plus common neighbours.
pub static CURRENCIES: &[Currency] = currencies![
    "TRY" 949 2, "USD" 840 2, "EUR" 978 2, "GBP" 826 2, "JPY" 392 0, "RUB" 643 2, "CHF" 756 2,
    "AUD" 36 2, "CAD" 124 2, "DKK" 208 2, "NOK" 578 2, "SEK" 752 2, "SAR" 682 2, "AED" 784 2,
    "AZN" 944 2, "CNY" 156 2, "KWD" 414 3, "BHD" 48 3, "KRW" 410 0, "ISK" 352 0,
];

impl Currency {
    /// Looks a currency up by its alpha code (`"TRY"`, case-sensitive) or numeric code (`"949"`).
    pub fn find(code: &str) -> Result<&'static Currency> {
        let by_numeric = |n: u16| CURRENCIES.iter().find(|c| c.numeric == n);
        let found = if code.len() == 3 && code.bytes().all(|b| b.is_ascii_digit()) {
            code.parse().ok().and_then(by_numeric)
        } else {
            CURRENCIES.iter().find(|c| c.alpha == code)
        };
        found.ok_or_else(|| Error::new(Code::MoneyUnknownCurrency).detail(truncate_for_detail(code)))
    }

    pub fn try_() -> &'static Currency {
        &CURRENCIES[0]
    }

    /// The numeric code as it is spelled on the wire by the given bank convention.
    /// `None` when that convention has no code for this currency.
    pub fn code(&self, style: CurrencyStyle) -> Option<String> {
        let alpha = self.alpha;
        match style {
            CurrencyStyle::Numeric3 => Some(format!("{:03}", self.numeric)),
            CurrencyStyle::Numeric4 => Some(format!("{:04}", self.numeric)),
            // Vakıf Katılım still sends the pre-1998 rouble code 810 (VakifKatilimPos request mapper).
            CurrencyStyle::Numeric4LegacyRub => {
                Some(if alpha == "RUB" { "0810".into() } else { format!("{:04}", self.numeric) })
            }
            CurrencyStyle::Alpha => Some(alpha.to_string()),
            CurrencyStyle::Posnet => match alpha {
                "TRY" => Some("TL"),
                "USD" => Some("US"),
                "EUR" => Some("EU"),
                "GBP" => Some("GB"),
                "JPY" => Some("JP"),
                "RUB" => Some("RU"),
                _ => None,
            }
            .map(str::to_string),
            CurrencyStyle::Paytr => match alpha {
                "TRY" => Some("TL"),
                "USD" | "EUR" | "GBP" | "RUB" => Some(alpha),
                _ => None,
            }
            .map(str::to_string),
            CurrencyStyle::Param => match alpha {
                "TRY" => Some("1000"),
                "USD" => Some("1001"),
                "EUR" => Some("1002"),
                "GBP" => Some("1003"),
                _ => None,
            }
            .map(str::to_string),
        }
    }
}

/// How a bank spells a currency (docs/pos-protocols.md §0.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CurrencyStyle {
    /// `949` — NestPay, Garanti, PayFor, InterPos, PayFlex, Akbank.
    Numeric3,
    /// `0949` — KuveytTürk.
    Numeric4,
    /// `0949`, RUB as `0810` — Vakıf Katılım.
    Numeric4LegacyRub,
    /// `TRY` — iyzico.
    Alpha,
    /// `TL`, `US`, `EU`, `GB`, `JP`, `RU` — YapıKredi POSNET.
    Posnet,
    /// `TL`, `USD`, `EUR`, `GBP`, `RUB` — PayTR.
    Paytr,
    /// `1000`, `1001`, `1002`, `1003` — ParamPos.
    Param,
}

/// Sign rule for parsing: most amounts must be positive; a few (refund totals, zero reward fields) may be zero.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sign {
    Positive,
    NonNegative,
}

/// The largest amount accepted: 10^14 − 1 minor units (just under one trillion lira). Anything
/// larger is a bug or an attack, and it keeps every intermediate product far from `i64` overflow.
pub const MAX_MINOR: i64 = 99_999_999_999_999;

/// An amount of money: integer minor units of a currency.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Money {
    minor: i64,
    currency: &'static Currency,
}

impl Money {
    /// Builds an amount from minor units, checking the magnitude bound.
    pub fn from_minor(minor: i64, currency: &'static Currency) -> Result<Money> {
        if minor < 0 {
            return Err(Code::MoneyNegative.into());
        }
        if minor > MAX_MINOR {
            return Err(Code::MoneyTooLarge.into());
        }
        Ok(Money { minor, currency })
    }

    /// Parses a strict decimal string: ASCII digits, at most one `.`, at most `exponent` decimals,
    /// no sign, no exponent, no spaces, no thousands separators, no superfluous leading zeros.
    /// `"100"`, `"100.5"` and `"100.50"` are accepted; `"1e3"`, `"+5"`, `"-1"`, `".5"`, `"5."`,
    /// `"007"`, `"1,5"` and `"1.234"` (for TRY) are not.
    pub fn parse(text: &str, currency: &'static Currency, sign: Sign) -> Result<Money> {
        if text.is_empty() {
            return Err(Code::MoneyEmpty.into());
        }
        if text.len() > 40 {
            return Err(Code::MoneyTooLarge.into());
        }
        let (negative, unsigned) = match text.strip_prefix('-') {
            Some(rest) => (true, rest),
            None => (false, text),
        };
        let (int_part, frac_part) = match unsigned.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (unsigned, None),
        };
        let digits_only = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(int_part) || frac_part.is_some_and(|f| !digits_only(f)) {
            return Err(Code::MoneyInvalidFormat.into());
        }
        if int_part.len() > 1 && int_part.starts_with('0') {
            return Err(Error::new(Code::MoneyInvalidFormat).detail("leading zeros"));
        }
        let frac = frac_part.unwrap_or("");
        if frac.len() > usize::from(currency.exponent) {
            return Err(Error::new(Code::MoneyTooManyDecimals)
                .detail(format!("{} allows {}", currency.alpha, currency.exponent)));
        }
        if negative {
            return Err(Code::MoneyNegative.into());
        }
        // At most 40 characters, so accumulate in i128 and bound-check once.
        let mut minor: i128 = 0;
        for b in int_part.bytes().chain(frac.bytes()) {
            minor = minor * 10 + i128::from(b - b'0');
            if minor > i128::from(MAX_MINOR) {
                return Err(Code::MoneyTooLarge.into());
            }
        }
        for _ in frac.len()..usize::from(currency.exponent) {
            minor *= 10;
        }
        if minor > i128::from(MAX_MINOR) {
            return Err(Code::MoneyTooLarge.into());
        }
        if minor == 0 && sign == Sign::Positive {
            return Err(Code::MoneyZero.into());
        }
        Ok(Money { minor: minor as i64, currency })
    }

    pub fn minor(&self) -> i64 {
        self.minor
    }

    pub fn currency(&self) -> &'static Currency {
        self.currency
    }

    fn split(&self) -> (i64, i64) {
        let unit = 10i64.pow(u32::from(self.currency.exponent));
        (self.minor / unit, self.minor % unit)
    }

    fn with_separator(&self, separator: char) -> String {
        let (major, frac) = self.split();
        match self.currency.exponent {
            0 => major.to_string(),
            e => format!("{major}{separator}{frac:0width$}", width = usize::from(e)),
        }
    }

    /// `100.25`, `100.00`, `1000` for JPY — NestPay, PayFor, InterPos, PayFlex, Akbank, PayTR Direct.
    pub fn decimal(&self) -> String {
        self.with_separator('.')
    }

    /// `100,25` — ParamPos (no thousands separator).
    pub fn decimal_comma(&self) -> String {
        self.with_separator(',')
    }

    /// `10025` — Garanti, POSNET, KuveytTürk, Tosla, PayTR iFrame: the amount in minor units.
    pub fn minor_units(&self) -> String {
        self.minor.to_string()
    }

    /// `100.25`, `100.5`, `100` — the way PHP string-casts a float, used by legacy integrations
    /// and when reproducing a bank's documented example.
    pub fn decimal_trimmed(&self) -> String {
        let full = self.decimal();
        match full.split_once('.') {
            Some((int, frac)) => {
                let frac = frac.trim_end_matches('0');
                if frac.is_empty() {
                    int.to_string()
                } else {
                    format!("{int}.{frac}")
                }
            }
            None => full,
        }
    }

    /// `100.25`, `100.5`, `100.0` — iyzico prices: trailing zeros dropped, at least one decimal.
    pub fn decimal_min_one(&self) -> String {
        let trimmed = self.decimal_trimmed();
        if trimmed.contains('.') {
            trimmed
        } else {
            format!("{trimmed}.0")
        }
    }
}

/// Cuts untrusted text that is echoed in an error detail.
pub(crate) fn truncate_for_detail(s: &str) -> String {
    s.chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn try_(s: &str) -> Result<Money> {
        Money::parse(s, Currency::try_(), Sign::Positive)
    }

    fn code(r: Result<Money>) -> &'static str {
        r.unwrap_err().code.as_str()
    }

    #[test]
    fn currency_table_has_the_codes_banks_use() {
        let try_ = Currency::find("TRY").unwrap();
        assert_eq!((try_.numeric, try_.exponent), (949, 2));
        assert_eq!(Currency::find("949").unwrap().alpha, "TRY");
        assert_eq!(Currency::find("JPY").unwrap().exponent, 0);
        assert_eq!(Currency::find("KWD").unwrap().exponent, 3);
        for (alpha, num) in [("USD", 840), ("EUR", 978), ("GBP", 826), ("JPY", 392), ("RUB", 643), ("CHF", 756)] {
            assert_eq!(Currency::find(alpha).unwrap().numeric, num);
        }
        assert_eq!(Currency::find("try").unwrap_err().code, Code::MoneyUnknownCurrency);
        assert_eq!(Currency::find("TRL").unwrap_err().code, Code::MoneyUnknownCurrency);
        assert_eq!(Currency::find("999").unwrap_err().code, Code::MoneyUnknownCurrency);
        assert_eq!(Currency::find("").unwrap_err().code, Code::MoneyUnknownCurrency);
    }

    #[test]
    fn currency_styles() {
        let t = Currency::find("TRY").unwrap();
        let rub = Currency::find("RUB").unwrap();
        let chf = Currency::find("CHF").unwrap();
        let aud = Currency::find("AUD").unwrap();
        assert_eq!(t.code(CurrencyStyle::Numeric3).unwrap(), "949");
        assert_eq!(aud.code(CurrencyStyle::Numeric3).unwrap(), "036");
        assert_eq!(t.code(CurrencyStyle::Numeric4).unwrap(), "0949");
        assert_eq!(rub.code(CurrencyStyle::Numeric4).unwrap(), "0643");
        assert_eq!(rub.code(CurrencyStyle::Numeric4LegacyRub).unwrap(), "0810");
        assert_eq!(t.code(CurrencyStyle::Numeric4LegacyRub).unwrap(), "0949");
        assert_eq!(t.code(CurrencyStyle::Alpha).unwrap(), "TRY");
        assert_eq!(t.code(CurrencyStyle::Posnet).unwrap(), "TL");
        assert_eq!(Currency::find("USD").unwrap().code(CurrencyStyle::Posnet).unwrap(), "US");
        assert_eq!(chf.code(CurrencyStyle::Posnet), None);
        assert_eq!(t.code(CurrencyStyle::Paytr).unwrap(), "TL");
        assert_eq!(Currency::find("EUR").unwrap().code(CurrencyStyle::Paytr).unwrap(), "EUR");
        assert_eq!(t.code(CurrencyStyle::Param).unwrap(), "1000");
        assert_eq!(Currency::find("GBP").unwrap().code(CurrencyStyle::Param).unwrap(), "1003");
        assert_eq!(chf.code(CurrencyStyle::Param), None);
    }

    #[test]
    fn strict_parsing_accepts_plain_decimals() {
        assert_eq!(try_("100.25").unwrap().minor(), 10025);
        assert_eq!(try_("100.5").unwrap().minor(), 10050);
        assert_eq!(try_("100").unwrap().minor(), 10000);
        assert_eq!(try_("0.01").unwrap().minor(), 1);
        assert_eq!(try_("0.29").unwrap().minor(), 29, "the float idiom gives 28 here");
        assert_eq!(try_("1.15").unwrap().minor(), 115, "the float idiom gives 114 here");
        assert_eq!(try_("999999999999.99").unwrap().minor(), MAX_MINOR);
        let jpy = Currency::find("JPY").unwrap();
        assert_eq!(Money::parse("1500", jpy, Sign::Positive).unwrap().minor(), 1500);
        let kwd = Currency::find("KWD").unwrap();
        assert_eq!(Money::parse("1.234", kwd, Sign::Positive).unwrap().minor(), 1234);
        assert_eq!(Money::parse("0", Currency::try_(), Sign::NonNegative).unwrap().minor(), 0);
        assert_eq!(Money::parse("0.00", Currency::try_(), Sign::NonNegative).unwrap().minor(), 0);
    }

    #[test]
    fn strict_parsing_rejects_everything_else() {
        assert_eq!(code(try_("")), "money.empty");
        for bad in [
            "1e3", "+5", "1,5", ".5", "5.", "1.2.3", " 5", "5 ", "1 000", "0x10", "NaN", "inf", "1_000", "--5", "٣",
            "１２", "5.-1",
        ] {
            assert_eq!(code(try_(bad)), "money.invalid_format", "{bad:?}");
        }
        assert_eq!(code(try_("007")), "money.invalid_format");
        assert_eq!(code(try_("00.50")), "money.invalid_format");
        assert_eq!(code(try_("1.234")), "money.too_many_decimals");
        assert_eq!(
            code(Money::parse("1.5", Currency::find("JPY").unwrap(), Sign::Positive)),
            "money.too_many_decimals"
        );
        assert_eq!(code(try_("-5")), "money.negative");
        assert_eq!(code(try_("-0.01")), "money.negative");
        assert_eq!(code(try_("0")), "money.zero");
        assert_eq!(code(try_("0.00")), "money.zero");
        assert_eq!(code(try_("1000000000000")), "money.too_large");
        assert_eq!(code(try_("99999999999999999999999999999999999999")), "money.too_large");
        assert_eq!(code(try_(&"9".repeat(500))), "money.too_large");
    }

    #[test]
    fn formats_every_bank_style() {
        let m = try_("1000.25").unwrap();
        assert_eq!(m.decimal(), "1000.25");
        assert_eq!(m.decimal_comma(), "1000,25");
        assert_eq!(m.minor_units(), "100025");
        let round = try_("10").unwrap();
        assert_eq!(round.decimal(), "10.00");
        assert_eq!(round.decimal_comma(), "10,00");
        assert_eq!(round.decimal_trimmed(), "10");
        assert_eq!(round.decimal_min_one(), "10.0");
        let tenth = try_("1.10").unwrap();
        assert_eq!(tenth.decimal_trimmed(), "1.1");
        assert_eq!(tenth.decimal_min_one(), "1.1");
        assert_eq!(try_("0.05").unwrap().decimal(), "0.05");
        let jpy = Money::parse("1500", Currency::find("JPY").unwrap(), Sign::Positive).unwrap();
        assert_eq!(
            (jpy.decimal(), jpy.minor_units(), jpy.decimal_min_one()),
            ("1500".into(), "1500".into(), "1500.0".into())
        );
        let kwd = Money::parse("1.5", Currency::find("KWD").unwrap(), Sign::Positive).unwrap();
        assert_eq!(kwd.decimal(), "1.500");
    }

    #[test]
    fn from_minor_bounds() {
        assert!(Money::from_minor(0, Currency::try_()).is_ok());
        assert_eq!(Money::from_minor(-1, Currency::try_()).unwrap_err().code, Code::MoneyNegative);
        assert_eq!(Money::from_minor(MAX_MINOR + 1, Currency::try_()).unwrap_err().code, Code::MoneyTooLarge);
    }

    proptest::proptest! {
        #[test]
        fn parse_format_round_trip(minor in 1i64..=MAX_MINOR, idx in 0usize..CURRENCIES.len()) {
            let cur = &CURRENCIES[idx];
            let m = Money::from_minor(minor, cur).unwrap();
            for text in [m.decimal(), m.decimal_trimmed()] {
                proptest::prop_assert_eq!(Money::parse(&text, cur, Sign::Positive).unwrap(), m);
            }
            proptest::prop_assert_eq!(m.decimal_comma().replace(',', "."), m.decimal());
            proptest::prop_assert_eq!(m.minor_units().parse::<i64>().unwrap(), minor);
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,48}") {
            let _ = Money::parse(&s, Currency::try_(), Sign::Positive);
        }
    }
}
