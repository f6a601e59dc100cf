//! mdBook projects read as they are: a directory whose `book.toml` is
//! mdBook's (no Quire `chapters` list) and whose source directory
//! (`[book] src`, `src` by default) holds `SUMMARY.md`. The summary gives
//! the chapters and parts in order (`summary.rs`); each chapter's
//! `{{#include}}` links are expanded (`include.rs`) and its Rust code
//! shows what mdBook shows (`hide_rust_lines`).
//!
//! mdBook's `[book]` keys are read: `title`, `authors`, `description`,
//! `language`, `text-direction`, `src`; `[build] build-dir` is where the
//! outputs go. HTML-only settings (`[output.html]`, themes, search, the
//! playground) have no print or EPUB meaning and are passed over; a
//! third-party preprocessor cannot run here and is named in a warning.

pub mod include;
pub mod summary;

use super::book_toml::{BookToml, EpubToml, FontsToml, LimitsToml, PdfToml, PrintToml, StyleToml};
use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location};
use crate::model::metadata::{MetaInput, OneOrMany, PersonInput};
use crate::model::{Block, BlockKind, ChapterRole};
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// Quire's settings in an mdBook project: `[output.quire]`, where mdBook
/// keeps a renderer's table. Besides mdBook's own `command` and
/// `optional`, it takes the tables of Quire's book.toml under it
/// (`[output.quire.pdf]`, `[output.quire.style]`, …) and `[output.quire.book]`
/// for metadata mdBook has no key for (cover, ISBN, publisher…), over
/// mdBook's `[book]`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct QuireOutput {
    /// mdBook's: the command it runs for this renderer.
    pub command: Option<String>,
    /// mdBook's: whether a missing renderer is only a warning.
    pub optional: Option<bool>,
    /// A wider directory includes may read (relative to book.toml).
    pub project_root: Option<toml::Spanned<String>>,
    /// What a nested summary entry becomes.
    #[serde(default)]
    pub sections: Sections,
    #[serde(default)]
    pub book: MetaInput,
    #[serde(default)]
    pub epub: EpubToml,
    #[serde(default)]
    pub pdf: PdfToml,
    #[serde(default)]
    pub fonts: FontsToml,
    #[serde(default)]
    pub limits: LimitsToml,
    #[serde(default)]
    pub print: PrintToml,
    #[serde(default)]
    pub style: StyleToml,
}

impl QuireOutput {
    /// Its Quire tables as a Quire book.toml would hold them.
    pub fn as_book_toml(&self) -> BookToml {
        BookToml {
            epub: self.epub.clone(),
            pdf: self.pdf.clone(),
            fonts: self.fonts.clone(),
            limits: self.limits.clone(),
            print: self.print.clone(),
            style: self.style.clone(),
            ..BookToml::default()
        }
    }
}

/// What a summary entry nested under a chapter becomes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Sections {
    /// A section of its chapter: its title a heading, set on after the
    /// chapter's text (in print, no new page), as a printed book sets the
    /// sections of a chapter.
    #[default]
    Headings,
    /// A chapter of its own, unnumbered, starting a page.
    Chapters,
}

/// An mdBook project's configuration, as far as Quire reads it.
pub struct Project {
    /// The project directory (book.toml's).
    pub root: PathBuf,
    /// Its source directory, where SUMMARY.md and the chapters are.
    pub src: PathBuf,
    pub summary: PathBuf,
    pub config: PathBuf,
    pub table: toml::Table,
    pub text: String,
}

/// Whether `config` is an mdBook project's book.toml: it parses, has no
/// Quire chapter list, and its source directory holds SUMMARY.md.
pub fn detect(dir: &Path, config: &Path) -> Option<Project> {
    let text = std::fs::read_to_string(config).ok()?;
    let table: toml::Table = toml::from_str(&text).ok()?;
    if ["chapters", "parts", "back-matter"]
        .iter()
        .any(|k| table.contains_key(*k))
    {
        return None;
    }
    let src = table
        .get("book")
        .and_then(|b| b.get("src"))
        .and_then(|s| s.as_str())
        .unwrap_or("src");
    let src = dir.join(src);
    let summary = src.join("SUMMARY.md");
    summary.is_file().then(|| Project {
        root: dir.to_path_buf(),
        src,
        summary,
        config: config.to_path_buf(),
        table,
        text,
    })
}

impl Project {
    /// Where a key (or a `[table]` header) of book.toml is, for messages:
    /// the first line that starts with it.
    fn at(&self, keys: &[&str]) -> Location {
        for key in keys {
            for (i, line) in self.text.lines().enumerate() {
                let t = line.trim_start();
                let after = t.strip_prefix(key).and_then(|r| r.chars().next());
                if t == *key || matches!(after, Some(' ' | '=' | '\t')) {
                    let col = line.len() - t.len();
                    return Location::at(&self.config, i as u32 + 1, col as u32 + 1);
                }
            }
        }
        Location::file(&self.config)
    }

    /// The book's metadata as mdBook's `[book]` gives it.
    pub fn meta(&self, diags: &mut Diagnostics) -> MetaInput {
        let book = self.table.get("book").and_then(|b| b.as_table());
        let text = |key: &str| {
            book.and_then(|b| b.get(key))
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let mut meta = MetaInput {
            title: text("title"),
            description: text("description"),
            lang: text("language"),
            ..MetaInput::default()
        };
        if let Some(authors) = book.and_then(|b| b.get("authors")) {
            let names: Vec<PersonInput> = match authors {
                toml::Value::Array(a) => a
                    .iter()
                    .filter_map(|v| v.as_str())
                    .map(|s| PersonInput::Name(s.to_string()))
                    .collect(),
                toml::Value::String(s) => vec![PersonInput::Name(s.clone())],
                _ => Vec::new(),
            };
            if !names.is_empty() {
                meta.author = Some(OneOrMany::Many(names));
            }
        }
        match text("text-direction").as_deref() {
            Some("right-to-left") => meta.dir = Some("rtl".into()),
            Some("left-to-right") => meta.dir = Some("ltr".into()),
            Some(other) => diags.error(
                Code::ConfigInvalid,
                self.at(&["text-direction"]),
                format!(
                    "`text-direction = \"{other}\"`: mdBook's values are `left-to-right` and `right-to-left`"
                ),
            ),
            None => {}
        }
        if book
            .and_then(|b| b.get("multilingual"))
            .and_then(|v| v.as_bool())
            == Some(true)
        {
            diags.warning(
                Code::MetadataIgnored,
                self.at(&["multilingual"]),
                "`multilingual = true` has no effect: the book is built in its one `language`",
            );
        }
        meta
    }

    /// `[output.quire]`: Quire's own settings for the book, read with
    /// the rules of Quire's book.toml (an unknown key is an error at its
    /// line). `None` when it is invalid (the error is in `diags`).
    pub fn quire(&self, diags: &mut Diagnostics) -> Option<QuireOutput> {
        #[derive(Deserialize)]
        struct Whole {
            #[serde(default)]
            output: Outputs,
        }
        #[derive(Deserialize, Default)]
        struct Outputs {
            quire: Option<QuireOutput>,
        }
        match toml::from_str::<Whole>(&self.text) {
            Ok(w) => Some(w.output.quire.unwrap_or_default()),
            Err(e) => {
                let loc = super::book_toml::error_at(&self.config, &self.text, &e);
                diags.push(
                    Diagnostic::error(
                        Code::ConfigInvalid,
                        loc,
                        format!("invalid [output.quire]: {}", e.message().trim()),
                    )
                    .help("it takes project-root, sections, and Quire's [book], [pdf], [epub], [style], [print], [fonts] and [limits] tables as [output.quire.pdf] and so on"),
                );
                None
            }
        }
    }

    /// What includes may read: the project, or the wider directory that
    /// `[output.quire] project-root` names (relative to book.toml), for a
    /// book whose examples live elsewhere in its repository.
    pub fn include_root(&self, quire: &QuireOutput, diags: &mut Diagnostics) -> PathBuf {
        let Some(root) = &quire.project_root else {
            return self.root.clone();
        };
        let dir = self.root.join(root.get_ref());
        if dir.is_dir() {
            return dir;
        }
        diags.error(
            Code::ConfigInvalid,
            Location::in_text(&self.config, &self.text, root.span().start),
            "`project-root` is not a directory (it is relative to book.toml)",
        );
        self.root.clone()
    }

    /// Where the outputs go: `[build] build-dir`, relative to book.toml.
    pub fn build_dir(&self) -> Option<PathBuf> {
        self.table
            .get("build")
            .and_then(|b| b.get("build-dir"))
            .and_then(|d| d.as_str())
            .map(|d| self.root.join(d))
    }

    /// Warnings for what mdBook would run and Quire cannot: third-party
    /// preprocessors (mdBook's own `links` and `index` are built in).
    pub fn unsupported(&self, diags: &mut Diagnostics) {
        let Some(pre) = self.table.get("preprocessor").and_then(|p| p.as_table()) else {
            return;
        };
        for name in pre.keys() {
            if name == "links" || name == "index" {
                continue;
            }
            diags.push(
                Diagnostic::warning(
                    Code::MetadataIgnored,
                    self.at(&[&format!("[preprocessor.{name}]")]),
                    format!(
                        "the preprocessor `{name}` is not run: Quire builds the chapters as written, with mdBook's own includes"
                    ),
                )
                .help("what it adds to the HTML book is missing from the EPUB and PDF"),
            );
        }
    }

    /// The chapters and parts of the summary, in order, each chapter's
    /// file checked to exist and be listed once (errors at SUMMARY.md's
    /// line).
    pub fn listed(
        &self,
        sections: Sections,
        diags: &mut Diagnostics,
    ) -> Vec<super::book_toml::Listed> {
        let text = match super::read_text(&self.summary, crate::limits::CONFIG_BYTES, diags) {
            Some(t) => t,
            None => return Vec::new(),
        };
        let entries = summary::parse(&text, &self.summary, diags);
        let mut seen: Vec<(PathBuf, u32)> = Vec::new();
        let mut out = Vec::new();
        for e in entries {
            let at = Location::at(&self.summary, e.line, e.col);
            let Some(rel) = &e.path else {
                out.push(super::book_toml::Listed::Part { title: e.title, at });
                continue;
            };
            let path = self.src.join(rel);
            if !path.is_file() {
                diags.push(
                    Diagnostic::error(
                        Code::ChapterFile,
                        at,
                        format!("`{}` is not in the book's source directory", rel.display()),
                    )
                    .help("create the file, or make the entry a draft: `[Title]()`"),
                );
                continue;
            }
            let real = std::fs::canonicalize(&path).unwrap_or(path.clone());
            let project = std::fs::canonicalize(&self.root).unwrap_or(self.root.clone());
            if !real.starts_with(&project) {
                // A link in the source directory that leads out of it.
                diags.error(
                    Code::SummaryInvalid,
                    at,
                    format!(
                        "`{}` leads out of the book's project (through a link): chapters are files inside it",
                        rel.display()
                    ),
                );
                continue;
            }
            if let Some((_, first)) = seen.iter().find(|(p, _)| *p == real) {
                diags.error(
                    Code::ChapterFile,
                    at,
                    format!(
                        "`{}` is listed twice (first on line {first}): a file is one chapter",
                        rel.display()
                    ),
                );
                continue;
            }
            seen.push((real, e.line));
            let (role, depth) = match e.kind {
                summary::Kind::Numbered { depth: 0 } => (None, 0),
                summary::Kind::Numbered { depth } => {
                    (Some(ChapterRole::Unnumbered), depth.min(8) as u8)
                }
                summary::Kind::Suffix => (Some(ChapterRole::Closing), 0),
                _ => (Some(ChapterRole::Unnumbered), 0),
            };
            out.push(super::book_toml::Listed::File {
                path,
                role,
                depth,
                runs_on: depth > 0 && sections == Sections::Headings,
            });
        }
        out
    }
}

/// The Rust book's listings (`<Listing number="4-1" file-name="src/main.rs"
/// caption="…">` around a code block, from its `mdbook-trpl` preprocessor)
/// as a printed book sets them: the file's name above the code, in
/// italics, and "Listing 4-1: …" as the code block's caption. Line for
/// line, so every line keeps its place.
pub fn listings(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut caption: Option<String> = None;
    for line in text.split_inclusive('\n') {
        let body = line.trim();
        let end = &line[line.trim_end_matches(['\n', '\r']).len()..];
        if let Some(tag) = body.strip_prefix("<Listing").filter(|t| t.ends_with('>')) {
            let number = attribute(tag, "number");
            let text = attribute(tag, "caption");
            // A caption is plain text: code marks in it go (and a fence's
            // info may not hold a backtick).
            let text = text.map(|t| t.replace('`', ""));
            caption = match (number, text) {
                (Some(n), Some(t)) => Some(format!("Listing {n}: {t}")),
                (Some(n), None) => Some(format!("Listing {n}")),
                (None, Some(t)) => Some(t),
                (None, None) => None,
            };
            if let Some(file) = attribute(tag, "file-name") {
                out.push_str(&format!("*Filename: {file}*"));
            }
            out.push_str(end);
            continue;
        }
        if body == "</Listing>" {
            caption = None;
            out.push_str(end);
            continue;
        }
        if let Some(c) = &caption
            && (body.starts_with("```") || body.starts_with("~~~"))
        {
            let quote = if c.contains('"') { '\'' } else { '"' };
            out.push_str(line.trim_end_matches(['\n', '\r']));
            out.push_str(&format!(" caption={quote}{}{quote}", c.replace(quote, "’")));
            out.push_str(end);
            caption = None;
            continue;
        }
        out.push_str(line);
    }
    out
}

/// An attribute's value in a tag's text (`name="value"`).
fn attribute(tag: &str, name: &str) -> Option<String> {
    let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
    let end = tag[at..].find('"')?;
    Some(tag[at..at + end].to_string())
}

/// Rust code as mdBook shows it: lines hidden with `#` (a `#` alone, or
/// followed by a space) are left out, `##` stands for a `#`; and code
/// blocks whose fence says `rust` or gives only mdBook's attributes
/// (`ignore`, `should_panic`, `edition2021`, …) are Rust.
pub fn hide_rust_lines(blocks: &mut [Block]) {
    const RUSTDOC: &[&str] = &[
        "rust",
        "ignore",
        "should_panic",
        "no_run",
        "compile_fail",
        "noplayground",
        "editable",
        "mdbook-runnable",
        "edition2015",
        "edition2018",
        "edition2021",
        "edition2024",
    ];
    crate::model::walk::walk_blocks_mut(blocks, &mut |b| {
        if let BlockKind::CodeBlock { language, text, .. } = &mut b.kind
            && language.as_deref().is_some_and(|l| RUSTDOC.contains(&l))
        {
            *language = Some("rust".into());
            *text = visible_rust(text);
        }
    });
}

fn visible_rust(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let body = line.trim_start();
        let lead = &line[..line.len() - body.len()];
        let content = body.trim_end_matches(['\n', '\r']);
        if content == "#" || content.starts_with("# ") {
            continue;
        }
        if let Some(rest) = body.strip_prefix("##") {
            out.push_str(lead);
            out.push('#');
            out.push_str(rest);
            continue;
        }
        out.push_str(line);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listings_become_captions() {
        let text = "<Listing number=\"4-6\" file-name=\"src/main.rs\" caption=\"Attempting to modify a borrowed value\">\n\n```rust,ignore\nfn main() {}\n```\n\n</Listing>\n";
        assert_eq!(
            listings(text),
            "*Filename: src/main.rs*\n\n```rust,ignore caption=\"Listing 4-6: Attempting to modify a borrowed value\"\nfn main() {}\n```\n\n\n"
        );
    }

    #[test]
    fn a_caption_with_code_keeps_its_fence() {
        let text = "<Listing number=\"4-2\" caption=\"Assigning `x` to `y`\">\n\n```rust\nlet y = x;\n```\n\n</Listing>\n";
        assert_eq!(
            listings(text),
            "\n\n```rust caption=\"Listing 4-2: Assigning x to y\"\nlet y = x;\n```\n\n\n"
        );
    }

    #[test]
    fn hidden_rust_lines() {
        let code = "# fn main() {\nlet x = 1;\n    # let hidden = 2;\n#\n##[derive(Debug)]\n#[test]\n# }\n";
        assert_eq!(
            visible_rust(code),
            "let x = 1;\n#[derive(Debug)]\n#[test]\n"
        );
    }
}
