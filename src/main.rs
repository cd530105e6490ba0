//! The `nag2prom` command: parse the command line, run, map the outcome to an exit code.

use std::process::ExitCode;

/// mimalloc instead of glibc's malloc: resolving a large installation makes millions of small,
/// long-lived allocations from several threads, and glibc's allocator spent a quarter of a
/// 10,000-host `check` run returning heap to the kernel and faulting it back in.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (`mi_option_purge_delay` in mimalloc 3's `mi_option_t`;
/// libmimalloc-sys does not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// For the bridge (`serve`, `export`), freed memory goes back to the system at once instead
/// of after mimalloc's purge delay (1 s): the bridge holds a status.dat and an exposition and
/// replaces both at every reload, and a delayed purge keeps the old ones resident. Set in
/// process before any thread starts (the option setter is not thread safe); it replaces a
/// re-execution of the binary with `MIMALLOC_PURGE_DELAY=0`. A `MIMALLOC_PURGE_DELAY` set by
/// the user still wins, and the other subcommands keep mimalloc's defaults.
#[allow(unsafe_code)]
fn set_allocator_options() {
    let bridge = std::env::args_os().nth(1).is_some_and(|a| a == "serve" || a == "export");
    if !bridge || std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
        return;
    }
    // SAFETY: a plain setter of a global option; called from main before any other thread
    // exists, as mimalloc requires.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 0) };
}

fn main() -> ExitCode {
    set_allocator_options();
    nag2prom::cli::main()
}
