//! `mdbook-quire`: Quire as an mdBook renderer, the command mdBook runs
//! for an `[output.quire]` table by default. The same as `quire mdbook`.

#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    std::process::exit(quire::cli::mdbook_main());
}
