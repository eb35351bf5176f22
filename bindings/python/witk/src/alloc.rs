//! A global allocator that keeps the most recently freed large block for reuse.
//!
//! Every call that returns a big result makes wasmtime lift it into a fresh `Vec<u8>`,
//! which glibc serves from a new mapping above 32 MiB: tens of thousands of page faults
//! per call, then an unmap, just to hold the bytes until they are copied into a Python
//! `bytes`. Keeping freed blocks of at least [`MIN`] bytes and handing them to the next
//! allocations of a similar size turns that into a warm memcpy. At most [`SLOTS`] blocks
//! are kept (a call's input and its result, so neither evicts the other; each at most
//! 1 GiB); everything else goes straight to the system allocator.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::Mutex;

/// Blocks this large or larger are cached...
const MIN: usize = 8 << 20;
/// ...up to this size: a rare huge result is not kept alive.
const MAX: usize = 1 << 30;
/// Blocks kept, most recently freed last.
const SLOTS: usize = 2;

pub struct ReuseLargeBlocks {
    cached: Mutex<[Option<(usize, usize)>; SLOTS]>, // (address, size)
}

impl ReuseLargeBlocks {
    pub const fn new() -> Self {
        ReuseLargeBlocks { cached: Mutex::new([None; SLOTS]) }
    }

    fn take(&self, layout: Layout) -> Option<*mut u8> {
        let mut cached = self.cached.lock().ok()?;
        // Reuse a block that fits without wasting more than half of it; malloc's
        // alignment (16) covers every layout this path sees.
        let fits = |slot: &Option<(usize, usize)>| matches!(*slot, Some((_, size)) if size >= layout.size() && size / 2 <= layout.size() && layout.align() <= 16);
        let slot = cached.iter_mut().rev().find(|s| fits(s))?;
        slot.take().map(|(addr, _)| addr as *mut u8)
    }
}

// SAFETY: blocks come from and return to `System` (malloc/free, which ignore the size
// passed to dealloc); a cached block is handed out at most once.
unsafe impl GlobalAlloc for ReuseLargeBlocks {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= MIN {
            if let Some(p) = self.take(layout) {
                return p;
            }
        }
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if (MIN..=MAX).contains(&layout.size()) && layout.align() <= 16 {
            if let Ok(mut cached) = self.cached.lock() {
                // Evict the oldest block (an empty slot if there is one).
                let oldest = cached.iter().position(Option::is_none).unwrap_or(0);
                let previous = cached[oldest].take();
                cached.copy_within(oldest + 1.., oldest);
                cached[SLOTS - 1] = Some((ptr as usize, layout.size()));
                drop(cached);
                if let Some((addr, size)) = previous {
                    unsafe { System.dealloc(addr as *mut u8, Layout::from_size_align_unchecked(size, 16)) };
                }
                return;
            }
        }
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // calloc gets zeroed pages for free; a reused block would need a memset.
        unsafe { System.alloc_zeroed(layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // realloc (glibc knows the block's real size) may move or extend in place.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}
