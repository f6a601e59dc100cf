//! The command line: `quire build`, `quire check`, `quire new`.
//!
//! Exit status: 0 built (or checked) cleanly, 1 a manuscript has errors
//! (nothing written), 2 the command line cannot be run (including an input
//! that does not exist), 70 an internal error (a bug; nothing written).
//! Diagnostics go to standard error as `file:line:col: severity: message
//! [code]`; `--format json` prints one report to standard output instead.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, Severity, display_path};
use crate::model::Layout;
use crate::source::{self, Input, Overrides};
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;

mod args;
mod watch;
pub use args::*;

pub const EXIT_ERRORS: i32 = 1;
pub const EXIT_USAGE: i32 = 2;
pub const EXIT_INTERNAL: i32 = 70;
/// Interrupted by a signal (128 + SIGINT).
pub const EXIT_INTERRUPTED: i32 = 130;

pub fn main() -> i32 {
    run(Cli::try_parse())
}

/// `mdbook-quire`: the command mdBook runs for `[output.quire]` by
/// default, which is `quire mdbook` (its options after it).
pub fn mdbook_main() -> i32 {
    let args = ["quire".into(), "mdbook".into()]
        .into_iter()
        .chain(std::env::args_os().skip(1));
    run(Cli::try_parse_from(args))
}

fn run(parsed: Result<Cli, clap::Error>) -> i32 {
    let cli = match parsed {
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
    crate::pipeline::install_panic_hook();
    // All the work runs on a thread with a deep stack: nesting in a book is
    // bounded (see `limits`), and the bound is far inside this.
    let work = std::thread::Builder::new()
        .name("quire".into())
        .stack_size(crate::limits::STACK_BYTES)
        .spawn(move || match cli.command {
            Command::Build(args) => build(args),
            Command::Check(args) => check(args),
            Command::Watch(args) => watch::run(args),
            Command::New(args) => new(args),
            Command::Completions(args) => completions(args),
            Command::Manual(args) => manual(args),
            Command::Mdbook(args) => mdbook_renderer(args),
        });
    match work.map(|h| h.join()) {
        Ok(Ok(status)) => status,
        Ok(Err(payload)) => {
            let d = crate::pipeline::panic_diagnostic(&*payload, Location::file("quire"));
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

/// mdBook's renderer protocol: the render context (JSON) on standard
/// input names the project (`root`) and where this renderer's files go
/// (`destination`); the book is then built from the project as `quire
/// build` builds it, its diagnostics on standard error for mdBook to show.
fn mdbook_renderer(args: MdbookArgs) -> i32 {
    use std::io::Read;
    let mut input = Vec::new();
    let limit = crate::limits::MANUSCRIPT_BYTES * 4;
    if let Err(e) = std::io::stdin().take(limit + 1).read_to_end(&mut input) {
        return usage_error(&format!("cannot read mdBook's render context: {e}"));
    }
    if input.len() as u64 > limit {
        return usage_error("mdBook's render context is larger than Quire reads (256 MB)");
    }
    let context: serde_json::Value = match serde_json::from_slice(&input) {
        Ok(v) => v,
        Err(e) => {
            return usage_error(&format!(
                "standard input is not mdBook's render context ({e}); `quire mdbook` is run by `mdbook build`"
            ));
        }
    };
    let (Some(root), Some(destination)) = (
        context.get("root").and_then(|r| r.as_str()),
        context.get("destination").and_then(|d| d.as_str()),
    ) else {
        return usage_error("mdBook's render context names no `root` or `destination`");
    };
    let mut argv = vec![
        "quire".to_string(),
        "build".into(),
        root.into(),
        "-o".into(),
        destination.into(),
    ];
    if !args.to.is_empty() {
        argv.push("--to".into());
        argv.push(args.to.join(","));
    }
    match Cli::try_parse_from(argv) {
        Ok(Cli {
            command: Command::Build(build_args),
        }) => build(build_args),
        Ok(_) => EXIT_INTERNAL,
        Err(e) => usage_error(&e.to_string()),
    }
}

pub(crate) fn usage_error(msg: &str) -> i32 {
    eprintln!("error: {}", crate::diagnostics::printable(msg));
    EXIT_USAGE
}

/// Colour on a terminal, never with `NO_COLOR` set.
fn colour() -> bool {
    std::io::stderr().is_terminal() && std::env::var_os("NO_COLOR").is_none()
}

pub(crate) fn print_human(diags: &[&Diagnostic]) {
    let color = colour();
    for d in diags {
        let sev = match (color, d.severity) {
            (true, Severity::Error) => "\x1b[1;31merror\x1b[0m".to_string(),
            (true, Severity::Warning) => "\x1b[1;33mwarning\x1b[0m".to_string(),
            (false, s) => s.to_string(),
        };
        eprintln!("{}: {sev}: {} [{}]", d.location, d.message, d.code);
        if let Some(q) = d.quote() {
            eprintln!("  in: {q}");
        }
        if let Some(h) = &d.help {
            eprintln!("  help: {h}");
        }
    }
}

/// An output file made (or that would have been made).
#[derive(Debug, Clone, serde::Serialize)]
pub(crate) struct Output {
    input: String,
    pub format: &'static str,
    pub file: String,
    bytes: usize,
}

/// How one title went, for the summary and the JSON report.
#[derive(Debug, serde::Serialize)]
struct TitleRow {
    input: String,
    title: Option<String>,
    formats: Vec<&'static str>,
    pages: Option<usize>,
    seconds: f64,
    warnings: usize,
    errors: usize,
    built: bool,
}

/// What a build or a check found, for both report formats.
#[derive(Default)]
pub(crate) struct Report {
    diagnostics: Diagnostics,
    outputs: Vec<Output>,
    /// Status lines for people (`built dist/x.pdf (120 KB)`).
    lines: Vec<String>,
    /// One row per title, when there are several.
    titles: Vec<TitleRow>,
}

impl Report {
    fn status(&self, deny_warnings: bool) -> i32 {
        let d = &self.diagnostics;
        if d.items().iter().any(|d| d.code == Code::Internal) {
            EXIT_INTERNAL
        } else if crate::pipeline::fails(d, deny_warnings) {
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
            ReportFormat::Human if args.quiet => {
                let shown: Vec<&Diagnostic> = sorted
                    .into_iter()
                    .filter(|d| d.severity == Severity::Error)
                    .collect();
                print_human(&shown);
                if errors > 0 {
                    eprintln!("{errors} error(s)");
                }
            }
            ReportFormat::Human => {
                print_human(&sorted);
                for l in &self.lines {
                    eprintln!("{l}");
                }
                if self.titles.len() > 1 {
                    self.print_summary();
                }
                if errors + warnings > 0 || self.outputs.is_empty() {
                    eprintln!("{errors} error(s), {warnings} warning(s)");
                }
            }
            ReportFormat::Json => {
                // A place in a Word file also carries its paragraph, quoted.
                let diagnostics: Vec<serde_json::Value> = sorted
                    .iter()
                    .map(|d| {
                        let mut v = serde_json::to_value(d).unwrap_or_default();
                        if let Some(q) = d.quote() {
                            v["excerpt"] = q.into();
                        }
                        v
                    })
                    .collect();
                let mut report = serde_json::json!({
                    "errors": errors,
                    "warnings": warnings,
                    "diagnostics": diagnostics,
                    "outputs": self.outputs,
                });
                if !self.titles.is_empty() {
                    report["titles"] = serde_json::json!(self.titles);
                }
                let text = serde_json::to_string_pretty(&report)
                    .unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
                println!("{text}");
            }
        }
    }

    /// A table of the titles: how each went.
    fn print_summary(&self) {
        let clip = |s: &str, n: usize| -> String {
            if s.chars().count() <= n {
                s.to_string()
            } else {
                let mut t: String = s.chars().take(n - 1).collect();
                t.push('…');
                t
            }
        };
        let width = self
            .titles
            .iter()
            .map(|t| t.input.chars().count())
            .max()
            .unwrap_or(5)
            .clamp(5, 40);
        eprintln!(
            "\n{:<width$}  {:<30}  {:<8}  {:>5}  {:>7}  {:>8}  {:>6}",
            "input", "title", "formats", "pages", "time", "warnings", "errors"
        );
        for t in &self.titles {
            eprintln!(
                "{:<width$}  {:<30}  {:<8}  {:>5}  {:>6.2}s  {:>8}  {:>6}{}",
                clip(&t.input, width),
                clip(t.title.as_deref().unwrap_or("—"), 30),
                t.formats.join(","),
                t.pages.map_or("—".to_string(), |p| p.to_string()),
                t.seconds,
                t.warnings,
                t.errors,
                if t.built { "" } else { "  not built" }
            );
        }
        let built = self.titles.iter().filter(|t| t.built).count();
        eprintln!("{built} of {} titles built\n", self.titles.len());
    }
}

/// One title to build or check: its input (or why it has none), and its
/// settings.
pub(crate) struct Title {
    pub input: Result<Input, Diagnostic>,
    pub settings: crate::pipeline::Settings,
    /// Where a catalogue names it.
    listed: Option<Location>,
}

impl Title {
    fn describe(&self) -> String {
        match (&self.input, &self.listed) {
            (Ok(i), _) => source::describe(i),
            (Err(_), Some(at)) => at.to_string(),
            (Err(d), None) => d.location.to_string(),
        }
    }
}

/// Every title the command line names: its INPUTs (or the book in the
/// current directory), then the catalogue's, then the shard's slice of
/// them. An INPUT that is not a manuscript or a book, or a catalogue that
/// cannot be read, makes the command line one that cannot be run; a
/// catalogue's entry that names nothing fails that title alone.
fn gather(
    titles: &Titles,
    formats: &Formats,
    meta: &MetaArgs,
    report: &ReportArgs,
) -> Result<Vec<Title>, i32> {
    let overrides = meta.overrides();
    let settings = crate::pipeline::Settings {
        formats: formats.chosen(),
        overrides: overrides.clone(),
    };
    let mut bad = Vec::new();
    let mut out = Vec::new();
    let mut named = titles.inputs.clone();
    if named.is_empty() && titles.catalogue.is_none() {
        if !std::path::Path::new("book.toml").is_file() {
            return Err(usage_error(
                "no INPUT given, and there is no book.toml in the current directory: \
                 name a manuscript or a book directory, or run this in a book's directory",
            ));
        }
        named.push(PathBuf::from("."));
    }
    for path in &named {
        match Input::classify(path) {
            Ok(input) => out.push(Title {
                input: Ok(input),
                settings: settings.clone(),
                listed: None,
            }),
            Err(d) => bad.push(d),
        }
    }
    if let Some(file) = &titles.catalogue {
        let mut diags = Diagnostics::default();
        match crate::catalogue::read(file, &mut diags) {
            Some(entries) => {
                for e in entries {
                    let formats = match &e.set.to {
                        Some(to) if !to.is_empty() && formats.to.is_empty() => to.clone(),
                        _ => settings.formats.clone(),
                    };
                    let input = Input::classify(&e.path).map_err(|d| {
                        let mut d = d;
                        d.message = format!("`{}`: {}", e.set.input, d.message);
                        d.location = e.at.clone();
                        d
                    });
                    out.push(Title {
                        input,
                        settings: crate::pipeline::Settings {
                            formats,
                            overrides: e.set.apply(&overrides),
                        },
                        listed: Some(e.at),
                    });
                }
            }
            None => bad.extend(diags.items().iter().cloned()),
        }
    }
    if !bad.is_empty() {
        let mut r = Report::default();
        bad.into_iter().for_each(|d| r.diagnostics.push(d));
        r.print(report);
        return Err(EXIT_USAGE);
    }
    if let Some(shard) = titles.shard {
        out = out
            .into_iter()
            .enumerate()
            .filter(|(n, _)| shard.holds(*n))
            .map(|(_, t)| t)
            .collect();
    }
    Ok(out)
}

/// Runs `job` on every title on the run's pool (sized by `jobs`, or one
/// thread per core); the results come back in the titles' order.
fn for_each_title<T: Send>(
    titles: &[Title],
    jobs: Option<std::num::NonZeroUsize>,
    job: impl Fn(&Title) -> T + Sync + Send,
) -> Vec<T> {
    crate::pool::start(jobs.map(|j| j.get()));
    let all = titles.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    crate::pool::map(titles, |title| {
        let r = job(title);
        let d = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        if all > 1 {
            crate::progress::titles(d, all);
        }
        r
    })
}

/// The one title `quire watch` builds: INPUT, or the book in the
/// current directory.
pub(crate) fn watched_title(
    input: Option<&std::path::Path>,
    formats: &Formats,
    meta: &MetaArgs,
    out: &OutArgs,
    report: &ReportArgs,
) -> Result<Title, i32> {
    let titles = Titles {
        inputs: input.map(|p| vec![p.to_path_buf()]).unwrap_or_default(),
        catalogue: None,
        shard: None,
        jobs: None,
    };
    let mut all = gather(&titles, formats, meta, report)?;
    let mut title = all.pop().ok_or(EXIT_USAGE)?;
    if let Some(file) = &out.output {
        match output_format(file, formats) {
            Ok(format) => title.settings.formats = vec![format],
            Err(msg) => return Err(usage_error(&msg)),
        }
    }
    Ok(title)
}

/// Prints what one round of `quire watch` found and made.
pub(crate) fn print_round(done: &Done, args: &ReportArgs) {
    let mut report = Report::default();
    report.diagnostics.extend(done.diagnostics.clone());
    report.lines.clone_from(&done.lines);
    report.outputs.clone_from(&done.outputs);
    report.print(args);
}

/// The progress display, when standard error is a terminal and the run
/// is not quiet.
fn progress(report: &ReportArgs) -> Option<crate::progress::Display> {
    // `QUIRE_PROGRESS_AFTER_MS` moves the threshold (tests show it at once).
    let after = std::env::var("QUIRE_PROGRESS_AFTER_MS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(800);
    crate::progress::Display::start(
        std::io::stderr().is_terminal() && !report.quiet,
        std::time::Duration::from_millis(after),
    )
}

/// What became of one title.
pub(crate) struct Done {
    row: TitleRow,
    pub diagnostics: Diagnostics,
    pub outputs: Vec<Output>,
    pub lines: Vec<String>,
    /// The files the title read (for `watch`).
    pub reads: Vec<PathBuf>,
}

fn build(args: BuildArgs) -> i32 {
    args.common.start();
    let c = &args.common;
    let titles = match gather(&args.titles, &c.formats, &c.meta, &c.report) {
        Ok(t) => t,
        Err(status) => return status,
    };
    if args.emit.is_some() && titles.len() > 1 {
        return usage_error("--emit writes one model: give one INPUT with it");
    }
    let mut titles = titles;
    if let Some(file) = &args.out.output {
        if titles.len() > 1 {
            return usage_error(
                "--output names one file: give one INPUT with it, or use --out-dir",
            );
        }
        match output_format(file, &c.formats) {
            Ok(format) => titles
                .iter_mut()
                .for_each(|t| t.settings.formats = vec![format]),
            Err(msg) => return usage_error(&msg),
        }
    }
    let inputs: Vec<&Input> = titles
        .iter()
        .filter_map(|t| t.input.as_ref().ok())
        .collect();
    if args.out.output.is_none()
        && let Some(msg) = clashing_outputs(&inputs)
    {
        return usage_error(&msg);
    }
    let job = Job {
        out_dir: args.out.out_dir.clone(),
        output: args.out.output.clone(),
        emit: args.emit.clone(),
        deny_warnings: c.report.deny_warnings,
        verbose: c.meta.verbose,
    };
    let display = progress(&c.report);
    let done = for_each_title(&titles, args.titles.jobs, |t| build_title(t, &job));
    drop(display);
    let mut report = Report::default();
    let several = done.len() > 1;
    for d in done {
        report.diagnostics.extend(d.diagnostics);
        report.outputs.extend(d.outputs);
        report.lines.extend(d.lines);
        if several || args.titles.catalogue.is_some() {
            report.titles.push(d.row);
        }
    }
    report.print(&c.report);
    report.status(c.report.deny_warnings)
}

/// The one format `--output FILE` makes: `--to`'s, or FILE's extension's.
fn output_format(
    file: &std::path::Path,
    formats: &Formats,
) -> Result<crate::pipeline::Format, String> {
    use crate::pipeline::Format as F;
    let ext = file
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    let by_ext = match ext.as_deref() {
        Some("epub") => Some(F::Epub),
        Some("pdf") => Some(F::Pdf),
        _ => None,
    };
    let shown = display_path(file);
    match (formats.to.as_slice(), by_ext) {
        ([], Some(f)) => Ok(f),
        ([], None) => Err(format!(
            "--output {shown}: cannot tell the format from the name; end it in .epub or .pdf, or give --to"
        )),
        ([one], by_ext) => {
            let f: F = (*one).into();
            match by_ext {
                Some(e) if e != f => Err(format!(
                    "--output {shown} names a .{} file but --to asks for {}",
                    e.name(),
                    f.name()
                )),
                _ => Ok(f),
            }
        }
        _ => Err(format!(
            "--output {shown} names one file: give one format with --to, or use --out-dir for both"
        )),
    }
}

/// How each title of a build is written.
pub(crate) struct Job {
    pub out_dir: Option<PathBuf>,
    pub output: Option<PathBuf>,
    pub emit: Option<PathBuf>,
    pub deny_warnings: bool,
    pub verbose: bool,
}

pub(crate) fn build_title(title: &Title, job: &Job) -> Done {
    let started = std::time::Instant::now();
    let formats: Vec<&'static str> = title.settings.formats.iter().map(|f| f.name()).collect();
    let mut row = TitleRow {
        input: title.describe(),
        title: None,
        formats,
        pages: None,
        seconds: 0.0,
        warnings: 0,
        errors: 0,
        built: false,
    };
    let mut diags = Diagnostics::default();
    let mut lines = Vec::new();
    let mut outputs = Vec::new();
    let input = match &title.input {
        Ok(i) => i,
        Err(d) => {
            diags.push(d.clone());
            row.errors = 1;
            lines.push(format!(
                "{}: not built: no such title; nothing written",
                row.input
            ));
            return Done {
                row,
                diagnostics: diags,
                outputs,
                lines,
                reads: Vec::new(),
            };
        }
    };
    let built = crate::pipeline::build(input, &title.settings);
    row.title = built.book.as_ref().map(|b| b.meta.title.clone());
    row.pages = built.pages;
    diags.extend(built.diagnostics);
    let book = built.book;
    let deny = job.deny_warnings;
    let failed = book.is_none() || crate::pipeline::fails(&diags, deny);
    let reads = crate::pipeline::files_read(input, book.as_ref());
    if job.verbose {
        for r in &reads {
            lines.push(format!("{}: read {}", row.input, display_path(r)));
        }
    }
    if !failed {
        let stem = input.output_stem();
        let out_dir = job
            .out_dir
            .clone()
            .or_else(|| book.as_ref().and_then(|b| b.options.out_dir.clone()))
            .unwrap_or_else(|| PathBuf::from("dist"));
        let mut targets: Vec<(PathBuf, &'static str, Vec<u8>)> = Vec::new();
        for (n, f) in built.files.into_iter().enumerate() {
            let path = match &job.output {
                Some(file) if n == 0 => file.clone(),
                Some(file) => {
                    let dir = file.parent().unwrap_or(std::path::Path::new(""));
                    let stem = file
                        .file_stem()
                        .map_or(stem.clone(), |s| s.to_string_lossy().into_owned());
                    dir.join(f.name(&stem))
                }
                None => out_dir.join(f.name(&stem)),
            };
            targets.push((path, f.format, f.bytes));
        }
        if let (Some(path), Some(book)) = (&job.emit, &book) {
            match serde_json::to_vec_pretty(book) {
                Ok(json) => targets.push((path.clone(), "model", json)),
                Err(e) => diags.error(
                    Code::Internal,
                    crate::pipeline::input_location(input),
                    format!("internal error: cannot serialise the model: {e}"),
                ),
            }
        }
        let t = std::time::Instant::now();
        let (made, said) = write_all(input, &targets, &reads, &mut diags);
        crate::timing::stage("files written", t);
        outputs = made;
        lines.extend(said);
    }
    if diags.has_errors() || book.is_none() {
        lines.push(format!(
            "{}: not built: {} error(s); nothing written",
            row.input,
            diags.count(Severity::Error).max(1)
        ));
    } else if deny && diags.count(Severity::Warning) > 0 {
        lines.push(format!(
            "{}: not built: {} warning(s) and --deny-warnings; nothing written",
            row.input,
            diags.count(Severity::Warning)
        ));
    }
    row.errors = diags.count(Severity::Error);
    row.warnings = diags.count(Severity::Warning);
    row.built = !outputs.is_empty();
    row.seconds = (started.elapsed().as_secs_f64() * 100.0).round() / 100.0;
    Done {
        row,
        diagnostics: diags,
        outputs,
        lines,
        reads,
    }
}

/// Writes every output of one input, or none: each is staged beside its
/// target, and only when all are staged are they renamed into place. A
/// target that is an input, a link or a device is refused. Returns what
/// was written, and a line for each.
pub(crate) fn write_all(
    input: &Input,
    targets: &[(PathBuf, &'static str, Vec<u8>)],
    reads: &[PathBuf],
    diags: &mut Diagnostics,
) -> (Vec<Output>, Vec<String>) {
    let mut outputs = Vec::new();
    let mut lines = Vec::new();
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
        return (outputs, lines);
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
                return (outputs, lines);
            }
        }
    }
    for (s, (target, format, bytes)) in staged.into_iter().zip(targets) {
        match s.commit() {
            Ok(()) => {
                lines.push(format!(
                    "built {} ({} KB)",
                    display_path(target),
                    bytes.len().div_ceil(1024)
                ));
                outputs.push(Output {
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
    (outputs, lines)
}

/// Two inputs whose outputs would have the same name would overwrite each
/// other; say so before building anything.
fn clashing_outputs(inputs: &[&Input]) -> Option<String> {
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
    args.common.start();
    let c = &args.common;
    let titles = match gather(&args.titles, &c.formats, &c.meta, &c.report) {
        Ok(t) => t,
        Err(status) => return status,
    };
    let display = progress(&c.report);
    let found = for_each_title(&titles, args.titles.jobs, |t| match &t.input {
        Ok(input) => crate::pipeline::check(input, &t.settings),
        Err(d) => {
            let mut diags = Diagnostics::default();
            diags.push(d.clone());
            diags
        }
    });
    drop(display);
    let mut report = Report::default();
    for diags in found {
        report.diagnostics.extend(diags);
    }
    report.print(&c.report);
    report.status(c.report.deny_warnings)
}

fn completions(args: CompletionsArgs) -> i32 {
    let mut cmd = command();
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut cmd, "quire", &mut script);
    to_stdout(&script, "the completions")
}

/// Writes `bytes` to standard output; a reader that stops early (`| head`)
/// is not an error.
fn to_stdout(bytes: &[u8], what: &str) -> i32 {
    use std::io::Write;
    match std::io::stdout().lock().write_all(bytes) {
        Ok(()) => EXIT_OK,
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => EXIT_OK,
        Err(e) => {
            eprintln!("error: cannot write {what}: {e}");
            EXIT_ERRORS
        }
    }
}

fn manual(args: ManualArgs) -> i32 {
    let cmd = command();
    let Some(dir) = &args.dir else {
        let mut page = Vec::new();
        return match clap_mangen::Man::new(cmd).render(&mut page) {
            Ok(()) => to_stdout(&page, "the manual"),
            Err(e) => {
                eprintln!("error: cannot write the manual: {e}");
                EXIT_ERRORS
            }
        };
    };
    match std::fs::create_dir_all(dir).and_then(|()| clap_mangen::generate_to(cmd, dir)) {
        Ok(()) => {
            eprintln!("wrote the manual pages into {}", display_path(dir));
            EXIT_OK
        }
        Err(e) => {
            eprintln!("{}: error: cannot write the manual: {e}", display_path(dir));
            EXIT_ERRORS
        }
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
