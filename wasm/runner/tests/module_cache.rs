//! The process-wide module cache (its own test binary: the compilation counter is process-wide and
//! the tests of one binary run in parallel).

use sanalpos_runner::{compilations, Limits, Runner};

const LIMITS: Limits = Limits { fuel_per_call: 100_000, max_memory_bytes: 1 << 20, max_input_bytes: 1000 };

/// Answers every request with an empty answer at address 0.
fn module(answer_len: i64) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(module (memory (export "memory") 1)
             (func (export "alloc") (param i32) (result i32) (i32.const 16))
             (func (export "dealloc") (param i32 i32))
             (func (export "call") (param i32 i32) (result i64) (i64.const {answer_len})))"#
    ))
    .expect("test module is valid text")
}

#[test]
fn the_same_module_is_compiled_once_per_process_and_a_new_one_replaces_it() {
    let (first, second) = (module(0), module(1));
    let before = compilations();
    let mut a = Runner::new(&first, LIMITS).expect("loads");
    drop(Runner::new(&first, LIMITS).expect("loads again"));
    let mut b = Runner::new(&first, LIMITS).expect("loads again");
    assert_eq!(compilations() - before, 1, "one compilation for three runners of one module");
    assert_eq!(a.call(b"x").as_deref(), Ok(&b""[..]));
    assert_eq!(b.call(b"x").as_deref(), Ok(&b""[..]), "runners of one compiled module are independent");

    let mut c = Runner::new(&second, LIMITS).expect("loads");
    assert_eq!(c.call(b"x").as_deref(), Ok(&b"\0"[..]), "other bytes, other module");
    drop(Runner::new(&first, LIMITS).expect("loads"));
    assert_eq!(compilations() - before, 3, "the cache holds the last module only");
    assert_eq!(a.call(b"x").as_deref(), Ok(&b""[..]), "a runner keeps its module when the cache moves on");
}
