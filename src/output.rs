//! Writing outputs safely: a file is either the complete new output or the
//! old one, never something half-written.

use std::io::Write;
use std::path::Path;

/// Writes `data` to a temporary file beside `target`, flushes it to disk
/// and renames it into place. On failure the temporary file is removed and
/// any existing `target` is left untouched.
pub fn write_atomic(target: &Path, data: &[u8]) -> std::io::Result<()> {
    let dir = target
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    std::fs::create_dir_all(dir)?;
    let name = target
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let tmp = dir.join(format!(".{name}.{}.partial", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
        std::fs::rename(&tmp, target)
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}
