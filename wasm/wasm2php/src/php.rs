//! PHP spelling of names and literals.

use wasmparser::ValType;

use crate::{unsupported, Error};

pub fn func_name(index: u32) -> String {
    format!("f{index}")
}

/// Marks where the class holding a function goes in a call (`<class>::f12`): functions are
/// split into parts after they are translated, then [`resolve_targets`] fills the classes in.
const TARGET_START: char = '\u{1}';
const TARGET_END: char = '\u{2}';

/// The static method implementing function `index`, its class still to be resolved.
pub fn call_target(index: u32) -> String {
    format!("{TARGET_START}{index}{TARGET_END}::{}", func_name(index))
}

/// Replaces every call target's marker by `class(function)`.
pub fn resolve_targets(code: &str, class: impl Fn(u32) -> String) -> String {
    let mut out = String::with_capacity(code.len() + code.len() / 8);
    let mut rest = code;
    while let Some(start) = rest.find(TARGET_START) {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let end = after.find(TARGET_END).unwrap_or(after.len());
        out.push_str(&class(after[..end].parse().unwrap_or(u32::MAX)));
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.push_str(rest);
    out
}

/// Arguments of a translated function: the instance (`$I`, holding memory, globals and tables), then the wasm arguments.
pub fn args_with_instance(args: &[String]) -> String {
    std::iter::once("$I").chain(args.iter().map(String::as_str)).collect::<Vec<_>>().join(", ")
}

/// Public method name of an export: `x_<name>` when the name is a plain identifier, else hex.
pub fn export_name(name: &str) -> String {
    if !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("x_{name}")
    } else {
        format!("x_{}", name.bytes().map(|b| format!("{b:02x}")).collect::<String>())
    }
}

/// The value types the generated code can hold.
pub fn check_type(t: ValType) -> Result<(), Error> {
    match t {
        ValType::I32 | ValType::I64 | ValType::F32 | ValType::F64 | ValType::FUNCREF => Ok(()),
        other => unsupported(format!("value type {other}")),
    }
}

pub fn type_letter(t: ValType) -> char {
    match t {
        ValType::I32 => 'i',
        ValType::I64 => 'I',
        ValType::F32 => 'f',
        ValType::F64 => 'F',
        _ => 'r',
    }
}

/// The zero value of a local of type `t`.
pub fn zero(t: ValType) -> &'static str {
    match t {
        ValType::F64 => "0.0",
        ValType::I32 | ValType::I64 | ValType::F32 => "0",
        _ => "null",
    }
}

pub fn i64_literal(v: i64) -> String {
    if v == i64::MIN {
        "\\PHP_INT_MIN".into()
    } else if v < 0 {
        format!("({v})")
    } else {
        v.to_string()
    }
}

/// An exact f64 literal: the shortest decimal that round-trips (PHP parses it correctly
/// rounded), or a bit-pattern for NaNs.
pub fn f64_literal(bits: u64) -> String {
    let v = f64::from_bits(bits);
    if v.is_nan() {
        format!("$I->f64FromBits( {} )", i64_literal(bits as i64))
    } else if v.is_infinite() {
        if v > 0.0 { "\\INF" } else { "(-\\INF)" }.into()
    } else if v.is_sign_negative() {
        format!("(-{:e})", -v)
    } else {
        format!("{v:e}")
    }
}

/// A double-quoted PHP string literal holding exactly `bytes`.
pub fn string_literal(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len() + 2);
    s.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' | b'$' => {
                s.push('\\');
                s.push(b as char);
            }
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn literals() {
        assert_eq!(i64_literal(i64::MIN), "\\PHP_INT_MIN");
        assert_eq!(i64_literal(-5), "(-5)");
        assert_eq!(f64_literal((-0.0f64).to_bits()), "(-0e0)");
        assert_eq!(f64_literal(1.5f64.to_bits()), "1.5e0");
        assert_eq!(string_literal(b"a\"$\\\x00\xff"), "\"a\\\"\\$\\\\\\x00\\xff\"");
        assert_eq!(export_name("alloc"), "x_alloc");
        assert_eq!(export_name("a-b"), "x_612d62");
        assert_eq!(
            resolve_targets(&format!("{}( $I ) + {}( $I, 1 )", call_target(7), call_target(12)), |f| format!("C{f}")),
            "C7::f7( $I ) + C12::f12( $I, 1 )"
        );
        assert_eq!(args_with_instance(&[]), "$I");
        assert_eq!(args_with_instance(&["$l0".into(), "5".into()]), "$I, $l0, 5");
    }
}
