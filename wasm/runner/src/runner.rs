//! The runner itself: one compiled module, one live instance, limits on every call.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use wasmi::errors::ErrorKind;
use wasmi::{
    CompilationMode, Config, Engine, Error, Linker, Memory, Module, Store, StoreLimits, StoreLimitsBuilder, TrapCode,
    TypedFunc,
};

/// Limits applied to every call.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Fuel (roughly: executed wasm instructions) one call may use, its `alloc`/`dealloc` included.
    pub fuel_per_call: u64,
    /// The most linear memory the instance may grow to, in bytes.
    pub max_memory_bytes: usize,
    /// Longer requests are refused without entering the module.
    pub max_input_bytes: usize,
}

/// Why a call produced no answer. Reported to the host as a JSON error envelope with an `engine.*` code.
#[derive(Debug, PartialEq, Eq)]
pub enum Failure {
    InputTooLarge { len: usize, max: usize },
    FuelExhausted,
    MemoryExhausted,
    Trap(String),
    BadModule(String),
    BadAnswer(&'static str),
    InvalidCall(&'static str),
    Panic,
}

impl Failure {
    pub fn code(&self) -> &'static str {
        match self {
            Failure::InputTooLarge { .. } => "engine.input_too_large",
            Failure::FuelExhausted => "engine.fuel_exhausted",
            Failure::MemoryExhausted => "engine.memory_exhausted",
            Failure::Trap(_) | Failure::Panic => "engine.trap",
            Failure::BadModule(_) => "engine.module_invalid",
            Failure::BadAnswer(_) => "engine.bad_answer",
            Failure::InvalidCall(_) => "engine.invalid_call",
        }
    }

    pub fn message(&self) -> String {
        match self {
            Failure::InputTooLarge { len, max } => {
                format!("The request is {len} bytes; the engine accepts at most {max}")
            }
            Failure::FuelExhausted => "The call ran out of fuel (it ran too long) and was stopped".to_owned(),
            Failure::MemoryExhausted => "The call needed more memory than the engine allows and was stopped".to_owned(),
            Failure::Trap(what) => format!("The module trapped: {what}"),
            Failure::BadModule(what) => format!("The module cannot run in this engine: {what}"),
            Failure::BadAnswer(what) => format!("The module returned an unusable answer: {what}"),
            Failure::InvalidCall(what) => format!("Invalid call to the engine: {what}"),
            Failure::Panic => "The engine failed internally; the call was abandoned".to_owned(),
        }
    }

    /// `{"error":{"code":"engine.…","message":"…"},"ok":false}`: the shape (and key order) of the
    /// module's own error envelopes.
    pub fn envelope(&self) -> String {
        format!(r#"{{"error":{{"code":"{}","message":{}}},"ok":false}}"#, self.code(), json_string(&self.message()))
    }

    fn from_wasmi(error: &Error) -> Self {
        match error.as_trap_code() {
            Some(TrapCode::OutOfFuel) => Failure::FuelExhausted,
            Some(TrapCode::GrowthOperationLimited) => Failure::MemoryExhausted,
            Some(code) => Failure::Trap(code.to_string()),
            // Function bodies are validated and translated on their first call (CompilationMode::Lazy).
            None if matches!(
                error.kind(),
                ErrorKind::Read(_)
                    | ErrorKind::Wasm(_)
                    | ErrorKind::Translation(_)
                    | ErrorKind::ImplementationLimits(_)
            ) =>
            {
                Failure::BadModule(error.to_string())
            }
            None => Failure::Trap(error.to_string()),
        }
    }
}

/// A JSON string literal on one line (messages may quote multi-line wasmi errors).
fn json_string(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for (i, word) in text.split_whitespace().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        push_escaped(&mut out, word);
    }
    out.push('"');
    out
}

fn push_escaped(out: &mut String, text: &str) {
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if u32::from(c) < 0x20 => out.push_str(&format!("\\u{:04x}", u32::from(c))),
            c => out.push(c),
        }
    }
}

/// An instance ready for calls, with the module's raw ABI: `alloc(len) -> ptr`, `dealloc(ptr, len)`,
/// `call(ptr, len) -> (answer_ptr << 32) | answer_len`, and its exported `memory`.
struct Live {
    store: Store<StoreLimits>,
    memory: Memory,
    alloc: TypedFunc<i32, i32>,
    dealloc: TypedFunc<(i32, i32), ()>,
    call: TypedFunc<(i32, i32), i64>,
}

/// The module this process compiled last, with its bytes. A PHP-FPM worker creates a runner for
/// every request and the library stays loaded between requests (it is linked with `-z nodelete`,
/// see build.rs), so from the second request on the module is not parsed again, and the functions
/// wasmi translated for earlier requests are not translated again: it keeps them in the module.
static COMPILED: Mutex<Option<(Vec<u8>, Module)>> = Mutex::new(None);
static COMPILATIONS: AtomicUsize = AtomicUsize::new(0);

/// How many modules this process has compiled (not taken from the cache).
pub fn compilations() -> usize {
    COMPILATIONS.load(Ordering::Relaxed)
}

fn compile(bytes: &[u8]) -> Result<Module, Failure> {
    // A panic while the lock was held left nothing half-written: the slot is replaced whole.
    let mut cached = COMPILED.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some((cached_bytes, module)) = cached.as_ref() {
        if cached_bytes.as_slice() == bytes {
            return Ok(module.clone());
        }
    }
    let mut config = Config::default();
    config.consume_fuel(true);
    // Validate and translate each function on its first call, not all of them up front: a request
    // calls a few dozen of the module's ~700 functions. The host checks the module against its
    // recorded SHA-256 before this.
    config.compilation_mode(CompilationMode::Lazy);
    let module = Module::new(&Engine::new(&config), bytes).map_err(|e| Failure::BadModule(e.to_string()))?;
    COMPILATIONS.fetch_add(1, Ordering::Relaxed);
    *cached = Some((bytes.to_vec(), module.clone()));
    Ok(module)
}

/// Runs JSON requests through one module. The module is compiled once; the instance is dropped after
/// any failure (a trap may leave its memory inconsistent) and re-created on the next call.
pub struct Runner {
    module: Module,
    limits: Limits,
    live: Option<Live>,
}

impl Runner {
    /// Compiles the module (or takes it from this process's cache) and instantiates it once to
    /// report any problem now; each function is validated and compiled on its first call.
    pub fn new(module: &[u8], limits: Limits) -> Result<Self, Failure> {
        let mut runner = Runner { module: compile(module)?, limits, live: None };
        runner.live = Some(runner.instantiate()?);
        Ok(runner)
    }

    /// Linear memory of the live instance, in bytes (0 when none is live).
    pub fn memory_bytes(&self) -> usize {
        self.live.as_ref().map_or(0, |live| live.memory.data_size(&live.store))
    }

    /// Runs one request and returns the module's answer bytes, or why there is none.
    pub fn call(&mut self, request: &[u8]) -> Result<Vec<u8>, Failure> {
        if request.len() > self.limits.max_input_bytes {
            return Err(Failure::InputTooLarge { len: request.len(), max: self.limits.max_input_bytes });
        }
        let live = match self.live.take() {
            Some(live) => live,
            None => self.instantiate()?,
        };
        let (live, answer) = Self::call_on(live, request, self.limits.fuel_per_call)?;
        // A request that made memory grow a lot would keep it for the life of the host process.
        if live.memory.data_size(&live.store) <= self.limits.max_memory_bytes / 4 {
            self.live = Some(live);
        }
        Ok(answer)
    }

    fn instantiate(&self) -> Result<Live, Failure> {
        let limits =
            StoreLimitsBuilder::new().memory_size(self.limits.max_memory_bytes).trap_on_grow_failure(true).build();
        let mut store = Store::new(self.module.engine(), limits);
        store.limiter(|limits| limits);
        store.set_fuel(self.limits.fuel_per_call).map_err(|e| Failure::Trap(e.to_string()))?;
        let instance =
            Linker::new(self.module.engine()).instantiate_and_start(&mut store, &self.module).map_err(|e| {
                match Failure::from_wasmi(&e) {
                    Failure::Trap(_) => Failure::BadModule(e.to_string()),
                    other => other,
                }
            })?;
        let missing = |what: &str| Failure::BadModule(format!("no usable `{what}` export"));
        Ok(Live {
            memory: instance.get_memory(&store, "memory").ok_or_else(|| missing("memory"))?,
            alloc: instance.get_typed_func(&store, "alloc").map_err(|_| missing("alloc"))?,
            dealloc: instance.get_typed_func(&store, "dealloc").map_err(|_| missing("dealloc"))?,
            call: instance.get_typed_func(&store, "call").map_err(|_| missing("call"))?,
            store,
        })
    }

    /// One call on a live instance; the instance comes back only when everything went right.
    fn call_on(mut live: Live, request: &[u8], fuel: u64) -> Result<(Live, Vec<u8>), Failure> {
        let wasmi = |e: Error| Failure::from_wasmi(&e);
        live.store.set_fuel(fuel).map_err(wasmi)?;
        let len = i32::try_from(request.len()).map_err(|_| Failure::InvalidCall("request longer than 2 GiB"))?;
        let ptr = live.alloc.call(&mut live.store, len).map_err(wasmi)?;
        // Guest pointers are unsigned 32-bit offsets carried in i32s.
        live.memory
            .write(&mut live.store, ptr as u32 as usize, request)
            .map_err(|_| Failure::BadAnswer("alloc returned a buffer outside memory"))?;
        let packed = live.call.call(&mut live.store, (ptr, len)).map_err(wasmi)?;
        // The ABI packs (answer_ptr << 32) | answer_len into one i64: the casts take its two halves.
        let (answer_ptr, answer_len) = ((packed as u64 >> 32) as u32, packed as u32);
        let start = answer_ptr as usize;
        let answer = live
            .memory
            .data(&live.store)
            .get(start..start.saturating_add(answer_len as usize))
            .ok_or(Failure::BadAnswer("answer outside memory"))?
            .to_vec();
        // The casts give back the guest's own i32 values.
        live.dealloc.call(&mut live.store, (answer_ptr as i32, answer_len as i32)).map_err(wasmi)?;
        live.dealloc.call(&mut live.store, (ptr, len)).map_err(wasmi)?;
        Ok((live, answer))
    }
}
