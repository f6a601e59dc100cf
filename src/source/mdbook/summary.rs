//! mdBook's `SUMMARY.md`: the book's chapters, in order, as mdBook reads
//! it. An optional title (the first `#` heading, before anything else),
//! prefix chapters (`[Title](file.md)` lines before the first list),
//! part titles (later `#` headings), numbered chapters (`-` or `*` list
//! items, nested by indentation to any depth), suffix chapters (plain
//! links after the lists), draft chapters (`[Title]()`: no file yet) and
//! separators (a line of three or more dashes). Other headings are
//! ignored, as mdBook ignores them; any other line is an error, since
//! mdBook would not build the book either.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use std::path::{Component, Path, PathBuf};

/// Where an entry stands in the book.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Unnumbered, before the numbered chapters (a foreword).
    Prefix,
    /// Numbered; `depth` 0 is a chapter, 1 its section, and so on.
    Numbered { depth: usize },
    /// Unnumbered, after the numbered chapters (an appendix, credits).
    Suffix,
    /// A part's title, before the numbered chapters it holds.
    Part,
}

/// One line of the summary that the book keeps.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub kind: Kind,
    /// The title as the summary gives it (Markdown).
    pub title: String,
    /// The chapter's file, relative to the book's source directory; `None`
    /// for a part title.
    pub path: Option<PathBuf>,
    pub line: u32,
    pub col: u32,
}

/// Reads a summary (`text`, the file at `file`), reporting at
/// `file:line:col`. Draft chapters are warned about and left out, their
/// sections kept one level up; separators are left out (a printed book
/// has no rule between entries of its contents).
pub fn parse(text: &str, file: &Path, diags: &mut Diagnostics) -> Vec<Entry> {
    let mut entries: Vec<Entry> = Vec::new();
    let mut title_seen = false;
    let mut numbered_seen = false;
    // Indentation of the open list levels, outermost first.
    let mut indents: Vec<usize> = Vec::new();
    // Depths taken out by draft chapters above the current item.
    let mut drafts: Vec<usize> = Vec::new();
    let mut fence: Option<&str> = None;
    for (i, raw) in text.lines().enumerate() {
        let line = i as u32 + 1;
        let at = |col: usize| Location::at(file, line, col as u32 + 1);
        let trimmed = raw.trim_end();
        let body = trimmed.trim_start();
        let indent = indent_of(trimmed);
        if let Some(f) = fence {
            if body.starts_with(f) {
                fence = None;
            }
            continue;
        }
        if body.is_empty() || body.starts_with("<!--") {
            continue;
        }
        if body.starts_with("```") || body.starts_with("~~~") {
            fence = Some(&body[..3]);
            continue;
        }
        if body.len() >= 3 && body.chars().all(|c| c == '-') {
            // A separator.
            continue;
        }
        if let Some(rest) = body.strip_prefix('#') {
            if rest.starts_with('#') {
                // Only `#` headings mean anything to mdBook.
                continue;
            }
            let heading = rest.trim().trim_end_matches('#').trim().to_string();
            if !title_seen && entries.is_empty() {
                title_seen = true;
                continue;
            }
            title_seen = true;
            indents.clear();
            drafts.clear();
            entries.push(Entry {
                kind: Kind::Part,
                title: heading,
                path: None,
                line,
                col: 1,
            });
            continue;
        }
        title_seen = true;
        let (item, marker_col) = match body.strip_prefix(['-', '*', '+']) {
            Some(rest) if rest.starts_with(' ') => (true, indent),
            _ => (false, indent),
        };
        let link_text = if item { body[1..].trim_start() } else { body };
        let link_col = indent + (body.len() - link_text.len());
        let Some((title, dest)) = link(link_text) else {
            diags.push(
                Diagnostic::error(
                    Code::SummaryInvalid,
                    at(marker_col),
                    format!("`{body}` is not a chapter: SUMMARY.md lists `[Title](file.md)` links, as list items or on their own"),
                )
                .help("mdBook's summary holds only a title, part headings, chapter links and `---` separators"),
            );
            continue;
        };
        let kind = if item {
            // Depth from indentation: deeper than the open level opens a
            // new one; otherwise close levels back to this one.
            while indents.last().is_some_and(|&d| indent < d) {
                indents.pop();
            }
            if indents.last() != Some(&indent) {
                indents.push(indent);
            }
            drafts.retain(|&d| d < indents.len() - 1);
            numbered_seen = true;
            let depth = indents.len() - 1;
            Kind::Numbered {
                depth: depth - drafts.len().min(depth),
            }
        } else if numbered_seen {
            indents.clear();
            Kind::Suffix
        } else {
            Kind::Prefix
        };
        if matches!(kind, Kind::Prefix | Kind::Suffix) && indent > 0 {
            diags.error(
                Code::SummaryInvalid,
                at(link_col),
                "prefix and suffix chapters cannot be nested: only numbered chapters (`- [Title](file.md)`) can",
            );
            continue;
        }
        if kind == Kind::Prefix && entries.iter().any(|e| e.kind == Kind::Part) {
            diags.error(
                Code::SummaryInvalid,
                at(link_col),
                "a chapter outside a list after a part title: numbered chapters in a part are list items (`- [Title](file.md)`)",
            );
            continue;
        }
        if matches!(kind, Kind::Numbered { .. }) && entries.iter().any(|e| e.kind == Kind::Suffix) {
            diags.error(
                Code::SummaryInvalid,
                at(marker_col),
                "a numbered chapter after a suffix chapter: suffix chapters come last",
            );
            continue;
        }
        let dest = dest.trim();
        if dest.is_empty() {
            diags.push(
                Diagnostic::warning(
                    Code::SummaryInvalid,
                    at(link_col),
                    format!("`{title}` is a draft chapter (it names no file): it is left out of the book"),
                )
                .help("give it a file, `[Title](file.md)`, when it is written"),
            );
            if let Kind::Numbered { .. } = kind {
                drafts.push(indents.len() - 1);
            }
            continue;
        }
        let path = match chapter_path(dest) {
            Ok(p) => p,
            Err(why) => {
                diags.error(Code::SummaryInvalid, at(link_col), why);
                continue;
            }
        };
        entries.push(Entry {
            kind,
            title,
            path: Some(path),
            line,
            col: link_col as u32 + 1,
        });
    }
    entries
}

/// The width of a line's leading white space, a tab counting four.
fn indent_of(line: &str) -> usize {
    let mut n = 0;
    for c in line.chars() {
        match c {
            ' ' => n += 1,
            '\t' => n += 4 - n % 4,
            _ => break,
        }
    }
    n
}

/// `[title](dest)` filling the whole text: its title and destination.
/// Brackets nest in the title (`[The [x] type](x.md)`); the destination
/// may be in angle brackets.
fn link(text: &str) -> Option<(String, String)> {
    let rest = text.strip_prefix('[')?;
    let mut depth = 1;
    let mut end = None;
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => depth += 1,
            ']' => {
                depth -= 1;
                if depth == 0 {
                    end = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let end = end?;
    let title = rest[..end].to_string();
    let dest = rest[end + 1..].strip_prefix('(')?.strip_suffix(')')?;
    let dest = dest
        .strip_prefix('<')
        .and_then(|d| d.strip_suffix('>'))
        .unwrap_or(dest);
    Some((title, dest.to_string()))
}

/// A chapter link's file, checked to stay inside the source directory.
fn chapter_path(dest: &str) -> Result<PathBuf, String> {
    if dest.contains("://") || dest.starts_with("mailto:") {
        return Err(format!(
            "`{dest}` is a web address: a chapter of the book is a file beside SUMMARY.md"
        ));
    }
    let decoded = percent_encoding::percent_decode_str(dest)
        .decode_utf8()
        .map_err(|_| format!("`{dest}` is not a valid path"))?;
    let path = Path::new(decoded.as_ref());
    let mut depth: i32 = 0;
    for c in path.components() {
        match c {
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
            Component::ParentDir => {
                depth -= 1;
                if depth < 0 {
                    return Err(format!(
                        "`{dest}` leads out of the book's source directory: chapters are files inside it"
                    ));
                }
            }
            Component::RootDir | Component::Prefix(_) => {
                return Err(format!(
                    "`{dest}` is an absolute path: chapters are given relative to SUMMARY.md"
                ));
            }
        }
    }
    // `./vec/vec.md` names `vec/vec.md`.
    Ok(path
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Vec<Entry>, Diagnostics) {
        let mut d = Diagnostics::default();
        let e = parse(text, Path::new("src/SUMMARY.md"), &mut d);
        (e, d)
    }

    fn shape(entries: &[Entry]) -> Vec<(Kind, &str)> {
        entries
            .iter()
            .map(|e| (e.kind.clone(), e.title.as_str()))
            .collect()
    }

    #[test]
    fn the_whole_grammar() {
        let (e, d) = read(
            "# Summary\n\n[Introduction](README.md)\n\n---\n\n# User guide\n\n\
             - [Installation](guide/installation.md)\n- [Format](format/README.md)\n    \
             - [SUMMARY.md](format/summary.md)\n        - [Draft chapter]()\n    \
             - [Theme](format/theme/README.md)\n        - [index.hbs](format/theme/index-hbs.md)\n\n\
             ## ignored\n\n# Reference\n\n* [CLI](cli/README.md)\n\n-----------\n\n\
             [Contributors](misc/contributors.md)\n",
        );
        use Kind::*;
        assert_eq!(
            shape(&e),
            [
                (Prefix, "Introduction"),
                (Part, "User guide"),
                (Numbered { depth: 0 }, "Installation"),
                (Numbered { depth: 0 }, "Format"),
                (Numbered { depth: 1 }, "SUMMARY.md"),
                (Numbered { depth: 1 }, "Theme"),
                (Numbered { depth: 2 }, "index.hbs"),
                (Part, "Reference"),
                (Numbered { depth: 0 }, "CLI"),
                (Suffix, "Contributors"),
            ]
        );
        assert_eq!(
            e[6].path.as_deref(),
            Some(Path::new("format/theme/index-hbs.md"))
        );
        assert_eq!((e[4].line, e[4].col), (11, 7));
        let warnings: Vec<String> = d.items().iter().map(|d| d.to_string()).collect();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("src/SUMMARY.md:12:11"), "{warnings:?}");
        assert!(warnings[0].contains("draft chapter"), "{warnings:?}");
        assert!(!d.has_errors());
    }

    #[test]
    fn a_draft_chapters_sections_move_up() {
        let (e, _) = read("- [A](a.md)\n  - [Later]()\n    - [B](b.md)\n  - [C](c.md)\n");
        let depths: Vec<_> = e.iter().map(|e| e.kind.clone()).collect();
        assert_eq!(
            depths,
            [
                Kind::Numbered { depth: 0 },
                Kind::Numbered { depth: 1 },
                Kind::Numbered { depth: 1 }
            ]
        );
    }

    #[test]
    fn links_out_of_the_book_and_stray_lines_are_errors() {
        let (e, d) = read(
            "- [Up](../secret.md)\n- [Abs](/etc/passwd)\n- [Web](https://example.com/x.md)\n\
             Just some text\n- [Ok](sub/../ok%20file.md)\n",
        );
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].path.as_deref(), Some(Path::new("sub/../ok file.md")));
        let all: Vec<String> = d.items().iter().map(|d| d.to_string()).collect();
        assert_eq!(all.len(), 4, "{all:?}");
        assert!(all[0].contains("src/SUMMARY.md:1:3") && all[0].contains("leads out"));
        assert!(all[1].contains(":2:3") && all[1].contains("absolute"));
        assert!(all[2].contains(":3:3") && all[2].contains("web address"));
        assert!(all[3].contains(":4:1") && all[3].contains("not a chapter"));
    }

    #[test]
    fn order_rules() {
        let (_, d) = read("[Suffix](s.md)\n- [N](n.md)\n[After](a.md)\n- [Late](l.md)\n");
        let all: Vec<String> = d.items().iter().map(|d| d.to_string()).collect();
        assert_eq!(all.len(), 1, "{all:?}");
        assert!(all[0].contains(":4:1") && all[0].contains("after a suffix"));
        let (_, d) = read("- [N](n.md)\n  [Nested](x.md)\n");
        assert!(d.has_errors());
    }

    #[test]
    fn titles_keep_their_brackets_and_markup() {
        let (e, _) = read("- [The `[T]` type and *more*](t.md)\n- [Spaced](<a b.md>)\n");
        assert_eq!(e[0].title, "The `[T]` type and *more*");
        assert_eq!(e[1].path.as_deref(), Some(Path::new("a b.md")));
    }
}
