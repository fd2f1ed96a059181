//! Sets up the C allocator for a one-shot build, which grows its memory fast and frees it only
//! at exit.

/// Asks glibc's malloc to make each thread's heap usable in one step. By default it unlocks a
/// thread heap a few pages at a time, one `mprotect` call each: about 66,000 calls for a
/// 10,000-page build, 2.5% of its CPU time. A top pad as large as a thread heap
/// (64 MiB on 64-bit systems) unlocks all of it when it is made. This reserves address space,
/// not memory: pages still count only once written. `quire serve` keeps the default, which
/// gives freed memory back sooner.
pub(crate) fn reserve_thread_heaps() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    {
        use std::os::raw::c_int;
        unsafe extern "C" {
            fn mallopt(param: c_int, value: c_int) -> c_int;
        }
        const M_TOP_PAD: c_int = -2;
        // SAFETY: mallopt only sets a number glibc reads on its next heap growth; any thread
        // may call it at any time.
        unsafe {
            mallopt(M_TOP_PAD, 64 << 20);
        }
    }
}
