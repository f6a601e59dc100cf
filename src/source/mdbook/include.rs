//! mdBook's preprocessor links, expanded as mdBook expands them:
//! `{{#include file}}`, `{{#include file:anchor}}` (the lines between
//! `ANCHOR: anchor` and `ANCHOR_END: anchor`), line ranges
//! (`file:2:10`, `file::5`, `file:3:`, `file:7`), `{{#rustdoc_include}}`
//! (for print, the lines it shows), `{{#playground file}}` (the file) and
//! `{{#title …}}` (dropped: the summary names the chapter). A link written
//! `\{{#include …}}` stays as text. Included files are read relative to
//! the including one, must stay inside the project, and may include
//! others, to a depth of ten; a file that includes itself, directly or
//! not, is an error. Lines carrying anchor markers never reach the book.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use std::path::{Path, PathBuf};

/// How deep includes may nest (mdBook's own limit).
const MAX_DEPTH: usize = 10;

/// The expanded text, and for each of its lines the line of the chapter
/// file it comes from (an included line: the line of its include).
pub struct Expanded {
    pub text: String,
    pub lines: Vec<u32>,
    /// Set once the text has grown past the bound on a manuscript: no
    /// more is included.
    pub full: bool,
}

/// Expands the links in `text`, the contents of `file`; `root` is the
/// project, which nothing included may leave.
pub fn expand(text: &str, file: &Path, root: &Path, diags: &mut Diagnostics) -> Expanded {
    let mut out = Expanded {
        text: String::with_capacity(text.len()),
        lines: Vec::new(),
        full: false,
    };
    let mut stack = vec![canonical(file)];
    expand_into(text, file, root, None, &mut stack, &mut out, diags);
    out
}

/// The real path (links followed), or for a path that does not exist,
/// the path with its `.` and `..` taken out: never one that still climbs.
fn canonical(p: &Path) -> PathBuf {
    std::fs::canonicalize(p).unwrap_or_else(|_| {
        let absolute = std::env::current_dir().map_or(p.to_path_buf(), |cwd| cwd.join(p));
        let mut out = PathBuf::new();
        for c in absolute.components() {
            match c {
                std::path::Component::ParentDir => {
                    out.pop();
                }
                std::path::Component::CurDir => {}
                other => out.push(other),
            }
        }
        out
    })
}

/// `at_line`: the chapter line every line of `text` is reported at, when
/// `text` is itself included.
fn expand_into(
    text: &str,
    file: &Path,
    root: &Path,
    at_line: Option<u32>,
    stack: &mut Vec<PathBuf>,
    out: &mut Expanded,
    diags: &mut Diagnostics,
) {
    for (i, line) in text.split_inclusive('\n').enumerate() {
        // Problems are reported where they are; the book's lines map to
        // the chapter file's.
        let real = i as u32 + 1;
        let here = at_line.unwrap_or(real);
        let mut rest = line;
        let mut col = 0usize;
        while let Some(k) = rest.find("{{#") {
            let Some(end) = rest[k..].find("}}") else {
                break;
            };
            let escaped = k > 0 && rest.as_bytes()[k - 1] == b'\\';
            let link = &rest[k + 3..k + end];
            if escaped {
                push(out, &rest[..k - 1], here);
                push(out, &rest[k..k + end + 2], here);
            } else {
                push(out, &rest[..k], here);
                let location = Location::at(file, real, (col + k) as u32 + 1);
                if out.text.len() as u64 > crate::limits::MANUSCRIPT_BYTES {
                    // Includes that multiply (a file included a thousand
                    // times, each including a thousand more) stop here.
                    if !out.full {
                        diags.error(
                            Code::Include,
                            location,
                            "the includes make the chapter larger than a manuscript may be (64 MB): no more is included",
                        );
                        out.full = true;
                    }
                } else {
                    run_link(link, file, root, here, location, stack, out, diags);
                }
            }
            col += k + end + 2;
            rest = &rest[k + end + 2..];
        }
        push(out, rest, here);
    }
}

/// Appends `s` to the output, noting the chapter line of each line it
/// starts.
fn push(out: &mut Expanded, s: &str, line: u32) {
    if s.is_empty() {
        return;
    }
    if out.text.is_empty() || out.text.ends_with('\n') {
        out.lines.push(line);
    }
    for (i, _) in s.match_indices('\n') {
        if i + 1 < s.len() {
            out.lines.push(line);
        }
    }
    out.text.push_str(s);
}

#[allow(clippy::too_many_arguments)]
fn run_link(
    link: &str,
    file: &Path,
    root: &Path,
    line: u32,
    at: Location,
    stack: &mut Vec<PathBuf>,
    out: &mut Expanded,
    diags: &mut Diagnostics,
) {
    let link = link.trim();
    let (name, arg) = link.split_once(char::is_whitespace).unwrap_or((link, ""));
    let arg = arg.trim();
    match name {
        "include" | "rustdoc_include" | "playground" => {}
        // The page's title in a browser; the book's contents name it.
        "title" => return,
        _ => {
            // Not one of mdBook's: left as written.
            push(out, &format!("{{{{#{link}}}}}"), line);
            return;
        }
    }
    let fail = |diags: &mut Diagnostics, why: String| {
        diags.push(
            Diagnostic::error(Code::Include, at.clone(), why).help(
                "includes stay inside the project: a wider one is `project-root` under [output.quire] in book.toml",
            ),
        );
    };
    if arg.is_empty() {
        // Not a link to mdBook either (it needs a file): text, as written.
        push(out, &format!("{{{{#{link}}}}}"), line);
        return;
    }
    // A playground's file is shown as a Rust code block; words after
    // its path are the block's attributes (`editable`).
    let (arg, attributes) = match name {
        "playground" => arg.split_once(char::is_whitespace).unwrap_or((arg, "")),
        _ => (arg, ""),
    };
    // `file:anchor`, `file:from:to`; a path may hold no colon of its own.
    let (path, selector) = match arg.split_once(':') {
        Some((p, s)) => (p, Some(s)),
        None => (arg, None),
    };
    let dir = file.parent().unwrap_or(Path::new("."));
    let target = dir.join(path);
    let real = canonical(&target);
    let root_real = canonical(root);
    if !real.starts_with(&root_real) {
        fail(
            diags,
            format!("`{path}` is outside the book's project: an include stays inside it"),
        );
        return;
    }
    if stack.contains(&real) {
        fail(
            diags,
            format!(
                "`{path}` includes itself (through {} file(s)): a cycle",
                stack.len()
            ),
        );
        return;
    }
    if stack.len() > MAX_DEPTH {
        fail(
            diags,
            format!("includes nest deeper than {MAX_DEPTH} files at `{path}`"),
        );
        return;
    }
    let content = match crate::files::read_limited(&target, crate::limits::MANUSCRIPT_BYTES) {
        Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        Err(p) => {
            let problem = crate::diagnostics::Problem::from(p);
            diags.push(problem.at(at.clone(), &format!("include `{path}`: ")));
            return;
        }
    };
    let selected = match select(&content, selector) {
        Ok(s) => s,
        Err(why) => {
            fail(diags, format!("include `{arg}`: {why}"));
            return;
        }
    };
    stack.push(real);
    if name == "playground" {
        let attributes: Vec<&str> = attributes.split_whitespace().collect();
        push(out, &format!("```rust,{}\n", attributes.join(",")), line);
        expand_into(&selected, &target, root, Some(line), stack, out, diags);
        push(out, "\n```", line);
    } else {
        expand_into(&selected, &target, root, Some(line), stack, out, diags);
    }
    stack.pop();
}

/// The part of `content` a selector names: everything (no selector), an
/// anchor's lines, or a range of lines (1-based, inclusive). Lines with
/// anchor markers are left out.
fn select(content: &str, selector: Option<&str>) -> Result<String, String> {
    let lines: Vec<&str> = content.lines().collect();
    // Joined without a last line break: the link's own line goes on.
    let joined = |ls: &[&str]| {
        ls.iter()
            .copied()
            .filter(|l| !is_marker(l))
            .collect::<Vec<_>>()
            .join("\n")
    };
    let Some(sel) = selector.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(joined(&lines));
    };
    let number = |s: &str| -> Result<Option<usize>, String> {
        if s.trim().is_empty() {
            return Ok(None);
        }
        s.trim()
            .parse::<usize>()
            .map(Some)
            .map_err(|_| format!("`{s}` is not a line number"))
    };
    let is_range = sel.contains(':') || sel.chars().all(|c| c.is_ascii_digit());
    if !is_range {
        return anchor(&lines, sel).map(|ls| joined(&ls));
    }
    let (from, to) = match sel.split_once(':') {
        Some((a, b)) => (number(a)?, number(b)?),
        None => {
            let n = number(sel)?;
            (n, n)
        }
    };
    let from = from.unwrap_or(1).max(1);
    let to = to.unwrap_or(lines.len()).min(lines.len());
    if from > lines.len() {
        return Err(format!(
            "line {from} is past the end of the file ({} lines)",
            lines.len()
        ));
    }
    if to < from {
        return Ok(String::new());
    }
    Ok(joined(&lines[from - 1..to]))
}

/// Whether a line carries an `ANCHOR:` or `ANCHOR_END:` marker.
fn is_marker(line: &str) -> bool {
    marker(line).is_some()
}

/// The marker on a line: (is it an end, the anchor's name).
fn marker(line: &str) -> Option<(bool, &str)> {
    let (end, rest) = if let Some(k) = line.find("ANCHOR_END:") {
        (true, &line[k + "ANCHOR_END:".len()..])
    } else if let Some(k) = line.find("ANCHOR:") {
        (false, &line[k + "ANCHOR:".len()..])
    } else {
        return None;
    };
    let name = rest
        .trim_start()
        .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .next()
        .unwrap_or("");
    (!name.is_empty()).then_some((end, name))
}

/// The lines between `ANCHOR: name` and `ANCHOR_END: name`.
fn anchor<'a>(lines: &[&'a str], name: &str) -> Result<Vec<&'a str>, String> {
    let start = lines
        .iter()
        .position(|l| marker(l) == Some((false, name)))
        .ok_or_else(|| format!("the file has no `ANCHOR: {name}`"))?;
    let end = lines[start + 1..]
        .iter()
        .position(|l| marker(l) == Some((true, name)))
        .map_or(lines.len(), |k| start + 1 + k);
    Ok(lines[start + 1..end].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        dir
    }

    fn run(dir: &Path, file: &str) -> (Expanded, Vec<String>) {
        let mut d = Diagnostics::default();
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        let e = expand(&text, &path, dir, &mut d);
        (e, d.items().iter().map(|d| d.to_string()).collect())
    }

    const CODE: &str = "// ANCHOR: all\nfn main() {\n    // ANCHOR: body\n    let x = 1;\n    // ANCHOR_END: body\n}\n// ANCHOR_END: all\n";

    #[test]
    fn whole_files_anchors_and_ranges() {
        let dir = project(&[
            ("listings/main.rs", CODE),
            (
                "src/ch.md",
                "Intro\n\n```rust\n{{#include ../listings/main.rs}}\n```\n\n```rust\n{{#include ../listings/main.rs:body}}\n```\n\n\
                 ```rust\n{{#rustdoc_include ../listings/main.rs:2:3}}\n```\n\nLast {{#title Hidden}}line\n",
            ),
        ]);
        let (e, d) = run(dir.path(), "src/ch.md");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            e.text,
            "Intro\n\n```rust\nfn main() {\n    let x = 1;\n}\n```\n\n```rust\n    let x = 1;\n```\n\n\
             ```rust\nfn main() {\n```\n\nLast line\n"
        );
        // Each line of the result knows the chapter line it came from.
        assert_eq!(e.lines.len(), e.text.lines().count());
        assert_eq!(&e.lines[..8], &[1, 2, 3, 4, 4, 4, 5, 6]);
        assert_eq!(*e.lines.last().unwrap(), 15);
    }

    #[test]
    fn a_playground_is_a_rust_code_block() {
        let dir = project(&[
            ("ex.rs", "# fn main() {\nprintln!(\"hi\");\n# }\n"),
            (
                "a.md",
                "Run it:\n\n{{#playground ex.rs editable}}\n\nDone.\n",
            ),
        ]);
        let (e, d) = run(dir.path(), "a.md");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            e.text,
            "Run it:\n\n```rust,editable\n# fn main() {\nprintln!(\"hi\");\n# }\n```\n\nDone.\n"
        );
        assert_eq!(e.lines.len(), e.text.lines().count());
    }

    #[test]
    fn includes_that_multiply_stop_at_the_bound() {
        // Ten levels, each including the next eight times: 8^10 copies.
        let mut files: Vec<(String, String)> = Vec::new();
        for level in 0..10 {
            let next = format!("{{{{#include f{}.md}}}}\n", level + 1).repeat(8);
            files.push((format!("f{level}.md"), next));
        }
        files.push(("f10.md".into(), "x".repeat(1 << 20)));
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        let dir = project(&refs);
        let (e, d) = run(dir.path(), "f0.md");
        assert!(e.full);
        assert!((e.text.len() as u64) < crate::limits::MANUSCRIPT_BYTES + (2 << 20));
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].contains("larger than a manuscript"), "{d:?}");
    }

    #[test]
    fn escaped_and_unknown_links_stay() {
        let dir = project(&[(
            "a.md",
            "\\{{#include x.md}} and {{#other thing}}, `{{#include}}`d\n",
        )]);
        let (e, d) = run(dir.path(), "a.md");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(
            e.text,
            "{{#include x.md}} and {{#other thing}}, `{{#include}}`d\n"
        );
    }

    #[test]
    fn bad_includes_are_errors_at_their_place() {
        let dir = project(&[
            (
                "book/a.md",
                "{{#include b.md}}\n\n{{#include missing.md}}\n{{#include ../../etc/passwd}}\n x {{#include c.rs:nope}}\n{{#include c.rs:40:50}}\n",
            ),
            ("book/b.md", "B includes A: {{#include a.md}}\n"),
            ("book/c.rs", "fn f() {}\n"),
        ]);
        let (_, d) = run(&dir.path().join("book"), "a.md");
        assert_eq!(d.len(), 5, "{d:?}");
        assert!(
            d[0].contains("b.md:1:15") && d[0].contains("cycle"),
            "{d:?}"
        );
        assert!(
            d[1].contains("a.md:3:1") && d[1].contains("missing.md"),
            "{d:?}"
        );
        assert!(
            d[2].contains("a.md:4:1") && d[2].contains("outside"),
            "{d:?}"
        );
        assert!(
            d[3].contains("a.md:5:4") && d[3].contains("ANCHOR: nope"),
            "{d:?}"
        );
        assert!(
            d[4].contains("a.md:6:1") && d[4].contains("past the end"),
            "{d:?}"
        );
    }
}
