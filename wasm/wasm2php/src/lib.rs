//! wasm2php: translates a WebAssembly module ahead of time into plain PHP classes, in the
//! spirit of binaryen's wasm2js and wasm2c, so the plugin runs the same `.wasm` on PHP hosts
//! without FFI or extensions.
//!
//! # Files
//!
//! The output is one directory, every file stamped with the `.wasm`'s SHA-256:
//! - `<class>.php`: the module class (one instance = one wasm instance: memory, globals,
//!   tables), its exports and the runtime helpers. The only file a host `require`s: it registers
//!   the class loader of the parts.
//! - `<class>_<n>.php`: the translated functions, as static methods split into parts of about
//!   [`Options::part_bytes`] (see `split.rs`). A part is loaded on the first call into it, so a
//!   request compiles only the parts it runs, not the whole module.
//! - `<class>.data`: the data segments, after a stamp line; read at instantiation, so they cost
//!   no compile time or memory.
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
//! Translated functions take the instance as their first argument (`$I`). Linear memory is one PHP string (`$I->m`) written byte by byte in place; loads use
//! `unpack`/`ord`. Every access is bounds-checked and a failure throws the module's trap
//! exception (`<Class>Trap`). Structured control flow becomes `goto` labels (a block's label sits
//! after its end, a loop's at its start), `br_table` a `switch`. The wasm value stack becomes
//! expressions; values that must outlive a side effect are kept in slot variables `$s<depth>`.
//!
//! Anything the translator does not support is an [`Error`] naming it, never silently wrong code.

mod body;
mod emit;
mod php;
mod split;

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
    /// About how many bytes of PHP one part holds (a larger function gets a part of its own).
    pub part_bytes: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            namespace: "Sanalpos\\Engine\\Generated".into(),
            class: "SanalposModule".into(),
            part_bytes: 32 * 1024,
        }
    }
}

/// The generated files (to be written into one directory) and what went into them.
#[derive(Debug)]
pub struct Translation {
    /// File name and contents, the module class first.
    pub files: Vec<(String, Vec<u8>)>,
    pub stats: Stats,
}

/// What the module contains, for `--stats`.
#[derive(Debug, Default)]
pub struct Stats {
    /// SHA-256 of the `.wasm` bytes, lowercase hex (also stamped into the PHP file).
    pub sha256: String,
    pub wasm_bytes: usize,
    pub functions: usize,
    /// Parts the functions are split into (one file each).
    pub parts: usize,
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

    /// The functions called from outside the module's code: exports, the start function, and
    /// every function a reference can name (tables, globals, element segments), in that order.
    fn roots(&self) -> Vec<u32> {
        let exports = self.exports.iter().filter(|(_, kind, _)| *kind == ExternalKind::Func).map(|(_, _, f)| *f);
        let tables = self.tables.iter().filter_map(|t| match t.init {
            Const::Ref(r) => r,
            _ => None,
        });
        let globals = self.globals.iter().filter_map(|g| match g.init {
            Const::Ref(r) => r,
            _ => None,
        });
        let elements = self.elements.iter().flat_map(|e| e.items.iter().flatten().copied());
        exports.chain(self.start).chain(tables).chain(globals).chain(elements).collect()
    }
}

/// Translates `wasm` into the PHP files of one directory.
pub fn translate(wasm: &[u8], options: &Options) -> Result<Translation, Error> {
    Validator::new().validate_all(wasm)?;
    let module = parse(wasm)?;
    let mut stats = Stats {
        sha256: Sha256::digest(wasm).iter().map(|b| format!("{b:02x}")).collect(),
        wasm_bytes: wasm.len(),
        functions: module.funcs.len(),
        parts: 0,
        instructions: BTreeMap::new(),
    };
    let mut methods = Vec::with_capacity(module.bodies.len());
    for (index, body) in module.bodies.iter().enumerate() {
        let method = body::translate(&module, index as u32, body, &mut stats.instructions)
            .map_err(|e| Error(format!("function {index}: {e}")))?;
        methods.push(method);
    }
    let sizes = methods.iter().map(|m| m.code.len()).collect::<Vec<_>>();
    let callees = methods.iter().map(|m| m.callees.clone()).collect::<Vec<_>>();
    let parts = split::parts(&sizes, &callees, &module.roots(), options.part_bytes.max(1));
    stats.parts = parts.len();
    let files = emit::files(&module, options, &stats, &methods, &parts);
    Ok(Translation { files, stats })
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
