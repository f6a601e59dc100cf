//! Reading inputs with bounds, and writing outputs safely.
//!
//! Every file Quire reads goes through [`read_limited`]: it must be a
//! regular file (a FIFO would block forever, `/dev/zero` never ends, a
//! socket is not a file), reached directly or through a link, and no larger
//! than the limit for its kind. Every file Quire writes goes through
//! [`Staged`]: written beside its target under a temporary name and renamed
//! into place only when every output of the build is complete, so a target
//! is always either the complete new file or the old one.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotFound,
    /// Not a regular file: what it is instead.
    NotRegular(&'static str),
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(String),
}

impl ReadError {
    pub fn code(&self) -> crate::diagnostics::Code {
        use crate::diagnostics::Code;
        match self {
            ReadError::NotFound | ReadError::Io(_) => Code::FileUnreadable,
            ReadError::NotRegular(_) => Code::NotRegularFile,
            ReadError::TooLarge { .. } => Code::FileTooLarge,
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotFound => f.write_str("no such file"),
            ReadError::NotRegular(kind) => {
                write!(
                    f,
                    "not a regular file (it is {kind}); Quire reads only files"
                )
            }
            ReadError::TooLarge { size, limit } => write!(
                f,
                "the file is {} and Quire reads at most {} of this kind",
                human_bytes(*size),
                human_bytes(*limit)
            ),
            ReadError::Io(e) => f.write_str(e),
        }
    }
}

pub fn human_bytes(n: u64) -> String {
    const MIB: u64 = 1 << 20;
    if n >= MIB {
        format!("{:.1} MB", n as f64 / MIB as f64)
    } else if n >= 1024 {
        format!("{:.0} KB", n as f64 / 1024.0)
    } else {
        format!("{n} bytes")
    }
}

fn kind_of(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a directory"
    } else {
        "not a file"
    }
}

fn io_error(e: &std::io::Error) -> ReadError {
    match e.kind() {
        std::io::ErrorKind::NotFound => ReadError::NotFound,
        std::io::ErrorKind::PermissionDenied => ReadError::Io("permission denied".into()),
        _ => ReadError::Io(e.to_string()),
    }
}

/// Whether `path` (following links) is a regular file; the reason if not.
pub fn check_regular(path: &Path) -> Result<u64, ReadError> {
    let meta = std::fs::metadata(path).map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    Ok(meta.len())
}

/// Reads a regular file of at most `limit` bytes. The file is checked
/// before it is opened (opening a FIFO blocks) and again once open (it may
/// have been swapped), and never more than `limit + 1` bytes are read.
pub fn read_limited(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let size = check_regular(path)?;
    if size > limit {
        return Err(ReadError::TooLarge { size, limit });
    }
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // Never block on open, should the file have become a FIFO.
        options.custom_flags(0o4000); // O_NONBLOCK
    }
    let file = options.open(path).map_err(|e| io_error(&e))?;
    let meta = file.metadata().map_err(|e| io_error(&e))?;
    if !meta.is_file() {
        return Err(ReadError::NotRegular(kind_of(&meta.file_type())));
    }
    let mut data = Vec::with_capacity(meta.len().min(limit) as usize);
    file.take(limit + 1)
        .read_to_end(&mut data)
        .map_err(|e| io_error(&e))?;
    if data.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: data.len() as u64,
            limit,
        });
    }
    Ok(data)
}

/// Temporary files being written now, removed if the process is
/// interrupted (see [`remove_staged_on_interrupt`]).
/// Once interrupted, no temporary file is made or renamed any more: the
/// flag is set, and files are made and renamed, under this lock.
static IN_FLIGHT: Mutex<(Vec<PathBuf>, bool)> = Mutex::new((Vec::new(), false));

fn in_flight() -> std::sync::MutexGuard<'static, (Vec<PathBuf>, bool)> {
    IN_FLIGHT.lock().unwrap_or_else(|p| p.into_inner())
}

fn interrupted() -> std::io::Error {
    std::io::Error::new(std::io::ErrorKind::Interrupted, "interrupted")
}

/// Removes every temporary file of this process, and lets no other be
/// made; for a signal handler (the process exits after it).
pub fn remove_staged_on_interrupt() {
    let mut staged = in_flight();
    staged.1 = true;
    for p in staged.0.drain(..) {
        let _ = std::fs::remove_file(p);
    }
}

/// The suffix of temporary files: `.NAME.PID.partial`.
const PARTIAL: &str = ".partial";

fn temp_name(target: &Path) -> (PathBuf, String) {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."))
        .to_path_buf();
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    (dir, name)
}

/// Removes temporary files that killed runs left for `target`: those of
/// processes that no longer exist.
fn clean_stale(dir: &Path, name: &str) {
    let prefix = format!(".{name}.");
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let file = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|rest| rest.strip_suffix(PARTIAL))
            .and_then(|pid| pid.parse::<u32>().ok())
        else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

fn process_alive(pid: u32) -> bool {
    if cfg!(target_os = "linux") {
        Path::new("/proc").join(pid.to_string()).exists()
    } else {
        // Without /proc, only files older than a day count as stale.
        true
    }
}

/// Why an output may not go where it was asked to.
pub fn refuse_target(target: &Path, inputs: &[PathBuf]) -> Option<String> {
    if let Ok(meta) = std::fs::symlink_metadata(target) {
        if meta.file_type().is_symlink() {
            return Some("it is a symbolic link; Quire does not write through links".into());
        }
        if !meta.is_file() {
            return Some(format!(
                "it is {}, not a file Quire may replace",
                kind_of(&meta.file_type())
            ));
        }
        if let Ok(real) = std::fs::canonicalize(target)
            && inputs.contains(&real)
        {
            return Some("it is one of the book's own input files".into());
        }
    }
    None
}

/// An output written under a temporary name, waiting to be put in place.
pub struct Staged {
    temp: PathBuf,
    target: PathBuf,
}

impl Staged {
    /// Writes `data` to a temporary file beside `target` and flushes it.
    pub fn write(target: &Path, data: &[u8]) -> std::io::Result<Staged> {
        let (dir, name) = temp_name(target);
        std::fs::create_dir_all(&dir)?;
        clean_stale(&dir, &name);
        let temp = dir.join(format!(".{name}.{}{PARTIAL}", std::process::id()));
        let result = (|| {
            // The file is made and listed at once: a signal handler
            // either sees it listed or stops it being made.
            let mut f = {
                let mut staged = in_flight();
                if staged.1 {
                    return Err(interrupted());
                }
                let f = std::fs::File::create(&temp)?;
                staged.0.push(temp.clone());
                f
            };
            f.write_all(data)?;
            f.sync_all()
        })();
        match result {
            Ok(()) => Ok(Staged {
                temp,
                target: target.to_path_buf(),
            }),
            Err(e) => {
                let mut staged = in_flight();
                let _ = std::fs::remove_file(&temp);
                staged.0.retain(|p| *p != temp);
                Err(e)
            }
        }
    }

    /// Renames the file into place.
    pub fn commit(self) -> std::io::Result<()> {
        let mut staged = in_flight();
        if staged.1 {
            return Err(interrupted());
        }
        let r = std::fs::rename(&self.temp, &self.target);
        if r.is_err() {
            let _ = std::fs::remove_file(&self.temp);
        }
        staged.0.retain(|p| *p != self.temp);
        r
    }

    /// Throws the file away.
    pub fn discard(self) {
        let mut staged = in_flight();
        let _ = std::fs::remove_file(&self.temp);
        staged.0.retain(|p| *p != self.temp);
    }
}

/// Writes `data` to `target` through a temporary file: the target is
/// either the complete new file or left as it was.
pub fn write_atomic(target: &Path, data: &[u8]) -> std::io::Result<()> {
    Staged::write(target, data)?.commit()
}

impl From<ReadError> for crate::diagnostics::Problem {
    fn from(e: ReadError) -> Self {
        crate::diagnostics::Problem::new(e.code(), format!("cannot read it: {e}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_what_is_not_a_file() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            read_limited(dir.path(), 10),
            Err(ReadError::NotRegular("a directory"))
        );
        assert_eq!(
            read_limited(Path::new("/dev/zero"), 10),
            Err(ReadError::NotRegular("a device"))
        );
        let f = dir.path().join("f");
        std::fs::write(&f, b"0123456789ab").unwrap();
        assert!(matches!(
            read_limited(&f, 10),
            Err(ReadError::TooLarge { size: 12, .. })
        ));
        assert_eq!(read_limited(&f, 12).unwrap().len(), 12);
    }

    #[test]
    fn stale_partials_are_cleaned() {
        let dir = tempfile::tempdir().unwrap();
        // No process has pid 4,000,000,000.
        let stale = dir.path().join(".x.pdf.4000000000.partial");
        std::fs::write(&stale, b"old").unwrap();
        write_atomic(&dir.path().join("x.pdf"), b"new").unwrap();
        assert!(!stale.exists());
        assert_eq!(std::fs::read(dir.path().join("x.pdf")).unwrap(), b"new");
    }
}
