// A book is millions of small allocations (glyphs, runs, lines); mimalloc
// makes them markedly cheaper than the system allocator, on every thread.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

unsafe extern "C" {
    /// mimalloc's `mi_option_set` (the allocator is linked in statically).
    fn mi_option_set(option: std::ffi::c_int, value: std::ffi::c_long);
}

/// `mi_option_arena_eager_commit`, the fifth option in mimalloc 2 and 3.
const ARENA_EAGER_COMMIT: std::ffi::c_int = 4;

/// Arenas take memory from the system as it is used, not a whole arena at
/// once: an article stays small, and a book's peak is what it uses. This
/// must happen before the first allocation makes the first arena, so it
/// runs as the program is loaded, before the Rust runtime starts.
extern "C" fn commit_as_used() {
    // SAFETY: setting an option is always allowed, before or after the
    // allocator starts; it affects only arenas made afterwards.
    unsafe { mi_option_set(ARENA_EAGER_COMMIT, 0) };
}

#[cfg(target_os = "linux")]
#[used]
#[unsafe(link_section = ".init_array")]
static COMMIT_AS_USED: extern "C" fn() = commit_as_used;

fn main() {
    #[cfg(not(target_os = "linux"))]
    commit_as_used();
    std::process::exit(quire::cli::main());
}
