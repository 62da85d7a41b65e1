//! Runs a WAT module's exports in wasmi and in the translated PHP (the `php` command) and
//! compares every result. Results are compared as bits; NaNs that wasm leaves unspecified
//! (quiet "arithmetic" NaNs: payload and sign may differ between engines) compare equal.

#![allow(dead_code)] // each test file uses a different part

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use wasmi::{Engine, Linker, Module, Store, Val, F32, F64};

/// One call: an export name and its arguments.
pub struct Call {
    pub export: String,
    pub args: Vec<Val>,
}

pub fn call(export: &str, args: &[Val]) -> Call {
    Call { export: export.to_string(), args: args.to_vec() }
}

pub fn i32(v: i64) -> Val {
    Val::I32(v as i32)
}

pub fn i64(v: i64) -> Val {
    Val::I64(v)
}

pub fn f32_bits(bits: u32) -> Val {
    Val::F32(F32::from_bits(bits))
}

pub fn f64(v: f64) -> Val {
    Val::F64(F64::from_bits(v.to_bits()))
}

pub fn f64_bits(bits: u64) -> Val {
    Val::F64(F64::from_bits(bits))
}

/// Translates `wat`, runs `calls` in both engines, and panics listing every difference.
pub fn check(wat: &str, calls: &[Call]) {
    let wasm = wat::parse_str(wat).expect("valid WAT");
    let expected = run_wasmi(&wasm, calls);
    let actual = run_php(&wasm, calls);
    let mut differences = String::new();
    for (i, c) in calls.iter().enumerate() {
        let (e, a) = (&expected[i], actual.get(i).map(String::as_str).unwrap_or("<missing>"));
        if e != a {
            let _ = writeln!(differences, "{}({:?}): wasmi `{e}`, php `{a}`", c.export, c.args);
        }
    }
    assert!(differences.is_empty(), "{} of {} calls differ:\n{differences}", differences.lines().count(), calls.len());
}

fn run_wasmi(wasm: &[u8], calls: &[Call]) -> Vec<String> {
    let engine = Engine::default();
    let module = Module::new(&engine, wasm).expect("wasmi accepts the module");
    let mut store = Store::new(&engine, ());
    let instance = Linker::new(&engine).instantiate_and_start(&mut store, &module).expect("instantiate");
    calls
        .iter()
        .map(|c| {
            let func = instance.get_func(&store, &c.export).unwrap_or_else(|| panic!("no export {}", c.export));
            let ty = func.ty(&store);
            let mut results: Vec<Val> = ty.results().iter().map(|t| Val::default_for_ty(*t)).collect();
            match func.call(&mut store, &c.args, &mut results) {
                Ok(()) => results.iter().map(show).collect::<Vec<_>>().join(" "),
                Err(e) => match e.as_trap_code() {
                    Some(code) => format!("trap {}", trap_kind(code.trap_message())),
                    None => format!("error {e}"),
                },
            }
        })
        .collect()
}

fn show(v: &Val) -> String {
    match v {
        Val::I32(x) => (*x as u32).to_string(),
        Val::I64(x) => x.to_string(),
        Val::F32(x) => float(x.to_bits() as u64, 32),
        Val::F64(x) => float(x.to_bits(), 64),
        Val::FuncRef(r) => if r.is_null() { "null" } else { "func" }.to_string(),
        other => format!("{other:?}"),
    }
}

/// Float bits, with quiet NaNs (whose sign and payload wasm leaves open) as `nan`.
fn float(bits: u64, width: u32) -> String {
    let (exp, quiet, frac) =
        if width == 32 { (0x7F80_0000u64, 0x40_0000u64, 0x7F_FFFF) } else { (0x7FF0 << 48, 1 << 51, (1 << 52) - 1) };
    if bits & exp == exp && bits & frac != 0 && bits & quiet != 0 {
        "nan".into()
    } else {
        format!("f{width}:{bits:x}")
    }
}

/// The trap kinds both engines name (their wording differs slightly).
fn trap_kind(message: &str) -> &'static str {
    let kinds = [
        ("unreachable", "unreachable"),
        ("memory", "memory"),
        ("uninitialized", "null-element"),
        ("table", "table"),
        ("divide by zero", "div-zero"),
        ("overflow", "overflow"),
        ("conversion", "conversion"),
        ("type mismatch", "signature"),
    ];
    kinds.iter().find(|(needle, _)| message.contains(needle)).map_or("other", |(_, kind)| kind)
}

static COUNTER: AtomicUsize = AtomicUsize::new(0);

fn run_php(wasm: &[u8], calls: &[Call]) -> Vec<String> {
    // Parts of a few hundred bytes: most calls cross from one part (and file) to another.
    let options = wasm2php::Options { namespace: "W2pTest".into(), class: "M".into(), part_bytes: 200 };
    let translation = wasm2php::translate(wasm, &options).unwrap_or_else(|e| panic!("translate: {e}"));
    let dir = scratch_dir();
    for (name, contents) in &translation.files {
        std::fs::write(dir.join(name), contents).expect("write module");
    }

    let module = Module::new(&Engine::default(), wasm).expect("module");
    let mut driver = String::from(DRIVER_HEAD);
    for c in calls {
        let ty = module
            .exports()
            .find(|e| e.name() == c.export)
            .and_then(|e| e.ty().func().cloned())
            .unwrap_or_else(|| panic!("no export {}", c.export));
        let types: String = ty.results().iter().map(|t| format!("{t:?}").to_lowercase() + ",").collect();
        let args = c.args.iter().map(php_arg).collect::<Vec<_>>().join(", ");
        let method = wasm2php_export(&c.export);
        let _ = writeln!(driver, "run( fn() => $i->{method}( {args} ), '{types}' );");
    }
    std::fs::write(dir.join("driver.php"), driver).expect("write driver");
    let out = Command::new("php")
        .args(["-d", "error_reporting=-1", "-d", "display_errors=stderr", "-d", "memory_limit=512M"])
        .arg(dir.join("driver.php"))
        .output()
        .expect("run `php` (install php-cli: scripts/bootstrap.sh)");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success() && stderr.is_empty(), "php failed ({}):\n{stderr}", out.status);
    let _ = std::fs::remove_dir_all(&dir);
    String::from_utf8(out.stdout).expect("utf-8").lines().map(str::to_string).collect()
}

fn wasm2php_export(name: &str) -> String {
    if name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        format!("x_{name}")
    } else {
        format!("x_{}", name.bytes().map(|b| format!("{b:02x}")).collect::<String>())
    }
}

fn scratch_dir() -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("wasm2php-test-{}-{n}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn php_arg(v: &Val) -> String {
    match v {
        Val::I32(x) => (*x as u32).to_string(),
        Val::I64(x) if *x == i64::MIN => "PHP_INT_MIN".into(),
        Val::I64(x) => format!("({x})"),
        Val::F32(x) => x.to_bits().to_string(),
        Val::F64(x) => format!("unpack( 'e', pack( 'P', {} ) )[1]", x.to_bits() as i64),
        other => panic!("no PHP spelling for {other:?}"),
    }
}

/// Prints each result like `show` above, after checking its PHP type fits the representation.
const DRIVER_HEAD: &str = r#"<?php
require __DIR__ . '/M.php';
$i = new W2pTest\M();
function fmt( $v, string $t ): string {
	switch ( $t ) {
		case 'i32':
			return ( is_int( $v ) && $v >= 0 && $v <= 0xFFFFFFFF ) ? (string) $v : 'BAD-I32:' . var_export( $v, true );
		case 'i64':
			return is_int( $v ) ? (string) $v : 'BAD-I64:' . var_export( $v, true );
		case 'f32':
			return ( is_int( $v ) && $v >= 0 && $v <= 0xFFFFFFFF ) ? nan_or( $v, 32 ) : 'BAD-F32:' . var_export( $v, true );
		case 'f64':
			return is_float( $v ) ? nan_or( unpack( 'P', pack( 'e', $v ) )[1], 64 ) : 'BAD-F64:' . var_export( $v, true );
		case 'funcref':
			return null === $v ? 'null' : 'func';
	}
	return 'BAD-TYPE';
}
function nan_or( int $bits, int $w ): string {
	[ $exp, $quiet, $frac ] = 32 === $w ? array( 0x7F800000, 0x400000, 0x7FFFFF ) : array( 0x7FF0000000000000, 1 << 51, ( 1 << 52 ) - 1 );
	if ( ( $bits & $exp ) === $exp && 0 !== ( $bits & $frac ) && 0 !== ( $bits & $quiet ) ) {
		return 'nan';
	}
	return sprintf( 'f%d:%x', $w, $bits );
}
function run( callable $f, string $types ): void {
	try {
		$r     = $f();
		$types = array_values( array_filter( explode( ',', $types ) ) );
		$r     = count( $types ) > 1 ? $r : ( count( $types ) ? array( $r ) : array() );
		$out   = array();
		foreach ( $types as $k => $t ) {
			$out[] = fmt( $r[ $k ], $t );
		}
		echo implode( ' ', $out ), "\n";
	} catch ( W2pTest\MTrap $e ) {
		$m     = $e->getMessage();
		$kinds = array( 'unreachable' => 'unreachable', 'memory' => 'memory', 'uninitialized' => 'null-element', 'table' => 'table', 'divide by zero' => 'div-zero', 'overflow' => 'overflow', 'conversion' => 'conversion', 'type mismatch' => 'signature' );
		foreach ( $kinds as $needle => $kind ) {
			if ( str_contains( $m, $needle ) ) {
				echo "trap $kind\n";
				return;
			}
		}
		echo "trap other\n";
	}
}
"#;
