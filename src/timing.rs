//! Stage timings for whoever measures Quire: with `QUIRE_TIMINGS` set (or
//! `--verbose`),
//! each stage of a build prints its time and the process's peak memory so
//! far on stderr.

use std::sync::OnceLock;
use std::time::Instant;

static ASKED: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Turns the timings on (`--verbose`).
pub fn enable() {
    ASKED.store(true, std::sync::atomic::Ordering::Relaxed);
}

fn enabled() -> bool {
    static ON: OnceLock<bool> = OnceLock::new();
    ASKED.load(std::sync::atomic::Ordering::Relaxed)
        || *ON.get_or_init(|| std::env::var_os("QUIRE_TIMINGS").is_some())
}

/// The peak resident memory of the process so far, in megabytes (Linux).
fn peak_mb() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024)
}

/// Reports that `stage` took from `since` until now.
pub fn stage(stage: &str, since: Instant) {
    if enabled() {
        let ms = since.elapsed().as_secs_f64() * 1000.0;
        match peak_mb() {
            Some(mb) => eprintln!("{stage}: {ms:.1} ms (peak {mb} MB)"),
            None => eprintln!("{stage}: {ms:.1} ms"),
        }
    }
}
