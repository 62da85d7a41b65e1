//! The raw build's allocator: a bump arena that starts over whenever nothing is allocated.
//!
//! The raw ABI's life is one request at a time: the host allocates the request, `call` runs the
//! core (whose every allocation is freed before it returns, but for the answer), the host frees
//! the request and the answer. So no free list is needed: allocating moves a pointer forward,
//! freeing the newest block moves it back (most temporaries are freed in that order), and when the
//! count of live blocks drops to zero the whole arena is free again. A call's peak memory is then
//! at most what it allocated in total. dlmalloc, which this replaces, is 8 KB of `.wasm` and the
//! most-run code of a call in an interpreter (wasmi, the PHP engine).
//!
//! The JS build keeps the default allocator: wasm-bindgen keeps blocks alive across calls.

use core::alloc::{GlobalAlloc, Layout};
use core::arch::wasm32;
use core::cell::UnsafeCell;

const PAGE: usize = 65536;

struct State {
    /// First byte the arena owns (0 until the first allocation).
    base: usize,
    /// First free byte.
    top: usize,
    /// End of linear memory.
    end: usize,
    /// Blocks allocated and not yet freed.
    live: usize,
}

pub struct Arena(UnsafeCell<State>);

// SAFETY: wasm32 without the atomics feature has one thread.
unsafe impl Sync for Arena {}

impl Arena {
    pub const fn new() -> Arena {
        Arena(UnsafeCell::new(State { base: 0, top: 0, end: 0, live: 0 }))
    }
}

impl Default for Arena {
    fn default() -> Arena {
        Arena::new()
    }
}

impl State {
    /// Moves `top` to `new_top`, growing linear memory when needed; false when memory is exhausted.
    fn extend_to(&mut self, new_top: usize) -> bool {
        if new_top > self.end {
            let pages = (new_top - self.end).div_ceil(PAGE);
            if wasm32::memory_grow(0, pages) == usize::MAX {
                return false;
            }
            self.end += pages * PAGE;
        }
        self.top = new_top;
        true
    }
}

unsafe impl GlobalAlloc for Arena {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: one thread, and no reference to the state outlives this call.
        let s = unsafe { &mut *self.0.get() };
        if s.base == 0 {
            // Everything below the current end of memory belongs to the stack and static data.
            s.end = wasm32::memory_size(0) * PAGE;
            (s.base, s.top) = (s.end, s.end);
        }
        // Alignments are powers of two.
        let start = match s.top.checked_add(layout.align() - 1) {
            Some(n) => n & !(layout.align() - 1),
            None => return core::ptr::null_mut(),
        };
        match start.checked_add(layout.size()) {
            Some(new_top) if s.extend_to(new_top) => {
                s.live += 1;
                start as *mut u8
            }
            _ => core::ptr::null_mut(),
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: as in `alloc`.
        let s = unsafe { &mut *self.0.get() };
        s.live = s.live.saturating_sub(1);
        if s.live == 0 {
            s.top = s.base;
        } else if ptr as usize + layout.size() == s.top {
            s.top = ptr as usize;
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // The newest block grows or shrinks in place.
        let s = unsafe { &mut *self.0.get() };
        if ptr as usize + layout.size() == s.top {
            return match (ptr as usize).checked_add(new_size) {
                Some(new_top) if s.extend_to(new_top) => ptr,
                _ => core::ptr::null_mut(),
            };
        }
        // SAFETY: the caller's guarantees are `realloc`'s; `new` has room for the smaller size.
        unsafe {
            let new = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !new.is_null() {
                core::ptr::copy_nonoverlapping(ptr, new, layout.size().min(new_size));
                self.dealloc(ptr, layout);
            }
            new
        }
    }
}
