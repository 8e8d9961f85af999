//! A global allocator that counts live bytes and remembers the high-water mark, so the report can
//! give the peak memory of one run on any target (native or wasm) without OS tools.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// Wraps the system allocator; install with `#[global_allocator]` in a binary.
pub struct CountingAlloc;

// The report runs on one thread, so the counters are updated with plain loads and stores: atomic
// read-modify-writes on every allocation cost enough to show in the engine's figures.
fn grew(by: usize) {
    let now = CURRENT.load(Relaxed) + by;
    CURRENT.store(now, Relaxed);
    if now > PEAK.load(Relaxed) {
        PEAK.store(now, Relaxed);
    }
}

fn shrank(by: usize) {
    CURRENT.store(CURRENT.load(Relaxed).saturating_sub(by), Relaxed);
}

unsafe impl GlobalAlloc for CountingAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

/// Bytes live right now (0 when `CountingAlloc` is not the global allocator).
pub fn current_bytes() -> usize {
    CURRENT.load(Relaxed)
}

/// The high-water mark since the last `reset_peak`.
pub fn peak_bytes() -> usize {
    PEAK.load(Relaxed)
}

/// Starts a new measurement: the peak becomes what is live now. Returns that baseline.
pub fn reset_peak() -> usize {
    let now = CURRENT.load(Relaxed);
    PEAK.store(now, Relaxed);
    now
}
