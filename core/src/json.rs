//! JSON text out: written straight into a `String`, byte for byte as serde_json prints a
//! `serde_json::Value` — compact, the members of every object in byte order of their keys, the
//! same string escapes and number forms. The answers of every op and the JSON bodies sent to banks
//! are written with it; serde_json stays for reading. (Building a `Value` tree only to print it
//! cost the `.wasm` tens of kilobytes and every call an allocation per member.)
//!
//! ```
//! use sanalpos_core::json::Object;
//! let mut out = String::new();
//! Object::new(&mut out).field("a", "x\"y").field("b", &Some(2u32)).field("c", &None::<bool>);
//! assert_eq!(out, r#"{"a":"x\"y","b":2,"c":null}"#);
//! ```
//!
//! An [`Object`] or [`Array`] closes itself when dropped, so nesting follows scopes. Keys must be
//! written in byte order, as the `Value` maps sorted them; debug builds (every test) check it.

use serde_json::{Map, Value};

/// A value that can be written as JSON.
pub trait ToJson {
    fn write_json(&self, out: &mut String);
}

/// A JSON string: `"` and `\` escaped, control characters as `\n`-style or `\u00xx` escapes,
/// everything else (`/`, non-ASCII) as is.
pub fn string(out: &mut String, s: &str) {
    out.push('"');
    string_body(out, s);
    out.push('"');
}

/// The text of a JSON string between its quotes.
fn string_body(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    // `bytes[start..i]` is still to be copied.
    let (mut start, mut i) = (0, 0);
    while let Some(&b) = bytes.get(i) {
        // Eight bytes at a time while none needs an escape: most text never does, and under an
        // interpreter a byte-by-byte loop is most of the cost of writing an answer.
        if let Some(word) = bytes.get(i..i + 8).and_then(|w| <[u8; 8]>::try_from(w).ok()) {
            if !may_need_escape(u64::from_le_bytes(word)) {
                i += 8;
                continue;
            }
        }
        i += 1;
        let escape = match b {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..=0x1f => "",
            _ => continue,
        };
        // The byte is ASCII, so `i - 1` and `i` are character boundaries.
        out.push_str(s.get(start..i - 1).unwrap_or_default());
        if escape.is_empty() {
            let code = [b'\\', b'u', b'0', b'0', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0xf)]];
            out.push_str(std::str::from_utf8(&code).unwrap_or_default());
        } else {
            out.push_str(escape);
        }
        start = i;
    }
    out.push_str(s.get(start..).unwrap_or_default());
}

/// Whether one of the eight bytes of `w` may be a control character, `"` or `\` (never false
/// when one is; the classic "has a byte below n" and "has a zero byte" word tests).
fn may_need_escape(w: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let below_0x20 = w.wrapping_sub(ONES * 0x20) & !w;
    let zero = |v: u64| v.wrapping_sub(ONES) & !v;
    (below_0x20 | zero(w ^ (ONES * u64::from(b'"'))) | zero(w ^ (ONES * u64::from(b'\\')))) & HIGH != 0
}

const HEX: &[u8; 16] = b"0123456789abcdef";

/// An unsigned integer in decimal.
fn unsigned(out: &mut String, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.push_str(std::str::from_utf8(digits.get(at..).unwrap_or_default()).unwrap_or_default());
}

impl ToJson for str {
    fn write_json(&self, out: &mut String) {
        string(out, self)
    }
}

impl ToJson for String {
    fn write_json(&self, out: &mut String) {
        string(out, self)
    }
}

impl ToJson for bool {
    fn write_json(&self, out: &mut String) {
        out.push_str(if *self { "true" } else { "false" })
    }
}

impl ToJson for u64 {
    fn write_json(&self, out: &mut String) {
        unsigned(out, *self)
    }
}

impl ToJson for i64 {
    fn write_json(&self, out: &mut String) {
        if *self < 0 {
            out.push('-');
        }
        unsigned(out, self.unsigned_abs())
    }
}

macro_rules! small_unsigned {
    ($($t:ty),*) => {$(
        impl ToJson for $t {
            fn write_json(&self, out: &mut String) {
                unsigned(out, *self as u64)
            }
        }
    )*};
}
small_unsigned!(u8, u16, u32, usize);

impl<T: ToJson + ?Sized> ToJson for &T {
    fn write_json(&self, out: &mut String) {
        (**self).write_json(out)
    }
}

/// `None` is `null`.
impl<T: ToJson> ToJson for Option<T> {
    fn write_json(&self, out: &mut String) {
        match self {
            Some(v) => v.write_json(out),
            None => out.push_str("null"),
        }
    }
}

impl<T: ToJson> ToJson for [T] {
    fn write_json(&self, out: &mut String) {
        let mut array = Array::new(out);
        for item in self {
            array.item(item);
        }
    }
}

/// A pair is a two-element array, as serde_json writes a tuple.
impl<A: ToJson, B: ToJson> ToJson for (A, B) {
    fn write_json(&self, out: &mut String) {
        Array::new(out).item(&self.0).item(&self.1);
    }
}

impl<T: ToJson> ToJson for Vec<T> {
    fn write_json(&self, out: &mut String) {
        self.as_slice().write_json(out)
    }
}

#[cfg(feature = "gateways")]
impl ToJson for crate::gateway::StrMap {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::new(out);
        for (k, v) in self.iter() {
            object.field(k, v);
        }
    }
}

impl ToJson for Map<String, Value> {
    fn write_json(&self, out: &mut String) {
        let mut object = Object::new(out);
        for (k, v) in self {
            object.field(k, v);
        }
    }
}

impl ToJson for Value {
    fn write_json(&self, out: &mut String) {
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => b.write_json(out),
            // serde_json's own number text (integers, and floats in their shortest form).
            Value::Number(n) => out.push_str(&n.to_string()),
            Value::String(s) => string(out, s),
            Value::Array(items) => items.write_json(out),
            Value::Object(map) => map.write_json(out),
        }
    }
}

/// A JSON object being written: `{` now, `}` when dropped.
pub struct Object<'a> {
    out: &'a mut String,
    empty: bool,
    #[cfg(debug_assertions)]
    last_key: String,
}

impl<'a> Object<'a> {
    pub fn new(out: &'a mut String) -> Object<'a> {
        out.push('{');
        Object {
            out,
            empty: true,
            #[cfg(debug_assertions)]
            last_key: String::new(),
        }
    }

    /// Writes `"key":` and returns the output for the value.
    fn key(&mut self, key: &str) -> &mut String {
        #[cfg(debug_assertions)]
        {
            assert!(self.empty || self.last_key.as_str() < key, "JSON keys out of order: {} then {key}", self.last_key);
            self.last_key = key.to_string();
        }
        self.out.push_str(if self.empty { "\"" } else { ",\"" });
        self.empty = false;
        string_body(self.out, key);
        self.out.push_str("\":");
        self.out
    }

    pub fn field<T: ToJson + ?Sized>(&mut self, key: &str, value: &T) -> &mut Object<'a> {
        value.write_json(self.key(key));
        self
    }

    /// A member whose value is an object written next.
    pub fn object(&mut self, key: &str) -> Object<'_> {
        Object::new(self.key(key))
    }

    /// A member whose value is an array written next.
    pub fn array(&mut self, key: &str) -> Array<'_> {
        Array::new(self.key(key))
    }
}

impl Drop for Object<'_> {
    fn drop(&mut self) {
        self.out.push('}');
    }
}

/// A JSON array being written: `[` now, `]` when dropped.
pub struct Array<'a> {
    out: &'a mut String,
    empty: bool,
}

impl<'a> Array<'a> {
    pub fn new(out: &'a mut String) -> Array<'a> {
        out.push('[');
        Array { out, empty: true }
    }

    fn next(&mut self) -> &mut String {
        if !self.empty {
            self.out.push(',');
        }
        self.empty = false;
        self.out
    }

    pub fn item<T: ToJson + ?Sized>(&mut self, value: &T) -> &mut Array<'a> {
        value.write_json(self.next());
        self
    }

    /// An element that is an object written next.
    pub fn object(&mut self) -> Object<'_> {
        Object::new(self.next())
    }

    /// An element that is an array written next.
    pub fn array(&mut self) -> Array<'_> {
        Array::new(self.next())
    }
}

impl Drop for Array<'_> {
    fn drop(&mut self) {
        self.out.push(']');
    }
}

/// The JSON text of a value.
pub fn to_string<T: ToJson + ?Sized>(value: &T) -> String {
    let mut out = String::new();
    value.write_json(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        let mut all: String = (0u32..0x300).filter_map(char::from_u32).collect();
        all.push_str("\u{2028}\u{FEFF}İş😀/</script>");
        for s in [all.as_str(), "", "plain", "\"\\", "\u{7f}"] {
            assert_eq!(to_string(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn an_escape_is_found_at_every_position_of_a_word() {
        for special in ['\0', '\u{1f}', '"', '\\', '\n', ' ', '!', '#', '[', ']', '\u{7f}', 'ğ'] {
            for at in 0..20 {
                let s: String = (0..20).map(|i| if i == at { special } else { 'x' }).collect();
                assert_eq!(to_string(s.as_str()), serde_json::to_string(&s).unwrap(), "{s:?}");
            }
        }
    }

    #[test]
    fn values_print_as_serde_json_prints_them() {
        let value = json!({
            "z": [1, -2, 18446744073709551615u64, -9223372036854775808i64, 0.5, 1e300, 100.0, null, true, false],
            "a": {"nested": {"": "", "b": [], "a": {}}},
            "İ": "x", "Z": "y", "a b": "\n",
        });
        assert_eq!(to_string(&value), value.to_string());
    }

    #[test]
    fn integers() {
        for n in [0u64, 9, 10, 99, 100, 4294967295, u64::MAX] {
            assert_eq!(to_string(&n), n.to_string());
        }
        for n in [0i64, -1, -10, i64::MIN, i64::MAX] {
            assert_eq!(to_string(&n), n.to_string());
        }
    }

    #[test]
    fn objects_and_arrays_close_themselves() {
        let mut out = String::new();
        {
            let mut o = Object::new(&mut out);
            o.field("a", &[1u32, 2][..]);
            {
                let mut items = o.array("b");
                items.object().field("x", "1");
                items.item(&Vec::<u8>::new());
            }
            o.object("c");
        }
        assert_eq!(out, r#"{"a":[1,2],"b":[{"x":"1"},[]],"c":{}}"#);
    }

    #[test]
    #[should_panic(expected = "JSON keys out of order")]
    fn keys_out_of_order_are_caught_in_tests() {
        let mut out = String::new();
        Object::new(&mut out).field("b", "1").field("a", "2");
    }
}
