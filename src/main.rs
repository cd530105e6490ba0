//! The `nag2prom` command: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: resolving a large installation makes millions of small,
/// long-lived allocations from several threads, and glibc's allocator spent a quarter of a
/// 10,000-host `check` run returning heap to the kernel and faulting it back in.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    nag2prom::cli::main()
}
