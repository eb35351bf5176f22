//! The allocator, and the five C library functions the JPEG 2000 decoder (openjp2, translated from C) calls:
//! a component has no C library, so they are served from Rust's allocator here. Each
//! block carries its size in a 16-byte header, which `free` and `realloc` need.

use std::alloc::{alloc, alloc_zeroed, dealloc, Layout};

const HEADER: usize = 16;

fn layout(size: usize) -> Option<Layout> {
    Layout::from_size_align(size.checked_add(HEADER)?, HEADER).ok()
}

unsafe fn finish(base: *mut u8, size: usize) -> *mut u8 {
    if base.is_null() {
        return std::ptr::null_mut();
    }
    (base as *mut usize).write(size);
    base.add(HEADER)
}

#[no_mangle]
pub unsafe extern "C" fn malloc(size: usize) -> *mut u8 {
    match layout(size) {
        Some(l) => finish(alloc(l), size),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn calloc(n: usize, size: usize) -> *mut u8 {
    match n.checked_mul(size).and_then(|total| Some((total, layout(total)?))) {
        Some((total, l)) => finish(alloc_zeroed(l), total),
        None => std::ptr::null_mut(),
    }
}

#[no_mangle]
pub unsafe extern "C" fn free(p: *mut u8) {
    if p.is_null() {
        return;
    }
    let base = p.sub(HEADER);
    let size = (base as *const usize).read();
    dealloc(base, layout(size).expect("a block malloc made"));
}

#[no_mangle]
pub unsafe extern "C" fn realloc(p: *mut u8, size: usize) -> *mut u8 {
    if p.is_null() {
        return malloc(size);
    }
    let fresh = malloc(size);
    if !fresh.is_null() {
        let old = (p.sub(HEADER) as *const usize).read();
        std::ptr::copy_nonoverlapping(p, fresh, old.min(size));
        free(p);
    }
    fresh
}

#[no_mangle]
pub unsafe extern "C" fn strcpy(dst: *mut u8, src: *const u8) -> *mut u8 {
    let mut i = 0;
    loop {
        let c = *src.add(i);
        *dst.add(i) = c;
        if c == 0 {
            return dst;
        }
        i += 1;
    }
}
