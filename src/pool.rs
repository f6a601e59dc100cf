//! The one pool of threads a run works on. Titles of a catalogue, the two
//! renderers, chapters being set, pages being written and pictures being
//! converted all take their work here (rayon's work stealing), so nested
//! parallel work never starts more threads than the pool holds: one per
//! core, or `--jobs`. Every thread has the deep stack the nesting limits
//! in `limits.rs` are measured against.

use std::sync::Once;

static START: Once = Once::new();

/// Sizes the pool: `threads`, or one per core. Only the first call in a
/// process counts; any parallel work before it starts the pool at its
/// default size.
pub fn start(threads: Option<usize>) {
    START.call_once(|| {
        let threads = threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .max(1);
        // Fails only if rayon's global pool already runs (a library user
        // made it): that pool is then used as it is.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .stack_size(crate::limits::STACK_BYTES)
            .thread_name(|i| format!("quire-{i}"))
            .build_global();
    });
}

/// `f` over every item, in parallel, results in the items' order.
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync + Send) -> Vec<R> {
    use rayon::prelude::*;
    start(None);
    items.par_iter().map(f).collect()
}
