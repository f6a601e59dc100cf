//! The command line: `quire build`, `quire check`, `quire new`.
//!
//! Exit status: 0 built (or checked) cleanly, 1 a manuscript has errors
//! (nothing written), 2 the command line cannot be run (including an input
//! that does not exist), 70 an internal error (a bug; nothing written).
//! Diagnostics go to standard error as `file:line:col: severity: message
//! [code]`; `--format json` prints one report to standard output instead.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, Severity, display_path};
use crate::model::Layout;
use crate::render::Renderer;
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
    after_help = "Exit status: 0 success, 1 the manuscript has errors (nothing is written), \
2 the command line cannot be run, 70 an internal error."
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
    /// Make the PDF a print interior for this printer (trim size, bleed,
    /// gutter, PDF/X), with a full-wrap cover beside it as
    /// `<name>-cover.pdf`; `print` is printer-neutral. Also `[print]
    /// target` in book.toml.
    #[arg(long, value_enum, value_name = "PRINTER")]
    target: Option<TargetArg>,
    /// Crop marks outside the bleed of print pages.
    #[arg(long)]
    crop_marks: bool,
    /// For characters the book's fonts lack, look among the fonts
    /// installed on this machine (the same one each time on one machine).
    /// Also `[fonts] system = true`.
    #[arg(long)]
    system_fonts: bool,
    /// Say more: which installed font was taken for which script.
    #[arg(short, long)]
    verbose: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum TargetArg {
    Kdp,
    Ingram,
    Lulu,
    Print,
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
    #[command(flatten)]
    formats: Formats,
    /// Directory for the outputs, created if missing; each is named after
    /// its input (`notes.md` → `notes.epub`; `mybook/` → `mybook.epub`).
    #[arg(short, long = "out-dir", default_value = "dist", value_name = "DIR")]
    out_dir: PathBuf,
    /// Also write the resolved document model as JSON to FILE (one input only).
    #[arg(long, value_name = "FILE")]
    emit: Option<PathBuf>,
    /// Neither use nor fill the cache of converted images and generated
    /// covers (`$XDG_CACHE_HOME/quire`).
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    meta: MetaArgs,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Manuscripts or book directories to check.
    #[arg(required = true, value_name = "INPUT")]
    inputs: Vec<PathBuf>,
    #[command(flatten)]
    formats: Formats,
    /// Neither use nor fill the cache of converted images and generated
    /// covers.
    #[arg(long)]
    no_cache: bool,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    meta: MetaArgs,
}

#[derive(Debug, Args)]
struct Formats {
    /// Formats to build (or check), comma-separated: `--to epub`,
    /// `--to epub,pdf`; both by default.
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_values = ["epub", "pdf"],
        value_name = "FORMATS"
    )]
    to: Vec<Format>,
}

#[derive(Debug, Args)]
struct ReportArgs {
    /// How to print the problems found: `human` (on standard error) or
    /// `json` (one report on standard output; see the README for its schema).
    #[arg(long, value_enum, default_value = "human")]
    format: ReportFormat,
    /// Treat warnings as errors: exit with status 1 and write nothing.
    #[arg(long)]
    deny_warnings: bool,
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

/// Exit statuses: the contract scripts rely on.
pub const EXIT_OK: i32 = 0;
pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERNAL: i32 = 70;
/// Interrupted by a signal (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn main() -> i32 {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return e.exit_code();
        }
    };
    // Ctrl-C or a TERM signal: the temporary files of outputs being
    // written are removed, and nothing half-written is left.
    let _ = ctrlc::set_handler(|| {
        crate::files::remove_staged_on_interrupt();
        eprintln!("interrupted; nothing written");
        std::process::exit(EXIT_INTERRUPTED);
    });
    panics::install_hook();
    // All the work runs on a thread with a deep stack: nesting in a book is
    // bounded (see `limits`), and the bound is far inside this.
    let work = std::thread::Builder::new()
        .name("quire".into())
        .stack_size(crate::limits::STACK_BYTES)
        .spawn(move || match cli.command {
            Command::Build(args) => build(args),
            Command::Check(args) => check(args),
            Command::New(args) => new(args),
        });
    match work.map(|h| h.join()) {
        Ok(Ok(status)) => status,
        Ok(Err(payload)) => {
            let d = panics::diagnostic(&*payload, Location::file("quire"));
            crate::files::remove_staged_on_interrupt();
            eprintln!("{d}");
            EXIT_INTERNAL
        }
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            EXIT_INTERNAL
        }
    }
}

/// Panics are bugs: caught where they can be tied to an input, reported as
/// internal errors with what the panic said and where, and never allowed to
/// leave a file half-written.
mod panics {
    use crate::diagnostics::{Code, Diagnostic, Location};
    use std::sync::Mutex;

    /// Where the last panic happened (the hook sees it; the payload does not).
    static LAST: Mutex<Option<String>> = Mutex::new(None);

    pub fn install_hook() {
        std::panic::set_hook(Box::new(|info| {
            let place = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()))
                .unwrap_or_default();
            if let Ok(mut last) = LAST.lock() {
                *last = Some(place);
            }
        }));
    }

    pub fn diagnostic(payload: &(dyn std::any::Any + Send), at: Location) -> Diagnostic {
        let what = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic".into());
        let place = LAST.lock().ok().and_then(|l| l.clone()).unwrap_or_default();
        Diagnostic::error(
            Code::Internal,
            at,
            format!("internal error: {what} (at {place}); nothing was written"),
        )
        .help("this is a bug in Quire; please report it with the input")
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
            target: self.target.map(|t| match t {
                TargetArg::Kdp => crate::print::Target::Kdp,
                TargetArg::Ingram => crate::print::Target::Ingram,
                TargetArg::Lulu => crate::print::Target::Lulu,
                TargetArg::Print => crate::print::Target::Print,
            }),
            crop_marks: self.crop_marks,
            system_fonts: self.system_fonts,
            verbose: self.verbose,
        }
    }
}

fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {}", crate::diagnostics::printable(msg));
    EXIT_USAGE
}

fn print_human(diags: &[&Diagnostic]) {
    let color = std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none();
    for d in diags {
        let sev = match (color, d.severity) {
            (true, Severity::Error) => "\x1b[1;31merror\x1b[0m".to_string(),
            (true, Severity::Warning) => "\x1b[1;33mwarning\x1b[0m".to_string(),
            (false, s) => s.to_string(),
        };
        eprintln!("{}: {sev}: {} [{}]", d.location, d.message, d.code);
        if let Some(h) = &d.help {
            eprintln!("  help: {h}");
        }
    }
}

/// An output file made (or that would have been made).
#[derive(Debug, serde::Serialize)]
struct Output {
    input: String,
    format: &'static str,
    file: String,
    bytes: usize,
}

/// What a build or a check found, for both report formats.
#[derive(Default)]
struct Report {
    diagnostics: Diagnostics,
    outputs: Vec<Output>,
    /// Status lines for people (`built dist/x.pdf (120 KB)`).
    lines: Vec<String>,
}

impl Report {
    fn status(&self, deny_warnings: bool) -> i32 {
        let d = &self.diagnostics;
        if d.items().iter().any(|d| d.code == Code::Internal) {
            EXIT_INTERNAL
        } else if d.has_errors() || (deny_warnings && d.count(Severity::Warning) > 0) {
            EXIT_ERRORS
        } else {
            EXIT_OK
        }
    }

    fn print(&self, args: &ReportArgs) {
        let sorted = self.diagnostics.sorted();
        let errors = sorted
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        let warnings = sorted.len() - errors;
        match args.format {
            ReportFormat::Human => {
                print_human(&sorted);
                for l in &self.lines {
                    eprintln!("{l}");
                }
                if errors + warnings > 0 || self.outputs.is_empty() {
                    eprintln!("{errors} error(s), {warnings} warning(s)");
                }
            }
            ReportFormat::Json => {
                let report = serde_json::json!({
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": sorted,
                    "outputs": self.outputs,
                });
                let text = serde_json::to_string_pretty(&report)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
                println!("{text}");
            }
        }
    }
}

/// Classifies every input before anything is read: an input that does not
/// exist, or is not a manuscript or a book, makes the command line one that
/// cannot be run.
fn classify_all(paths: &[PathBuf]) -> Result<Vec<Input>, Vec<Diagnostic>> {
    let mut inputs = Vec::new();
    let mut bad = Vec::new();
    for path in paths {
        match Input::classify(path) {
            Ok(i) => inputs.push(i),
            Err(d) => bad.push(d),
        }
    }
    if bad.is_empty() { Ok(inputs) } else { Err(bad) }
}

fn renderers(formats: &[Format]) -> Vec<&'static dyn Renderer> {
    crate::render::all()
        .into_iter()
        .filter(|r| {
            formats.iter().any(|f| match f {
                Format::Epub => r.name() == "epub",
                Format::Pdf => r.name() == "pdf",
            })
        })
        .collect()
}

/// Runs `job` for each renderer side by side, each on a thread with a deep
/// stack. A renderer that panics becomes an internal error at `at`.
fn each_renderer<T: Send>(
    renderers: &[&'static dyn Renderer],
    at: &Location,
    job: impl Fn(&dyn Renderer) -> T + Sync,
) -> Vec<Result<T, Diagnostic>> {
    std::thread::scope(|scope| {
        let handles: Vec<_> = renderers
            .iter()
            .map(|&r| {
                let job = &job;
                std::thread::Builder::new()
                    .name(r.name().into())
                    .stack_size(crate::limits::STACK_BYTES)
                    .spawn_scoped(scope, move || job(r))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| match h {
                Ok(h) => h
                    .join()
                    .map_err(|payload| panics::diagnostic(&*payload, at.clone())),
                Err(e) => Err(Diagnostic::error(
                    Code::Internal,
                    at.clone(),
                    format!("internal error: cannot start a thread: {e}"),
                )),
            })
            .collect()
    })
}

/// Runs `job`; a panic in it is an internal error at `at`, the input
/// being read, and the run goes on to the next input.
fn guarded<T>(
    at: &Location,
    diags: &mut Diagnostics,
    job: impl FnOnce(&mut Diagnostics) -> Option<T>,
) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(diags))) {
        Ok(v) => v,
        Err(payload) => {
            diags.push(panics::diagnostic(&*payload, at.clone()));
            None
        }
    }
}

/// Every file a book reads, as real paths: no output may replace one.
fn input_files(input: &Input, book: Option<&crate::model::Book>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match input {
        Input::Manuscript(p) => vec![p.clone()],
        Input::Book { config, .. } => vec![config.clone()],
    };
    if let Some(book) = book {
        files.extend(book.chapters.iter().map(|c| c.source.clone()));
        files.extend(book.images.values().map(|a| a.file.clone()));
        files.extend(book.options.fonts.iter().map(|f| f.path.clone()));
    }
    files
        .iter()
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .collect()
}

fn build(args: BuildArgs) -> i32 {
    if args.no_cache {
        crate::cache::disable();
    }
    if args.emit.is_some() && args.inputs.len() > 1 {
        return usage_error("--emit writes one model: give one INPUT with it");
    }
    let inputs = match classify_all(&args.inputs) {
        Ok(i) => i,
        Err(bad) => {
            let mut report = Report::default();
            bad.into_iter().for_each(|d| report.diagnostics.push(d));
            report.print(&args.report);
            return EXIT_USAGE;
        }
    };
    if let Some(msg) = clashing_outputs(&inputs) {
        return usage_error(&msg);
    }
    let overrides = args.meta.overrides();
    let renderers = renderers(&args.formats.to);
    let mut report = Report::default();
    for input in &inputs {
        let mut diags = Diagnostics::default();
        let at = match input {
            Input::Manuscript(p) => Location::file(p),
            Input::Book { config, .. } => Location::file(config),
        };
        let t = std::time::Instant::now();
        let book = guarded(&at, &mut diags, |d| source::load(input, &overrides, d));
        crate::timing::stage("load", t);
        let mut made: Vec<crate::render::File> = Vec::new();
        if let Some(book) = &book {
            // Every renderer runs even when the book has errors, so that
            // one run reports everything; nothing is written then. Beside
            // a print PDF, the EPUB waits for it: its page list gives the
            // print edition's pages.
            let (first, then): (Vec<_>, Vec<_>) = if book.options.print.is_some() {
                renderers.iter().partition(|r| r.name() == "pdf")
            } else {
                (renderers.clone(), Vec::new())
            };
            let mut breaks = Vec::new();
            for result in each_renderer(&first, &at, |r| r.render(book)) {
                match result {
                    Ok(rendered) => {
                        diags.extend(rendered.diagnostics);
                        made.extend(rendered.files);
                        breaks.extend(rendered.page_breaks);
                    }
                    Err(d) => diags.push(d),
                }
            }
            if !then.is_empty() {
                let mut with_pages = book.clone();
                with_pages.options.page_breaks = breaks;
                for result in each_renderer(&then, &at, |r| r.render(&with_pages)) {
                    match result {
                        Ok(rendered) => {
                            diags.extend(rendered.diagnostics);
                            made.extend(rendered.files);
                        }
                        Err(d) => diags.push(d),
                    }
                }
            }
        }
        let failed = book.is_none()
            || diags.has_errors()
            || (args.report.deny_warnings && diags.count(Severity::Warning) > 0);
        if !failed {
            let reads = input_files(input, book.as_ref());
            let stem = input.output_stem();
            let mut targets: Vec<(PathBuf, &'static str, Vec<u8>)> = made
                .into_iter()
                .map(|f| (args.out_dir.join(f.name(&stem)), f.format, f.bytes))
                .collect();
            if let (Some(path), Some(book)) = (&args.emit, &book) {
                match serde_json::to_vec_pretty(book) {
                    Ok(json) => targets.push((path.clone(), "model", json)),
                    Err(e) => diags.error(
                        Code::Internal,
                        at.clone(),
                        format!("internal error: cannot serialise the model: {e}"),
                    ),
                }
            }
            let t = std::time::Instant::now();
            write_all(input, &targets, &reads, &mut diags, &mut report);
            crate::timing::stage("files written", t);
        }
        if diags.has_errors() || book.is_none() {
            report.lines.push(format!(
                "{}: not built: {} error(s); nothing written",
                source::describe(input),
                diags.count(Severity::Error).max(1)
            ));
        } else if args.report.deny_warnings && diags.count(Severity::Warning) > 0 {
            report.lines.push(format!(
                "{}: not built: {} warning(s) and --deny-warnings; nothing written",
                source::describe(input),
                diags.count(Severity::Warning)
            ));
        }
        report.diagnostics.extend(diags);
    }
    report.print(&args.report);
    report.status(args.report.deny_warnings)
}

/// Writes every output of one input, or none: each is staged beside its
/// target, and only when all are staged are they renamed into place. A
/// target that is an input, a link or a device is refused.
fn write_all(
    input: &Input,
    targets: &[(PathBuf, &'static str, Vec<u8>)],
    reads: &[PathBuf],
    diags: &mut Diagnostics,
    report: &mut Report,
) {
    for (target, _, _) in targets {
        if let Some(why) = crate::files::refuse_target(target, reads) {
            diags.push(
                Diagnostic::error(
                    Code::OutputRefused,
                    Location::file(target),
                    format!("will not write here: {why}"),
                )
                .help("choose another output path"),
            );
        }
    }
    if diags.has_errors() {
        return;
    }
    let mut staged = Vec::new();
    for (target, _, bytes) in targets {
        match crate::files::Staged::write(target, bytes) {
            Ok(s) => staged.push(s),
            Err(e) => {
                diags.error(
                    Code::OutputWrite,
                    Location::file(target),
                    format!("cannot write: {}", source::io_reason(&e)),
                );
                staged.into_iter().for_each(crate::files::Staged::discard);
                return;
            }
        }
    }
    for (s, (target, format, bytes)) in staged.into_iter().zip(targets) {
        match s.commit() {
            Ok(()) => {
                report.lines.push(format!(
                    "built {} ({} KB)",
                    display_path(target),
                    bytes.len().div_ceil(1024)
                ));
                report.outputs.push(Output {
                    input: source::describe(input),
                    format,
                    file: display_path(target),
                    bytes: bytes.len(),
                });
            }
            Err(e) => diags.error(
                Code::OutputWrite,
                Location::file(target),
                format!("cannot write: {}", source::io_reason(&e)),
            ),
        }
    }
}

/// Two inputs whose outputs would have the same name would overwrite each
/// other; say so before building anything.
fn clashing_outputs(inputs: &[Input]) -> Option<String> {
    let mut seen: std::collections::BTreeMap<String, String> = Default::default();
    for input in inputs {
        let name = source::describe(input);
        if let Some(first) = seen.insert(input.output_stem(), name.clone()) {
            return Some(format!(
                "{first} and {name} would both be written as `{}`: build them into different --out-dir",
                input.output_stem()
            ));
        }
    }
    None
}

fn check(args: CheckArgs) -> i32 {
    if args.no_cache {
        crate::cache::disable();
    }
    let inputs = match classify_all(&args.inputs) {
        Ok(i) => i,
        Err(bad) => {
            let mut report = Report::default();
            bad.into_iter().for_each(|d| report.diagnostics.push(d));
            report.print(&args.report);
            return EXIT_USAGE;
        }
    };
    let overrides = args.meta.overrides();
    let renderers = renderers(&args.formats.to);
    let mut report = Report::default();
    for input in &inputs {
        let at = match input {
            Input::Manuscript(p) => Location::file(p),
            Input::Book { config, .. } => Location::file(config),
        };
        let mut diags = Diagnostics::default();
        if let Some(book) = guarded(&at, &mut diags, |d| source::load(input, &overrides, d)) {
            for result in each_renderer(&renderers, &at, |r| r.check(&book)) {
                match result {
                    Ok(found) => diags.extend(found),
                    Err(d) => diags.push(d),
                }
            }
        }
        report.diagnostics.extend(diags);
    }
    report.print(&args.report);
    report.status(args.report.deny_warnings)
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
        if let Err(e) = crate::files::write_atomic(&path, text.as_bytes()) {
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
