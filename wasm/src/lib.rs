//! The core's JSON command API as a WebAssembly module.
//!
//! **Raw build** (`--features raw`), for hosts without JavaScript (the PHP engines). Exports
//! `memory` and three functions, and imports nothing:
//!
//! | export | signature | does |
//! |---|---|---|
//! | `alloc` | `(len: i32) -> i32` | reserves `len` bytes in linear memory for a request; returns the pointer |
//! | `dealloc` | `(ptr: i32, len: i32)` | frees a buffer from `alloc` or an answer from `call` |
//! | `call` | `(ptr: i32, len: i32) -> i64` | runs the UTF-8 JSON request at `ptr..ptr+len`; returns `(answer_ptr << 32) \| answer_len` |
//!
//! The host writes the request into a buffer from `alloc`, calls `call`, reads the answer, then
//! frees both with `dealloc`. The request buffer stays the host's: `call` neither frees nor keeps
//! it. Requests carry their own `nonce` and dates: this build has no randomness and no clock.

#[cfg(feature = "raw")]
mod raw {
    use std::alloc::{alloc as allocate, dealloc as deallocate, Layout};

    fn layout(len: usize) -> Option<Layout> {
        Layout::array::<u8>(len).ok().filter(|l| l.size() > 0)
    }

    /// # Safety
    /// Called by the host through the raw ABI.
    #[no_mangle]
    pub extern "C" fn alloc(len: usize) -> *mut u8 {
        match layout(len) {
            // SAFETY: the layout has a non-zero size.
            Some(l) => unsafe { allocate(l) },
            None => std::ptr::NonNull::<u8>::dangling().as_ptr(),
        }
    }

    /// # Safety
    /// `ptr` and `len` must come from `alloc(len)` or from an answer of `call`, freed once.
    #[no_mangle]
    pub unsafe extern "C" fn dealloc(ptr: *mut u8, len: usize) {
        if let Some(l) = layout(len) {
            // SAFETY: guaranteed by the caller (see above).
            unsafe { deallocate(ptr, l) }
        }
    }

    /// # Safety
    /// `ptr..ptr+len` must be readable memory the host wrote (a buffer from `alloc`).
    #[no_mangle]
    pub unsafe extern "C" fn call(ptr: *const u8, len: usize) -> u64 {
        let request: &[u8] = if len == 0 { &[] } else { unsafe { std::slice::from_raw_parts(ptr, len) } };
        let answer = sanalpos_core::api::handle_bytes(request).into_bytes();
        let answer_len = answer.len();
        let answer_ptr = alloc(answer_len);
        // SAFETY: `answer_ptr` has room for `answer_len` bytes (or is dangling for zero bytes).
        unsafe { std::ptr::copy_nonoverlapping(answer.as_ptr(), answer_ptr, answer_len) };
        ((answer_ptr as u64) << 32) | answer_len as u64
    }
}
