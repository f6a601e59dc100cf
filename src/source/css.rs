//! A book's own stylesheet for the EPUB (`[epub] css`): read, checked for
//! the syntax errors that would make EPUBCheck reject the book, and the
//! files it points at (fonts, images) found inside the project and carried
//! into the EPUB.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use std::path::Path;

pub use crate::model::{CssResource, ExtraCss};

/// Families every reading system knows, and CSS-wide keywords.
const GENERIC: &[&str] = &[
    "serif",
    "sans-serif",
    "monospace",
    "cursive",
    "fantasy",
    "system-ui",
    "ui-serif",
    "ui-sans-serif",
    "ui-monospace",
    "math",
    "emoji",
    "inherit",
    "initial",
    "unset",
    "revert",
];

/// Reads the stylesheet at `rel` (from book.toml, at `at`), relative to
/// `dir` and confined to `root`. A syntax error leaves it out (a warning at
/// the error); a missing file or one it names is an error.
pub fn load(
    dir: &Path,
    root: &Path,
    rel: &str,
    at: Location,
    families: &[String],
    diags: &mut Diagnostics,
) -> Option<ExtraCss> {
    let what = format!("stylesheet `{rel}`");
    let real = super::book_toml::confined(&dir.join(rel), root, at.clone(), &what, diags)?;
    let data = match crate::files::read_limited(&real, crate::limits::CONFIG_BYTES) {
        Ok(d) => d,
        Err(e) => {
            diags.error(e.code(), at, format!("{what}: {e}"));
            return None;
        }
    };
    let shown = dir.join(rel);
    let Ok(text) = String::from_utf8(data) else {
        diags.error(Code::CssInvalid, at, format!("{what} is not UTF-8 text"));
        return None;
    };
    let tokens = match scan(&text) {
        Ok(t) => t,
        Err((offset, message)) => {
            let (line, col) = line_col(&text, offset);
            diags.push(
                Diagnostic::warning(
                    Code::CssInvalid,
                    Location::at(&shown, line, col),
                    format!("{message}: the stylesheet is left out of the EPUB"),
                )
                .help("fix the stylesheet; EPUBCheck rejects a book whose CSS does not parse"),
            );
            return None;
        }
    };
    let base = real.parent().unwrap_or(root);
    let mut out = String::with_capacity(text.len());
    let mut resources: Vec<CssResource> = Vec::new();
    let mut last = 0;
    let mut declared: Vec<String> = Vec::new();
    let mut ok = true;
    for t in &tokens {
        match t {
            Token::Url { start, end, value } => {
                let (line, col) = line_col(&text, *start);
                let loc = Location::at(&shown, line, col);
                out.push_str(&text[last..*start]);
                last = *end;
                if value.starts_with("data:") || value.starts_with('#') {
                    out.push_str(&text[*start..*end]);
                    continue;
                }
                if value.contains("://") || value.starts_with("//") {
                    diags.push(
                        Diagnostic::error(
                            Code::CssInvalid,
                            loc,
                            format!("`{value}` is outside the book: an EPUB carries its own files"),
                        )
                        .help("copy the file into the project and name it by a relative path"),
                    );
                    ok = false;
                    continue;
                }
                let file = value.split(['?', '#']).next().unwrap_or(value);
                match resource(base, root, file, loc, resources.len(), diags) {
                    Some(r) => {
                        out.push_str(&format!("url(\"{}\")", r.href));
                        resources.push(r);
                    }
                    None => ok = false,
                }
            }
            Token::Import { start } => {
                let (line, col) = line_col(&text, *start);
                diags.push(
                    Diagnostic::error(
                        Code::CssInvalid,
                        Location::at(&shown, line, col),
                        "`@import` in the book's stylesheet: Quire adds one stylesheet",
                    )
                    .help("put the imported rules in the same file"),
                );
                ok = false;
            }
            Token::FaceFamily(name) => declared.push(name.to_lowercase()),
            Token::Family { .. } => {}
        }
    }
    out.push_str(&text[last..]);
    // Families the stylesheet asks for must be the book's or declared here.
    let known = |n: &str| {
        GENERIC.contains(&n)
            || declared.iter().any(|d| d == n)
            || families.iter().any(|f| f.to_lowercase() == n)
    };
    for t in &tokens {
        if let Token::Family { start, names } = t
            && let Some(missing) = names.iter().find(|n| !known(&n.to_lowercase()))
        {
            let (line, col) = line_col(&text, *start);
            diags.push(
                Diagnostic::warning(
                    Code::CssInvalid,
                    Location::at(&shown, line, col),
                    format!(
                        "font `{missing}` is not in the book: reading systems fall back to their own"
                    ),
                )
                .help("declare it with @font-face and a font file in the project, or name the book's own faces"),
            );
        }
    }
    let mut files = vec![real.clone()];
    files.extend(resources.iter().map(|r| r.file.clone()));
    ok.then_some(ExtraCss {
        text: out,
        resources,
        files,
    })
}

/// A file named by `url()`, found beside the stylesheet and checked.
fn resource(
    base: &Path,
    root: &Path,
    file: &str,
    loc: Location,
    n: usize,
    diags: &mut Diagnostics,
) -> Option<CssResource> {
    let what = format!("`{file}` in the stylesheet");
    let real = super::book_toml::confined(&base.join(file), root, loc.clone(), &what, diags)?;
    let ext = real
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or("")
        .to_ascii_lowercase();
    let media_type = match ext.as_str() {
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => {
            diags.push(
                Diagnostic::error(
                    Code::CssInvalid,
                    loc,
                    format!("{what}: an EPUB carries fonts (.ttf, .otf, .woff, .woff2) and images, not `.{ext}`"),
                ),
            );
            return None;
        }
    };
    let data = match crate::files::read_limited(&real, crate::limits::FONT_BYTES) {
        Ok(d) => d,
        Err(e) => {
            diags.error(e.code(), loc, format!("{what}: {e}"));
            return None;
        }
    };
    let checked = match ext.as_str() {
        "ttf" | "otf" => crate::fonts::check_font_file(&data, 0, false)
            .map(|_| ())
            .map_err(|p| p.message),
        "woff" if !data.starts_with(b"wOFF") => Err("not a WOFF font".to_string()),
        "woff2" if !data.starts_with(b"wOF2") => Err("not a WOFF2 font".to_string()),
        "svg" => Ok(()),
        "woff" | "woff2" => Ok(()),
        _ => image::guess_format(&data)
            .map(|_| ())
            .map_err(|_| "not an image Quire can read".to_string()),
    };
    if let Err(e) = checked {
        let code = if media_type.starts_with("font/") {
            Code::FontInvalid
        } else {
            Code::CssInvalid
        };
        diags.error(code, loc, format!("{what}: {e}"));
        return None;
    }
    let name: String = real
        .file_name()
        .and_then(|f| f.to_str())
        .unwrap_or("file")
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    Some(CssResource {
        href: format!("css/{n}-{name}"),
        data,
        media_type,
        file: real,
    })
}

/// What the checker found that matters beyond syntax.
#[derive(Debug, PartialEq)]
enum Token {
    /// `url(…)` from `start` to `end` (bytes), its value unquoted.
    Url {
        start: usize,
        end: usize,
        value: String,
    },
    Import {
        start: usize,
    },
    /// A `font-family` declared by `@font-face`.
    FaceFamily(String),
    /// A `font-family` (or `font`) asked for by a rule.
    Family {
        start: usize,
        names: Vec<String>,
    },
}

fn line_col(text: &str, offset: usize) -> (u32, u32) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() as u32 + 1;
    let col = before.rsplit('\n').next().unwrap_or("").chars().count() as u32 + 1;
    (line, col)
}

/// Checks the stylesheet's structure (comments and strings closed, braces
/// balanced, declarations with a colon) and finds its `url()`s, imports and
/// font families. An error is its byte offset and what is wrong.
fn scan(text: &str) -> Result<Vec<Token>, (usize, String)> {
    let b = text.as_bytes();
    let mut tokens = Vec::new();
    // Open braces: where each opened, and whether it is an @font-face.
    let mut open: Vec<(usize, bool)> = Vec::new();
    // The text since the last `{`, `}` or `;`: a selector or a declaration.
    let mut stmt_start = 0;
    let mut i = 0;
    let close_stmt = |tokens: &mut Vec<Token>,
                      open: &[(usize, bool)],
                      from: usize,
                      to: usize|
     -> Result<(), (usize, String)> {
        let raw = &text[from..to];
        let stmt = strip_comments(raw);
        let s = stmt.trim();
        if s.is_empty() || open.is_empty() || s.starts_with('@') {
            return Ok(());
        }
        let lead = from + raw.len() - raw.trim_start().len();
        let Some((prop, value)) = s.split_once(':') else {
            return Err((lead, format!("declaration `{s}` has no `:`")));
        };
        let prop = prop.trim().to_ascii_lowercase();
        if prop.is_empty() || !prop.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err((lead, format!("`{}` is not a property name", prop)));
        }
        if prop == "font-family" {
            let names = family_names(value);
            if open.last().is_some_and(|o| o.1) {
                tokens.extend(names.into_iter().map(Token::FaceFamily));
            } else {
                tokens.push(Token::Family { start: lead, names });
            }
        }
        Ok(())
    };
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                let Some(end) = text[i + 2..].find("*/") else {
                    return Err((i, "a comment is never closed".into()));
                };
                i += 2 + end + 2;
                continue;
            }
            q @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                loop {
                    match b.get(i) {
                        None | Some(b'\n') => {
                            return Err((start, "a string is never closed".into()));
                        }
                        Some(b'\\') => i += 2,
                        Some(&c) if c == q => break,
                        _ => i += 1,
                    }
                }
            }
            b'{' => {
                let head = strip_comments(&text[stmt_start..i]);
                let face = head.trim().eq_ignore_ascii_case("@font-face");
                if head.trim().is_empty() && open.is_empty() {
                    return Err((i, "a `{` with no selector before it".into()));
                }
                open.push((i, face));
                stmt_start = i + 1;
            }
            b'}' => {
                close_stmt(&mut tokens, &open, stmt_start, i)?;
                if open.pop().is_none() {
                    return Err((i, "a `}` closes nothing".into()));
                }
                stmt_start = i + 1;
            }
            b';' => {
                close_stmt(&mut tokens, &open, stmt_start, i)?;
                stmt_start = i + 1;
            }
            b'@' if text[i..].len() >= 7 && text[i..i + 7].eq_ignore_ascii_case("@import") => {
                tokens.push(Token::Import { start: i });
            }
            b'u' | b'U'
                if text[i..].len() >= 4
                    && text[i..i + 4].eq_ignore_ascii_case("url(")
                    && (i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'-')) =>
            {
                let start = i;
                let Some(close) = text[i..].find(')') else {
                    return Err((i, "`url(` is never closed".into()));
                };
                let inner = text[i + 4..i + close].trim();
                let value = inner
                    .strip_prefix('"')
                    .and_then(|v| v.strip_suffix('"'))
                    .or_else(|| inner.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                    .unwrap_or(inner)
                    .to_string();
                i += close + 1;
                tokens.push(Token::Url {
                    start,
                    end: i,
                    value,
                });
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if let Some(&(at, _)) = open.last() {
        return Err((at, "this `{` is never closed".into()));
    }
    Ok(tokens)
}

fn strip_comments(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find("/*") {
        out.push_str(&rest[..at]);
        match rest[at + 2..].find("*/") {
            Some(end) => rest = &rest[at + 2 + end + 2..],
            None => return out,
        }
    }
    out.push_str(rest);
    out
}

/// The families in a `font-family` value, unquoted.
fn family_names(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(|n| {
            n.trim()
                .trim_end_matches("!important")
                .trim()
                .trim_matches(['"', '\''])
                .to_string()
        })
        .filter(|n| !n.is_empty())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_what_is_wrong_and_where() {
        let err = |s: &str| scan(s).unwrap_err();
        assert_eq!(err("p { color: red;\nh1 { x: y }").0, 2);
        assert!(err("p { color: red; }\n}").1.contains("closes nothing"));
        assert!(err("p { color red; }").1.contains("has no `:`"));
        assert!(err("p { content: \"open; }").1.contains("string"));
        assert!(err("/* open").1.contains("comment"));
        let (at, _) = err("a {}\np { color red }");
        assert_eq!(line_col("a {}\np { color red }", at), (2, 5));
    }

    #[test]
    fn reads_urls_families_and_nesting() {
        let css = "@media screen { p { font-family: \"Old Face\", serif; } }\n\
                   @font-face { font-family: 'Old Face'; src: url(\"f/old.otf\"); }\n\
                   p::before { content: \"a;b{\"; background: url(x.png) }";
        let t = scan(css).unwrap();
        assert!(t.contains(&Token::FaceFamily("Old Face".into())));
        assert!(
            t.iter()
                .any(|t| matches!(t, Token::Url { value, .. } if value == "f/old.otf"))
        );
        assert!(
            t.iter()
                .any(|t| matches!(t, Token::Url { value, .. } if value == "x.png"))
        );
        assert!(
            t.iter().any(
                |t| matches!(t, Token::Family { names, .. } if names == &["Old Face", "serif"])
            )
        );
    }
}
