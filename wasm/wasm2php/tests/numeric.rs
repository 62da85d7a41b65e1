//! Every numeric instruction, alone in an exported function, over edge values (overflow, sign
//! boundaries, shifts >= width, division traps, NaN, ±0, ±inf, rounding ties), translated PHP
//! against wasmi.

mod harness;

use harness::{call, check, f32_bits, f64, f64_bits, i32, i64, Call};
use wasmi::Val;

const I32_EDGES: [i64; 27] = [
    0,
    1,
    2,
    3,
    5,
    7,
    31,
    32,
    33,
    63,
    64,
    0x7F,
    0x80,
    0xFF,
    0x100,
    0x7FFF,
    0x8000,
    0xFFFF,
    0x10000,
    0x1234_5678,
    0x7FFF_FFFF,
    0x8000_0000,
    0x8000_0001,
    0xFFFF_FFFE,
    0xFFFF_FFFF,
    0x8765_4321,
    0xDEAD_BEEF,
];

const I64_EDGES: [i64; 30] = [
    0,
    1,
    2,
    3,
    7,
    63,
    64,
    65,
    0x80,
    0xFF,
    0x7FFF_FFFF,
    0x8000_0000,
    0xFFFF_FFFF,
    0x1_0000_0000,
    0x1_0000_0001,
    i64::MAX,
    i64::MIN,
    i64::MIN + 1,
    -1,
    -2,
    -0x8000_0000,
    0x1234_5678_9ABC_DEF0,
    -0x1234_5678_9ABC_DEF0,
    0xFFFF_FFFF_0000_0000u64 as i64,
    0x8000_0000_0000_0001u64 as i64,
    1 << 53,
    (1 << 53) + 1,
    1 << 62,
    (1 << 60) + (1 << 36) + 1, // rounds differently to f32 directly than through f64
    0x7FFF_FFFF_FFFF_FC00,
];

fn f64_edges() -> Vec<Val> {
    let mut v: Vec<Val> = [
        0.0,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        0.499_999_999_999_999_94,
        3.7,
        -3.7,
        0.1,
        1e300,
        -1e300,
        f64::MAX,
        f64::MIN_POSITIVE,
        5e-324,
        f64::INFINITY,
        f64::NEG_INFINITY,
        2147483647.0,
        2147483648.0,
        -2147483648.0,
        -2147483649.0,
        -2147483648.9,
        4294967295.0,
        4294967296.0,
        9223372036854775808.0,
        -9223372036854775808.0,
        18446744073709551616.0,
        18446744073709549568.0,
        4503599627370497.0,
        4503599627370496.5,
        1e19,
        -1e19,
        -0.9,
    ]
    .iter()
    .map(|x| f64(*x))
    .collect();
    v.extend(
        [0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF0_0000_0000_0001, 0xFFF4_0000_0000_0123].map(f64_bits),
    );
    v
}

fn f32_edges() -> Vec<Val> {
    let mut v: Vec<Val> = [
        0.0f32,
        -0.0,
        1.0,
        -1.0,
        0.5,
        -0.5,
        1.5,
        2.5,
        -2.5,
        0.1,
        3.7,
        -3.7,
        f32::MAX,
        f32::MIN_POSITIVE,
        1e-45,
        f32::INFINITY,
        f32::NEG_INFINITY,
        2147483648.0,
        -2147483648.0,
        4294967296.0,
        9223372036854775808.0,
        -9223372036854775808.0,
        18446744073709551616.0,
        16777217.0,
        8388608.5,
        -0.9,
    ]
    .iter()
    .map(|x| f32_bits(x.to_bits()))
    .collect();
    v.extend([0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFFA0_0123].map(f32_bits));
    v
}

/// A few thousand pseudo-random values more (xorshift; fixed seed).
fn random_i64(n: usize) -> Vec<i64> {
    let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
    (0..n)
        .map(|i| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            // Mix in small and half-width values, where the interesting carries are.
            match i % 4 {
                0 => x as i64,
                1 => (x >> 33) as i64,
                2 => (x as i64) >> 40,
                _ => -((x >> 2) as i64),
            }
        })
        .collect()
}

fn values(ty: &str) -> Vec<Val> {
    match ty {
        "i32" => I32_EDGES.iter().chain(&random_i64(12)).map(|v| i32(*v)).collect(),
        "i64" => I64_EDGES.iter().chain(&random_i64(12)).map(|v| i64(*v)).collect(),
        "f32" => f32_edges(),
        _ => f64_edges(),
    }
}

/// Checks instructions given as (name, parameter types, result type) over all value
/// combinations, one exported function per instruction.
fn check_ops(ops: &[(&str, &[&str], &str)]) {
    let mut wat = String::from("(module\n");
    let mut calls: Vec<Call> = Vec::new();
    for (op, params, result) in ops {
        let locals: String = (0..params.len()).map(|i| format!("local.get {i} ")).collect();
        wat.push_str(&format!(
            "  (func (export \"{op}\") (param {}) (result {result}) {locals}{op})\n",
            params.join(" ")
        ));
        match params {
            [a] => calls.extend(values(a).into_iter().map(|x| call(op, &[x]))),
            [a, b] => {
                for x in values(a) {
                    calls.extend(values(b).into_iter().map(|y| call(op, &[x.clone(), y])));
                }
            }
            _ => unreachable!(),
        }
    }
    wat.push(')');
    check(&wat, &calls);
}

#[test]
fn i32_arithmetic_and_comparisons() {
    let bin = ["add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u"];
    let cmp = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u", "rotl", "rotr"];
    let names: Vec<String> = bin.iter().chain(&cmp).map(|o| format!("i32.{o}")).collect();
    let mut ops: Vec<(&str, &[&str], &str)> = names.iter().map(|n| (n.as_str(), &["i32", "i32"][..], "i32")).collect();
    for op in ["i32.clz", "i32.ctz", "i32.popcnt", "i32.eqz", "i32.extend8_s", "i32.extend16_s"] {
        ops.push((op, &["i32"], "i32"));
    }
    check_ops(&ops);
}

#[test]
fn i64_arithmetic_and_comparisons() {
    let bin = [
        "add", "sub", "mul", "div_s", "div_u", "rem_s", "rem_u", "and", "or", "xor", "shl", "shr_s", "shr_u", "rotl",
        "rotr",
    ];
    let cmp = ["eq", "ne", "lt_s", "lt_u", "gt_s", "gt_u", "le_s", "le_u", "ge_s", "ge_u"];
    let bin_names: Vec<String> = bin.iter().map(|o| format!("i64.{o}")).collect();
    let cmp_names: Vec<String> = cmp.iter().map(|o| format!("i64.{o}")).collect();
    let mut ops: Vec<(&str, &[&str], &str)> =
        bin_names.iter().map(|n| (n.as_str(), &["i64", "i64"][..], "i64")).collect();
    ops.extend(cmp_names.iter().map(|n| (n.as_str(), &["i64", "i64"][..], "i32")));
    for op in ["i64.clz", "i64.ctz", "i64.popcnt", "i64.extend8_s", "i64.extend16_s", "i64.extend32_s"] {
        ops.push((op, &["i64"], "i64"));
    }
    ops.push(("i64.eqz", &["i64"], "i32"));
    ops.push(("i32.wrap_i64", &["i64"], "i32"));
    ops.push(("i64.extend_i32_s", &["i32"], "i64"));
    ops.push(("i64.extend_i32_u", &["i32"], "i64"));
    check_ops(&ops);
}

fn float_ops(t: &'static str) -> Vec<(String, Vec<&'static str>, &'static str)> {
    let mut ops = Vec::new();
    for o in ["add", "sub", "mul", "div", "min", "max", "copysign"] {
        ops.push((format!("{t}.{o}"), vec![t, t], t));
    }
    for o in ["eq", "ne", "lt", "gt", "le", "ge"] {
        ops.push((format!("{t}.{o}"), vec![t, t], "i32"));
    }
    for o in ["abs", "neg", "ceil", "floor", "trunc", "nearest", "sqrt"] {
        ops.push((format!("{t}.{o}"), vec![t], t));
    }
    ops
}

fn check_owned(ops: &[(String, Vec<&'static str>, &'static str)]) {
    let borrowed: Vec<(&str, &[&str], &str)> = ops.iter().map(|(n, p, r)| (n.as_str(), p.as_slice(), *r)).collect();
    check_ops(&borrowed);
}

#[test]
fn f32_arithmetic_and_comparisons() {
    check_owned(&float_ops("f32"));
}

#[test]
fn f64_arithmetic_and_comparisons() {
    check_owned(&float_ops("f64"));
}

#[test]
fn conversions() {
    let mut ops: Vec<(String, Vec<&'static str>, &'static str)> = Vec::new();
    for int in ["i32", "i64"] {
        for float in ["f32", "f64"] {
            for sign in ["s", "u"] {
                ops.push((format!("{int}.trunc_{float}_{sign}"), vec![float], int));
                ops.push((format!("{int}.trunc_sat_{float}_{sign}"), vec![float], int));
                ops.push((format!("{float}.convert_{int}_{sign}"), vec![int], float));
            }
        }
    }
    ops.push(("f32.demote_f64".into(), vec!["f64"], "f32"));
    ops.push(("f64.promote_f32".into(), vec!["f32"], "f64"));
    ops.push(("i32.reinterpret_f32".into(), vec!["f32"], "i32"));
    ops.push(("f32.reinterpret_i32".into(), vec!["i32"], "f32"));
    ops.push(("i64.reinterpret_f64".into(), vec!["f64"], "i64"));
    ops.push(("f64.reinterpret_i64".into(), vec!["i64"], "f64"));
    check_owned(&ops);
}

/// Sign and payload of NaNs must survive the bit-level instructions exactly (checked through
/// integer results, which the harness compares exactly).
#[test]
fn nan_bits_survive_neg_abs_copysign() {
    let wat = r#"(module
      (func (export "f64.neg") (param i64) (result i64) local.get 0 f64.reinterpret_i64 f64.neg i64.reinterpret_f64)
      (func (export "f64.abs") (param i64) (result i64) local.get 0 f64.reinterpret_i64 f64.abs i64.reinterpret_f64)
      (func (export "f64.copysign") (param i64 i64) (result i64)
        local.get 0 f64.reinterpret_i64 local.get 1 f64.reinterpret_i64 f64.copysign i64.reinterpret_f64)
      (func (export "f32.neg") (param i32) (result i32) local.get 0 f32.reinterpret_i32 f32.neg i32.reinterpret_f32)
      (func (export "f32.abs") (param i32) (result i32) local.get 0 f32.reinterpret_i32 f32.abs i32.reinterpret_f32)
      (func (export "f32.copysign") (param i32 i32) (result i32)
        local.get 0 f32.reinterpret_i32 local.get 1 f32.reinterpret_i32 f32.copysign i32.reinterpret_f32)
      (memory 1)
      (func (export "f32.roundtrip") (param i32) (result i32)
        i32.const 8 local.get 0 f32.reinterpret_i32 f32.store i32.const 8 f32.load i32.reinterpret_f32)
      (func (export "f64.roundtrip") (param i64) (result i64)
        i32.const 8 local.get 0 f64.reinterpret_i64 f64.store i32.const 8 f64.load i64.reinterpret_f64))"#;
    let nans64: [u64; 5] =
        [0x7FF8_0000_0000_0000, 0xFFF8_0000_0000_0000, 0x7FF0_0000_0000_0001, 0xFFF4_0000_0000_0123, 0];
    let nans32: [u32; 5] = [0x7FC0_0000, 0xFFC0_0000, 0x7F80_0001, 0xFFA0_0123, 0x8000_0000];
    let mut calls = Vec::new();
    for a in nans64 {
        for name in ["f64.neg", "f64.abs", "f64.roundtrip"] {
            calls.push(call(name, &[i64(a as i64)]));
        }
        calls.extend(nans64.iter().map(|b| call("f64.copysign", &[i64(a as i64), i64(*b as i64)])));
    }
    for a in nans32 {
        for name in ["f32.neg", "f32.abs", "f32.roundtrip"] {
            calls.push(call(name, &[i32(a as i64)]));
        }
        calls.extend(nans32.iter().map(|b| call("f32.copysign", &[i32(a as i64), i32(*b as i64)])));
    }
    check(wat, &calls);
}
