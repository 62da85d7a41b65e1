//! Field values as banks see them: raw callback bytes, PHP string casts, URL-encoded bodies and
//! Turkish ISO-8859-9.

use crate::error::{Code, Error, Result};
use serde_json::{Map, Value};

/// Most fields a callback may carry, and the longest field value accepted.
pub const MAX_POST_FIELDS: usize = 400;
pub const MAX_POST_VALUE_BYTES: usize = 64 * 1024;

/// A bank callback exactly as posted: original key case, values as raw bytes (a bank may post
/// ISO-8859-9 text, and its hash is over the bytes it sent). Key lookups are case-sensitive.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawPost {
    entries: Vec<(String, Vec<u8>)>,
}

impl RawPost {
    /// From a JSON object of string values (`null` counts as empty, numbers and booleans as PHP
    /// would cast them); the field path is used in errors.
    pub fn from_json(map: &Map<String, Value>, field: &str) -> Result<RawPost> {
        if map.len() > MAX_POST_FIELDS {
            return Err(Error::new(Code::RequestTooLong).at(field).detail(format!("at most {MAX_POST_FIELDS} fields")));
        }
        let mut entries = Vec::with_capacity(map.len());
        for (k, v) in map {
            let text = php_string(v).ok_or_else(|| {
                Error::new(Code::RequestInvalidType).at(format!("{field}.{k}")).detail("callback values are strings")
            })?;
            if text.len() > MAX_POST_VALUE_BYTES {
                return Err(Error::new(Code::RequestTooLong).at(format!("{field}.{k}")));
            }
            entries.push((k.clone(), text.into_bytes()));
        }
        Ok(RawPost { entries })
    }

    /// From the raw `application/x-www-form-urlencoded` request body (`php://input`).
    pub fn from_urlencoded(body: &str, field: &str) -> Result<RawPost> {
        let mut entries = Vec::new();
        for pair in body.split('&').filter(|p| !p.is_empty()) {
            if entries.len() >= MAX_POST_FIELDS {
                return Err(Error::new(Code::RequestTooLong)
                    .at(field)
                    .detail(format!("at most {MAX_POST_FIELDS} fields")));
            }
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let key = String::from_utf8(percent_decode(k))
                .map_err(|_| Error::new(Code::RequestInvalidValue).at(field).detail("a field name is not UTF-8"))?;
            let value = percent_decode(v);
            if value.len() > MAX_POST_VALUE_BYTES {
                return Err(Error::new(Code::RequestTooLong).at(field));
            }
            // PHP keeps the last of repeated keys.
            entries.retain(|(existing, _)| *existing != key);
            entries.push((key, value));
        }
        Ok(RawPost { entries })
    }

    pub fn from_pairs<K: Into<String>, V: Into<Vec<u8>>>(pairs: impl IntoIterator<Item = (K, V)>) -> RawPost {
        RawPost { entries: pairs.into_iter().map(|(k, v)| (k.into(), v.into())).collect() }
    }

    /// The value's bytes, empty when absent.
    pub fn bytes(&self, key: &str) -> &[u8] {
        self.entries.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_slice()).unwrap_or(&[])
    }

    /// The value as text (UTF-8, or ISO-8859-9 when it is not valid UTF-8), empty when absent.
    pub fn text(&self, key: &str) -> String {
        decode_text(self.bytes(key))
    }

    /// The value as text when present and not empty.
    pub fn opt_text(&self, key: &str) -> Option<String> {
        let b = self.bytes(key);
        (!b.is_empty()).then(|| decode_text(b))
    }

    pub fn contains(&self, key: &str) -> bool {
        self.entries.iter().any(|(k, _)| k == key)
    }

    /// First key equal to `key` ignoring ASCII case.
    pub fn find_key_ignore_case(&self, key: &str) -> Option<&str> {
        self.entries.iter().find(|(k, _)| k.eq_ignore_ascii_case(key)).map(|(k, _)| k.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v.as_slice()))
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The values of `names` in that order (an absent field counts as empty), then `secret`: the
    /// plain text of the fixed-list and `HASHPARAMS` signature recipes.
    pub fn concat<'a>(&self, names: impl IntoIterator<Item = &'a str>, secret: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for name in names {
            out.extend_from_slice(self.bytes(name));
        }
        out.extend_from_slice(secret.as_bytes());
        out
    }

    /// The values of the fields named in `HASHPARAMS` (`a:b:c:`), then `secret`.
    pub fn hashparams_concat(&self, secret: &str) -> Vec<u8> {
        self.concat(self.text("HASHPARAMS").split(':'), secret)
    }
}

/// Decodes `application/x-www-form-urlencoded` text (`+` is a space; a malformed `%` stays as written).
pub fn percent_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < b.len() => match (hex_val(b[i + 1]), hex_val(b[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push(h << 4 | l);
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            c => out.push(c),
        }
        i += 1;
    }
    out
}

fn hex_val(c: u8) -> Option<u8> {
    match c {
        b'0'..=b'9' => Some(c - b'0'),
        b'a'..=b'f' => Some(c - b'a' + 10),
        b'A'..=b'F' => Some(c - b'A' + 10),
        _ => None,
    }
}

/// Encodes a form body the way browsers and PHP's `http_build_query` do (RFC 1738: space as `+`).
pub fn urlencode_pairs<'a>(pairs: impl IntoIterator<Item = (&'a str, &'a str)>) -> String {
    let mut out = String::new();
    for (k, v) in pairs {
        if !out.is_empty() {
            out.push('&');
        }
        urlencode_into(&mut out, k.as_bytes());
        out.push('=');
        urlencode_into(&mut out, v.as_bytes());
    }
    out
}

/// One value encoded as in a form body.
pub fn urlencode(s: &str) -> String {
    urlencode_bytes(s.as_bytes())
}

/// Percent-encodes bytes for a form body (for values in a charset other than UTF-8, such as
/// ISO-8859-9 XML posted as `xmldata=…`).
pub fn urlencode_bytes(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len());
    urlencode_into(&mut out, bytes);
    out
}

fn urlencode_into(out: &mut String, s: &[u8]) {
    for &b in s {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => out.push(char::from(b)),
            b' ' => out.push('+'),
            _ => {
                out.push('%');
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b >> 4)]));
                out.push(char::from(b"0123456789ABCDEF"[usize::from(b & 15)]));
            }
        }
    }
}

/// A JSON scalar as PHP's `(string)` cast gives it: `null` → `""`, `true` → `"1"`, `false` → `""`,
/// integers in decimal, floats in their shortest round-trip form without a trailing `.0`
/// (`100.0` → `"100"`). `None` for arrays and objects.
pub fn php_string(v: &Value) -> Option<String> {
    match v {
        Value::Null => Some(String::new()),
        Value::Bool(true) => Some("1".into()),
        Value::Bool(false) => Some(String::new()),
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.to_string(),
            (None, Some(u)) => u.to_string(),
            _ => {
                let s = n.to_string();
                s.strip_suffix(".0").map(str::to_string).unwrap_or(s)
            }
        }),
        Value::Array(_) | Value::Object(_) => None,
    }
}

/// A JSON answer's field as PHP would string-cast it; empty when absent, an array or an object.
pub fn json_field(map: &Map<String, Value>, key: &str) -> String {
    map.get(key).and_then(php_string).unwrap_or_default()
}

/// Bytes as text: UTF-8 when valid, otherwise ISO-8859-9 (what Turkish bank pages post).
pub fn decode_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => iso8859_9_decode(bytes),
    }
}

/// ISO-8859-9 (Latin-5) differs from Latin-1 in six places, all Turkish letters.
const LATIN5: [(u8, char); 6] = [(0xD0, 'Ğ'), (0xDD, 'İ'), (0xDE, 'Ş'), (0xF0, 'ğ'), (0xFD, 'ı'), (0xFE, 'ş')];

pub fn iso8859_9_decode(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| LATIN5.iter().find(|(x, _)| *x == b).map_or(char::from(b), |(_, c)| *c)).collect()
}

/// Encodes text in ISO-8859-9; characters outside it become `?` (as PHP's `mb_convert_encoding` does).
pub fn iso8859_9_encode(text: &str) -> Vec<u8> {
    // Most bank messages are ASCII, which is the same bytes in both encodings.
    if text.is_ascii() {
        return text.as_bytes().to_vec();
    }
    text.chars()
        .map(|c| match LATIN5.iter().find(|(_, x)| *x == c) {
            Some((b, _)) => *b,
            // Latin-1, but for the six places Latin-5 gives to Turkish letters.
            None => match u8::try_from(u32::from(c)) {
                Ok(b) if !LATIN5.iter().any(|(x, _)| *x == b) => b,
                _ => b'?',
            },
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn php_casts() {
        assert_eq!(php_string(&json!(null)).unwrap(), "");
        assert_eq!(php_string(&json!(10025)).unwrap(), "10025");
        assert_eq!(php_string(&json!(100.01)).unwrap(), "100.01");
        assert_eq!(php_string(&json!(100.0)).unwrap(), "100");
        assert_eq!(php_string(&json!(true)).unwrap(), "1");
        assert_eq!(php_string(&json!([1])), None);
    }

    #[test]
    fn urlencoded_bodies() {
        let p = RawPost::from_urlencoded(
            "a=1&b=x+y%2Bz&empty=&flag&okUrl=http%3A%2F%2Fx%2F&bad=%zz&msg=%DDade&a=2",
            "post_body",
        )
        .unwrap();
        assert_eq!(p.text("a"), "2", "the last repeated key wins");
        assert_eq!(p.text("b"), "x y+z");
        assert!(p.contains("empty") && p.bytes("empty").is_empty());
        assert!(p.contains("flag"));
        assert_eq!(p.text("okUrl"), "http://x/");
        assert_eq!(p.text("bad"), "%zz");
        assert_eq!(p.bytes("msg"), b"\xDDade");
        assert_eq!(p.text("msg"), "İade", "invalid UTF-8 is read as ISO-8859-9");
        assert_eq!(p.text("missing"), "");
        assert_eq!(RawPost::from_urlencoded("x=%", "p").unwrap().text("x"), "%");
        assert_eq!(RawPost::from_urlencoded("x=%4", "p").unwrap().text("x"), "%4");
    }

    #[test]
    fn urlencode_round_trip() {
        let body = urlencode_pairs([("a b", "ç/ş&="), ("x", "")]);
        assert_eq!(body, "a+b=%C3%A7%2F%C5%9F%26%3D&x=");
        let p = RawPost::from_urlencoded(&body, "p").unwrap();
        assert_eq!(p.text("a b"), "ç/ş&=");
    }

    #[test]
    fn latin5() {
        assert_eq!(iso8859_9_encode("İşÇğüÖ?€"), b"\xDD\xFE\xC7\xF0\xFC\xD6??".to_vec());
        assert_eq!(iso8859_9_decode(b"\xDD\xFE\xC7\xF0\xFC\xD6"), "İşÇğüÖ");
        assert_eq!(iso8859_9_encode("\u{D0}"), b"?", "Latin-1 Ð is not in Latin-5");
    }
}
