//! YAML front matter: metadata between `---` lines at the top of a manuscript.
//!
//! YAML is read with `serde_yaml_ng`, the maintained continuation of the
//! archived `serde_yaml`: same data model and error positions (line and
//! column), so messages can point into the manuscript.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
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
/// matter is often shared with other tools); malformed YAML, and a value of
/// the wrong type (reported at its key), are errors, after which the rest
/// of the front matter is still used.
/// What front matter says: the metadata, and the print settings a single
/// manuscript may give (`print: {target: kdp, paper: cream}`, the keys of
/// book.toml's `[print]`).
#[derive(Debug, Default)]
pub struct Front {
    pub meta: MetaInput,
    pub print: Option<super::book_toml::PrintToml>,
    /// The house style (`style: {scene-break: fleuron}`, the keys of
    /// book.toml's `[style]`).
    pub style: Option<super::book_toml::StyleToml>,
    /// A single manuscript's fallback faces and system fonts
    /// (`fonts: {fallback: [type/NotoNaskhArabic.ttf], system: true}`),
    /// with the line of the `fonts` key.
    pub fonts: Option<(FrontFonts, u32)>,
}

/// `fonts:` in front matter.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FrontFonts {
    #[serde(default)]
    pub fallback: Vec<String>,
    pub system: Option<bool>,
}

pub fn parse(fm: &FrontMatter, file: &Path, diags: &mut Diagnostics) -> Front {
    if fm.yaml.trim().is_empty() {
        return Front::default();
    }
    if fm.yaml.len() > crate::limits::FRONT_MATTER_BYTES {
        diags.push(
            Diagnostic::error(
                Code::FileTooLarge,
                Location::at(file, fm.first_line, 1),
                format!(
                    "the front matter is {} long; Quire reads at most {}",
                    crate::files::human_bytes(fm.yaml.len() as u64),
                    crate::files::human_bytes(crate::limits::FRONT_MATTER_BYTES as u64)
                ),
            )
            .help("is the closing `---` line missing?"),
        );
        return Front::default();
    }
    if let Some((line, col)) = too_deep(fm.yaml, crate::limits::YAML_DEPTH) {
        diags.error(
            Code::YamlSyntax,
            Location::at(file, fm.first_line + line, col),
            format!(
                "YAML front matter nested more than {} levels deep",
                crate::limits::YAML_DEPTH
            ),
        );
        return Front::default();
    }
    let at = |e: &serde_yaml_ng::Error| match e.location() {
        Some(l) => Location::at(file, fm.first_line + l.line() as u32 - 1, l.column() as u32),
        None => Location::at(file, fm.first_line, 0),
    };
    let value: serde_yaml_ng::Value = match serde_yaml_ng::from_str(fm.yaml) {
        Ok(v) => v,
        Err(e) => {
            diags.error(
                Code::YamlSyntax,
                at(&e),
                format!("malformed YAML front matter: {}", strip_location(&e)),
            );
            return Front::default();
        }
    };
    let map = match value {
        serde_yaml_ng::Value::Mapping(m) => m,
        serde_yaml_ng::Value::Null => return Front::default(),
        _ => {
            diags.error(
                Code::MetadataInvalid,
                Location::at(file, fm.first_line, 1),
                "front matter must be a mapping of `key: value` lines",
            );
            return Front::default();
        }
    };
    // Key by key, so a wrong value is reported at its own key and the
    // others are still used.
    let mut meta = MetaInput::default();
    let mut print = None;
    let mut style = None;
    let mut fonts = None;
    for (key, value) in map {
        let name = match &key {
            serde_yaml_ng::Value::String(s) => s.clone(),
            other => serde_yaml_ng::to_string(other)
                .unwrap_or_default()
                .trim()
                .to_string(),
        };
        let line = key_line(fm.yaml, &name).map_or(fm.first_line, |l| fm.first_line + l);
        let loc = Location::at(file, line, 1);
        if name == "print" {
            match serde_yaml_ng::from_value::<super::book_toml::PrintToml>(value) {
                Ok(p) => print = Some(p),
                Err(e) => diags.error(
                    Code::MetadataInvalid,
                    loc,
                    format!("`print`: {}", strip_location(&e)),
                ),
            }
            continue;
        }
        if name == "fonts" {
            match serde_yaml_ng::from_value::<FrontFonts>(value) {
                Ok(f) => fonts = Some((f, line)),
                Err(e) => diags.error(
                    Code::MetadataInvalid,
                    loc,
                    format!("`fonts`: {}", strip_location(&e)),
                ),
            }
            continue;
        }
        if name == "style" {
            match serde_yaml_ng::from_value::<super::book_toml::StyleToml>(value) {
                Ok(s) => style = Some(s),
                Err(e) => diags.error(
                    Code::MetadataInvalid,
                    loc,
                    format!("`style`: {}", strip_location(&e)),
                ),
            }
            continue;
        }
        if !META_KEYS.contains(&name.as_str()) {
            diags.warning(
                Code::MetadataUnknownKey,
                loc,
                format!("unknown front matter key `{name}` ignored"),
            );
            continue;
        }
        let mut one = serde_yaml_ng::Mapping::new();
        one.insert(key, value);
        match serde_yaml_ng::from_value::<MetaInput>(serde_yaml_ng::Value::Mapping(one)) {
            Ok(mut m) => {
                m.clean();
                meta.overlay(m)
            }
            Err(e) => diags.error(
                Code::MetadataInvalid,
                loc,
                format!("`{name}`: {}", strip_location(&e)),
            ),
        }
    }
    Front {
        meta,
        print,
        style,
        fonts,
    }
}

/// Where YAML flow collections (`[`, `{`) or indentation first nest deeper
/// than `limit`: (0-based line, column). Checked before parsing, so that
/// hostile nesting is refused at once.
pub(crate) fn too_deep(yaml: &str, limit: usize) -> Option<(u32, u32)> {
    let mut depth = 0usize;
    let mut quote: Option<char>;
    let mut indents: Vec<usize> = Vec::new();
    for (ln, line) in yaml.lines().enumerate() {
        if depth == 0 {
            // Block nesting: each deeper indentation opens a level.
            // (`- - x` opens a sequence in a sequence on one line.)
            let body = line.trim_start_matches([' ', '-']);
            if !body.is_empty() && !body.starts_with('#') {
                let indent = line.len() - body.len();
                let dashes = line[..indent].matches('-').count();
                while indents.last().is_some_and(|&i| i >= indent) {
                    indents.pop();
                }
                indents.push(indent);
                if indents.len() + dashes > limit {
                    return Some((ln as u32, indent as u32 + 1));
                }
            }
        }
        // A quote opens a quoted scalar only where a scalar may begin; a
        // quoted scalar running over lines is rare, and counting brackets
        // inside it errs on the safe side.
        quote = None;
        let mut prev = ' ';
        for (col, c) in line.chars().enumerate() {
            match (quote, c) {
                (Some(q), c) if c == q && prev != '\\' => quote = None,
                (Some(_), _) => {}
                (None, '"' | '\'') if matches!(prev, ' ' | ':' | '[' | '{' | ',' | '-') => {
                    quote = Some(c)
                }
                (None, '#') if prev == ' ' => break,
                (None, '[' | '{') => {
                    depth += 1;
                    if depth > limit {
                        return Some((ln as u32, col as u32 + 1));
                    }
                }
                (None, ']' | '}') => depth = depth.saturating_sub(1),
                _ => {}
            }
            prev = c;
        }
    }
    None
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
        let _ = parse(&fm, Path::new("a.md"), &mut d);
        let err = &d.items()[0];
        assert!(err.location.line >= 3, "{err}");
        assert!(err.message.contains("malformed YAML"));
    }
}
