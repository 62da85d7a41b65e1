//! Calendar dates passed in by the caller. The core never reads a clock: `today` (and later `now`)
//! come in the request, which keeps every answer reproducible.

use crate::error::{Code, Error, Result};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD` (years 1900–9999), checking the day against the month.
    pub fn parse(s: &str) -> Result<Date> {
        let invalid = || Error::new(Code::DateInvalid);
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return Err(invalid());
        }
        let num = |range: std::ops::Range<usize>| -> Result<u16> {
            b[range].iter().try_fold(0u16, |acc, &c| {
                if c.is_ascii_digit() {
                    Ok(acc * 10 + u16::from(c - b'0'))
                } else {
                    Err(invalid())
                }
            })
        };
        let (year, month, day) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if year < 1900 || !(1..=12).contains(&month) {
            return Err(invalid());
        }
        let date = Date { year, month: month as u8, day: day as u8 };
        if day == 0 || date.day > days_in_month(year, date.month) {
            return Err(invalid());
        }
        Ok(date)
    }
}

pub fn is_leap_year(year: u16) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        2 if is_leap_year(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_valid_dates_only() {
        assert_eq!(Date::parse("2026-11-27").unwrap(), Date { year: 2026, month: 11, day: 27 });
        assert!(Date::parse("2024-02-29").is_ok());
        assert!(Date::parse("2000-02-29").is_ok());
        for bad in [
            "2026-02-29",
            "1900-02-29",
            "2026-13-01",
            "2026-00-10",
            "2026-04-31",
            "2026-1-01",
            "26-11-27",
            "2026/11/27",
            "",
            "2026-11-27T00:00",
            "202a-11-27",
            "+026-11-27",
            "1899-12-31",
            "2026-11-٢٧",
        ] {
            assert_eq!(Date::parse(bad).unwrap_err().code, Code::DateInvalid, "{bad:?}");
        }
    }
}
