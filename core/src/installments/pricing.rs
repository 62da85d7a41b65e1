//! Commission modes and kuruş-exact arithmetic.
//!
//! Rates are parsed into integer units and every total is computed as an exact rational, then
//! rounded half-up once to the currency's minor unit (docs/cards-installments.md §3.3). The
//! installments of a total always sum to it: the remainder goes on the first one.

use crate::error::{Code, Error, Result};
use crate::money::MAX_MINOR;

/// 100 % in rate units.
const HUNDRED_PERCENT: i128 = 1_000_000;

/// A rate in ten-thousandths of a percent: `"2.49"` % is 24 900, `"100"` % is 1 000 000.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Rate(u32);

impl Rate {
    pub const ZERO: Rate = Rate(0);
    /// The most decimals a rate may have.
    pub const DECIMALS: usize = 4;

    /// Parses a decimal percent: ASCII digits with at most one `.` and [`Rate::DECIMALS`]
    /// decimals, no sign, spaces or superfluous leading zeros, at most 100.
    pub fn parse(text: &str) -> Result<Rate> {
        let (int, frac) = match text.split_once('.') {
            Some((i, f)) => (i, Some(f)),
            None => (text, None),
        };
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(int) || frac.is_some_and(|f| !digits(f)) {
            return Err(Error::new(Code::InstallmentsRateFormat));
        }
        if int.len() > 1 && int.starts_with('0') {
            return Err(Error::new(Code::InstallmentsRateFormat).detail("leading zeros"));
        }
        let frac = frac.unwrap_or("");
        if frac.len() > Rate::DECIMALS {
            return Err(Error::new(Code::InstallmentsRateTooManyDecimals));
        }
        // Four integer digits are at least 1000 %; stopping here keeps the sum below in range.
        if int.len() > 3 {
            return Err(Error::new(Code::InstallmentsRateTooHigh));
        }
        let mut units: u32 = 0;
        for b in int.bytes().chain(frac.bytes()) {
            units = units * 10 + u32::from(b - b'0');
        }
        for _ in frac.len()..Rate::DECIMALS {
            units *= 10;
        }
        if i128::from(units) > HUNDRED_PERCENT {
            return Err(Error::new(Code::InstallmentsRateTooHigh));
        }
        Ok(Rate(units))
    }

    /// Ten-thousandths of a percent.
    pub fn units(self) -> u32 {
        self.0
    }
}

/// Who pays the commission (docs/cards-installments.md §3.1–3.2). Always explicit: the two
/// pass-through formulas differ (10 % on 1000.00 is 1100.00 as a markup, 1111.11 grossed up).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The customer pays the amount; the merchant bears the rate ("peşin fiyatına taksit").
    Absorb,
    /// total = amount × (1 + r): the rate is a customer-facing surcharge (Param, iyzico).
    Markup,
    /// total = amount / (1 − r): the merchant nets the amount after the bank deducts r of the
    /// total (EticSoft, CP.VPOS).
    Grossup,
}

impl Mode {
    pub const NAMES: &'static [&'static str] = &["absorb", "markup", "grossup"];

    pub fn parse(s: &str) -> Option<Mode> {
        match s {
            "absorb" => Some(Mode::Absorb),
            "markup" => Some(Mode::Markup),
            "grossup" => Some(Mode::Grossup),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Mode::Absorb => "absorb",
            Mode::Markup => "markup",
            Mode::Grossup => "grossup",
        }
    }

    /// Whether `rate` can be used in this mode: gross-up divides by 1 − r.
    pub fn check(self, rate: Rate) -> Result<()> {
        if self == Mode::Grossup && i128::from(rate.0) >= HUNDRED_PERCENT {
            return Err(Error::new(Code::InstallmentsGrossupRate));
        }
        Ok(())
    }
}

/// The priced amount, in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Price {
    /// What the customer is charged.
    pub total: i64,
    /// `total − amount` (markup, grossup: the fee line on the order), or for absorb the
    /// merchant's cost `amount × r`.
    pub commission: i64,
    /// For absorb only: `amount − commission`, what the merchant keeps.
    pub merchant_net: Option<i64>,
}

/// `n / d` rounded half-up, for `n ≥ 0`, `d > 0`.
fn div_half_up(n: i128, d: i128) -> i128 {
    (2 * n + d) / (2 * d)
}

/// Prices `amount` (minor units, 0 ≤ amount ≤ [`MAX_MINOR`]) at `rate` in `mode`, rounding the
/// exact result half-up once. A total above [`MAX_MINOR`] is `money.too_large`.
pub fn price(amount: i64, rate: Rate, mode: Mode) -> Result<Price> {
    mode.check(rate)?;
    let a = i128::from(amount);
    let r = i128::from(rate.0);
    let (total, commission) = match mode {
        Mode::Absorb => (a, div_half_up(a * r, HUNDRED_PERCENT)),
        Mode::Markup => {
            let total = div_half_up(a * (HUNDRED_PERCENT + r), HUNDRED_PERCENT);
            (total, total - a)
        }
        Mode::Grossup => {
            let total = div_half_up(a * HUNDRED_PERCENT, HUNDRED_PERCENT - r);
            (total, total - a)
        }
    };
    let fits = |v: i128| i64::try_from(v).ok().filter(|v| (0..=MAX_MINOR).contains(v));
    let (Some(total), Some(commission)) = (fits(total), fits(commission)) else {
        return Err(Error::new(Code::MoneyTooLarge).detail("the total with commission is too large"));
    };
    let merchant_net = (mode == Mode::Absorb).then_some(amount - commission);
    Ok(Price { total, commission, merchant_net })
}

/// A total in `count` installments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Split {
    /// `floor(total / count)`: every installment but the first.
    pub per_installment: i64,
    /// `per_installment` plus the remainder, so that the parts sum to the total exactly.
    pub first: i64,
}

/// Splits `total` into `count` installments (a count of 0 is treated as 1).
pub fn split(total: i64, count: u8) -> Split {
    let n = i64::from(count.max(1));
    let per_installment = total / n;
    Split { per_installment, first: total - per_installment * (n - 1) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn rate(s: &str) -> Rate {
        Rate::parse(s).unwrap()
    }

    fn code(s: &str) -> &'static str {
        Rate::parse(s).unwrap_err().code.as_str()
    }

    #[test]
    fn rates_parse_strictly_into_integer_units() {
        assert_eq!(rate("2.49").units(), 24_900);
        assert_eq!(rate("0").units(), 0);
        assert_eq!(rate("12.5").units(), 125_000);
        assert_eq!(rate("0.0001").units(), 1);
        assert_eq!(rate("100").units(), 1_000_000);
        assert_eq!(rate("100.0000").units(), 1_000_000);
        for bad in ["", ".5", "5.", "1,5", "-1", "+1", " 1", "1 ", "1e2", "2.4.9", "٣", "007", "00.5", "%5", "0x1"] {
            assert_eq!(code(bad), "installments.rate_format", "{bad:?}");
        }
        assert_eq!(code("2.49001"), "installments.rate_too_many_decimals");
        assert_eq!(code("0.00000"), "installments.rate_too_many_decimals");
        assert_eq!(code("100.0001"), "installments.rate_too_high");
        assert_eq!(code("1000"), "installments.rate_too_high");
        assert_eq!(code(&"9".repeat(40)), "installments.rate_too_high");
    }

    #[test]
    fn known_values() {
        // Issue #3 and docs/cards-installments.md §3.2: 1000.00 at 10 %.
        assert_eq!(price(100_000, rate("10"), Mode::Markup).unwrap().total, 110_000);
        assert_eq!(price(100_000, rate("10"), Mode::Grossup).unwrap().total, 111_111);
        let absorb = price(100_000, rate("10"), Mode::Absorb).unwrap();
        assert_eq!(absorb, Price { total: 100_000, commission: 10_000, merchant_net: Some(90_000) });
        // 1000.00 in 3 at 2.5 % markup: 1025.00 = 341.68 + 341.66 + 341.66.
        let p = price(100_000, rate("2.5"), Mode::Markup).unwrap();
        assert_eq!((p.total, p.commission, p.merchant_net), (102_500, 2_500, None));
        assert_eq!(split(p.total, 3), Split { per_installment: 34_166, first: 34_168 });
        // A gross-up at 2.49 % of 100.00: 10000 / 0.9751 = 10255.358… → 102.55.
        assert_eq!(price(10_000, rate("2.49"), Mode::Grossup).unwrap().total, 10_255);
    }

    #[test]
    fn rounding_is_half_up_on_the_exact_value() {
        // 0.01 × 1.5 = 0.015 → 0.02; 0.01 × 1.499999 = 0.01499999 → 0.01.
        assert_eq!(price(1, rate("50"), Mode::Markup).unwrap().total, 2);
        assert_eq!(price(1, rate("49.9999"), Mode::Markup).unwrap().total, 1);
        // 0.01 / 0.4 = 0.025 → 0.03; 0.01 / 0.400001 = 0.0249999… → 0.02.
        assert_eq!(price(1, rate("60"), Mode::Grossup).unwrap().total, 3);
        assert_eq!(price(1, rate("59.9999"), Mode::Grossup).unwrap().total, 2);
        // Absorb: the merchant's cost rounds the same way: 0.01 × 50 % = 0.005 → 0.01.
        assert_eq!(price(1, rate("50"), Mode::Absorb).unwrap().merchant_net, Some(0));
        assert_eq!(price(1, rate("49.9999"), Mode::Absorb).unwrap().commission, 0);
        // JPY has no minor unit: 1000 × 1.0005 = 1000.5 → 1001; 999 × 1.0005 = 999.4995 → 999.
        assert_eq!(price(1000, rate("0.05"), Mode::Markup).unwrap().total, 1001);
        assert_eq!(price(999, rate("0.05"), Mode::Markup).unwrap().total, 999);
    }

    #[test]
    fn limits_of_each_mode() {
        assert_eq!(price(100, rate("100"), Mode::Grossup).unwrap_err().code, Code::InstallmentsGrossupRate);
        assert_eq!(Mode::Grossup.check(rate("99.9999")), Ok(()));
        assert_eq!(price(100, rate("100"), Mode::Markup).unwrap().total, 200);
        assert_eq!(price(100, rate("100"), Mode::Absorb).unwrap().merchant_net, Some(0));
        assert_eq!(price(MAX_MINOR, rate("1"), Mode::Markup).unwrap_err().code, Code::MoneyTooLarge);
        assert_eq!(price(1_000_000, rate("99.9999"), Mode::Grossup).unwrap().total, 1_000_000_000_000);
        assert_eq!(price(MAX_MINOR, rate("99.9999"), Mode::Grossup).unwrap_err().code, Code::MoneyTooLarge);
        assert_eq!(price(MAX_MINOR, rate("100"), Mode::Absorb).unwrap().total, MAX_MINOR);
        assert_eq!(split(5, 0), Split { per_installment: 5, first: 5 });
        assert_eq!(split(1, 18), Split { per_installment: 0, first: 1 });
    }

    fn any_mode() -> impl Strategy<Value = Mode> {
        prop_oneof![Just(Mode::Absorb), Just(Mode::Markup), Just(Mode::Grossup)]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Issue #3: amounts 0.01 … 10,000,000.00, counts 1–18, rates 0–50 %, every mode.
        #[test]
        fn installments_sum_to_the_total(amount in 1i64..=1_000_000_000, units in 0u32..=500_000, count in 1u8..=18, mode in any_mode()) {
            let p = price(amount, Rate(units), mode).unwrap();
            let s = split(p.total, count);
            prop_assert_eq!(s.first + s.per_installment * (i64::from(count) - 1), p.total);
            prop_assert!(s.first >= s.per_installment && s.first - s.per_installment < i64::from(count));
            match mode {
                Mode::Absorb => {
                    prop_assert_eq!(p.total, amount);
                    prop_assert_eq!(p.merchant_net.unwrap() + p.commission, amount);
                }
                _ => {
                    prop_assert_eq!(p.commission, p.total - amount);
                    prop_assert_eq!(p.merchant_net, None);
                }
            }
        }

        #[test]
        fn totals_are_monotone_in_the_rate(amount in 1i64..=1_000_000_000, a in 0u32..=500_000, b in 0u32..=500_000, mode in any_mode()) {
            let (lo, hi) = (Rate(a.min(b)), Rate(a.max(b)));
            let (p_lo, p_hi) = (price(amount, lo, mode).unwrap(), price(amount, hi, mode).unwrap());
            prop_assert!(p_lo.total <= p_hi.total);
            prop_assert!(p_lo.commission <= p_hi.commission);
        }

        /// Gross-up is never below markup at the same rate: 1/(1−r) ≥ 1+r.
        #[test]
        fn grossup_is_at_least_markup(amount in 1i64..=1_000_000_000, units in 0u32..=500_000) {
            let m = price(amount, Rate(units), Mode::Markup).unwrap().total;
            let g = price(amount, Rate(units), Mode::Grossup).unwrap().total;
            prop_assert!(g >= m);
        }

        #[test]
        fn rate_parse_round_trips(units in 0u32..=1_000_000) {
            let text = format!("{}.{:04}", units / 10_000, units % 10_000);
            prop_assert_eq!(Rate::parse(&text).unwrap(), Rate(units));
        }

        #[test]
        fn rate_parse_never_panics(s in "\\PC{0,16}") {
            let _ = Rate::parse(&s);
        }
    }
}
