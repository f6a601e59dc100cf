//! YAML front matter: metadata between `---` lines at the top of a manuscript.
//!
//! YAML is read with `serde_yaml_ng`, the maintained continuation of the
//! archived `serde_yaml`: same data model and error positions (line and
//! column), so messages can point into the manuscript.

use crate::diagnostics::{Diagnostic, Diagnostics, Location};
use crate::model::metadata::{META_KEYS, MetaInput};
use std::path::Path;

/// Where the front matter is, if there is any.
pub struct FrontMatter<'a> {
    pub yaml: &'a str,
    /// 1-based line of the first YAML line.
    pub first_line: u32,
    /// Byte offset where the body begins.
    pub body_start: usize,
}

/// Finds a `---` … `---` (or `...`) block at the very top of `text`.
pub fn split(text: &str) -> Option<FrontMatter<'_>> {
    let text_no_bom = text.strip_prefix('\u{feff}').unwrap_or(text);
    let bom = text.len() - text_no_bom.len();
    let first_end = text_no_bom.find('\n')?;
    if text_no_bom[..first_end].trim_end() != "---" {
        return None;
    }
    let yaml_start = bom + first_end + 1;
    let mut pos = yaml_start;
    for line in text[yaml_start..].split_inclusive('\n') {
        let t = line.trim_end();
        if t == "---" || t == "..." {
            return Some(FrontMatter {
                yaml: &text[yaml_start..pos],
                first_line: 2,
                body_start: pos + line.len(),
            });
        }
        pos += line.len();
    }
    None
}

/// Parses front matter into metadata. Unknown keys are warnings (front
/// matter is often shared with other tools); malformed YAML is an error.
pub fn parse(
    fm: &FrontMatter,
    file: &Path,
    diags: &mut Diagnostics,
) -> Result<MetaInput, Diagnostic> {
    if fm.yaml.trim().is_empty() {
        return Ok(MetaInput::default());
    }
    let at = |e: &serde_yaml_ng::Error| match e.location() {
        Some(l) => Location::at(file, fm.first_line + l.line() as u32 - 1, l.column() as u32),
        None => Location::at(file, fm.first_line, 0),
    };
    let value: serde_yaml_ng::Value = serde_yaml_ng::from_str(fm.yaml).map_err(|e| {
        Diagnostic::error(
            at(&e),
            format!("malformed YAML front matter: {}", strip_location(&e)),
        )
    })?;
    let mut map = match value {
        serde_yaml_ng::Value::Mapping(m) => m,
        serde_yaml_ng::Value::Null => return Ok(MetaInput::default()),
        _ => {
            return Err(Diagnostic::error(
                Location::at(file, fm.first_line, 1),
                "front matter must be a mapping of `key: value` lines",
            ));
        }
    };
    let unknown: Vec<String> = map
        .keys()
        .filter_map(|k| k.as_str())
        .filter(|k| !META_KEYS.contains(k))
        .map(str::to_string)
        .collect();
    for key in unknown {
        let line = key_line(fm.yaml, &key).map_or(fm.first_line, |l| fm.first_line + l);
        diags.warning(
            Location::at(file, line, 1),
            format!("unknown front matter key `{key}` ignored"),
        );
        map.remove(key.as_str());
    }
    serde_yaml_ng::from_value(serde_yaml_ng::Value::Mapping(map)).map_err(|e| {
        Diagnostic::error(
            Location::at(file, fm.first_line, 0),
            format!("invalid front matter: {}", strip_location(&e)),
        )
    })
}

/// The 0-based line of a top-level `key:` in the YAML text.
fn key_line(yaml: &str, key: &str) -> Option<u32> {
    yaml.lines()
        .position(|l| l.starts_with(key) && l[key.len()..].trim_start().starts_with(':'))
        .map(|i| i as u32)
}

/// serde_yaml_ng appends "at line X column Y" relative to the YAML block;
/// we give the manuscript's own position instead.
fn strip_location(e: &serde_yaml_ng::Error) -> String {
    let s = e.to_string();
    match s.find(" at line ") {
        Some(i) => s[..i].to_string(),
        None => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_front_matter() {
        let t = "---\ntitle: A\n---\nBody\n";
        let fm = split(t).unwrap();
        assert_eq!(fm.yaml, "title: A\n");
        assert_eq!(&t[fm.body_start..], "Body\n");
        assert!(split("No front matter\n---\n").is_none());
    }

    #[test]
    fn malformed_yaml_points_at_the_line() {
        let t = "---\ntitle: A\nauthor: [unclosed\n---\n";
        let fm = split(t).unwrap();
        let mut d = Diagnostics::default();
        let err = parse(&fm, Path::new("a.md"), &mut d).unwrap_err();
        assert!(err.location.line >= 3, "{err}");
        assert!(err.message.contains("malformed YAML"));
    }
}
