//! Calendar dates passed in by the caller. The core never reads a clock: `today` (and later `now`)
//! come in the request, which keeps every answer reproducible.

use crate::error::{Code, Error, Result};
use std::fmt::Write as _;

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

/// A moment in Turkish local time (UTC+3 all year since 2016), which is what Turkish banks
/// expect in signed timestamps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct DateTime {
    pub date: Date,
    pub hour: u8,
    pub minute: u8,
    pub second: u8,
    pub millis: u16,
}

/// Turkey's offset from UTC in seconds.
const TURKEY_OFFSET: i64 = 3 * 3600;

impl DateTime {
    /// Parses ISO-8601 with an explicit offset (`2024-04-04T21:11:41+03:00`, `…Z`,
    /// `…T18:11:41.250Z`) and converts it to Turkish local time.
    pub fn parse(s: &str) -> Result<DateTime> {
        let invalid = || Error::new(Code::DateTimeInvalid);
        let b = s.as_bytes();
        if b.len() < 20 || !matches!(b[10], b'T' | b't' | b' ') || b[13] != b':' || b[16] != b':' {
            return Err(invalid());
        }
        let date = Date::parse(s.get(..10).ok_or_else(invalid)?).map_err(|_| invalid())?;
        let two = |i: usize| -> Result<i64> {
            match (b.get(i), b.get(i + 1)) {
                (Some(x @ b'0'..=b'9'), Some(y @ b'0'..=b'9')) => Ok(i64::from((x - b'0') * 10 + (y - b'0'))),
                _ => Err(invalid()),
            }
        };
        let (hour, minute, second) = (two(11)?, two(14)?, two(17)?);
        if hour > 23 || minute > 59 || second > 59 {
            return Err(invalid());
        }
        let mut i = 19;
        let mut millis = 0i64;
        if b.get(i) == Some(&b'.') {
            let start = i + 1;
            i = start;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                if i - start < 3 {
                    millis = millis * 10 + i64::from(b[i] - b'0');
                }
                i += 1;
            }
            if i == start {
                return Err(invalid());
            }
            for _ in (i - start)..3 {
                millis *= 10;
            }
        }
        let offset = match &b[i..] {
            b"Z" | b"z" => 0,
            [sign @ (b'+' | b'-'), _, _, b':', _, _] => {
                let (h, m) = (two(i + 1)?, two(i + 4)?);
                if h > 14 || m > 59 {
                    return Err(invalid());
                }
                (h * 3600 + m * 60) * if *sign == b'-' { -1 } else { 1 }
            }
            _ => return Err(invalid()),
        };
        let local = days_from_civil(date) * 86400 + hour * 3600 + minute * 60 + second - offset + TURKEY_OFFSET;
        let (days, secs) = (local.div_euclid(86400), local.rem_euclid(86400));
        let date = civil_from_days(days).ok_or_else(invalid)?;
        Ok(DateTime {
            date,
            hour: (secs / 3600) as u8,
            minute: (secs % 3600 / 60) as u8,
            second: (secs % 60) as u8,
            millis: millis as u16,
        })
    }

    /// Formats with the tokens `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` and `SSS` (milliseconds); every
    /// other character is copied (`"yyyy-MM-ddTHH:mm:ss.000"` → `2024-04-04T21:11:41.000`).
    pub fn format(&self, pattern: &str) -> String {
        let d = self.date;
        let tokens = [
            ("yyyy", u32::from(d.year), 4),
            ("MM", u32::from(d.month), 2),
            ("dd", u32::from(d.day), 2),
            ("HH", u32::from(self.hour), 2),
            ("mm", u32::from(self.minute), 2),
            ("ss", u32::from(self.second), 2),
            ("SSS", u32::from(self.millis), 3),
        ];
        let mut out = String::with_capacity(pattern.len());
        let mut rest = pattern;
        'next: while !rest.is_empty() {
            for (token, value, width) in tokens {
                if let Some(after) = rest.strip_prefix(token) {
                    let _ = write!(out, "{value:0width$}");
                    rest = after;
                    continue 'next;
                }
            }
            let mut chars = rest.chars();
            out.extend(chars.next());
            rest = chars.as_str();
        }
        out
    }
}

/// Days since 1970-01-01 (H. Hinnant's civil-from-days algorithms).
fn days_from_civil(d: Date) -> i64 {
    let y = i64::from(d.year) - i64::from(d.month <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(d.month);
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + i64::from(d.day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146097 + doe - 719468
}

fn civil_from_days(z: i64) -> Option<Date> {
    let z = z + 719468;
    let era = z.div_euclid(146097);
    let doe = z - era * 146097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    let year = yoe + era * 400 + i64::from(month <= 2);
    Some(Date { year: u16::try_from(year).ok().filter(|y| *y >= 1900)?, month, day })
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
    fn datetimes_become_turkish_local_time() {
        let t = DateTime::parse("2024-04-04T21:11:41+03:00").unwrap();
        assert_eq!((t.date, t.hour, t.minute, t.second, t.millis), (Date::parse("2024-04-04").unwrap(), 21, 11, 41, 0));
        let z = DateTime::parse("2024-12-31T22:30:00.25Z").unwrap();
        assert_eq!((z.date, z.hour, z.minute, z.millis), (Date::parse("2025-01-01").unwrap(), 1, 30, 250));
        let w = DateTime::parse("2024-03-01T01:00:00-05:00").unwrap();
        assert_eq!((w.date, w.hour), (Date::parse("2024-03-01").unwrap(), 9));
        let leap = DateTime::parse("2024-02-28T23:00:00+00:00").unwrap();
        assert_eq!((leap.date, leap.hour), (Date::parse("2024-02-29").unwrap(), 2));
        for bad in [
            "2024-04-04",
            "2024-04-04T21:11:41",
            "2024-04-04T24:00:00Z",
            "2024-04-04T21:11:41+3",
            "2024-04-04T21:11:41.Z",
            "2024-02-30T00:00:00Z",
            "2024-04-04T21:11:41+03:00x",
        ] {
            assert_eq!(DateTime::parse(bad).unwrap_err().code, Code::DateTimeInvalid, "{bad:?}");
        }
    }

    #[test]
    fn datetimes_format_with_tokens() {
        let t = DateTime::parse("2024-04-04T18:01:02.5Z").unwrap();
        assert_eq!(t.format("yyyy-MM-ddTHH:mm:ss.000"), "2024-04-04T21:01:02.000");
        assert_eq!(t.format("dd.MM.yyyy HH:mm:ss.SSS"), "04.04.2024 21:01:02.500");
        assert_eq!(t.format("yyyyMMddHHmmss"), "20240404210102");
        assert_eq!(t.format("ı y M"), "ı y M", "partial tokens and non-ASCII are copied");
    }

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
