//! A ceiling on single allocations while dicom-rs parses a file. dicom-rs reserves a
//! value's declared length before reading it; `lengths.rs` refuses lengths past the end of
//! the file, but a header it cannot follow (where dicom-rs and the standard part ways) can
//! still declare gigabytes. Under the ceiling, such a reservation fails, dicom-rs reports
//! it as an error (it uses `try_reserve`), and the call is `invalid-data` instead of
//! taking up to its whole memory limit. Nothing legitimate in parsing a file of n bytes
//! needs one block larger than the ceiling: values lie in the file (deflated data sets
//! may inflate, hence the margin).

use std::alloc::{GlobalAlloc, Layout};
use std::cell::Cell;

thread_local! {
    static CEILING: Cell<usize> = const { Cell::new(usize::MAX) };
}

/// The ceiling while parsing `input_len` bytes.
pub fn ceiling_for(input_len: usize) -> usize {
    input_len.saturating_mul(8).saturating_add(256 << 20)
}

/// Run `f` with single allocations capped at `ceiling` bytes.
pub fn capped<T>(ceiling: usize, f: impl FnOnce() -> T) -> T {
    struct Restore(usize);
    impl Drop for Restore {
        fn drop(&mut self) {
            CEILING.with(|c| c.set(self.0));
        }
    }
    let _restore = Restore(CEILING.with(|c| c.replace(ceiling)));
    f()
}

fn allowed(size: usize) -> bool {
    // `try_with`: during thread teardown the ceiling is gone, and nothing is capped.
    CEILING.try_with(|c| size <= c.get()).unwrap_or(true)
}

/// The system allocator with the ceiling applied (and, for openjp2 in wasm, freeing a
/// null pointer doing nothing: it deallocates code blocks it never allocated, harmless
/// with the C library's `free(NULL)` natively, a fault in wasm's dlmalloc).
pub struct Capped;

unsafe impl GlobalAlloc for Capped {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if !allowed(layout.size()) {
            return std::ptr::null_mut();
        }
        GlobalAlloc::alloc(&std::alloc::System, layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        if !allowed(layout.size()) {
            return std::ptr::null_mut();
        }
        GlobalAlloc::alloc_zeroed(&std::alloc::System, layout)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if !ptr.is_null() {
            GlobalAlloc::dealloc(&std::alloc::System, ptr, layout)
        }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        if !allowed(new_size) {
            return std::ptr::null_mut();
        }
        GlobalAlloc::realloc(&std::alloc::System, ptr, layout, new_size)
    }
}

// In the component, in the fuzz build (`--cfg fuzzing`), and with the `alloc-cap` feature
// (the fuzz corpus test, whose outcomes must be the component's); other native builds of
// this crate keep the default allocator.
#[cfg(any(target_arch = "wasm32", fuzzing, feature = "alloc-cap"))]
#[global_allocator]
static ALLOCATOR: Capped = Capped;
