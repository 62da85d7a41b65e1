//! wasm2php: translates a WebAssembly module ahead of time into one plain PHP class, in the
//! spirit of binaryen's wasm2js and wasm2c, so the plugin runs the same `.wasm` on PHP hosts
//! without FFI or extensions.
//!
//! # Value representation in the generated PHP
//!
//! | wasm | PHP |
//! |---|---|
//! | `i32` | `int` in `0..=0xFFFF_FFFF` (unsigned; every result is masked back into that range) |
//! | `i64` | `int` (PHP's signed 64-bit; operations that could overflow into a float are emulated) |
//! | `f32` | `int`: the 32 IEEE bits (arithmetic goes through `pack`/`unpack`, so bits survive exactly) |
//! | `f64` | `float` |
//! | `funcref` | the method name of the function (`'f12'`) or `null` |
//!
//! Linear memory is one PHP string (`$this->m`) written byte by byte in place; loads use
//! `unpack`/`ord`. Every access is bounds-checked and a failure throws the module's trap
//! exception (`<Class>Trap`). Structured control flow becomes `goto` labels (a block's label sits
//! after its end, a loop's at its start), `br_table` a `switch`. The wasm value stack becomes
//! expressions; values that must outlive a side effect are kept in slot variables `$s<depth>`.
//!
//! Anything the translator does not support is an [`Error`] naming it, never silently wrong code.

mod body;
mod php;

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};
use wasmparser::{
    ConstExpr, DataKind, ElementItems, ElementKind, ExternalKind, FunctionBody, Operator, Parser, Payload, RefType,
    TableInit, ValType, Validator,
};

/// Names of what the translator writes.
#[derive(Debug, Clone)]
pub struct Options {
    /// PHP namespace of the generated classes (empty for the global namespace).
    pub namespace: String,
    /// Name of the module class; the trap exception is `<class>Trap`.
    pub class: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { namespace: "Sanalpos\\Engine\\Generated".into(), class: "SanalposModule".into() }
    }
}

/// The generated PHP file and what went into it.
#[derive(Debug)]
pub struct Translation {
    pub php: String,
    pub stats: Stats,
}

/// What the module contains, for `--stats`.
#[derive(Debug, Default)]
pub struct Stats {
    /// SHA-256 of the `.wasm` bytes, lowercase hex (also stamped into the PHP file).
    pub sha256: String,
    pub wasm_bytes: usize,
    pub functions: usize,
    /// How often each instruction occurs in the function bodies, by its wasm text name.
    pub instructions: BTreeMap<String, usize>,
}

/// A module the translator cannot translate (invalid, or using something unsupported).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

impl From<wasmparser::BinaryReaderError> for Error {
    fn from(e: wasmparser::BinaryReaderError) -> Self {
        Error(format!("invalid module: {e}"))
    }
}

pub(crate) fn unsupported<T>(what: impl fmt::Display) -> Result<T, Error> {
    Err(Error(format!("unsupported: {what}")))
}

/// A function signature.
#[derive(Debug, Clone)]
pub(crate) struct FuncType {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

impl FuncType {
    /// A short canonical string, compared by `call_indirect` (types are structural in wasm 2.0).
    pub fn signature(&self) -> String {
        let letters = |ts: &[ValType]| ts.iter().map(|t| php::type_letter(*t)).collect::<String>();
        format!("{}:{}", letters(&self.params), letters(&self.results))
    }
}

/// A value known at translate time (constant expressions).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Const {
    I32(u32),
    I64(i64),
    F32(u32),
    F64(u64),
    Ref(Option<u32>),
}

impl Const {
    pub fn php(self) -> String {
        match self {
            Const::I32(v) | Const::F32(v) => v.to_string(),
            Const::I64(v) => php::i64_literal(v),
            Const::F64(bits) => php::f64_literal(bits),
            Const::Ref(None) => "null".into(),
            Const::Ref(Some(f)) => format!("'{}'", php::func_name(f)),
        }
    }
}

struct Global {
    mutable: bool,
    init: Const,
}

struct Table {
    initial: u64,
    maximum: Option<u64>,
    init: Const,
}

struct Element {
    /// `Some((table, offset))` for an active segment.
    active: Option<(u32, u32)>,
    declared: bool,
    items: Vec<Option<u32>>,
}

struct Data<'a> {
    offset: Option<u32>,
    bytes: &'a [u8],
}

/// The parsed module: everything the PHP class is made from.
pub(crate) struct Module<'a> {
    pub types: Vec<FuncType>,
    /// Type index of each function.
    pub funcs: Vec<u32>,
    globals: Vec<Global>,
    tables: Vec<Table>,
    /// Initial and maximum pages of the one memory.
    memory: Option<(u64, Option<u64>)>,
    exports: Vec<(String, ExternalKind, u32)>,
    start: Option<u32>,
    elements: Vec<Element>,
    data: Vec<Data<'a>>,
    bodies: Vec<FunctionBody<'a>>,
}

impl Module<'_> {
    pub fn func_type(&self, func: u32) -> &FuncType {
        &self.types[self.funcs[func as usize] as usize]
    }

    /// The value of an immutable global with a constant initialiser (inlined at its uses).
    pub fn constant_global(&self, index: u32) -> Option<Const> {
        let g = &self.globals[index as usize];
        (!g.mutable).then_some(g.init)
    }
}

/// Translates `wasm` into the PHP source of one file.
pub fn translate(wasm: &[u8], options: &Options) -> Result<Translation, Error> {
    Validator::new().validate_all(wasm)?;
    let module = parse(wasm)?;
    let mut stats = Stats {
        sha256: Sha256::digest(wasm).iter().map(|b| format!("{b:02x}")).collect(),
        wasm_bytes: wasm.len(),
        functions: module.funcs.len(),
        instructions: BTreeMap::new(),
    };
    let mut functions = String::new();
    for (index, body) in module.bodies.iter().enumerate() {
        let code = body::translate(&module, index as u32, body, &mut stats.instructions)
            .map_err(|e| Error(format!("function {index}: {e}")))?;
        functions.push_str(&code);
    }
    let php = emit(&module, options, &stats, &functions)?;
    Ok(Translation { php, stats })
}

fn parse(wasm: &[u8]) -> Result<Module<'_>, Error> {
    let mut m = Module {
        types: Vec::new(),
        funcs: Vec::new(),
        globals: Vec::new(),
        tables: Vec::new(),
        memory: None,
        exports: Vec::new(),
        start: None,
        elements: Vec::new(),
        data: Vec::new(),
        bodies: Vec::new(),
    };
    for payload in Parser::new(0).parse_all(wasm) {
        match payload? {
            Payload::TypeSection(reader) => {
                for group in reader {
                    for sub in group?.into_types() {
                        let wasmparser::CompositeInnerType::Func(f) = &sub.composite_type.inner else {
                            return unsupported("non-function types (GC proposal)");
                        };
                        m.types.push(FuncType { params: f.params().to_vec(), results: f.results().to_vec() });
                    }
                }
            }
            Payload::ImportSection(reader) => {
                if let Some(import) = reader.into_imports().next() {
                    let import = import?;
                    return unsupported(format!("imports (the module imports `{}.{}`)", import.module, import.name));
                }
            }
            Payload::FunctionSection(reader) => {
                for ty in reader {
                    m.funcs.push(ty?);
                }
            }
            Payload::TableSection(reader) => {
                for table in reader {
                    let table = table?;
                    if table.ty.table64 || table.ty.element_type != RefType::FUNCREF {
                        return unsupported("tables other than 32-bit funcref tables");
                    }
                    let init = match table.init {
                        TableInit::RefNull => Const::Ref(None),
                        TableInit::Expr(e) => eval_const(&m, &e)?,
                    };
                    m.tables.push(Table { initial: table.ty.initial, maximum: table.ty.maximum, init });
                }
            }
            Payload::MemorySection(reader) => {
                for memory in reader {
                    let memory = memory?;
                    if memory.memory64 || memory.shared || memory.page_size_log2.is_some() {
                        return unsupported("64-bit, shared or custom-page-size memories");
                    }
                    if m.memory.is_some() {
                        return unsupported("more than one memory");
                    }
                    m.memory = Some((memory.initial, memory.maximum));
                }
            }
            Payload::GlobalSection(reader) => {
                for global in reader {
                    let global = global?;
                    let init = eval_const(&m, &global.init_expr)?;
                    php::check_type(global.ty.content_type)?;
                    m.globals.push(Global { mutable: global.ty.mutable, init });
                }
            }
            Payload::ExportSection(reader) => {
                for export in reader {
                    let export = export?;
                    m.exports.push((export.name.to_string(), export.kind, export.index));
                }
            }
            Payload::StartSection { func, .. } => m.start = Some(func),
            Payload::ElementSection(reader) => {
                for element in reader {
                    let element = element?;
                    let items = match element.items {
                        ElementItems::Functions(funcs) => {
                            funcs.into_iter().map(|f| f.map(Some)).collect::<Result<Vec<_>, _>>()?
                        }
                        ElementItems::Expressions(_, exprs) => {
                            let mut items = Vec::new();
                            for e in exprs {
                                match eval_const(&m, &e?)? {
                                    Const::Ref(r) => items.push(r),
                                    _ => return unsupported("element expressions that are not references"),
                                }
                            }
                            items
                        }
                    };
                    let (active, declared) = match element.kind {
                        ElementKind::Passive => (None, false),
                        ElementKind::Declared => (None, true),
                        ElementKind::Active { table_index, offset_expr } => {
                            (Some((table_index.unwrap_or(0), const_u32(&m, &offset_expr)?)), false)
                        }
                    };
                    m.elements.push(Element { active, declared, items });
                }
            }
            Payload::DataSection(reader) => {
                for data in reader {
                    let data = data?;
                    let offset = match data.kind {
                        DataKind::Passive => None,
                        DataKind::Active { offset_expr, .. } => Some(const_u32(&m, &offset_expr)?),
                    };
                    m.data.push(Data { offset, bytes: data.data });
                }
            }
            Payload::CodeSectionEntry(body) => m.bodies.push(body),
            Payload::TagSection(_) => return unsupported("exception-handling tags"),
            Payload::Version { .. }
            | Payload::DataCountSection { .. }
            | Payload::CodeSectionStart { .. }
            | Payload::CustomSection(_)
            | Payload::End(_) => {}
            other => return unsupported(format!("section {other:?}")),
        }
    }
    Ok(m)
}

fn const_u32(m: &Module, expr: &ConstExpr) -> Result<u32, Error> {
    match eval_const(m, expr)? {
        Const::I32(v) => Ok(v),
        other => unsupported(format!("a segment offset of {other:?}")),
    }
}

/// Evaluates a constant expression at translate time (the module has no imports, so every
/// `global.get` in one refers to an earlier, already known global).
fn eval_const(m: &Module, expr: &ConstExpr) -> Result<Const, Error> {
    let mut stack = Vec::new();
    let mut ops = expr.get_operators_reader();
    while !ops.eof() {
        let op = ops.read()?;
        let value = match op {
            Operator::End => break,
            Operator::I32Const { value } => Const::I32(value as u32),
            Operator::I64Const { value } => Const::I64(value),
            Operator::F32Const { value } => Const::F32(value.bits()),
            Operator::F64Const { value } => Const::F64(value.bits()),
            Operator::RefNull { .. } => Const::Ref(None),
            Operator::RefFunc { function_index } => Const::Ref(Some(function_index)),
            Operator::GlobalGet { global_index } => m.globals[global_index as usize].init,
            Operator::I32Add
            | Operator::I32Sub
            | Operator::I32Mul
            | Operator::I64Add
            | Operator::I64Sub
            | Operator::I64Mul => {
                let (Some(b), Some(a)) = (stack.pop(), stack.pop()) else { return Err(Error("bad constant".into())) };
                match (a, b, &op) {
                    (Const::I32(a), Const::I32(b), Operator::I32Add) => Const::I32(a.wrapping_add(b)),
                    (Const::I32(a), Const::I32(b), Operator::I32Sub) => Const::I32(a.wrapping_sub(b)),
                    (Const::I32(a), Const::I32(b), _) => Const::I32(a.wrapping_mul(b)),
                    (Const::I64(a), Const::I64(b), Operator::I64Add) => Const::I64(a.wrapping_add(b)),
                    (Const::I64(a), Const::I64(b), Operator::I64Sub) => Const::I64(a.wrapping_sub(b)),
                    (Const::I64(a), Const::I64(b), _) => Const::I64(a.wrapping_mul(b)),
                    _ => return Err(Error("bad constant".into())),
                }
            }
            other => return unsupported(format!("constant expression with {other:?}")),
        };
        stack.push(value);
    }
    stack.pop().ok_or_else(|| Error("empty constant expression".into()))
}

/// Writes the whole PHP file.
fn emit(m: &Module, options: &Options, stats: &Stats, functions: &str) -> Result<String, Error> {
    let class = &options.class;
    let mut out = String::new();
    out.push_str("<?php\n");
    out.push_str(&format!(
        "// Generated by wasm2php from a {}-byte .wasm. Do not edit: `make` rebuilds it.\n",
        stats.wasm_bytes
    ));
    out.push_str(&format!("// wasm-sha256: {}\n\n", stats.sha256));
    if !options.namespace.is_empty() {
        out.push_str(&format!("namespace {};\n\n", options.namespace));
    }
    out.push_str(&format!("/** A WebAssembly trap: the instance must not be used again. */\nfinal class {class}Trap extends \\RuntimeException {{}}\n\n"));
    out.push_str(&format!("/** The translated module: one instance = one wasm instance (memory, globals, tables). */\nfinal class {class} {{\n"));
    out.push_str(&format!("\tpublic const WASM_SHA256 = '{}';\n", stats.sha256));
    out.push_str(&format!(
        "\t/** Linear memory at instantiation, in 64 KiB pages. */\n\tpublic const INITIAL_PAGES = {};\n",
        m.memory.map_or(0, |(initial, _)| initial)
    ));
    out.push_str("\t/** Signature of every function, for call_indirect. */\n\tprivate const SIG = array(");
    for f in 0..m.funcs.len() as u32 {
        out.push_str(&format!("'{}' => '{}', ", php::func_name(f), m.func_type(f).signature()));
    }
    out.push_str(");\n\n");
    out.push_str("\t/** Linear memory, written in place. */\n\tpublic string $m = '';\n\t/** Its size in bytes. */\n\tpublic int $n = 0;\n");
    out.push_str("\t/** Memory size limit in pages (the module's maximum or the host's cap, the lower). */\n\tprivate int $maxPages = 0;\n");
    out.push_str("\t/** True once memory.grow was refused because of the host's cap (not the module's maximum). */\n\tpublic bool $capped = false;\n");
    out.push_str("\tprivate int $hostCap = 0;\n\t/** @var array<int, array<int, ?string>> */\n\tprivate array $tables = array();\n\tprivate array $tableMax = array();\n");
    out.push_str("\t/** @var array<int, array<int, ?string>> passive element segments (dropped ones are empty) */\n\tprivate array $elems = array();\n");
    out.push_str("\t/** @var array<int, string> passive data segments (dropped ones are empty) */\n\tprivate array $data = array();\n");
    for (i, g) in m.globals.iter().enumerate() {
        if g.mutable {
            out.push_str(&format!("\tprivate $g{i} = {};\n", Const::php(g.init)));
        }
    }
    out.push('\n');

    // Instantiation: memory, tables, element and data segments, start function (spec order).
    out.push_str(
        "\t/** @param int $hostCapPages the most pages memory.grow may reach here (the host's memory cap) */\n",
    );
    out.push_str("\tpublic function __construct( int $hostCapPages = 65536 ) {\n");
    out.push_str("\t\t$this->hostCap = $hostCapPages;\n");
    if let Some((initial, maximum)) = m.memory {
        out.push_str(&format!("\t\t$this->maxPages = {};\n", maximum.unwrap_or(65536).min(65536)));
        out.push_str(&format!(
            "\t\t$this->m = \\str_repeat( \"\\0\", {} );\n\t\t$this->n = {};\n",
            initial << 16,
            initial << 16
        ));
    }
    for (i, t) in m.tables.iter().enumerate() {
        out.push_str(&format!(
            "\t\t$this->tables[{i}] = \\array_fill( 0, {}, {} );\n\t\t$this->tableMax[{i}] = {};\n",
            t.initial,
            t.init.php(),
            t.maximum.unwrap_or(u32::MAX as u64)
        ));
        if t.initial == 0 {
            out.push_str(&format!("\t\t$this->tables[{i}] = array();\n"));
        }
    }
    for (i, e) in m.elements.iter().enumerate() {
        let items = e.items.iter().map(|r| Const::Ref(*r).php()).collect::<Vec<_>>().join(", ");
        match e.active {
            Some((table, offset)) => {
                out.push_str(&format!("\t\t$this->tableInitFrom( {table}, {offset}, array( {items} ) );\n"));
                out.push_str(&format!("\t\t$this->elems[{i}] = array();\n"));
            }
            None if e.declared => out.push_str(&format!("\t\t$this->elems[{i}] = array();\n")),
            None => out.push_str(&format!("\t\t$this->elems[{i}] = array( {items} );\n")),
        }
    }
    for (i, d) in m.data.iter().enumerate() {
        match d.offset {
            Some(offset) => {
                out.push_str(&format!("\t\t$this->write( {offset}, {} );\n", php::string_literal(d.bytes)));
                out.push_str(&format!("\t\t$this->data[{i}] = '';\n"));
            }
            None => out.push_str(&format!("\t\t$this->data[{i}] = {};\n", php::string_literal(d.bytes))),
        }
    }
    if let Some(start) = m.start {
        out.push_str(&format!("\t\t$this->{}();\n", php::func_name(start)));
    }
    out.push_str("\t}\n\n");

    // Exported functions: public wrappers that normalise i32 arguments.
    out.push_str("\t/** Exported functions: name => public method. */\n\tpublic const EXPORTS = array(");
    for (name, _, _) in m.exports.iter().filter(|(_, kind, _)| *kind == ExternalKind::Func) {
        out.push_str(&format!("{} => '{}', ", php::string_literal(name.as_bytes()), php::export_name(name)));
    }
    out.push_str(");\n\n");
    for (name, kind, index) in &m.exports {
        if *kind != ExternalKind::Func {
            continue;
        }
        let ty = m.func_type(*index);
        let params = (0..ty.params.len()).map(|i| format!("$p{i}")).collect::<Vec<_>>();
        let args = ty
            .params
            .iter()
            .enumerate()
            .map(|(i, t)| match t {
                ValType::I32 | ValType::F32 => format!("$p{i} & 0xFFFFFFFF"),
                _ => format!("$p{i}"),
            })
            .collect::<Vec<_>>();
        out.push_str(&format!(
            "\t/** Export `{}` ({}). */\n\tpublic function {}( {} ) {{\n\t\treturn $this->{}( {} );\n\t}}\n\n",
            name.replace("*/", "* /"),
            ty.signature(),
            php::export_name(name),
            params.join(", "),
            php::func_name(*index),
            args.join(", ")
        ));
    }
    out.push_str(functions);
    out.push_str(include_str!("runtime.php").replace("TRAP", &format!("{class}Trap")).as_str());
    out.push_str("}\n");
    Ok(out)
}
