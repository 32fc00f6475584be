//! The allocator of the zeroize tests (`tests/zeroize.rs`, `tests/jwe_zeroize.rs`): it looks at
//! every block freed while a scan runs and counts the blocks that still hold a planted secret.
//! The secret being looked for lives in atomics, so the allocator never takes a lock: a
//! `try_lock` that failed while another thread freed a block would miss a copy.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};

/// The first 16 bytes of the secret being looked for, as two little-endian words.
static NEEDLE: [AtomicU64; 2] = [AtomicU64::new(0), AtomicU64::new(0)];
static WATCHING: AtomicBool = AtomicBool::new(false);
static FOUND: AtomicUsize = AtomicUsize::new(0);

pub struct Scanning;

// SAFETY: allocation is forwarded to `System` unchanged; `dealloc` only reads the block it is
// about to free (`layout.size()` bytes from `ptr`, all owned by the caller until the call).
unsafe impl GlobalAlloc for Scanning {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // Zeroed, so that what a block holds when it is freed was written during its life: the C
        // allocator hands out freed memory as it was, and a block partly written during a scan
        // would otherwise show a secret freed (and counted, or freed before the scan) earlier.
        // SAFETY: forwarded as is.
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if WATCHING.load(Ordering::SeqCst) && layout.size() >= 16 {
            // SAFETY: the block is live and `layout.size()` bytes long until freed below.
            let block = unsafe { std::slice::from_raw_parts(ptr, layout.size()) };
            let mut needle = [0u8; 16];
            needle[..8].copy_from_slice(&NEEDLE[0].load(Ordering::SeqCst).to_le_bytes());
            needle[8..].copy_from_slice(&NEEDLE[1].load(Ordering::SeqCst).to_le_bytes());
            if block.windows(16).any(|w| w == needle) {
                FOUND.fetch_add(1, Ordering::SeqCst);
            }
        }
        // SAFETY: forwarded as is.
        unsafe { System.dealloc(ptr, layout) }
    }
}

/// One scan at a time: the allocator's state is process-wide.
static SERIAL: Mutex<()> = Mutex::new(());

fn watch(secret: &[u8], f: impl FnOnce()) -> usize {
    let _serial = SERIAL.lock().unwrap_or_else(PoisonError::into_inner);
    let first: [u8; 16] = secret[..16].try_into().unwrap();
    NEEDLE[0].store(
        u64::from_le_bytes(first[..8].try_into().unwrap()),
        Ordering::SeqCst,
    );
    NEEDLE[1].store(
        u64::from_le_bytes(first[8..].try_into().unwrap()),
        Ordering::SeqCst,
    );
    FOUND.store(0, Ordering::SeqCst);
    WATCHING.store(true, Ordering::SeqCst);
    f();
    WATCHING.store(false, Ordering::SeqCst);
    FOUND.load(Ordering::SeqCst)
}

/// Runs `f` (which makes and drops things holding `secret`) and returns how many freed blocks
/// still held the secret's first 16 bytes.
#[allow(dead_code, reason = "each test binary uses one of the two")]
pub fn freed_copies(secret: &[u8], f: impl FnOnce()) -> usize {
    watch(secret, f)
}

/// [`freed_copies`] with `f` on a fresh thread whose stack is wiped first: moving an enum into
/// the heap copies its unused bytes too, and on a reused stack those can hold residue of an
/// earlier scan's key (a stack copy, which this scanner cannot see, surfacing in a heap block it
/// would blame). A new thread alone is not enough: the C library caches the stacks of finished
/// threads and hands them to new ones, residue included, so the thread zeroes the part of its
/// stack `f` will use before running it.
#[allow(dead_code, reason = "each test binary uses one of the two")]
pub fn freed_copies_on_fresh_thread(secret: &[u8], f: impl FnOnce() + Send) -> usize {
    watch(secret, || {
        std::thread::scope(|scope| {
            scope
                .spawn(|| {
                    wipe_stack_below();
                    f();
                })
                .join()
                .unwrap();
        });
    })
}

/// Zeroes 256 KiB of the stack below the caller's frame (volatile writes, not optimised away).
#[inline(never)]
#[expect(
    clippy::large_stack_arrays,
    reason = "the point: the frame covers the stack the scan will use"
)]
fn wipe_stack_below() {
    let mut below = [0u8; 256 * 1024];
    zeroize::Zeroize::zeroize(&mut below[..]);
    std::hint::black_box(&below);
}
