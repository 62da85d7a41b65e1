//! The core's JSON command API as a WebAssembly module, built two ways from this one source.
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
//! Its allocator is a bump arena that starts over once the host has freed both (`src/arena.rs`).
//!
//! **JS build** (`--features js`, then `wasm-bindgen`), behind the npm package `sanalpos`
//! (`wasm/js/`). Exports `handle(request: string) -> string`: the same dispatcher, except that a
//! request without a `nonce` gets one from the Web Crypto random source first ([`with_nonce`]).
//!
//! **Checkout build** (`--no-default-features --features checkout`, then `wasm-bindgen`), what the
//! plugin sends to shoppers' browsers: the JS build's `handle` on a core without its bank gateways
//! (their ops answer `request.op_unavailable`), so it imports no random source either: none of its
//! ops takes a nonce. The npm package's `api.mjs` runs on it unchanged.

use std::borrow::Cow;

/// Length of the nonce the JS build fills in: 64 random bytes as lowercase hex.
pub const NONCE_HEX_LEN: usize = 128;

/// The JS build's nonce rule: a request that is a JSON object whose top-level `nonce` is absent or
/// null gets `"nonce": "<128 lowercase hex characters>"` from `fill` (64 random bytes); anything
/// else goes to the core exactly as sent, so that every answer the core gives without a nonce
/// stays byte-identical to the raw build's. The member is appended as text, so every other byte of
/// the request is kept; appended last, it wins over an earlier `"nonce": null` (the core keeps the
/// last of duplicate keys). When `fill` fails, or the request would outgrow the core's size limit,
/// the request goes as sent and the ops that need a nonce report it missing.
pub fn with_nonce(request: &str, fill: impl FnOnce(&mut [u8]) -> bool) -> Cow<'_, str> {
    const MEMBER: usize = r#","nonce":"""#.len() + NONCE_HEX_LEN;
    if request.len() + MEMBER > sanalpos_core::api::MAX_REQUEST_BYTES {
        return Cow::Borrowed(request);
    }
    let Ok(serde_json::Value::Object(members)) = serde_json::from_str(request) else {
        return Cow::Borrowed(request);
    };
    if members.get("nonce").is_some_and(|n| !n.is_null()) {
        return Cow::Borrowed(request);
    }
    // A parsed object ends with `}` plus JSON whitespace.
    let Some(open) = request.trim_end_matches([' ', '\t', '\n', '\r']).strip_suffix('}') else {
        return Cow::Borrowed(request);
    };
    let mut bytes = [0u8; NONCE_HEX_LEN / 2];
    if !fill(&mut bytes) {
        return Cow::Borrowed(request);
    }
    let mut out = String::with_capacity(open.len() + MEMBER + 1);
    out.push_str(open);
    out.push_str(if members.is_empty() { "\"nonce\":\"" } else { ",\"nonce\":\"" });
    for b in bytes {
        out.push(char::from(HEX[usize::from(b >> 4)]));
        out.push(char::from(HEX[usize::from(b & 0xf)]));
    }
    out.push_str("\"}");
    Cow::Owned(out)
}

const HEX: &[u8; 16] = b"0123456789abcdef";

// Without a nonce source, the gateway ops would only be half there.
#[cfg(all(feature = "checkout", feature = "gateways"))]
compile_error!("the checkout build has no bank gateways: build it with --no-default-features");

#[cfg(any(feature = "js", feature = "checkout"))]
mod js {
    use wasm_bindgen::prelude::wasm_bindgen;

    /// Handles one JSON request (see the crate documentation); always returns an answer envelope.
    #[wasm_bindgen]
    pub fn handle(request: &str) -> String {
        #[cfg(feature = "js")]
        let filled = super::with_nonce(request, |bytes| getrandom::fill(bytes).is_ok());
        #[cfg(feature = "js")]
        let request = filled.as_ref();
        sanalpos_core::api::handle(request)
    }
}

#[cfg(all(feature = "raw", not(any(feature = "js", feature = "checkout")), target_arch = "wasm32"))]
mod arena;

#[cfg(all(feature = "raw", not(any(feature = "js", feature = "checkout")), target_arch = "wasm32"))]
#[global_allocator]
static ALLOCATOR: arena::Arena = arena::Arena::new();

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
        // The answer's own buffer, shrunk to its length: what `dealloc(ptr, len)` frees.
        let answer = Box::leak(sanalpos_core::api::handle_bytes(request).into_bytes().into_boxed_slice());
        ((answer.as_mut_ptr() as u64) << 32) | answer.len() as u64
    }
}

#[cfg(test)]
mod tests;
