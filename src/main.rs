// A book is millions of small allocations (glyphs, runs, lines); mimalloc
// makes them markedly cheaper than the system allocator, on every thread.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(quire::cli::main());
}
