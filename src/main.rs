//! The `quire` command: parses arguments and hands them to the library.

use clap::Parser;

/// mimalloc instead of glibc's malloc: about a tenth less CPU on the 10,000-page benchmark, where
/// millions of small strings and maps are made and freed across threads. `override` hands it
/// the C code's allocations too (Oniguruma allocates on every grammar search).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in mimalloc 2's option enum (libmimalloc-sys names no constant for it).
const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

fn main() -> std::process::ExitCode {
    // Freed memory goes back to the system after a second instead of 10 ms: a build frees and
    // takes again hundreds of megabytes within a second, and each return costs page faults.
    // SAFETY: sets a plain integer option; mimalloc reads options atomically.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, 1000) };
    quire::cli::run(quire::cli::Cli::parse())
}
