//! Catalogues: many titles built in one run. A catalogue file lists them,
//! either one INPUT per line (blank lines and `#` comments skipped) or, in
//! a `.toml` file, as `[[title]]` tables that may override a title's
//! metadata and formats:
//!
//! ```toml
//! [[title]]
//! input = "moby-dick"          # a book directory, book.toml or manuscript
//! title = "Moby-Dick"          # optional overrides, as on the command line
//! authors = ["Herman Melville"]
//! lang = "en-GB"
//! layout = "book"
//! target = "kdp"
//! to = ["epub"]
//! ```
//!
//! Paths are relative to the catalogue file. A shard (`I/N`) keeps every
//! N-th title from the I-th on, so that N machines given the same list and
//! the shards 1/N … N/N build each title exactly once.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, LineIndex, Location};
use crate::pipeline::Format;
use crate::source::Overrides;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// A title as a catalogue lists it.
#[derive(Debug, Clone)]
pub struct Entry {
    /// The input, relative to the working directory.
    pub path: PathBuf,
    /// Where the catalogue names it.
    pub at: Location,
    /// What the catalogue sets for this title alone.
    pub set: TitleToml,
}

/// A `[[title]]` table's overrides.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct TitleToml {
    pub input: String,
    pub title: Option<String>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub lang: Option<String>,
    pub layout: Option<crate::model::Layout>,
    pub target: Option<crate::print::Target>,
    pub to: Option<Vec<Format>>,
}

impl TitleToml {
    /// `base` with this title's overrides on top.
    pub fn apply(&self, base: &Overrides) -> Overrides {
        let mut o = base.clone();
        if let Some(t) = &self.title {
            o.title = Some(t.clone());
        }
        if !self.authors.is_empty() {
            o.authors = self.authors.clone();
        }
        if let Some(l) = &self.lang {
            o.lang = Some(l.clone());
        }
        o.layout = self.layout.or(o.layout);
        o.target = self.target.or(o.target);
        o
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CatalogueToml {
    title: Vec<toml::Spanned<TitleToml>>,
}

/// Reads a catalogue file. Problems with the file itself are errors at
/// its line and column; `None` when nothing could be read.
pub fn read(path: &Path, diags: &mut Diagnostics) -> Option<Vec<Entry>> {
    let text = crate::source::read_text(path, crate::limits::CONFIG_BYTES, diags)?;
    let base = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let is_toml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("toml"));
    if !is_toml {
        return Some(
            text.lines()
                .enumerate()
                .filter_map(|(n, line)| {
                    let entry = line.trim();
                    (!entry.is_empty() && !entry.starts_with('#')).then(|| Entry {
                        path: base.join(entry),
                        at: Location::at(
                            path,
                            n as u32 + 1,
                            (1 + line.len() - line.trim_start().len()) as u32,
                        ),
                        set: TitleToml {
                            input: entry.to_string(),
                            ..Default::default()
                        },
                    })
                })
                .collect(),
        );
    }
    let index = LineIndex::new(&text);
    match toml::from_str::<CatalogueToml>(&text) {
        Ok(cat) => Some(
            cat.title
                .into_iter()
                .map(|t| {
                    let (line, col) = index.line_col(&text, t.span().start);
                    let set = t.into_inner();
                    Entry {
                        path: base.join(&set.input),
                        at: Location::at(path, line, col),
                        set,
                    }
                })
                .collect(),
        ),
        Err(e) => {
            let at = match e.span() {
                Some(span) => {
                    let (line, col) = index.line_col(&text, span.start);
                    Location::at(path, line, col)
                }
                None => Location::file(path),
            };
            diags.push(
                Diagnostic::error(
                    Code::ConfigInvalid,
                    at,
                    format!("the catalogue is not valid: {}", e.message()),
                )
                .help("a TOML catalogue is a list of [[title]] tables, each with `input = \"…\"`"),
            );
            None
        }
    }
}

/// One of N slices of a list: `I/N`, I from 1 to N.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Shard, String> {
        let bad = || format!("`{s}` is not a shard: write I/N with 1 ≤ I ≤ N, as in 2/4");
        let (i, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = i.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// Whether the title at `position` (from 0, in the catalogue's order)
    /// is this shard's.
    pub fn holds(&self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_partition_a_list() {
        for count in 1..7 {
            let mut seen = vec![0; 20];
            for index in 1..=count {
                let shard: Shard = format!("{index}/{count}").parse().unwrap();
                (0..20)
                    .filter(|&p| shard.holds(p))
                    .for_each(|p| seen[p] += 1);
            }
            assert!(seen.iter().all(|&n| n == 1), "{count}: {seen:?}");
        }
        for bad in ["0/2", "3/2", "1/0", "1", "a/b", "1/2/3"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }
}
