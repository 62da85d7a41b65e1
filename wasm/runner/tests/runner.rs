//! The runner against small hand-written modules that speak the raw ABI, so every failure path
//! (fuel, memory, traps, bad answers, bad modules) can be provoked on purpose. The real core module
//! is exercised by the PHP engine tests (plugin-php/tests).

use sanalpos_runner::{
    sanalpos_runner_call, sanalpos_runner_free, sanalpos_runner_free_answer, sanalpos_runner_memory_bytes,
    sanalpos_runner_new,
};
use sanalpos_runner::{Failure, Limits, Runner};
use std::ffi::{c_char, CStr};

/// Echoes the request back, unless its first byte asks for misbehaviour:
/// `L` loops forever, `G` grows memory until refused, `g` grows 8 pages then echoes,
/// `T` traps, `O` answers outside memory. `dealloc` resets the bump allocator.
const ECHO: &str = r#"
(module
  (memory (export "memory") 2)
  (global $next (mut i32) (i32.const 1024))
  (func (export "alloc") (param $len i32) (result i32)
    (local $ptr i32)
    (local.set $ptr (global.get $next))
    (global.set $next (i32.add (local.get $ptr) (local.get $len)))
    (local.get $ptr))
  (func (export "dealloc") (param i32 i32)
    (global.set $next (i32.const 1024)))
  (func (export "call") (param $ptr i32) (param $len i32) (result i64)
    (local $first i32)
    (local.set $first (if (result i32) (local.get $len) (then (i32.load8_u (local.get $ptr))) (else (i32.const 0))))
    (if (i32.eq (local.get $first) (i32.const 76)) (then (loop $forever (br $forever))))
    (if (i32.eq (local.get $first) (i32.const 71))
      (then (loop $grow (br_if $grow (i32.ne (memory.grow (i32.const 1)) (i32.const -1))))))
    (if (i32.eq (local.get $first) (i32.const 103)) (then (drop (memory.grow (i32.const 8)))))
    (if (i32.eq (local.get $first) (i32.const 84)) (then unreachable))
    (if (i32.eq (local.get $first) (i32.const 79)) (then (return (i64.const 0x7fff000000000010))))
    (i64.or
      (i64.shl (i64.extend_i32_u (local.get $ptr)) (i64.const 32))
      (i64.extend_i32_u (local.get $len)))))
"#;

const PAGE: usize = 65536;
const LIMITS: Limits = Limits { fuel_per_call: 100_000, max_memory_bytes: 16 * PAGE, max_input_bytes: 1000 };

fn wasm(wat: &str) -> Vec<u8> {
    wat::parse_str(wat).expect("test module is valid text")
}

fn echo() -> Runner {
    Runner::new(&wasm(ECHO), LIMITS).expect("echo module loads")
}

#[test]
fn echoes_and_reuses_the_instance() {
    let mut runner = echo();
    for request in [&b"{\"op\":\"version\"}"[..], b"", "ünicode ₺".as_bytes()] {
        assert_eq!(runner.call(request).as_deref(), Ok(request));
    }
    assert_eq!(runner.memory_bytes(), 2 * PAGE);
}

#[test]
fn refuses_oversized_input_without_running_it() {
    let mut runner = echo();
    let big = vec![b'L'; 1001];
    assert_eq!(runner.call(&big), Err(Failure::InputTooLarge { len: 1001, max: 1000 }));
    assert_eq!(runner.call(&big[..1000]), Err(Failure::FuelExhausted), "1000 bytes are let in");
}

#[test]
fn runaway_call_runs_out_of_fuel_and_the_next_call_works() {
    let mut runner = echo();
    assert_eq!(runner.call(b"L"), Err(Failure::FuelExhausted));
    assert_eq!(runner.memory_bytes(), 0, "the stopped instance is dropped");
    assert_eq!(runner.call(b"ok").as_deref(), Ok(&b"ok"[..]));
}

#[test]
fn memory_cap_stops_growth_and_the_next_call_works() {
    let mut runner = echo();
    assert_eq!(runner.call(b"G"), Err(Failure::MemoryExhausted));
    assert_eq!(runner.call(b"ok").as_deref(), Ok(&b"ok"[..]));
}

#[test]
fn an_instance_that_grew_past_a_quarter_of_the_cap_is_not_kept() {
    let mut runner = echo();
    assert_eq!(runner.call(b"g").as_deref(), Ok(&b"g"[..]));
    assert_eq!(runner.memory_bytes(), 0);
    assert_eq!(runner.call(b"ok").as_deref(), Ok(&b"ok"[..]));
    assert_eq!(runner.memory_bytes(), 2 * PAGE);
}

#[test]
fn traps_and_bad_answers_are_failures_and_the_next_call_works() {
    let mut runner = echo();
    assert!(matches!(runner.call(b"T"), Err(Failure::Trap(ref m)) if m.contains("unreachable")));
    assert_eq!(runner.call(b"O"), Err(Failure::BadAnswer("answer outside memory")));
    assert_eq!(runner.call(b"ok").as_deref(), Ok(&b"ok"[..]));
}

/// Function bodies are validated on their first call (CompilationMode::Lazy): a body that does not
/// validate fails that call with an error, never a panic, and the engine goes on answering calls
/// that do not reach it.
#[test]
fn a_function_body_that_does_not_validate_fails_the_call_that_reaches_it() {
    let module = wasm(
        &ECHO
            .replacen(
                "(module",
                r#"(module (func $broken (result i32) (i64.const 0)) (func $reach_broken (drop (call $broken)))"#,
                1,
            )
            .replace("(then unreachable)", "(then (call $reach_broken) unreachable)"),
    );
    let mut runner = Runner::new(&module, LIMITS).expect("bodies are not validated at load");
    let failure = runner.call(b"T");
    assert!(matches!(failure, Err(Failure::BadModule(ref m)) if m.contains("type mismatch")), "{failure:?}");
    assert_eq!(runner.call(b"ok").as_deref(), Ok(&b"ok"[..]));
}

#[test]
fn modules_that_cannot_run_are_refused_at_load() {
    let refused = |module: &[u8], limits: Limits| match Runner::new(module, limits) {
        Err(Failure::BadModule(why)) => why,
        Err(other) => panic!("wrong failure {other:?}"),
        Ok(_) => panic!("module accepted"),
    };
    let garbage = refused(b"not wasm", LIMITS);
    assert!(garbage.contains("magic"), "{garbage}");
    let with_import = wasm(&ECHO.replacen("(module", r#"(module (import "env" "now" (func)) "#, 1));
    assert!(refused(&with_import, LIMITS).contains("env"));
    let without_call = wasm(&ECHO.replace(r#"(export "call")"#, ""));
    assert!(refused(&without_call, LIMITS).contains("`call`"));
    let start_traps = wasm(&ECHO.replacen("(module", "(module (func $boom unreachable) (start $boom)", 1));
    assert!(refused(&start_traps, LIMITS).contains("unreachable"));
    let tiny = Limits { max_memory_bytes: PAGE, ..LIMITS };
    assert!(Runner::new(&wasm(ECHO), tiny).is_err(), "initial memory above the cap");
}

#[test]
fn error_envelopes_are_one_line_json_with_engine_codes() {
    let bad = Failure::BadModule("say \"hi\"\n  then\\ \u{1}stop".into());
    assert_eq!(
        bad.envelope(),
        r#"{"error":{"code":"engine.module_invalid","message":"The module cannot run in this engine: say \"hi\" then\\ \u0001stop"},"ok":false}"#
    );
}

/// Takes an answer from the C ABI as a Rust string and frees it.
fn take(answer: *mut c_char) -> String {
    assert!(!answer.is_null());
    // SAFETY: a NUL-terminated string from the runner, freed once right after.
    let text = unsafe { CStr::from_ptr(answer) }.to_str().expect("UTF-8").to_owned();
    unsafe { sanalpos_runner_free_answer(answer) };
    text
}

#[test]
fn c_abi_round_trip() {
    let module = wasm(ECHO);
    let mut error = std::ptr::null_mut();
    // SAFETY: valid buffers and pointers, as the C ABI requires; the runner is freed once.
    unsafe {
        let runner = sanalpos_runner_new(module.as_ptr().cast(), module.len(), 100_000, 16 * PAGE, 1000, &mut error);
        assert!(!runner.is_null() && error.is_null());
        let request = "{\"say\":\"merhaba ₺\"}";
        assert_eq!(take(sanalpos_runner_call(runner, request.as_ptr().cast(), request.len())), request);
        assert_eq!(sanalpos_runner_memory_bytes(runner), 2 * PAGE);
        let answer = take(sanalpos_runner_call(runner, c"L".as_ptr(), 1));
        assert!(answer.starts_with(r#"{"error":{"code":"engine.fuel_exhausted","#), "{answer}");
        let nul = take(sanalpos_runner_call(runner, c"a".as_ptr(), 2));
        assert!(nul.contains("engine.bad_answer"), "an answer with NUL cannot be a C string: {nul}");
        assert!(take(sanalpos_runner_call(runner, std::ptr::null(), 5)).contains("engine.invalid_call"));
        assert_eq!(take(sanalpos_runner_call(runner, std::ptr::null(), 0)), "");
        sanalpos_runner_free(runner);
    }
}

#[test]
fn c_abi_reports_load_failures_and_tolerates_null() {
    let mut error = std::ptr::null_mut();
    // SAFETY: valid pointers; NULL where the ABI allows it.
    unsafe {
        assert!(sanalpos_runner_new(c"nope".as_ptr(), 4, 1, PAGE, 1, &mut error).is_null());
        assert!(take(error).contains("engine.module_invalid"));
        assert!(sanalpos_runner_new(std::ptr::null(), 4, 1, PAGE, 1, std::ptr::null_mut()).is_null());
        assert!(take(sanalpos_runner_call(std::ptr::null_mut(), c"{}".as_ptr(), 2)).contains("engine.invalid_call"));
        assert_eq!(sanalpos_runner_memory_bytes(std::ptr::null()), 0);
        sanalpos_runner_free_answer(std::ptr::null_mut());
        sanalpos_runner_free(std::ptr::null_mut());
    }
}
