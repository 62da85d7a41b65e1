//! The simulated bank's clock and its source of unpredictable identifiers (session ids, 3D
//! transaction ids). Unlike the core, a bank has both.

use sanalpos_core::date::DateTime;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};
use std::time::{SystemTime, UNIX_EPOCH};

/// Now, as ISO-8601 in UTC (`2026-11-27T07:00:00.123Z`).
pub fn now_iso() -> String {
    let elapsed = SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = i64::try_from(elapsed.as_secs()).unwrap_or(0);
    let (days, rest) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}Z",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60,
        elapsed.subsec_millis()
    )
}

/// Now in Turkish time, formatted with the core's date tokens (`yyyyMMdd HH:mm:ss`).
pub fn turkish(pattern: &str) -> String {
    DateTime::parse(&now_iso()).map(|t| t.format(pattern)).unwrap_or_default()
}

/// (year, month, day) of a day count since 1970-01-01 (H. Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    (yoe + era * 400 + i64::from(month <= 2), month, day)
}

/// 64 unpredictable bits (the standard library's per-process random hash keys).
pub fn random_u64() -> u64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).unwrap_or_default().as_nanos());
    h.finish()
}

/// `n` random bytes.
pub fn random_bytes(n: usize) -> Vec<u8> {
    (0..n.div_ceil(8)).flat_map(|_| random_u64().to_le_bytes()).take(n).collect()
}

/// `n` random upper-case hex characters.
pub fn random_hex(n: usize) -> String {
    random_bytes(n.div_ceil(2)).iter().map(|b| format!("{b:02X}")).collect::<String>()[..n].to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(20_784), (2026, 11, 27));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29));
    }

    #[test]
    fn iso_now_parses_and_ids_differ() {
        assert!(DateTime::parse(&now_iso()).is_ok());
        assert_eq!(random_hex(24).len(), 24);
        assert_ne!(random_hex(32), random_hex(32));
    }
}
