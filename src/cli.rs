//! The command line: `quire build`, `quire check`, `quire new`.
//!
//! Exit status: 0 built (or checked) cleanly, 1 a manuscript has errors,
//! 2 the command line itself was wrong. Diagnostics go to standard error
//! as `file:line:col: severity: message`; `check --format json` prints
//! them to standard output instead.

use crate::diagnostics::{Diagnostics, Severity, display_path};
use crate::model::Layout;
use crate::source::{self, Input, Overrides};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "Turn manuscripts (Markdown, plain text) into EPUB 3 and PDF.",
    long_about = "Turn manuscripts (Markdown, plain text) into a valid EPUB 3 and a paginated PDF.\n\n\
An INPUT is a .md, .markdown or .txt manuscript, or a book directory holding book.toml \
(or that book.toml itself).",
    after_help = "Exit status: 0 success, 1 the manuscript has errors, 2 bad command line."
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build an EPUB and a PDF from each manuscript or book directory.
    Build(BuildArgs),
    /// Report problems in manuscripts without writing anything.
    Check(CheckArgs),
    /// Create a new book directory with a book.toml and a first chapter.
    New(NewArgs),
}

#[derive(Debug, Args)]
struct MetaArgs {
    /// Title, replacing the one in the manuscript or book.toml.
    #[arg(long, value_name = "T")]
    title: Option<String>,
    /// Author, replacing those in the files; repeat for several authors.
    #[arg(long, value_name = "A")]
    author: Vec<String>,
    /// Language as a BCP 47 tag (en, en-GB, fr, pt-BR); default en.
    #[arg(long, value_name = "L")]
    lang: Option<String>,
    /// Set a single manuscript as an article (title block on its first page)
    /// or as a book (title page, contents). Default: article for one
    /// manuscript, book for a book directory.
    #[arg(long, value_enum)]
    layout: Option<LayoutArg>,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum LayoutArg {
    Article,
    Book,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    Epub,
    Pdf,
}

#[derive(Debug, Args)]
struct BuildArgs {
    /// Manuscripts (.md, .markdown, .txt) or book directories (with book.toml).
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// Formats to build, comma-separated (`--to epub`, `--to epub,pdf`).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_values = ["epub", "pdf"],
        value_name = "FORMATS"
    )]
    to: Vec<Format>,
    /// Directory for the outputs, created if missing; each is named after
    /// its input (`notes.md` → `notes.epub`; `mybook/` → `mybook.epub`).
    #[arg(short, long = "out-dir", default_value = "dist", value_name = "DIR")]
    out_dir: PathBuf,
    /// Also write the resolved document model as JSON to FILE (one input only).
    #[arg(long, value_name = "FILE")]
    emit: Option<PathBuf>,
    #[command(flatten)]
    meta: MetaArgs,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Manuscripts or book directories to check.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    /// How to print the problems found.
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
    /// Exit with status 1 on warnings too, not only on errors.
    #[arg(long)]
    deny_warnings: bool,
    #[command(flatten)]
    meta: MetaArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
struct NewArgs {
    /// Directory to create (it must not exist, or be empty).
    #[arg(value_name = "DIR")]
    dir: PathBuf,
}

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    match cli.command {
        Command::Build(args) => build(args),
        Command::Check(args) => check(args),
        Command::New(args) => new(args),
    }
}

impl MetaArgs {
    fn overrides(&self) -> Overrides {
        Overrides {
            title: self.title.clone(),
            authors: self.author.clone(),
            lang: self.lang.clone(),
            layout: self.layout.map(|l| match l {
                LayoutArg::Article => Layout::Article,
                LayoutArg::Book => Layout::Book,
            }),
        }
    }
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {msg}");
    2
}

fn print_human(diags: &Diagnostics) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags.sorted() {
        let sev = match (color, d.severity) {
            (true, Severity::Error) => "\x1b[1;31merror\x1b[0m".to_string(),
            (true, Severity::Warning) => "\x1b[1;33mwarning\x1b[0m".to_string(),
            (false, s) => s.to_string(),
        };
        eprintln!("{}: {sev}: {}", d.location, d.message);
    }
}

/// A renderer's output: the file's bytes and the warnings it had, or why it failed.
type Rendered = Result<(Vec<u8>, Vec<String>), String>;

fn build(args: BuildArgs) -> i32 {
    if args.emit.is_some() && args.inputs.len() > 1 {
        return usage_error("--emit writes one model: give one INPUT with it");
    }
    if let Some(msg) = clashing_outputs(&args.inputs) {
        return usage_error(&msg);
    }
    let overrides = args.meta.overrides();
    let mut status = 0;
    for path in &args.inputs {
        let mut diags = Diagnostics::default();
        let input = match Input::classify(path) {
            Ok(i) => i,
            Err(d) => {
                diags.push(d);
                print_human(&diags);
                status = 1;
                continue;
            }
        };
        let book = source::load(&input, &overrides, &mut diags);
        print_human(&diags);
        let Some(book) = book else {
            eprintln!(
                "{}: not built: {} error(s)",
                source::describe(&input),
                diags.count(Severity::Error)
            );
            status = 1;
            continue;
        };
        let stem = input.output_stem();
        if let Some(model_path) = &args.emit {
            match serde_json::to_vec_pretty(&book) {
                Ok(json) => {
                    if let Err(e) = crate::output::write_atomic(model_path, &json) {
                        eprintln!("{}: error: cannot write: {e}", display_path(model_path));
                        status = 1;
                    }
                }
                Err(e) => {
                    eprintln!("error: cannot serialise the model: {e}");
                    status = 1;
                }
            }
        }
        // The formats are rendered side by side; each renderer reads the
        // same finished model.
        let mut formats: Vec<Format> = args.to.clone();
        formats.dedup();
        let results: Vec<(Format, Rendered)> = std::thread::scope(|scope| {
            let handles: Vec<_> = formats
                .iter()
                .map(|&format| {
                    let book = &book;
                    scope.spawn(move || {
                        let r = match format {
                            Format::Epub => {
                                crate::render::epub::render(book).map(|b| (b, Vec::new()))
                            }
                            Format::Pdf => crate::render::pdf::render(book)
                                .map(|(b, report)| (b, report.warnings)),
                        };
                        (format, r)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or((Format::Epub, Err("a renderer failed".into())))
                })
                .collect()
        });
        for (format, result) in results {
            let ext = match format {
                Format::Epub => "epub",
                Format::Pdf => "pdf",
            };
            let target = args.out_dir.join(format!("{stem}.{ext}"));
            match result {
                Ok((bytes, warnings)) => {
                    for w in &warnings {
                        eprintln!("{w}");
                    }
                    match crate::output::write_atomic(&target, &bytes) {
                        Ok(()) => eprintln!(
                            "built {} ({} KB)",
                            display_path(&target),
                            bytes.len().div_ceil(1024)
                        ),
                        Err(e) => {
                            eprintln!("{}: error: cannot write: {e}", display_path(&target));
                            status = 1;
                        }
                    }
                }
                Err(e) => {
                    // A renderer's message may already name its place
                    // (`file:line: error: …`); it is printed as it is.
                    if e.contains(": error: ") {
                        eprintln!("{e}");
                        eprintln!("{}: {ext} not built", source::describe(&input));
                    } else {
                        eprintln!("{}: error: {ext} not built: {e}", source::describe(&input));
                    }
                    status = 1;
                }
            }
        }
    }
    status
}

/// Two inputs whose outputs would have the same name would overwrite each
/// other; say so before building anything.
fn clashing_outputs(inputs: &[PathBuf]) -> Option<String> {
    let mut seen: std::collections::BTreeMap<String, &PathBuf> = Default::default();
    for path in inputs {
        let Ok(input) = Input::classify(path) else {
            continue; // reported when it is built
        };
        if let Some(first) = seen.insert(input.output_stem(), path) {
            return Some(format!(
                "{} and {} would both be written as `{}`: build them into different --out-dir",
                display_path(first),
                display_path(path),
                input.output_stem()
            ));
        }
    }
    None
}

fn check(args: CheckArgs) -> i32 {
    let overrides = args.meta.overrides();
    let mut all = Diagnostics::default();
    for path in &args.inputs {
        let mut diags = Diagnostics::default();
        match Input::classify(path) {
            Ok(input) => {
                source::load(&input, &overrides, &mut diags);
            }
            Err(d) => diags.push(d),
        }
        all.extend(diags);
    }
    let errors = all.count(Severity::Error);
    let warnings = all.count(Severity::Warning);
    match args.format {
        ReportFormat::Human => {
            print_human(&all);
            eprintln!("{errors} error(s), {warnings} warning(s)");
        }
        ReportFormat::Json => {
            let report = serde_json::json!({
                "errors": errors,
                "warnings": warnings,
                "diagnostics": all.sorted(),
            });
            println!(
                "{}",
                serde_json::to_string_pretty(&report).unwrap_or_default()
            );
        }
    }
    if errors > 0 || (args.deny_warnings && warnings > 0) {
        1
    } else {
        0
    }
}

fn new(args: NewArgs) -> i32 {
    let dir = &args.dir;
    if dir.exists()
        && std::fs::read_dir(dir)
            .map(|mut d| d.next().is_some())
            .unwrap_or(true)
    {
        eprintln!(
            "{}: error: already exists and is not empty",
            display_path(dir)
        );
        return 1;
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "My Book".into());
    let title = name.replace(['-', '_'], " ");
    let files: [(&str, String); 2] = [
        (
            "book.toml",
            format!(
                "# Chapters in reading order. Leave this out to take every .md and .txt\n\
# file beside book.toml, sorted by name.\nchapters = [\"chapter-1.md\"]\n\n\
[book]\ntitle = \"{}\"\nauthors = [\"Your Name\"]\nlang = \"en\"\n# date = \"2026-01-01\"\n# isbn = \"978-...\"\n# cover = \"images/cover.jpg\"\n",
                title.replace('"', "\\\"")
            ),
        ),
        (
            "chapter-1.md",
            "# The First Chapter\n\nWrite here. Paragraphs are separated by blank lines; *emphasis*,\n\
**strong** and footnotes[^1] work as in any Markdown.\n\n[^1]: A footnote.\n"
                .to_string(),
        ),
    ];
    for (file, text) in files {
        let path = dir.join(file);
        if let Err(e) = crate::output::write_atomic(&path, text.as_bytes()) {
            eprintln!("{}: error: cannot write: {e}", display_path(&path));
            return 1;
        }
    }
    eprintln!(
        "created {}: edit book.toml and chapter-1.md, then run `quire build {}`",
        display_path(dir),
        display_path(dir)
    );
    0
}
