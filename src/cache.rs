//! A per-user cache of work that depends only on its inputs: images
//! converted for a format, generated covers. An entry is named by the
//! SHA-256 of everything that went into it (the bytes of the source, the
//! settings, the version of the code that made it), so a changed input is
//! a different entry and a rebuild converts nothing that it converted
//! before. Entries are written whole (to a temporary name, then renamed)
//! and carry their own length and checksum: a damaged entry is ignored
//! and made again, never used.
//!
//! The cache lives in `$XDG_CACHE_HOME/quire` (or `~/.cache/quire`);
//! `QUIRE_CACHE_DIR` names another directory, and `--no-cache` turns it
//! off for a run. A cache that cannot be written is no error: the work is
//! simply done again next time.

use sha2::{Digest, Sha256};
use std::path::PathBuf;
use std::sync::OnceLock;

/// The version of the code whose work is kept: the crate's version and a
/// digest of the files that make cached entries (build.rs), so that an
/// entry made by other code is never used.
const VERSION: &[u8] = concat!("quire-cache-", env!("QUIRE_CACHE_CODE")).as_bytes();
const MAGIC: &[u8; 8] = b"QUIRE\x00C1";

static DIR: OnceLock<Option<PathBuf>> = OnceLock::new();

/// Turns the cache off for this process (`--no-cache`). Must come before
/// the first lookup.
pub fn disable() {
    let _ = DIR.set(None);
}

fn dir() -> Option<&'static PathBuf> {
    DIR.get_or_init(|| {
        if let Some(d) = std::env::var_os("QUIRE_CACHE_DIR") {
            return Some(PathBuf::from(d));
        }
        let base = std::env::var_os("XDG_CACHE_HOME")
            .map(PathBuf::from)
            .filter(|p| p.is_absolute())
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")))?;
        Some(base.join("quire"))
    })
    .as_ref()
}

/// The name of an entry: a digest of its kind and every input.
pub struct Key([u8; 32]);

impl Key {
    pub fn new(kind: &str, parts: &[&[u8]]) -> Key {
        let mut h = Sha256::new();
        h.update(VERSION);
        h.update(kind.as_bytes());
        for p in parts {
            // Lengths keep ("ab", "c") and ("a", "bc") apart.
            h.update((p.len() as u64).to_le_bytes());
            h.update(p);
        }
        Key(h.finalize().into())
    }

    fn path(&self, kind: &str) -> Option<PathBuf> {
        let hex: String = self.0.iter().map(|b| format!("{b:02x}")).collect();
        Some(dir()?.join(kind).join(&hex[..2]).join(&hex[2..]))
    }
}

/// A cached entry, if there is a whole one.
pub fn get(kind: &str, key: &Key) -> Option<Vec<u8>> {
    let data = std::fs::read(key.path(kind)?).ok()?;
    let head = data.get(..20)?;
    if &head[..8] != MAGIC {
        return None;
    }
    let len = u64::from_le_bytes(head[8..16].try_into().ok()?) as usize;
    let crc = u32::from_le_bytes(head[16..20].try_into().ok()?);
    let body = data.get(20..)?;
    (body.len() == len && crc32fast::hash(body) == crc).then(|| body.to_vec())
}

/// Stores an entry; failures are ignored (the cache is an optimisation).
pub fn put(kind: &str, key: &Key, bytes: &[u8]) {
    let Some(path) = key.path(kind) else { return };
    let Some(parent) = path.parent() else { return };
    if std::fs::create_dir_all(parent).is_err() {
        return;
    }
    let mut data = Vec::with_capacity(bytes.len() + 20);
    data.extend_from_slice(MAGIC);
    data.extend_from_slice(&(bytes.len() as u64).to_le_bytes());
    data.extend_from_slice(&crc32fast::hash(bytes).to_le_bytes());
    data.extend_from_slice(bytes);
    let tmp = parent.join(format!(
        ".tmp-{}-{:?}",
        std::process::id(),
        std::thread::current().id()
    ));
    if std::fs::write(&tmp, &data).is_ok() && std::fs::rename(&tmp, &path).is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
}

/// The cached result of `make` for `key`, made (and stored) when there is
/// none.
pub fn get_or_make<E>(
    kind: &str,
    key: &Key,
    make: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    if let Some(hit) = get(kind, key) {
        return Ok(hit);
    }
    let made = make()?;
    put(kind, key, &made);
    Ok(made)
}

/// Like [`get_or_make`], and made at most once in this process: a second
/// thread asking for the same key (the EPUB and the PDF both want the
/// generated cover) waits for the first one's result.
pub fn shared<E>(
    kind: &str,
    key: &Key,
    make: impl FnOnce() -> Result<Vec<u8>, E>,
) -> Result<Vec<u8>, E> {
    type Slot = std::sync::Arc<std::sync::Mutex<Option<Vec<u8>>>>;
    static MADE: OnceLock<std::sync::Mutex<std::collections::HashMap<[u8; 32], Slot>>> =
        OnceLock::new();
    let slot: Slot = MADE
        .get_or_init(Default::default)
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .entry(key.0)
        .or_default()
        .clone();
    // Held while making: the second asker waits here, then finds it made.
    let mut made = slot.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(bytes) = made.as_ref() {
        return Ok(bytes.clone());
    }
    let bytes = get_or_make(kind, key, make)?;
    *made = Some(bytes.clone());
    Ok(bytes)
}
