//! Names the version of the code whose work the cache keeps (converted
//! pictures, generated covers): a digest of the crate's version and of
//! every source file that makes a cached entry, so that a change to that
//! code leaves no stale entry in use, with nobody having to remember to
//! bump a number.

use std::path::{Path, PathBuf};

/// The files whose code decides a cached entry's bytes.
const CACHED_WORK: &[&str] = &[
    "src/cache.rs",
    "src/images",
    "src/fonts",
    "src/render/pdf/writer/image.rs",
];

fn files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_dir() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .expect("a source directory")
            .map(|e| e.expect("a directory entry").path())
            .collect();
        entries.sort();
        for e in entries {
            files(&e, out);
        }
    } else {
        out.push(path.to_path_buf());
    }
}

fn main() {
    let mut all = Vec::new();
    for p in CACHED_WORK {
        println!("cargo:rerun-if-changed={p}");
        files(Path::new(p), &mut all);
    }
    // FNV-1a, 64 bits: enough to tell one version of the code from another.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    };
    eat(std::env::var("CARGO_PKG_VERSION")
        .unwrap_or_default()
        .as_bytes());
    for f in &all {
        eat(f.to_string_lossy().as_bytes());
        eat(&std::fs::read(f).expect("a source file"));
    }
    println!("cargo:rustc-env=QUIRE_CACHE_CODE={h:016x}");
}
