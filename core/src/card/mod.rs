//! Card numbers, expiry dates and security codes.
//!
//! A PAN never leaves this module unmasked except through [`Pan::digits`], which bank modules use
//! to fill a form field. Nothing here logs or stores anything.

pub mod brand;

use crate::date::{days_in_month, Date};
use crate::error::{Code, Error, Result};
pub use brand::{Brand, BrandInfo, Detection};

/// The longest PAN ISO/IEC 7812 allows.
pub const MAX_PAN_DIGITS: usize = 19;
/// The shortest PAN any scheme issues (Maestro).
pub const MIN_PAN_DIGITS: usize = 12;
/// Card validity accepted into the future, in years (Braintree card-validator uses 19).
pub const MAX_YEARS_AHEAD: u16 = 20;

/// A card number reduced to its digits. Its `Debug` output is masked.
#[derive(Clone, PartialEq, Eq)]
pub struct Pan(String);

impl std::fmt::Debug for Pan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Pan({})", self.masked())
    }
}

impl Pan {
    /// Normalises user input: spaces and dashes are dropped, anything else but ASCII digits is
    /// rejected. Checks only that 1–19 digits remain; completeness is judged by [`check_number`].
    pub fn normalize(input: &str) -> Result<Pan> {
        if input.len() > 64 {
            return Err(Code::CardTooLong.into());
        }
        let mut digits = String::with_capacity(MAX_PAN_DIGITS);
        for c in input.chars() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' => {}
                _ => return Err(Code::CardInvalidCharacters.into()),
            }
        }
        if digits.is_empty() {
            return Err(Code::CardEmpty.into());
        }
        if digits.len() > MAX_PAN_DIGITS {
            return Err(Code::CardTooLong.into());
        }
        Ok(Pan(digits))
    }

    pub fn digits(&self) -> &str {
        &self.0
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// First six and last four digits, the rest as `*` (PCI DSS display rule). Numbers too short
    /// to keep ten digits visible show only their last four.
    pub fn masked(&self) -> String {
        let (d, n) = (&self.0, self.0.len());
        if n >= 13 {
            format!("{}{}{}", &d[..6], "*".repeat(n - 10), &d[n - 4..])
        } else {
            format!("{}{}", "*".repeat(n.saturating_sub(4)), &d[n.saturating_sub(4)..])
        }
    }

    /// The first 8 digits (or fewer when the number is shorter).
    pub fn bin8(&self) -> &str {
        &self.0[..self.0.len().min(8)]
    }

    pub fn last4(&self) -> &str {
        &self.0[self.0.len().saturating_sub(4)..]
    }

    pub fn luhn_valid(&self) -> bool {
        luhn_valid(&self.0)
    }

    pub fn detect_brand(&self) -> Detection {
        brand::detect(&self.0)
    }
}

/// The Luhn (mod 10) check over ASCII digits.
pub fn luhn_valid(digits: &str) -> bool {
    let mut sum = 0u32;
    for (i, b) in digits.bytes().rev().enumerate() {
        let mut d = u32::from(b.wrapping_sub(b'0'));
        if d > 9 {
            return false;
        }
        if i % 2 == 1 {
            d *= 2;
            if d > 9 {
                d -= 9;
            }
        }
        sum += d;
    }
    !digits.is_empty() && sum % 10 == 0
}

/// Checks a complete PAN: a known scheme, a length that scheme issues, and the Luhn digit
/// (except for UnionPay). Returns the scheme.
pub fn check_number(pan: &Pan) -> Result<Brand> {
    if pan.len() < MIN_PAN_DIGITS {
        return Err(Code::CardTooShort.into());
    }
    let brand = match pan.detect_brand() {
        Detection::Brand(b) => b,
        _ => return Err(Code::CardUnknownBrand.into()),
    };
    let info = brand.info();
    if !info.lengths.contains(&pan.len()) {
        return Err(
            Error::new(Code::CardLength).detail(format!("{} numbers have {:?} digits", info.name, info.lengths))
        );
    }
    if info.luhn_required && !pan.luhn_valid() {
        return Err(Code::CardLuhn.into());
    }
    Ok(brand)
}

/// A card's printed expiry month.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Expiry {
    pub month: u8,
    pub year: u16,
}

impl Expiry {
    /// Parses `MM/YY` or `MM/YYYY`; spaces around the slash are allowed (`12 / 30`).
    pub fn parse(text: &str) -> Result<Expiry> {
        let (m, y) = text.split_once('/').ok_or(Error::new(Code::CardExpiryFormat))?;
        Expiry::from_parts(m.trim(), y.trim())
    }

    /// Builds an expiry from separate month (`1`–`12`, one or two digits) and year (`YY` or `YYYY`) fields.
    pub fn from_parts(month: &str, year: &str) -> Result<Expiry> {
        let bad = || Error::new(Code::CardExpiryFormat);
        let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
        if !digits(month) || month.len() > 2 || !digits(year) || !(year.len() == 2 || year.len() == 4) {
            return Err(bad());
        }
        let month: u8 = month.parse().map_err(|_| bad())?;
        let mut year: u16 = year.parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) {
            return Err(bad());
        }
        if year < 100 {
            year += 2000;
        }
        Ok(Expiry { month, year })
    }

    /// The last day on which the card is valid: the end of its printed month.
    pub fn last_valid_day(&self) -> Date {
        Date { year: self.year, month: self.month, day: days_in_month(self.year, self.month) }
    }

    /// Valid through the last day of the printed month, and not implausibly far ahead.
    pub fn check(&self, today: Date) -> Result<()> {
        if self.last_valid_day() < today {
            return Err(Code::CardExpired.into());
        }
        if self.year > today.year + MAX_YEARS_AHEAD {
            return Err(Code::CardExpiryTooFar.into());
        }
        Ok(())
    }

    /// `MM` and `YY`, the way most bank forms want them.
    pub fn mm(&self) -> String {
        format!("{:02}", self.month)
    }

    pub fn yy(&self) -> String {
        format!("{:02}", self.year % 100)
    }

    pub fn yyyy(&self) -> String {
        format!("{:04}", self.year)
    }
}

/// Checks a security code: digits only, and the scheme's length (3, or 4 for Amex). With an
/// unknown scheme either length is accepted.
pub fn check_cvv(cvv: &str, brand: Option<Brand>) -> Result<()> {
    if cvv.is_empty() || !cvv.bytes().all(|b| b.is_ascii_digit()) {
        return Err(Code::CardCvvFormat.into());
    }
    let ok = match brand {
        Some(b) => cvv.len() == b.info().cvv_length,
        None => cvv.len() == 3 || cvv.len() == 4,
    };
    if ok {
        Ok(())
    } else {
        Err(Code::CardCvvLength.into())
    }
}

#[cfg(test)]
mod tests;
