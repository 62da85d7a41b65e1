//! PHP's `strnatcasecmp` (ext/standard/strnatcmp.c, `strnatcmp_ex` with case folding), which
//! NestPay ver3 uses through `ksort($fields, SORT_NATURAL | SORT_FLAG_CASE)` to order the hashed
//! fields. Reimplemented from its documented behaviour: leading zeros skipped at the start,
//! whitespace runs skipped, digit runs compared by value (or left-aligned when one starts with
//! `0`), other bytes compared after ASCII upper-casing — so `_` (0x5F) sorts after letters.

use std::cmp::Ordering;

/// Byte at `i`, or 0 past the end (PHP strings are NUL-terminated and the C code reads it).
fn at(s: &[u8], i: usize) -> u8 {
    s.get(i).copied().unwrap_or(0)
}

pub fn strnatcasecmp(a: &str, b: &str) -> Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.is_empty() || b.is_empty() {
        return a.len().cmp(&b.len());
    }
    let (mut ai, mut bi) = (0usize, 0usize);
    let mut leading = true;
    loop {
        let (mut ca, mut cb) = (at(a, ai), at(b, bi));
        if leading {
            while ca == b'0' && ai + 1 < a.len() && at(a, ai + 1).is_ascii_digit() {
                ai += 1;
                ca = at(a, ai);
            }
            while cb == b'0' && bi + 1 < b.len() && at(b, bi + 1).is_ascii_digit() {
                bi += 1;
                cb = at(b, bi);
            }
            leading = false;
        }
        while is_space(ca) {
            ai += 1;
            ca = at(a, ai);
        }
        while is_space(cb) {
            bi += 1;
            cb = at(b, bi);
        }
        if ca.is_ascii_digit() && cb.is_ascii_digit() {
            let fractional = ca == b'0' || cb == b'0';
            let result =
                if fractional { compare_left(a, &mut ai, b, &mut bi) } else { compare_right(a, &mut ai, b, &mut bi) };
            if result != Ordering::Equal {
                return result;
            }
            match (ai >= a.len(), bi >= b.len()) {
                (true, true) => return Ordering::Equal,
                (true, false) => return Ordering::Less,
                (false, true) => return Ordering::Greater,
                _ => {
                    ca = at(a, ai);
                    cb = at(b, bi);
                }
            }
        }
        let (ua, ub) = (ca.to_ascii_uppercase(), cb.to_ascii_uppercase());
        if ua != ub {
            return ua.cmp(&ub);
        }
        ai += 1;
        bi += 1;
        match (ai >= a.len(), bi >= b.len()) {
            (true, true) => return Ordering::Equal,
            (true, false) => return Ordering::Less,
            (false, true) => return Ordering::Greater,
            _ => {}
        }
    }
}

/// C `isspace` in the "C" locale.
fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

fn digit_at(s: &[u8], i: usize) -> bool {
    i < s.len() && s[i].is_ascii_digit()
}

/// Right-aligned integers: the longer run wins, else the first differing digit.
fn compare_right(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    let mut bias = Ordering::Equal;
    loop {
        match (digit_at(a, *ai), digit_at(b, *bi)) {
            (false, false) => return bias,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                if bias == Ordering::Equal {
                    bias = a[*ai].cmp(&b[*bi]);
                }
            }
        }
        *ai += 1;
        *bi += 1;
    }
}

/// Left-aligned (fractional) digit runs: the first differing digit wins.
fn compare_left(a: &[u8], ai: &mut usize, b: &[u8], bi: &mut usize) -> Ordering {
    loop {
        match (digit_at(a, *ai), digit_at(b, *bi)) {
            (false, false) => return Ordering::Equal,
            (false, true) => return Ordering::Less,
            (true, false) => return Ordering::Greater,
            (true, true) => {
                let o = a[*ai].cmp(&b[*bi]);
                if o != Ordering::Equal {
                    return o;
                }
            }
        }
        *ai += 1;
        *bi += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Ordering::*;

    #[test]
    fn php_documented_behaviour() {
        // Examples from the PHP manual and php-src tests (ext/standard/tests/strings/strnatcasecmp*.phpt).
        assert_eq!(strnatcasecmp("img12.png", "img10.png"), Greater);
        assert_eq!(strnatcasecmp("img2.png", "img10.png"), Less);
        assert_eq!(strnatcasecmp("IMG2.png", "img10.png"), Less);
        assert_eq!(strnatcasecmp("Hello", "hello"), Equal);
        assert_eq!(strnatcasecmp("", "a"), Less);
        assert_eq!(strnatcasecmp("a", ""), Greater);
        assert_eq!(strnatcasecmp("", ""), Equal);
        assert_eq!(strnatcasecmp("x01", "x1"), Less, "left-aligned when a run starts with 0");
        assert_eq!(strnatcasecmp("007", "7"), Equal, "leading zeros skipped at the start");
        assert_eq!(strnatcasecmp("a  b", "a b"), Equal, "whitespace runs skipped");
        assert_eq!(strnatcasecmp("1.010", "1.001"), Greater);
    }

    #[test]
    fn underscore_sorts_after_letters() {
        assert_eq!(strnatcasecmp("Ecom_Payment", "EcomPayment"), Greater);
        assert_eq!(strnatcasecmp("a_b", "aB"), Greater);
        assert_eq!(strnatcasecmp("BillToName", "amount"), Greater);
        assert_eq!(strnatcasecmp("callbackUrl", "clientid"), Less);
    }
}
