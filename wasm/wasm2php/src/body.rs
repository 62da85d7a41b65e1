//! One function body → one PHP method.
//!
//! The wasm value stack is kept at translate time as PHP expressions. An expression stays
//! pending (not yet evaluated) until something could change what it reads or reorder a trap:
//! then the stack is flushed, bottom up, into slot variables `$s<position>`. An expression at
//! position `p` only ever reads slots `>= p`, so a bottom-up flush never overwrites a slot that
//! a pending expression still needs, and branch values can be moved into their target's slots
//! in order. Blocks put their results in the slots starting at their entry height; a loop's
//! parameters live in the same slots, so a branch back to the loop just assigns them.

use std::collections::BTreeMap;

use wasmparser::{BlockType, FunctionBody, MemArg, Operator, ValType};

use crate::{php, unsupported, Error, Module};

const MASK32: &str = "0xFFFFFFFF";

/// A value on the translate-time stack.
#[derive(Clone, Debug)]
struct Val {
    code: String,
    /// A PHP bool standing for an i32 0/1 (comparisons), converted with `(int)` when stored.
    boolean: bool,
    /// The value of an integer constant.
    konst: Option<i64>,
    /// Other literals (float, null, function name) are constants too.
    literal: bool,
    /// `Some(p)` when the code is exactly the slot variable `$s<p>`.
    slot: Option<usize>,
    /// Reads memory, a global or a table, or may trap: must be evaluated before the next side effect.
    effects: bool,
    /// Locals the expression reads.
    locals: Vec<u32>,
}

impl Val {
    fn expr(code: String, effects: bool, locals: Vec<u32>) -> Val {
        Val { code, boolean: false, konst: None, literal: false, slot: None, effects, locals }
    }

    fn int_const(v: i64, code: String) -> Val {
        Val { konst: Some(v), literal: true, ..Val::expr(code, false, Vec::new()) }
    }

    fn literal(code: String) -> Val {
        Val { literal: true, ..Val::expr(code, false, Vec::new()) }
    }

    fn slot(p: usize) -> Val {
        Val { slot: Some(p), ..Val::expr(format!("$s{p}"), false, Vec::new()) }
    }

    fn local(x: u32) -> Val {
        Val::expr(format!("$l{x}"), false, vec![x])
    }

    /// The code as a PHP int (or float / null for those types).
    fn int(&self) -> String {
        if self.boolean {
            format!("((int) {})", self.code)
        } else {
            self.code.clone()
        }
    }

    /// A variable or a literal: cheap and safe to write twice.
    fn simple(&self) -> bool {
        self.literal || self.slot.is_some() || (self.locals.len() == 1 && self.code.starts_with("$l"))
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Func,
    Block,
    Loop,
    If,
    Else,
}

struct Frame {
    kind: Kind,
    id: usize,
    /// Stack height below the block's parameters.
    height: usize,
    params: Vec<ValType>,
    results: Vec<ValType>,
    /// A branch targets the end label (blocks, ifs).
    used: bool,
    /// For `Else`: whether the end of the then-branch was reachable.
    then_reachable: bool,
}

struct Translator<'a, 'm> {
    m: &'a Module<'m>,
    out: String,
    stack: Vec<Val>,
    frames: Vec<Frame>,
    reachable: bool,
    /// Nesting depth of blocks opened inside unreachable code (skipped).
    dead: usize,
    next_id: usize,
    indent: usize,
    /// The body reads or writes memory through `$m`, a reference to `$I->m` made on entry
    /// (cheaper than a property access per byte; writes through it stay in place).
    uses_memory: bool,
}

/// A translated function.
pub struct Method {
    /// The PHP static method, its call targets not yet resolved (see [`php::call_target`]).
    pub code: String,
    /// The functions it calls directly, each once, in order of first call.
    pub callees: Vec<u32>,
}

/// Translates function `index` into a PHP method, counting its instructions into `counts`.
pub fn translate(
    m: &Module,
    index: u32,
    body: &FunctionBody,
    counts: &mut BTreeMap<String, usize>,
) -> Result<Method, Error> {
    let ty = m.func_type(index);
    let mut locals: Vec<ValType> = ty.params.clone();
    for entry in body.get_locals_reader()? {
        let (count, t) = entry?;
        php::check_type(t)?;
        locals.extend(std::iter::repeat_n(t, count as usize));
    }
    for t in ty.params.iter().chain(&ty.results) {
        php::check_type(*t)?;
    }
    let mut ops = Vec::new();
    let mut reader = body.get_operators_reader()?;
    while !reader.eof() {
        let op = reader.read()?;
        *counts.entry(op_name(&op)).or_default() += 1;
        ops.push(op);
    }

    let mut t = Translator {
        m,
        out: String::new(),
        stack: Vec::new(),
        frames: vec![Frame {
            kind: Kind::Func,
            id: 0,
            height: 0,
            params: Vec::new(),
            results: ty.results.clone(),
            used: false,
            then_reachable: false,
        }],
        reachable: true,
        dead: 0,
        next_id: 1,
        indent: 2,
        uses_memory: false,
    };
    for op in &ops {
        t.op(op)?;
    }
    let params = (0..ty.params.len()).map(|i| format!("$l{i}")).collect::<Vec<_>>();
    let mut method =
        format!("\tpublic static function {}( {} ) {{\n", php::func_name(index), php::args_with_instance(&params));
    if t.uses_memory {
        method.push_str("\t\t$m = &$I->m;\n");
    }
    for (x, local) in locals.iter().enumerate().skip(ty.params.len()) {
        if needs_init(&ops, x as u32) {
            method.push_str(&format!("\t\t$l{x} = {};\n", php::zero(*local)));
        }
    }
    method.push_str(&t.out);
    method.push_str("\t}\n\n");
    let mut callees = Vec::new();
    for op in &ops {
        if let Operator::Call { function_index } = op {
            if !callees.contains(function_index) {
                callees.push(*function_index);
            }
        }
    }
    Ok(Method { code: method, callees })
}

/// Whether a declared local can be read before it is written: unless its first use is a write
/// at the top nesting level (which every later instruction comes after), it starts at zero.
fn needs_init(ops: &[Operator], x: u32) -> bool {
    let mut depth = 0usize;
    for op in ops {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => depth += 1,
            Operator::End => depth = depth.saturating_sub(1),
            Operator::LocalGet { local_index } if *local_index == x => return true,
            Operator::LocalSet { local_index } | Operator::LocalTee { local_index } if *local_index == x => {
                return depth != 0
            }
            _ => {}
        }
    }
    false
}

/// The wasm text name of an instruction (`I64ExtendI32U` → `i64.extend_i32_u`).
pub fn op_name(op: &Operator) -> String {
    let debug = format!("{op:?}");
    let name = debug.split([' ', '{', '(']).next().unwrap_or_default();
    let mut tokens: Vec<String> = Vec::new();
    for c in name.chars() {
        match tokens.last_mut() {
            Some(last) if !c.is_ascii_uppercase() => last.push(c.to_ascii_lowercase()),
            _ => tokens.push(c.to_ascii_lowercase().to_string()),
        }
    }
    const PREFIXES: [&str; 12] =
        ["i32", "i64", "f32", "f64", "v128", "memory", "local", "global", "table", "ref", "data", "elem"];
    match tokens.split_first() {
        Some((first, rest)) if !rest.is_empty() && PREFIXES.contains(&first.as_str()) => {
            format!("{first}.{}", rest.join("_"))
        }
        _ => tokens.join("_"),
    }
}

impl Translator<'_, '_> {
    fn line(&mut self, s: &str) {
        for _ in 0..self.indent {
            self.out.push('\t');
        }
        self.out.push_str(s);
        self.out.push('\n');
    }

    fn label(&mut self, name: &str) {
        self.line(&format!("{name}:"));
    }

    fn pop(&mut self) -> Result<Val, Error> {
        self.stack.pop().ok_or_else(|| Error("stack underflow (invalid module)".into()))
    }

    fn push(&mut self, v: Val) {
        self.stack.push(v);
    }

    fn settled(&self, p: usize) -> bool {
        let v = &self.stack[p];
        v.literal || v.slot == Some(p)
    }

    /// Evaluates every pending expression, bottom up, into its slot.
    fn flush(&mut self) {
        for p in 0..self.stack.len() {
            if !self.settled(p) {
                let code = self.stack[p].int();
                self.line(&format!("$s{p} = {code};"));
                self.stack[p] = Val::slot(p);
            }
        }
    }

    fn flush_if(&mut self, pred: impl Fn(&Val) -> bool) {
        if self.stack.iter().any(pred) {
            self.flush();
        }
    }

    /// Flushes, then also writes the top `n` literals into their slots (values a branch or a
    /// block boundary must find in slot variables).
    fn settle_top(&mut self, n: usize) {
        self.flush();
        for p in self.stack.len() - n..self.stack.len() {
            if self.stack[p].slot != Some(p) {
                let code = self.stack[p].int();
                self.line(&format!("$s{p} = {code};"));
                self.stack[p] = Val::slot(p);
            }
        }
    }

    fn block_type(&self, bt: BlockType) -> (Vec<ValType>, Vec<ValType>) {
        match bt {
            BlockType::Empty => (Vec::new(), Vec::new()),
            BlockType::Type(t) => (Vec::new(), vec![t]),
            BlockType::FuncType(i) => {
                let f = &self.m.types[i as usize];
                (f.params.clone(), f.results.clone())
            }
        }
    }

    fn open(&mut self, kind: Kind, bt: BlockType) -> usize {
        let (params, results) = self.block_type(bt);
        self.settle_top(params.len());
        let id = self.next_id;
        self.next_id += 1;
        let height = self.stack.len() - params.len();
        self.frames.push(Frame { kind, id, height, params, results, used: false, then_reachable: false });
        id
    }

    /// The code that returns the top `n` values.
    fn return_code(&self, n: usize) -> String {
        let values = self.stack[self.stack.len() - n..].iter().map(Val::int).collect::<Vec<_>>();
        match values.len() {
            0 => "return;".into(),
            1 => format!("return {};", values[0]),
            _ => format!("return array( {} );", values.join(", ")),
        }
    }

    /// The statements of a branch to the frame `depth` levels out, with the stack flushed.
    fn branch_code(&mut self, depth: u32) -> String {
        let index = self.frames.len() - 1 - depth as usize;
        let frame = &self.frames[index];
        if frame.kind == Kind::Func {
            return self.return_code(frame.results.len());
        }
        let (arity, label) = if frame.kind == Kind::Loop {
            (frame.params.len(), format!("l{}", frame.id))
        } else {
            (frame.results.len(), format!("b{}", frame.id))
        };
        let base = frame.height;
        self.frames[index].used |= self.frames[index].kind != Kind::Loop;
        let top = self.stack.len() - arity;
        let mut code = String::new();
        for i in 0..arity {
            let v = &self.stack[top + i];
            if v.slot != Some(base + i) {
                code.push_str(&format!("$s{} = {}; ", base + i, v.int()));
            }
        }
        code.push_str(&format!("goto {label};"));
        code
    }

    /// After an unconditional transfer: the rest of the block is skipped.
    fn unreachable_rest(&mut self) {
        self.reachable = false;
        let height = self.frames.last().map_or(0, |f| f.height);
        self.stack.truncate(height);
    }

    fn end(&mut self) -> Result<(), Error> {
        let frame = self.frames.pop().ok_or_else(|| Error("unbalanced end".into()))?;
        let n = frame.results.len();
        match frame.kind {
            Kind::Func => {
                if self.reachable {
                    self.flush();
                    let code = self.return_code(n);
                    if code != "return;" {
                        self.line(&code);
                    }
                }
                return Ok(());
            }
            Kind::Block | Kind::Loop => {
                if self.reachable && frame.used {
                    self.settle_top(n);
                }
                if frame.used {
                    self.label(&format!("b{}", frame.id));
                }
                if !self.reachable || frame.used {
                    self.results_in_slots(&frame);
                }
                self.reachable |= frame.used;
            }
            Kind::If | Kind::Else => {
                if self.reachable {
                    self.settle_top(n);
                }
                self.indent -= 1;
                self.line("}");
                if frame.used {
                    self.label(&format!("b{}", frame.id));
                }
                // An `if` without `else` passes its parameters (same types as its results,
                // already in the same slots) through when the condition is false.
                self.reachable = self.reachable || frame.used || frame.kind == Kind::If || frame.then_reachable;
                self.results_in_slots(&frame);
            }
        }
        Ok(())
    }

    fn results_in_slots(&mut self, frame: &Frame) {
        self.stack.truncate(frame.height);
        for i in 0..frame.results.len() {
            self.push(Val::slot(frame.height + i));
        }
    }

    fn un(&mut self, boolean: bool, traps: bool, f: impl FnOnce(&Val) -> String) -> Result<(), Error> {
        let a = self.pop()?;
        let code = f(&a);
        self.push(Val { boolean, ..Val::expr(code, a.effects || traps, a.locals) });
        Ok(())
    }

    fn bin(&mut self, boolean: bool, traps: bool, f: impl FnOnce(&Val, &Val) -> String) -> Result<(), Error> {
        let b = self.pop()?;
        let a = self.pop()?;
        let code = f(&a, &b);
        let mut locals = a.locals;
        locals.extend(b.locals);
        self.push(Val { boolean, ..Val::expr(code, a.effects || b.effects || traps, locals) });
        Ok(())
    }

    /// Pushes a call (or any statement producing `n` results) into fresh slots.
    fn call_into_slots(&mut self, call: String, results: usize) {
        let p = self.stack.len();
        match results {
            0 => self.line(&format!("{call};")),
            1 => self.line(&format!("$s{p} = {call};")),
            _ => {
                let slots = (p..p + results).map(|s| format!("$s{s}")).collect::<Vec<_>>().join(", ");
                self.line(&format!("[{slots}] = {call};"));
            }
        }
        for s in p..p + results {
            self.push(Val::slot(s));
        }
    }

    /// Pops `n` operands (after flushing what lies below them) and returns their codes.
    fn pop_args(&mut self, n: usize) -> Result<Vec<String>, Error> {
        let mut args = Vec::with_capacity(n);
        for _ in 0..n {
            args.push(self.pop()?.int());
        }
        args.reverse();
        self.flush();
        Ok(args)
    }

    fn address(&mut self, memarg: &MemArg) -> Result<(String, bool), Error> {
        if memarg.target != wasmparser::MemArgTarget::Memory(0) {
            return unsupported("multiple memories");
        }
        let a = self.pop()?;
        let code = if memarg.offset == 0 { a.int() } else { format!("({} + {})", a.int(), memarg.offset) };
        Ok((code, a.simple() && memarg.offset == 0))
    }

    fn load(
        &mut self,
        memarg: &MemArg,
        size: u32,
        format: &str,
        wrap: impl FnOnce(String) -> String,
    ) -> Result<(), Error> {
        let a = self.stack.last().cloned().ok_or_else(|| Error("stack underflow".into()))?;
        let (addr, _) = self.address(memarg)?;
        // No bounds check: past the end of memory, PHP warns (`$m[$at]`, unpack) or throws a
        // ValueError (unpack), which the exports turn into the trap (see `enter` in runtime.php).
        let raw =
            if size == 1 { format!("\\ord( $m[{addr}] )") } else { format!("\\unpack( '{format}', $m, {addr} )[1]") };
        self.uses_memory = true;
        self.push(Val::expr(wrap(raw), true, a.locals));
        Ok(())
    }

    /// A store of the low `size` bytes of an integer (or of the 8 bytes of an f64).
    fn store(&mut self, memarg: &MemArg, size: u32, float: bool) -> Result<(), Error> {
        let v = self.pop()?;
        let (addr, simple) = self.address(memarg)?;
        self.flush_if(|x| x.effects);
        let a = if simple {
            addr
        } else {
            self.line(&format!("$a = {addr};"));
            "$a".to_string()
        };
        let bytes: Vec<String> = match (float, v.konst) {
            (false, Some(k)) => (0..size).map(|i| php::string_literal(&[(k >> (8 * i)) as u8])).collect(),
            _ => {
                let value = if float { format!("\\pack( 'e', {} )", v.code) } else { v.int() };
                let var = if v.simple() && !float {
                    value
                } else {
                    self.line(&format!("$v = {value};"));
                    "$v".to_string()
                };
                (0..size)
                    .map(|i| match (float, i) {
                        (true, _) => format!("{var}[{i}]"),
                        // `& 255` although chr() masks too: measurably faster (PHP 8.2, with and without opcache).
                        (false, 0) => format!("\\chr( {var} & 255 )"),
                        (false, _) => format!("\\chr( ({var} >> {}) & 255 )", 8 * i),
                    })
                    .collect()
            }
        };
        let check = if size == 1 { format!("{a} >= $I->n") } else { format!("{a} + {size} > $I->n") };
        let mut code = format!("if ( {check} ) $I->oob(); ");
        for (i, byte) in bytes.iter().enumerate() {
            let at = if i == 0 { a.clone() } else { format!("{a} + {i}") };
            code.push_str(&format!("$m[{at}] = {byte}; "));
        }
        self.uses_memory = true;
        self.line(code.trim_end());
        Ok(())
    }

    fn i32_const(&self, v: &Val) -> Option<u32> {
        v.konst.map(|k| k as u32)
    }

    fn op(&mut self, op: &Operator) -> Result<(), Error> {
        use Operator as O;
        if !self.reachable {
            return self.skip(op);
        }
        match op {
            // Control
            O::Unreachable => {
                self.flush();
                self.line("$I->trap( 'unreachable' );");
                self.unreachable_rest();
            }
            O::Nop => {}
            O::Block { blockty } => {
                self.open(Kind::Block, *blockty);
            }
            O::Loop { blockty } => {
                let id = self.open(Kind::Loop, *blockty);
                self.label(&format!("l{id}"));
            }
            O::If { blockty } => {
                let cond = self.pop()?;
                self.open(Kind::If, *blockty);
                self.line(&format!("if ( {} ) {{", cond.code));
                self.indent += 1;
            }
            O::Else => {
                if self.reachable {
                    let n = self.frames.last().map_or(0, |f| f.results.len());
                    self.settle_top(n);
                }
                self.else_branch();
            }
            O::End => self.end()?,
            O::Br { relative_depth } => {
                self.flush();
                let code = self.branch_code(*relative_depth);
                self.line(&code);
                self.unreachable_rest();
            }
            O::BrIf { relative_depth } => {
                let cond = self.pop()?;
                self.flush();
                let code = self.branch_code(*relative_depth);
                self.line(&format!("if ( {} ) {{ {code} }}", cond.code));
            }
            O::BrTable { targets } => {
                let index = self.pop()?;
                self.flush();
                let mut cases: Vec<(String, Vec<String>)> = Vec::new();
                for (i, depth) in targets.targets().enumerate() {
                    let code = self.branch_code(depth?);
                    match cases.iter_mut().find(|(c, _)| *c == code) {
                        Some((_, labels)) => labels.push(format!("case {i}:")),
                        None => cases.push((code, vec![format!("case {i}:")])),
                    }
                }
                let default = self.branch_code(targets.default());
                self.line(&format!("switch ( {} ) {{", index.int()));
                for (code, labels) in cases {
                    self.line(&format!("\t{} {code}", labels.join(" ")));
                }
                self.line(&format!("\tdefault: {default}"));
                self.line("}");
                self.unreachable_rest();
            }
            O::Return => {
                self.flush();
                let n = self.frames[0].results.len();
                let code = self.return_code(n);
                self.line(&code);
                self.unreachable_rest();
            }
            O::Call { function_index } => {
                let ty = self.m.func_type(*function_index).clone();
                let args = self.pop_args(ty.params.len())?;
                let call = format!("{}( {} )", php::call_target(*function_index), php::args_with_instance(&args));
                self.call_into_slots(call, ty.results.len());
            }
            O::CallIndirect { type_index, table_index } => {
                let ty = self.m.types[*type_index as usize].clone();
                self.flush();
                let callee = self.pop()?.int();
                let args = self.pop_args(ty.params.len())?;
                let call = format!(
                    "($I->callee( {table_index}, {callee}, '{}' ))( {} )",
                    ty.signature(),
                    php::args_with_instance(&args)
                );
                self.call_into_slots(call, ty.results.len());
            }
            O::Drop => {
                let v = self.pop()?;
                if v.effects {
                    self.flush();
                    self.line(&format!("{};", v.code));
                }
            }
            O::Select | O::TypedSelect { .. } => {
                let n = self.stack.len();
                if n >= 3 && self.stack[n - 3..].iter().any(|v| v.effects) {
                    self.flush();
                }
                let cond = self.pop()?;
                let b = self.pop()?;
                let a = self.pop()?;
                let code = format!("({} ? {} : {})", cond.code, a.int(), b.int());
                let mut locals = a.locals;
                locals.extend(b.locals);
                locals.extend(cond.locals);
                self.push(Val::expr(code, false, locals));
            }
            O::TypedSelectMulti { .. } => return unsupported("select with several result types"),
            O::LocalGet { local_index } => self.push(Val::local(*local_index)),
            O::LocalSet { local_index } | O::LocalTee { local_index } => {
                let v = self.pop()?;
                let x = *local_index;
                self.flush_if(|s| s.locals.contains(&x));
                self.line(&format!("$l{x} = {};", v.int()));
                if matches!(op, O::LocalTee { .. }) {
                    self.push(Val::local(x));
                }
            }
            O::GlobalGet { global_index } => match self.m.constant_global(*global_index) {
                Some(c) => self.push(Val::literal(c.php())),
                None => self.push(Val::expr(format!("$I->g{global_index}"), true, Vec::new())),
            },
            O::GlobalSet { global_index } => {
                let v = self.pop()?;
                self.flush_if(|s| s.effects);
                self.line(&format!("$I->g{global_index} = {};", v.int()));
            }

            // Memory
            O::I32Load { memarg } => self.load(memarg, 4, "V", |r| r)?,
            O::I64Load { memarg } => self.load(memarg, 8, "P", |r| r)?,
            O::F32Load { memarg } => self.load(memarg, 4, "V", |r| r)?,
            O::F64Load { memarg } => self.load(memarg, 8, "e", |r| r)?,
            O::I32Load8S { memarg } => self.load(memarg, 1, "", |r| format!("((({r} ^ 0x80) - 0x80) & {MASK32})"))?,
            O::I32Load8U { memarg } | O::I64Load8U { memarg } => self.load(memarg, 1, "", |r| r)?,
            O::I32Load16S { memarg } => {
                self.load(memarg, 2, "v", |r| format!("((({r} ^ 0x8000) - 0x8000) & {MASK32})"))?
            }
            O::I32Load16U { memarg } | O::I64Load16U { memarg } => self.load(memarg, 2, "v", |r| r)?,
            O::I64Load8S { memarg } => self.load(memarg, 1, "", |r| format!("(({r} ^ 0x80) - 0x80)"))?,
            O::I64Load16S { memarg } => self.load(memarg, 2, "v", |r| format!("(({r} ^ 0x8000) - 0x8000)"))?,
            O::I64Load32S { memarg } => self.load(memarg, 4, "V", |r| format!("(({r} ^ 0x80000000) - 0x80000000)"))?,
            O::I64Load32U { memarg } => self.load(memarg, 4, "V", |r| r)?,
            O::I32Store { memarg } | O::F32Store { memarg } | O::I64Store32 { memarg } => {
                self.store(memarg, 4, false)?
            }
            O::I64Store { memarg } => self.store(memarg, 8, false)?,
            O::F64Store { memarg } => self.store(memarg, 8, true)?,
            O::I32Store8 { memarg } | O::I64Store8 { memarg } => self.store(memarg, 1, false)?,
            O::I32Store16 { memarg } | O::I64Store16 { memarg } => self.store(memarg, 2, false)?,
            O::MemorySize { .. } => self.push(Val::expr("($I->n >> 16)".into(), true, Vec::new())),
            O::MemoryGrow { .. } => {
                let args = self.pop_args(1)?;
                self.call_into_slots(format!("$I->grow( {} )", args[0]), 1);
            }
            O::MemoryFill { .. } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->fill( {} );", args.join(", ")));
            }
            O::MemoryCopy { .. } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->copy( {} );", args.join(", ")));
            }
            O::MemoryInit { data_index, .. } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->init( {data_index}, {} );", args.join(", ")));
            }
            O::DataDrop { data_index } => self.line(&format!("$I->data[{data_index}] = '';")),

            // Tables and references
            O::TableGet { table } => self.un(false, true, |a| format!("$I->tableGet( {table}, {} )", a.int()))?,
            O::TableSet { table } => {
                let args = self.pop_args(2)?;
                self.line(&format!("$I->tableSet( {table}, {} );", args.join(", ")));
            }
            O::TableSize { table } => self.push(Val::expr(format!("\\count( $I->tables[{table}] )"), true, Vec::new())),
            O::TableGrow { table } => {
                let args = self.pop_args(2)?;
                self.call_into_slots(format!("$I->tableGrow( {table}, {} )", args.join(", ")), 1);
            }
            O::TableFill { table } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->tableFill( {table}, {} );", args.join(", ")));
            }
            O::TableCopy { dst_table, src_table } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->tableCopy( {dst_table}, {src_table}, {} );", args.join(", ")));
            }
            O::TableInit { elem_index, table } => {
                let args = self.pop_args(3)?;
                self.line(&format!("$I->tableInit( {table}, {elem_index}, {} );", args.join(", ")));
            }
            O::ElemDrop { elem_index } => self.line(&format!("$I->elems[{elem_index}] = array();")),
            O::RefNull { .. } => self.push(Val::literal("null".into())),
            O::RefIsNull => self.un(true, false, |a| format!("({} === null)", a.code))?,
            O::RefFunc { function_index } => self.push(Val::literal(format!("'{}'", php::func_name(*function_index)))),

            // Constants
            O::I32Const { value } => self.push(Val::int_const(*value as u32 as i64, (*value as u32).to_string())),
            O::I64Const { value } => self.push(Val::int_const(*value, php::i64_literal(*value))),
            O::F32Const { value } => self.push(Val::literal(value.bits().to_string())),
            O::F64Const { value } => self.push(Val::literal(php::f64_literal(value.bits()))),

            _ => return self.numeric(op),
        }
        Ok(())
    }

    /// The `else` of the innermost `if`.
    fn else_branch(&mut self) {
        let then_reachable = self.reachable;
        let Some(frame) = self.frames.last_mut() else { return };
        frame.kind = Kind::Else;
        frame.then_reachable = then_reachable;
        let (height, params) = (frame.height, frame.params.len());
        self.indent -= 1;
        self.line("} else {");
        self.indent += 1;
        self.stack.truncate(height);
        for i in 0..params {
            self.push(Val::slot(height + i));
        }
        self.reachable = true;
    }

    /// Unreachable code is not translated; only its block structure is followed.
    fn skip(&mut self, op: &Operator) -> Result<(), Error> {
        match op {
            Operator::Block { .. } | Operator::Loop { .. } | Operator::If { .. } => self.dead += 1,
            Operator::Else if self.dead == 0 => self.else_branch(),
            Operator::End if self.dead > 0 => self.dead -= 1,
            Operator::End => self.end()?,
            _ => {}
        }
        Ok(())
    }

    /// Arithmetic, comparisons and conversions: pure expressions (some may trap).
    fn numeric(&mut self, op: &Operator) -> Result<(), Error> {
        use Operator as O;
        const SIGN32: u32 = 0x8000_0000;
        let s32 = |v: &Val| match v.konst {
            Some(k) => ((k as u32) ^ SIGN32).to_string(),
            None => format!("({} ^ 0x80000000)", v.int()),
        };
        let signed32 = |v: &Val| format!("(({} ^ 0x80000000) - 0x80000000)", v.int());
        let u64 = |v: &Val| match v.konst {
            Some(k) => php::i64_literal(k ^ i64::MIN),
            None => format!("({} ^ \\PHP_INT_MIN)", v.code),
        };
        let shift = |v: &Val, bits: i64| match v.konst {
            Some(k) => (k & (bits - 1)).to_string(),
            None => format!("({} & {})", v.int(), bits - 1),
        };
        let f32 = |v: &Val| format!("$I->f32Float( {} )", v.code);
        let small = |v: &Val| matches!(v.konst, Some(k) if (0..0x8000_0000).contains(&k));
        match op {
            // i32 (unsigned representation)
            O::I32Eqz => {
                self.un(true, false, |a| if a.boolean { format!("!{}", a.code) } else { format!("({} == 0)", a.code) })?
            }
            O::I32Eq | O::I64Eq => self.bin(true, false, |a, b| format!("({} == {})", a.int(), b.int()))?,
            O::I32Ne | O::I64Ne => self.bin(true, false, |a, b| format!("({} != {})", a.int(), b.int()))?,
            O::I32LtU | O::I64LtS => self.bin(true, false, |a, b| format!("({} < {})", a.int(), b.int()))?,
            O::I32GtU | O::I64GtS => self.bin(true, false, |a, b| format!("({} > {})", a.int(), b.int()))?,
            O::I32LeU | O::I64LeS => self.bin(true, false, |a, b| format!("({} <= {})", a.int(), b.int()))?,
            O::I32GeU | O::I64GeS => self.bin(true, false, |a, b| format!("({} >= {})", a.int(), b.int()))?,
            O::I32LtS => self.bin(true, false, |a, b| format!("({} < {})", s32(a), s32(b)))?,
            O::I32GtS => self.bin(true, false, |a, b| format!("({} > {})", s32(a), s32(b)))?,
            O::I32LeS => self.bin(true, false, |a, b| format!("({} <= {})", s32(a), s32(b)))?,
            O::I32GeS => self.bin(true, false, |a, b| format!("({} >= {})", s32(a), s32(b)))?,
            O::I32Clz => self.un(false, false, |a| format!("$I->clz32( {} )", a.int()))?,
            O::I32Ctz => self.un(false, false, |a| format!("$I->ctz32( {} )", a.int()))?,
            O::I32Popcnt => self.un(false, false, |a| format!("$I->popcnt32( {} )", a.int()))?,
            O::I32Add => self.bin(false, false, |a, b| format!("(({} + {}) & {MASK32})", a.int(), b.int()))?,
            O::I32Sub => self.bin(false, false, |a, b| format!("(({} - {}) & {MASK32})", a.int(), b.int()))?,
            O::I32Mul => self.bin(false, false, |a, b| {
                if small(a) || small(b) {
                    format!("(({} * {}) & {MASK32})", a.int(), b.int())
                } else {
                    format!("$I->mul32( {}, {} )", a.int(), b.int())
                }
            })?,
            O::I32DivU => match self.stack.last().and_then(|v| self.i32_const(v)) {
                Some(d) if d != 0 => self.bin(false, false, |a, _| format!("\\intdiv( {}, {d} )", a.int()))?,
                _ => self.bin(false, true, |a, b| format!("$I->divU32( {}, {} )", a.int(), b.int()))?,
            },
            O::I32RemU => match self.stack.last().and_then(|v| self.i32_const(v)) {
                Some(d) if d != 0 => self.bin(false, false, |a, _| format!("({} % {d})", a.int()))?,
                _ => self.bin(false, true, |a, b| format!("$I->remU32( {}, {} )", a.int(), b.int()))?,
            },
            O::I32DivS => self.bin(false, true, |a, b| format!("$I->divS32( {}, {} )", a.int(), b.int()))?,
            O::I32RemS => self.bin(false, true, |a, b| format!("$I->remS32( {}, {} )", a.int(), b.int()))?,
            O::I32And | O::I64And => self.bin(false, false, |a, b| format!("({} & {})", a.int(), b.int()))?,
            O::I32Or | O::I64Or => self.bin(false, false, |a, b| format!("({} | {})", a.int(), b.int()))?,
            O::I32Xor | O::I64Xor => self.bin(false, false, |a, b| format!("({} ^ {})", a.int(), b.int()))?,
            O::I32Shl => self.bin(false, false, |a, b| format!("(({} << {}) & {MASK32})", a.int(), shift(b, 32)))?,
            O::I32ShrU => self.bin(false, false, |a, b| format!("({} >> {})", a.int(), shift(b, 32)))?,
            O::I32ShrS => {
                self.bin(false, false, |a, b| format!("(({} >> {}) & {MASK32})", signed32(a), shift(b, 32)))?
            }
            O::I32Rotl => self.bin(false, false, |a, b| format!("$I->rotl32( {}, {} )", a.int(), b.int()))?,
            O::I32Rotr => self.bin(false, false, |a, b| format!("$I->rotr32( {}, {} )", a.int(), b.int()))?,

            // i64 (PHP int; overflowing operations emulated)
            O::I64Eqz => self.un(true, false, |a| format!("({} == 0)", a.code))?,
            O::I64LtU => self.bin(true, false, |a, b| format!("({} < {})", u64(a), u64(b)))?,
            O::I64GtU => self.bin(true, false, |a, b| format!("({} > {})", u64(a), u64(b)))?,
            O::I64LeU => self.bin(true, false, |a, b| format!("({} <= {})", u64(a), u64(b)))?,
            O::I64GeU => self.bin(true, false, |a, b| format!("({} >= {})", u64(a), u64(b)))?,
            O::I64Clz => self.un(false, false, |a| format!("$I->clz64( {} )", a.code))?,
            O::I64Ctz => self.un(false, false, |a| format!("$I->ctz64( {} )", a.code))?,
            O::I64Popcnt => self.un(false, false, |a| format!("$I->popcnt64( {} )", a.code))?,
            O::I64Add => self.bin(false, false, |a, b| format!("$I->add64( {}, {} )", a.code, b.code))?,
            O::I64Sub => self.bin(false, false, |a, b| format!("$I->sub64( {}, {} )", a.code, b.code))?,
            O::I64Mul => self.bin(false, false, |a, b| format!("$I->mul64( {}, {} )", a.code, b.code))?,
            O::I64DivS => self.bin(false, true, |a, b| format!("$I->divS64( {}, {} )", a.code, b.code))?,
            O::I64DivU => self.bin(false, true, |a, b| format!("$I->divU64( {}, {} )", a.code, b.code))?,
            O::I64RemS => self.bin(false, true, |a, b| format!("$I->remS64( {}, {} )", a.code, b.code))?,
            O::I64RemU => self.bin(false, true, |a, b| format!("$I->remU64( {}, {} )", a.code, b.code))?,
            O::I64Shl => self.bin(false, false, |a, b| format!("({} << {})", a.code, shift(b, 64)))?,
            O::I64ShrS => self.bin(false, false, |a, b| format!("({} >> {})", a.code, shift(b, 64)))?,
            O::I64ShrU => self.bin(false, false, |a, b| match b.konst.map(|k| k & 63) {
                Some(0) => a.code.clone(),
                Some(n) => format!("(({} >> {n}) & {})", a.code, i64::MAX >> (n - 1)),
                None => format!("$I->shrU64( {}, {} )", a.code, b.code),
            })?,
            O::I64Rotl => self.bin(false, false, |a, b| format!("$I->rotl64( {}, {} )", a.code, b.code))?,
            O::I64Rotr => self.bin(false, false, |a, b| format!("$I->rotr64( {}, {} )", a.code, b.code))?,

            // Conversions and sign extension
            O::I32WrapI64 => self.un(false, false, |a| format!("({} & {MASK32})", a.code))?,
            O::I64ExtendI32S => self.un(false, false, signed32)?,
            // An unsigned i32 already is the i64 value (once a comparison's bool is an int).
            O::I64ExtendI32U => self.un(false, false, Val::int)?,
            O::I32Extend8S => {
                self.un(false, false, |a| format!("(((({} & 0xFF) ^ 0x80) - 0x80) & {MASK32})", a.int()))?
            }
            O::I32Extend16S => {
                self.un(false, false, |a| format!("(((({} & 0xFFFF) ^ 0x8000) - 0x8000) & {MASK32})", a.int()))?
            }
            O::I64Extend8S => self.un(false, false, |a| format!("((({} & 0xFF) ^ 0x80) - 0x80)", a.code))?,
            O::I64Extend16S => self.un(false, false, |a| format!("((({} & 0xFFFF) ^ 0x8000) - 0x8000)", a.code))?,
            O::I64Extend32S => {
                self.un(false, false, |a| format!("((({} & {MASK32}) ^ 0x80000000) - 0x80000000)", a.code))?
            }
            O::I32ReinterpretF32 | O::F32ReinterpretI32 => {} // f32 values are their bits
            O::I64ReinterpretF64 => {
                self.un(false, false, |a| format!("\\unpack( 'P', \\pack( 'e', {} ) )[1]", a.code))?
            }
            O::F64ReinterpretI64 => {
                self.un(false, false, |a| format!("\\unpack( 'e', \\pack( 'P', {} ) )[1]", a.code))?
            }
            O::F32DemoteF64 => self.un(false, false, |a| format!("$I->f32Bits( {} )", a.code))?,
            O::F64PromoteF32 => self.un(false, false, f32)?,
            O::F64ConvertI32S => self.un(false, false, |a| format!("((float) {})", signed32(a)))?,
            O::F64ConvertI32U | O::F64ConvertI64S => self.un(false, false, |a| format!("((float) {})", a.int()))?,
            O::F64ConvertI64U => self.un(false, false, |a| format!("$I->f64FromU64( {} )", a.code))?,
            O::F32ConvertI32S => self.un(false, false, |a| format!("$I->f32Bits( (float) {} )", signed32(a)))?,
            O::F32ConvertI32U => self.un(false, false, |a| format!("$I->f32Bits( (float) {} )", a.int()))?,
            O::F32ConvertI64S => self.un(false, false, |a| format!("$I->f32FromI64( {}, false )", a.code))?,
            O::F32ConvertI64U => self.un(false, false, |a| format!("$I->f32FromI64( {}, true )", a.code))?,

            // Float → integer: trapping and saturating
            O::I32TruncF32S
            | O::I32TruncF32U
            | O::I64TruncF32S
            | O::I64TruncF32U
            | O::I32TruncF64S
            | O::I32TruncF64U
            | O::I64TruncF64S
            | O::I64TruncF64U
            | O::I32TruncSatF32S
            | O::I32TruncSatF32U
            | O::I64TruncSatF32S
            | O::I64TruncSatF32U
            | O::I32TruncSatF64S
            | O::I32TruncSatF64U
            | O::I64TruncSatF64S
            | O::I64TruncSatF64U => {
                let name = op_name(op); // e.g. "i64.trunc_sat_f32_u"
                let from_f32 = name.contains("f32");
                let helper = format!(
                    "{}{}{}",
                    if name.contains("sat") { "sat" } else { "trunc" },
                    if name.starts_with("i32") { "32" } else { "64" },
                    if name.ends_with("_s") { "S" } else { "U" }
                );
                let traps = !name.contains("sat");
                self.un(false, traps, |a| {
                    let x = if from_f32 { f32(a) } else { a.code.clone() };
                    format!("$I->{helper}( {x} )")
                })?
            }

            // f64 (PHP float: IEEE arithmetic; `/` would throw on zero, so fdiv)
            O::F64Eq => self.bin(true, false, |a, b| format!("({} == {})", a.code, b.code))?,
            O::F64Ne => self.bin(true, false, |a, b| format!("({} != {})", a.code, b.code))?,
            O::F64Lt => self.bin(true, false, |a, b| format!("({} < {})", a.code, b.code))?,
            O::F64Gt => self.bin(true, false, |a, b| format!("({} > {})", a.code, b.code))?,
            O::F64Le => self.bin(true, false, |a, b| format!("({} <= {})", a.code, b.code))?,
            O::F64Ge => self.bin(true, false, |a, b| format!("({} >= {})", a.code, b.code))?,
            O::F64Add => self.bin(false, false, |a, b| format!("({} + {})", a.code, b.code))?,
            O::F64Sub => self.bin(false, false, |a, b| format!("({} - {})", a.code, b.code))?,
            O::F64Mul => self.bin(false, false, |a, b| format!("({} * {})", a.code, b.code))?,
            O::F64Div => self.bin(false, false, |a, b| format!("\\fdiv( {}, {} )", a.code, b.code))?,
            O::F64Min => self.bin(false, false, |a, b| format!("$I->fmin( {}, {} )", a.code, b.code))?,
            O::F64Max => self.bin(false, false, |a, b| format!("$I->fmax( {}, {} )", a.code, b.code))?,
            O::F64Copysign => self.bin(false, false, |a, b| format!("$I->f64Copysign( {}, {} )", a.code, b.code))?,
            O::F64Abs => self.un(false, false, |a| format!("\\abs( {} )", a.code))?,
            O::F64Neg => self.un(false, false, |a| format!("$I->f64Neg( {} )", a.code))?,
            O::F64Ceil => self.un(false, false, |a| format!("$I->fceil( {} )", a.code))?,
            O::F64Floor => self.un(false, false, |a| format!("$I->ffloor( {} )", a.code))?,
            O::F64Trunc => self.un(false, false, |a| format!("$I->ftrunc( {} )", a.code))?,
            O::F64Nearest => self.un(false, false, |a| format!("$I->fnearest( {} )", a.code))?,
            O::F64Sqrt => self.un(false, false, |a| format!("\\sqrt( {} )", a.code))?,

            // f32 (its bits; computed in double, which rounds correctly back to f32 for
            // + - * / sqrt since double has more than 2 × 24 + 2 bits)
            O::F32Eq => self.bin(true, false, |a, b| format!("({} == {})", f32(a), f32(b)))?,
            O::F32Ne => self.bin(true, false, |a, b| format!("({} != {})", f32(a), f32(b)))?,
            O::F32Lt => self.bin(true, false, |a, b| format!("({} < {})", f32(a), f32(b)))?,
            O::F32Gt => self.bin(true, false, |a, b| format!("({} > {})", f32(a), f32(b)))?,
            O::F32Le => self.bin(true, false, |a, b| format!("({} <= {})", f32(a), f32(b)))?,
            O::F32Ge => self.bin(true, false, |a, b| format!("({} >= {})", f32(a), f32(b)))?,
            O::F32Add => self.bin(false, false, |a, b| format!("$I->f32Bits( {} + {} )", f32(a), f32(b)))?,
            O::F32Sub => self.bin(false, false, |a, b| format!("$I->f32Bits( {} - {} )", f32(a), f32(b)))?,
            O::F32Mul => self.bin(false, false, |a, b| format!("$I->f32Bits( {} * {} )", f32(a), f32(b)))?,
            O::F32Div => self.bin(false, false, |a, b| format!("$I->f32Bits( \\fdiv( {}, {} ) )", f32(a), f32(b)))?,
            O::F32Min => self.bin(false, false, |a, b| format!("$I->f32Bits( $I->fmin( {}, {} ) )", f32(a), f32(b)))?,
            O::F32Max => self.bin(false, false, |a, b| format!("$I->f32Bits( $I->fmax( {}, {} ) )", f32(a), f32(b)))?,
            O::F32Copysign => {
                self.bin(false, false, |a, b| format!("(({} & 0x7FFFFFFF) | ({} & 0x80000000))", a.code, b.code))?
            }
            O::F32Abs => self.un(false, false, |a| format!("({} & 0x7FFFFFFF)", a.code))?,
            O::F32Neg => self.un(false, false, |a| format!("({} ^ 0x80000000)", a.code))?,
            O::F32Ceil => self.un(false, false, |a| format!("$I->f32Bits( \\ceil( {} ) )", f32(a)))?,
            O::F32Floor => self.un(false, false, |a| format!("$I->f32Bits( \\floor( {} ) )", f32(a)))?,
            O::F32Trunc => self.un(false, false, |a| format!("$I->f32Bits( $I->ftrunc( {} ) )", f32(a)))?,
            O::F32Nearest => self.un(false, false, |a| format!("$I->f32Bits( $I->fnearest( {} ) )", f32(a)))?,
            O::F32Sqrt => self.un(false, false, |a| format!("$I->f32Bits( \\sqrt( {} ) )", f32(a)))?,

            other => return unsupported(format!("instruction `{}`", op_name(other))),
        }
        Ok(())
    }
}
