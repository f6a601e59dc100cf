//! The pipeline, for the command line and for other programs: an input is
//! read, resolved into the document model, and rendered into bytes, with
//! every diagnostic found on the way. Nothing here writes a file; what to
//! do with the bytes is the caller's choice (the command line stages them
//! beside their targets and renames them into place).
//!
//! A panic inside a stage is a bug in Quire; it is caught and comes back
//! as an internal-error diagnostic at the input, never as a crash of the
//! caller.

use crate::diagnostics::{Code, Diagnostic, Diagnostics, Location, Severity};
use crate::model::Book;
use crate::render::{File, Renderer};
use crate::source::{self, Input, Overrides};
use std::path::PathBuf;

/// An output format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    Epub,
    Pdf,
}

impl Format {
    pub fn name(self) -> &'static str {
        match self {
            Format::Epub => "epub",
            Format::Pdf => "pdf",
        }
    }
}

/// What to build, and the values that override the files.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The formats to make (both by default).
    pub formats: Vec<Format>,
    /// Title, authors, language, layout, print target… given by the caller.
    pub overrides: Overrides,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            formats: vec![Format::Epub, Format::Pdf],
            overrides: Overrides::default(),
        }
    }
}

/// What a build made of one input.
#[derive(Debug, Default)]
pub struct Built {
    /// The resolved book, when one could be made (even with errors).
    pub book: Option<Book>,
    /// The output files, in the order of `Settings::formats` (a print
    /// PDF's cover after its interior); none when there are errors.
    pub files: Vec<File>,
    /// Everything every stage had to say.
    pub diagnostics: Diagnostics,
    /// The PDF's page count, when a PDF was made.
    pub pages: Option<usize>,
}

impl Built {
    /// True when there is nothing to write: an error, or no book at all.
    pub fn failed(&self) -> bool {
        self.book.is_none() || self.diagnostics.has_errors()
    }

    /// The file made for `format` (`"epub"`, `"pdf"`, `"cover"`).
    pub fn file(&self, format: &str) -> Option<&File> {
        self.files.iter().find(|f| f.format == format)
    }
}

/// Where messages about `input` as a whole point.
pub fn input_location(input: &Input) -> Location {
    match input {
        Input::Manuscript(p) => Location::file(p),
        Input::Book { config, .. } => Location::file(config),
    }
}

/// Reads `input` and renders it in every format `settings` asks for.
///
/// Every renderer runs even when the book has errors, so that one run
/// reports everything; `files` is empty then.
pub fn build(input: &Input, settings: &Settings) -> Built {
    let at = input_location(input);
    let mut built = Built::default();
    let t = std::time::Instant::now();
    crate::progress::stage("reading");
    built.book = guarded(&at, &mut built.diagnostics, |d| {
        source::load(input, &settings.overrides, d)
    });
    crate::timing::stage("load", t);
    let Some(book) = &built.book else {
        return built;
    };
    let renderers = renderers(&settings.formats);
    // Beside a print PDF, the EPUB waits for it: its page list gives the
    // print edition's pages.
    let (first, then): (Vec<_>, Vec<_>) = if book.options.print.is_some() {
        renderers.iter().partition(|r| r.name() == "pdf")
    } else {
        (renderers.clone(), Vec::new())
    };
    let mut made: Vec<(&'static str, File)> = Vec::new();
    let mut breaks = Vec::new();
    for (name, result) in each_renderer(&first, &at, |r| r.render(book, &[])) {
        match result {
            Ok(rendered) => {
                built.diagnostics.extend(rendered.diagnostics);
                made.extend(rendered.files.into_iter().map(|f| (name, f)));
                breaks.extend(rendered.page_breaks);
                built.pages = built.pages.or(rendered.pages);
            }
            Err(d) => built.diagnostics.push(d),
        }
    }
    if !then.is_empty() {
        for (name, result) in each_renderer(&then, &at, |r| r.render(book, &breaks)) {
            match result {
                Ok(rendered) => {
                    built.diagnostics.extend(rendered.diagnostics);
                    made.extend(rendered.files.into_iter().map(|f| (name, f)));
                }
                Err(d) => built.diagnostics.push(d),
            }
        }
    }
    // Files in the order the formats were asked for, whatever order the
    // renderers finished in.
    let rank = |name: &str| {
        settings
            .formats
            .iter()
            .position(|f| f.name() == name)
            .unwrap_or(usize::MAX)
    };
    made.sort_by_key(|(name, _)| rank(name));
    if !built.diagnostics.has_errors() {
        built.files = made.into_iter().map(|(_, f)| f).collect();
    }
    built
}

/// Every check a build of `input` would make, and nothing rendered to
/// keep: fails exactly when [`build`] would.
pub fn check(input: &Input, settings: &Settings) -> Diagnostics {
    let at = input_location(input);
    let mut diags = Diagnostics::default();
    if let Some(book) = guarded(&at, &mut diags, |d| {
        source::load(input, &settings.overrides, d)
    }) {
        let renderers = renderers(&settings.formats);
        for (_, result) in each_renderer(&renderers, &at, |r| r.check(&book, &[])) {
            match result {
                Ok(found) => diags.extend(found),
                Err(d) => diags.push(d),
            }
        }
    }
    diags
}

/// Every file a book reads (manuscripts, book.toml, pictures, fonts,
/// stylesheet), as real paths; with no book, the input alone.
pub fn files_read(input: &Input, book: Option<&Book>) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match input {
        Input::Manuscript(p) => vec![p.clone()],
        Input::Book { config, .. } => vec![config.clone()],
    };
    if let Some(book) = book {
        files.extend(book.chapters.iter().map(|c| c.source.clone()));
        files.extend(book.images.values().map(|a| a.file.clone()));
        files.extend(book.options.fonts.iter().map(|f| f.path.clone()));
        if let Some(css) = &book.options.extra_css {
            files.extend(css.files.iter().cloned());
        }
    }
    let mut real: Vec<PathBuf> = files
        .iter()
        .filter_map(|f| std::fs::canonicalize(f).ok())
        .collect();
    real.sort();
    real.dedup();
    real
}

/// True when `diags` would stop a build: an error, or with
/// `deny_warnings` any warning.
pub fn fails(diags: &Diagnostics, deny_warnings: bool) -> bool {
    diags.has_errors() || (deny_warnings && diags.count(Severity::Warning) > 0)
}

fn renderers(formats: &[Format]) -> Vec<&'static dyn Renderer> {
    crate::render::all()
        .into_iter()
        .filter(|r| formats.iter().any(|f| f.name() == r.name()))
        .collect()
}

/// Runs `job` for each renderer side by side, on the run's pool. A
/// renderer that panics becomes an internal error at `at`.
fn each_renderer<T: Send>(
    renderers: &[&'static dyn Renderer],
    at: &Location,
    job: impl Fn(&dyn Renderer) -> T + Sync + Send,
) -> Vec<(&'static str, Result<T, Diagnostic>)> {
    crate::pool::map(renderers, |&r| {
        let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(r)))
            .map_err(|payload| panic_diagnostic(&*payload, at.clone()));
        (r.name(), result)
    })
}

/// Runs `job`; a panic in it is an internal error at `at`, the input
/// being read.
fn guarded<T>(
    at: &Location,
    diags: &mut Diagnostics,
    job: impl FnOnce(&mut Diagnostics) -> Option<T>,
) -> Option<T> {
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| job(diags))) {
        Ok(v) => v,
        Err(payload) => {
            diags.push(panic_diagnostic(&*payload, at.clone()));
            None
        }
    }
}

/// Where the last panic happened (the hook sees it; the payload does not).
static LAST_PANIC: std::sync::Mutex<Option<String>> = std::sync::Mutex::new(None);

/// Makes panics quiet and remembers where each happened, for the
/// internal-error diagnostic that reports it. The command line installs
/// this; a program using the library may keep its own hook.
pub fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let place = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(place);
        }
    }));
}

/// A panic's payload as an internal-error diagnostic at `at`.
pub fn panic_diagnostic(payload: &(dyn std::any::Any + Send), at: Location) -> Diagnostic {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic".into());
    let place = LAST_PANIC
        .lock()
        .ok()
        .and_then(|l| l.clone())
        .map(|p| format!(" (at {p})"))
        .unwrap_or_default();
    Diagnostic::error(
        Code::Internal,
        at,
        format!("internal error: {what}{place}; nothing was written"),
    )
    .help("this is a bug in Quire; please report it with the input")
}
