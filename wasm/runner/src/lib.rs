//! A small WebAssembly runner for hosts that can call C, such as PHP through FFI.
//!
//! It embeds the [wasmi](https://docs.rs/wasmi) interpreter (validation on), loads one module
//! that exports the raw JSON ABI (`memory`, `alloc`, `dealloc`, `call`; see `wasm/src/lib.rs`) and
//! imports nothing, and runs requests through it under limits. It knows nothing about what the
//! module does: bytes in, bytes out.
//!
//! # C ABI
//!
//! ```c
//! typedef struct sanalpos_runner sanalpos_runner;
//!
//! /* Loads and instantiates the module (each function is validated and compiled on its first
//!    call). On failure returns NULL and, if `error` is not NULL,
//!    stores there a JSON error envelope to free with sanalpos_runner_free_answer. */
//! sanalpos_runner *sanalpos_runner_new(const char *module, size_t module_len, uint64_t fuel_per_call,
//!                                      size_t max_memory_bytes, size_t max_input_bytes, char **error);
//!
//! /* Runs one request. Returns the module's answer, or a JSON error envelope with an `engine.*`
//!    code when the runner refused or stopped the call: NUL-terminated, never NULL (except when
//!    out of memory), to free with sanalpos_runner_free_answer. */
//! char *sanalpos_runner_call(sanalpos_runner *runner, const char *request, size_t request_len);
//!
//! /* Bytes of linear memory the live instance holds (0 between a failure and the next call). */
//! size_t sanalpos_runner_memory_bytes(const sanalpos_runner *runner);
//!
//! void sanalpos_runner_free_answer(char *answer);
//! void sanalpos_runner_free(sanalpos_runner *runner);
//!
//! /* This library's version, e.g. "0.1.0" (static, not to be freed). */
//! const char *sanalpos_runner_version(void);
//! ```
//!
//! The library is linked with `-z nodelete` and keeps the module it compiled last, so that the
//! requests of one PHP-FPM worker after its first do not compile the module again (`runner.rs`).
//! A worker therefore keeps the library it loaded first until it restarts, even after the file is
//! replaced by a plugin update: hosts compare `sanalpos_runner_version` with the one they expect.
//!
//! Only `char*`, `size_t` and integers cross the boundary: PHP FFI passes PHP strings only to
//! `char*` parameters. No panic crosses it either: every function catches them. After a trap, an
//! exhausted limit or a panic the instance is dropped and the next call gets a fresh one.
//!
//! Error codes: `engine.input_too_large`, `engine.fuel_exhausted`, `engine.memory_exhausted`,
//! `engine.trap`, `engine.module_invalid`, `engine.bad_answer`, `engine.invalid_call`.

mod runner;

pub use runner::{compilations, Failure, Limits, Runner};

use std::ffi::{c_char, CString};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// See the crate documentation for the C declaration.
///
/// # Safety
/// `module..module+module_len` must be readable; `error` must be NULL or point to a writable `char*`.
#[no_mangle]
pub unsafe extern "C" fn sanalpos_runner_new(
    module: *const c_char,
    module_len: usize,
    fuel_per_call: u64,
    max_memory_bytes: usize,
    max_input_bytes: usize,
    error: *mut *mut c_char,
) -> *mut Runner {
    let limits = Limits { fuel_per_call, max_memory_bytes, max_input_bytes };
    let outcome = catch_unwind(AssertUnwindSafe(|| {
        // SAFETY: guaranteed by the caller.
        let bytes = unsafe { bytes(module, module_len) }.ok_or(Failure::InvalidCall("module is NULL"))?;
        Runner::new(bytes, limits)
    }));
    match outcome.unwrap_or(Err(Failure::Panic)) {
        Ok(runner) => Box::into_raw(Box::new(runner)),
        Err(failure) => {
            if !error.is_null() {
                // SAFETY: `error` points to a writable `char*` (see above).
                unsafe { *error = into_c_string(failure.envelope().into_bytes()) };
            }
            std::ptr::null_mut()
        }
    }
}

/// See the crate documentation for the C declaration.
///
/// # Safety
/// `runner` must come from `sanalpos_runner_new` and not be freed; `request..request+request_len`
/// must be readable. One runner must not be used by two threads at once.
#[no_mangle]
pub unsafe extern "C" fn sanalpos_runner_call(
    runner: *mut Runner,
    request: *const c_char,
    request_len: usize,
) -> *mut c_char {
    // SAFETY: guaranteed by the caller.
    let (Some(runner), Some(request)) = (unsafe { runner.as_mut() }, unsafe { bytes(request, request_len) }) else {
        return into_c_string(Failure::InvalidCall("runner or request is NULL").envelope().into_bytes());
    };
    let answer = match catch_unwind(AssertUnwindSafe(|| runner.call(request))) {
        Ok(Ok(answer)) if !answer.contains(&0) => answer,
        Ok(Ok(_)) => Failure::BadAnswer("answer contains a NUL byte").envelope().into_bytes(),
        Ok(Err(failure)) => failure.envelope().into_bytes(),
        // A call holds the instance and hands it back only on success, so the next call starts afresh.
        Err(_) => Failure::Panic.envelope().into_bytes(),
    };
    into_c_string(answer)
}

/// See the crate documentation for the C declaration.
///
/// # Safety
/// `runner` must be NULL or come from `sanalpos_runner_new` and not be freed.
#[no_mangle]
pub unsafe extern "C" fn sanalpos_runner_memory_bytes(runner: *const Runner) -> usize {
    // SAFETY: guaranteed by the caller.
    let runner = unsafe { runner.as_ref() };
    catch_unwind(AssertUnwindSafe(|| runner.map_or(0, Runner::memory_bytes))).unwrap_or(0)
}

/// Frees an answer or error from this library (NULL is ignored).
///
/// # Safety
/// `answer` must come from `sanalpos_runner_call` or `sanalpos_runner_new`, freed once.
#[no_mangle]
pub unsafe extern "C" fn sanalpos_runner_free_answer(answer: *mut c_char) {
    if !answer.is_null() {
        // SAFETY: guaranteed by the caller; the string was made by `CString::into_raw`.
        let _ = catch_unwind(|| drop(unsafe { CString::from_raw(answer) }));
    }
}

/// See the crate documentation for the C declaration.
#[no_mangle]
pub extern "C" fn sanalpos_runner_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Destroys a runner (NULL is ignored).
///
/// # Safety
/// `runner` must come from `sanalpos_runner_new`, freed once, and not be used afterwards.
#[no_mangle]
pub unsafe extern "C" fn sanalpos_runner_free(runner: *mut Runner) {
    if !runner.is_null() {
        // SAFETY: guaranteed by the caller; the runner was made by `Box::into_raw`.
        let _ = catch_unwind(AssertUnwindSafe(|| drop(unsafe { Box::from_raw(runner) })));
    }
}

/// The caller's buffer as a slice; `None` for a NULL pointer with a non-zero length.
///
/// # Safety
/// A non-NULL `ptr` must be readable for `len` bytes for the lifetime the caller picks.
unsafe fn bytes<'a>(ptr: *const c_char, len: usize) -> Option<&'a [u8]> {
    match (ptr.is_null(), len) {
        (_, 0) => Some(&[]),
        (true, _) => None,
        // SAFETY: guaranteed by the caller.
        (false, _) => Some(unsafe { std::slice::from_raw_parts(ptr.cast::<u8>(), len) }),
    }
}

/// Hands bytes without NUL to C as a NUL-terminated string.
fn into_c_string(bytes: Vec<u8>) -> *mut c_char {
    CString::new(bytes).map_or(std::ptr::null_mut(), CString::into_raw)
}
