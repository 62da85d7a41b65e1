//! Control flow, memory, tables, globals, evaluation order and traps: translated PHP against
//! wasmi, plus the translate-time errors for what the translator does not support.

mod harness;

use harness::{call, check, f64, i32, i64};

fn calls_i32(export: &str, args: &[&[i64]]) -> Vec<harness::Call> {
    args.iter().map(|a| call(export, &a.iter().map(|v| i32(*v)).collect::<Vec<_>>())).collect()
}

#[test]
fn blocks_loops_and_branches() {
    let wat = r#"(module
      ;; sum 1..n with a loop, br_if back and a block result
      (func (export "sum") (param i32) (result i32) (local i32)
        block (result i32)
          loop
            local.get 0
            i32.eqz
            if
              local.get 1
              br 2
            end
            local.get 1 local.get 0 i32.add local.set 1
            local.get 0 i32.const 1 i32.sub local.set 0
            br 0
          end
          i32.const -1
        end)
      ;; br_table with values, a default, and repeated targets
      (func (export "table") (param i32) (result i32)
        block (result i32)
          block (result i32)
            block (result i32)
              i32.const 100
              local.get 0
              br_table 0 1 0 2
            end
            i32.const 1 i32.add
            return
          end
          i32.const 2 i32.add
          return
        end
        i32.const 3 i32.add)
      ;; if/else with results, nested, and branches out of the then-branch
      (func (export "classify") (param i32) (result i32)
        local.get 0 i32.const 10 i32.lt_s
        if (result i32)
          local.get 0 i32.const 0 i32.lt_s
          if (result i32) i32.const -1 else i32.const 0 end
        else
          block (result i32)
            i32.const 7
            local.get 0 i32.const 100 i32.gt_u
            br_if 0
            drop
            i32.const 1
          end
        end)
      ;; multi-value: block parameters, loop parameters, several results
      (type $pair (func (param i32 i32) (result i32 i32)))
      (func $swap (export "swap") (param i32 i32) (result i32 i32) local.get 1 local.get 0)
      (func (export "fib") (param i32) (result i32) (local i32)
        i32.const 0 i32.const 1
        block (type $pair)
          loop (param i32 i32) (result i32 i32)
            local.get 0 i32.eqz br_if 1
            local.get 0 i32.const 1 i32.sub local.set 0
            ;; (a, b) -> (b, a + b)
            local.set 1 local.get 1 i32.add local.get 1 call $swap
            ;; an if with parameters and no else passes them through when false
            local.get 0 i32.const 1000 i32.gt_u
            if (param i32 i32) (result i32 i32) call $swap end
            br 0
          end
        end
        drop)
      (func (export "divmod") (param i64 i64) (result i64 i64)
        local.get 0 local.get 1 i64.div_u local.get 0 local.get 1 i64.rem_u)
      ;; br to the function level with a value, from deep inside
      (func (export "deep") (param i32) (result i32)
        block block block
          i32.const 9
          local.get 0
          br_if 3
          drop
          i32.const 5
          return
        end end end
        i32.const 6)
      ;; select with side-effect-free and trapping arms
      (func (export "select") (param i32 i32 i32) (result i32)
        local.get 0 local.get 1 local.get 2 select)
      (func (export "select_div") (param i32 i32) (result i32)
        i32.const 1 local.get 0 local.get 1 i32.div_u local.get 1 select)
      ;; recursion
      (func $fact (export "fact") (param i64) (result i64)
        local.get 0 i64.eqz
        if (result i64) i64.const 1
        else local.get 0 local.get 0 i64.const 1 i64.sub call $fact i64.mul end)
      ;; unreachable, and code after it in the same block
      (func (export "trap_if") (param i32) (result i32)
        local.get 0
        if unreachable i32.const 3 drop end
        i32.const 4)
    )"#;
    let mut calls = calls_i32("sum", &[&[0], &[1], &[10], &[1000], &[0x10000]]);
    calls.extend(calls_i32("table", &[&[0], &[1], &[2], &[3], &[4], &[0xFFFF_FFFF]]));
    calls.extend(calls_i32("classify", &[&[-5], &[3], &[10], &[50], &[101], &[0xFFFF_FFFF]]));
    calls.extend(calls_i32("swap", &[&[1, 2]]));
    calls.extend(calls_i32("fib", &[&[0], &[1], &[2], &[10], &[40]]));
    calls.push(call("divmod", &[i64(-1), i64(10)]));
    calls.push(call("divmod", &[i64(100), i64(7)]));
    calls.push(call("divmod", &[i64(1), i64(0)]));
    calls.extend(calls_i32("deep", &[&[0], &[1]]));
    calls.extend(calls_i32("select", &[&[1, 2, 0], &[1, 2, 1], &[1, 2, 0xFFFF_FFFF]]));
    calls.extend(calls_i32("select_div", &[&[10, 2], &[10, 0]]));
    calls.extend([0, 1, 5, 20, 25].map(|n| call("fact", &[i64(n)])));
    calls.extend(calls_i32("trap_if", &[&[0], &[1], &[0]]));
    check(wat, &calls);
}

#[test]
fn evaluation_order_across_side_effects() {
    let wat = r#"(module
      (memory 1)
      (global $g (mut i32) (i32.const 5))
      ;; a load that is still pending when the same address is stored to must see the old value
      (func (export "load_then_store") (param i32) (result i32)
        i32.const 16 local.get 0 i32.store
        i32.const 16 i32.load
        i32.const 16 i32.const 99 i32.store
        i32.const 16 i32.load
        i32.sub)
      ;; a local read before local.set / local.tee keeps the old value
      (func (export "local_order") (param i32) (result i32)
        local.get 0
        local.get 0 i32.const 3 i32.mul local.set 0
        local.get 0
        local.get 0 i32.const 1 i32.add local.tee 0
        i32.add i32.add)
      ;; a global read before global.set and before a call that sets it
      (func $bump i32.const 1000 global.set $g)
      (func (export "global_order") (result i32)
        global.get $g
        call $bump
        global.get $g
        global.get $g i32.const 1 i32.add global.set $g
        global.get $g
        i32.add i32.add)
      ;; memory.size read before memory.grow
      (func (export "grow_order") (result i32)
        memory.size i32.const 1 memory.grow memory.size i32.add i32.add)
      ;; a trapping load dropped must still trap
      (func (export "drop_trap") (param i32) (result i32)
        local.get 0 i32.load drop i32.const 1)
      ;; a store's value is evaluated before the bounds check of its address
      (func (export "store_value_first") (param i32 i32)
        local.get 0 i32.const 1 local.get 1 i32.div_u i32.store)
    )"#;
    let mut calls = calls_i32("load_then_store", &[&[7], &[0xFFFF_FFFF]]);
    calls.extend(calls_i32("local_order", &[&[2], &[0xFFFF_FFFF]]));
    calls.extend(calls_i32("global_order", &[&[], &[]]));
    calls.extend(calls_i32("grow_order", &[&[], &[]]));
    calls.extend(calls_i32("drop_trap", &[&[0], &[65533], &[65532], &[0xFFFF_FFFF]]));
    calls.extend(calls_i32("store_value_first", &[&[0x10_0000, 0], &[0x10_0000, 1], &[8, 1]]));
    check(wat, &calls);
}

#[test]
fn memory_access_bounds_grow_and_bulk_operations() {
    let wat = r#"(module
      (memory 1 3)
      (data (i32.const 8) "\01\02\03\04\05\06\07\08\f0\ff")
      (data $passive "passive-bytes")
      (func (export "load8_s") (param i32) (result i32) local.get 0 i32.load8_s offset=8)
      (func (export "load8_u") (param i32) (result i32) local.get 0 i32.load8_u offset=8)
      (func (export "load16_s") (param i32) (result i32) local.get 0 i32.load16_s offset=8)
      (func (export "load16_u") (param i32) (result i32) local.get 0 i32.load16_u offset=8)
      (func (export "load32") (param i32) (result i32) local.get 0 i32.load offset=8)
      (func (export "i64.load8_s") (param i32) (result i64) local.get 0 i64.load8_s offset=8)
      (func (export "i64.load16_s") (param i32) (result i64) local.get 0 i64.load16_s offset=8)
      (func (export "i64.load32_s") (param i32) (result i64) local.get 0 i64.load32_s offset=8)
      (func (export "i64.load32_u") (param i32) (result i64) local.get 0 i64.load32_u offset=8)
      (func (export "i64.load") (param i32) (result i64) local.get 0 i64.load offset=8)
      (func (export "f64.load") (param i32) (result f64) local.get 0 f64.load)
      (func (export "store8") (param i32 i32) (result i64) local.get 0 local.get 1 i32.store8 local.get 0 i64.load)
      (func (export "store16") (param i32 i32) (result i64) local.get 0 local.get 1 i32.store16 local.get 0 i64.load)
      (func (export "store32") (param i32 i32) (result i64) local.get 0 local.get 1 i32.store local.get 0 i64.load)
      (func (export "i64.store8") (param i32 i64) (result i64) local.get 0 local.get 1 i64.store8 local.get 0 i64.load)
      (func (export "i64.store16") (param i32 i64) (result i64) local.get 0 local.get 1 i64.store16 local.get 0 i64.load)
      (func (export "i64.store32") (param i32 i64) (result i64) local.get 0 local.get 1 i64.store32 local.get 0 i64.load)
      (func (export "i64.store") (param i32 i64) (result i64) local.get 0 local.get 1 i64.store offset=3 local.get 0 i64.load offset=3)
      (func (export "f64.store") (param i32 f64) (result i64) local.get 0 local.get 1 f64.store local.get 0 i64.load)
      (func (export "const_store") (param i32) (result i64) local.get 0 i64.const 0x0102030405060708 i64.store local.get 0 i64.load)
      (func (export "size") (result i32) memory.size)
      (func (export "grow") (param i32) (result i32) local.get 0 memory.grow)
      (func (export "fill") (param i32 i32 i32) (result i64)
        local.get 0 local.get 1 local.get 2 memory.fill local.get 0 i64.load)
      (func (export "copy") (param i32 i32 i32) (result i64)
        local.get 0 local.get 1 local.get 2 memory.copy local.get 0 i64.load)
      (func (export "init") (param i32 i32 i32) (result i64)
        local.get 0 local.get 1 local.get 2 memory.init $passive local.get 0 i64.load)
      (func (export "drop") data.drop $passive)
      (func (export "sum") (param i32 i32) (result i64) (local i64)
        block loop
          local.get 1 i32.eqz br_if 1
          local.get 2 local.get 0 i64.load8_u i64.add local.get 2 i64.const 7 i64.rotl i64.xor local.set 2
          local.get 0 i32.const 1 i32.add local.set 0
          local.get 1 i32.const 1 i32.sub local.set 1
          br 0
        end end
        local.get 2)
    )"#;
    let mut calls = Vec::new();
    for export in ["load8_s", "load8_u", "load16_s", "load16_u", "load32", "i64.load8_s", "i64.load16_s"] {
        calls.extend(calls_i32(
            export,
            &[&[0], &[4], &[8], &[9], &[65525], &[65526], &[65527], &[65528], &[0xFFFF_FFF8]],
        ));
    }
    for export in ["i64.load32_s", "i64.load32_u", "i64.load", "f64.load"] {
        calls.extend(calls_i32(export, &[&[0], &[2], &[8], &[65520], &[65521], &[65528], &[65529], &[0xFFFF_FFFF]]));
    }
    for export in ["store8", "store16", "store32"] {
        calls.extend(calls_i32(
            export,
            &[&[100, 0xDEAD_BEEF], &[101, 0x8000_0001], &[65528, 0xFFFF_FFFF], &[65535, 1], &[65536, 1]],
        ));
    }
    for export in ["i64.store8", "i64.store16", "i64.store32", "i64.store"] {
        for (at, v) in [(200, -1i64), (201, i64::MIN), (203, 0x0102_0304_0506_0708), (65525, 5), (65533, 5), (65534, 5)]
        {
            calls.push(call(export, &[i32(at), i64(v)]));
        }
    }
    calls.extend(
        [(300, 1.5), (301, -0.0), (65528, 2.5), (65529, 1.0)].map(|(a, v)| call("f64.store", &[i32(a), f64(v)])),
    );
    calls.extend(calls_i32("const_store", &[&[400], &[65529]]));
    calls.extend(calls_i32("size", &[&[]]));
    calls.extend(calls_i32("grow", &[&[0], &[1], &[0]]));
    calls.extend(calls_i32("size", &[&[]]));
    calls.extend(calls_i32("load32", &[&[0x1_FFF8], &[0x1_FFF4]]));
    calls.extend(calls_i32("grow", &[&[2], &[1], &[0xFFFF_FFFF]]));
    calls.extend(calls_i32("size", &[&[]]));
    calls.extend(calls_i32(
        "fill",
        &[
            &[500, 0x1AB, 5],
            &[1000, 7, 5000],
            &[0x2_FFFF, 1, 1],
            &[0x2_FFFF, 1, 2],
            &[0x3_0000, 1, 0],
            &[0x3_0001, 1, 0],
        ],
    ));
    calls.extend(calls_i32("sum", &[&[1000, 5000]]));
    calls.extend(calls_i32(
        "copy",
        &[
            &[600, 8, 10],
            &[602, 600, 8],
            &[598, 600, 8],
            &[3000, 1000, 4000],
            &[1001, 1000, 4000],
            &[0x2_FFFF, 0, 2],
            &[0, 0x2_FFFF, 2],
        ],
    ));
    calls.extend(calls_i32("sum", &[&[0, 9000]]));
    calls.extend(calls_i32("init", &[&[700, 0, 13], &[710, 8, 5], &[720, 8, 6], &[0x2_FFFF, 0, 2]]));
    calls.extend(calls_i32("drop", &[&[]]));
    calls.extend(calls_i32("init", &[&[700, 0, 0], &[700, 0, 1]]));
    check(wat, &calls);
}

#[test]
fn tables_and_call_indirect() {
    let wat = r#"(module
      (type $i2i (func (param i32) (result i32)))
      (type $v2i (func (result i32)))
      (table $t 6 10 funcref)
      (table $u 2 funcref)
      (elem (table $t) (i32.const 1) func $double $inc $seven)
      (elem $passive func $inc $double)
      (elem declare func $seven)
      (func $double (type $i2i) local.get 0 i32.const 2 i32.mul)
      (func $inc (type $i2i) local.get 0 i32.const 1 i32.add)
      (func $seven (type $v2i) i32.const 7)
      (func (export "call") (param i32 i32) (result i32)
        local.get 1 local.get 0 call_indirect $t (type $i2i))
      (func (export "call0") (param i32) (result i32) local.get 0 call_indirect $t (type $v2i))
      (func (export "size") (result i32) table.size $t)
      (func (export "grow") (param i32) (result i32) ref.func $seven local.get 0 table.grow $t)
      (func (export "is_null") (param i32) (result i32) local.get 0 table.get $t ref.is_null)
      (func (export "set_null") (param i32) local.get 0 ref.null func table.set $t)
      (func (export "fill") (param i32 i32) local.get 0 ref.func $inc local.get 1 table.fill $t)
      (func (export "copy") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.copy $t $t)
      (func (export "init") (param i32 i32 i32) local.get 0 local.get 1 local.get 2 table.init $t $passive)
      (func (export "drop") elem.drop $passive)
      (func (export "u_size") (result i32) table.size $u)
    )"#;
    let mut calls = calls_i32("call", &[&[0, 5], &[1, 5], &[2, 5], &[3, 5], &[4, 5], &[6, 5], &[0xFFFF_FFFF, 5]]);
    calls.extend(calls_i32("call0", &[&[3], &[1], &[0]]));
    calls.extend(calls_i32("size", &[&[]]));
    calls.extend(calls_i32("grow", &[&[2], &[3], &[0]]));
    calls.extend(calls_i32("size", &[&[]]));
    calls.extend(calls_i32("call0", &[&[6], &[7]]));
    calls.extend(calls_i32("is_null", &[&[0], &[1], &[7], &[8]]));
    calls.extend(calls_i32("set_null", &[&[1], &[8]]));
    calls.extend(calls_i32("call", &[&[1, 5]]));
    calls.extend(calls_i32("fill", &[&[0, 2], &[7, 2]]));
    calls.extend(calls_i32("call", &[&[0, 5], &[1, 5]]));
    calls.extend(calls_i32("copy", &[&[4, 0, 3], &[6, 0, 3]]));
    calls.extend(calls_i32("call", &[&[4, 5], &[5, 5], &[6, 5]]));
    calls.extend(calls_i32("init", &[&[0, 0, 2], &[0, 1, 2]]));
    calls.extend(calls_i32("call", &[&[0, 5], &[1, 5]]));
    calls.extend(calls_i32("drop", &[&[]]));
    calls.extend(calls_i32("init", &[&[0, 0, 0], &[0, 0, 1]]));
    calls.extend(calls_i32("u_size", &[&[]]));
    check(wat, &calls);
}

#[test]
fn globals_start_and_state_after_a_trap() {
    let wat = r#"(module
      (global $counter (mut i64) (i64.const -9223372036854775808))
      (global $f (mut f64) (f64.const -0.0))
      (global $k i32 (i32.const 41))
      (memory 1)
      (func $start i32.const 0 i32.const 1 i32.store8)
      (start $start)
      (func (export "tick") (result i64) global.get $counter i64.const 1 i64.add global.set $counter global.get $counter)
      (func (export "f") (param f64) (result f64) global.get $f local.get 0 f64.add global.set $f global.get $f)
      (func (export "k") (result i32) global.get $k i32.const 1 i32.add)
      (func (export "first") (result i32) i32.const 0 i32.load8_u)
      (func (export "store_then_trap") (param i32)
        i32.const 0 local.get 0 i32.store8
        unreachable)
    )"#;
    let calls = vec![
        call("tick", &[]),
        call("tick", &[]),
        call("f", &[f64(0.0)]),
        call("f", &[f64(1.25)]),
        call("k", &[]),
        call("first", &[]),
        call("store_then_trap", &[i32(9)]),
        call("first", &[]),
        call("tick", &[]),
    ];
    check(wat, &calls);
}

#[test]
fn unsupported_instructions_and_imports_are_translate_errors() {
    let options = wasm2php::Options::default();
    let simd = wat::parse_str(r#"(module (func (result i32) v128.const i64x2 1 2 i32x4.extract_lane 0))"#).unwrap();
    let err = wasm2php::translate(&simd, &options).unwrap_err().to_string();
    assert!(err.contains("v128.const") || err.contains("v128"), "{err}");

    let atomics =
        wat::parse_str(r#"(module (memory 1 1 shared) (func (result i32) i32.const 0 i32.atomic.load))"#).unwrap();
    let err = wasm2php::translate(&atomics, &options).unwrap_err().to_string();
    assert!(err.contains("shared"), "{err}");

    let import = wat::parse_str(r#"(module (import "env" "f" (func)))"#).unwrap();
    let err = wasm2php::translate(&import, &options).unwrap_err().to_string();
    assert!(err.contains("env.f"), "{err}");

    let invalid = wasm2php::translate(b"\0asm\x01\0\0\0\x01", &options).unwrap_err().to_string();
    assert!(invalid.contains("invalid module"), "{invalid}");
}
