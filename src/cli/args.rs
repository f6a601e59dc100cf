//! The command line's definition: commands, their arguments and options.

use super::*;

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "Turn manuscripts (Markdown, plain text) into EPUB 3 and PDF.",
    long_about = "Turn manuscripts (Markdown, plain text) into a valid EPUB 3 and a paginated PDF.\n\n\
An INPUT is a .md, .markdown, .txt or .docx manuscript, or a book directory holding book.toml \
(or that book.toml itself).",
    after_help = "Exit status: 0 success, 1 the manuscript has errors (nothing is written), \
2 the command line cannot be run, 70 an internal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub(crate) command: Command,
}

/// The command line's definition, for completions and the manual.
pub fn command() -> clap::Command {
    <Cli as clap::CommandFactory>::command()
}

#[derive(Debug, Subcommand)]
pub(crate) enum Command {
    /// Build an EPUB and a PDF from each manuscript or book directory.
    Build(BuildArgs),
    /// Report problems in manuscripts without writing anything.
    Check(CheckArgs),
    /// Build, then build again whenever a file the book uses changes.
    Watch(super::watch::WatchArgs),
    /// Create a new book directory with a book.toml and a first chapter.
    New(NewArgs),
    /// Print a completion script for a shell to standard output.
    Completions(CompletionsArgs),
    /// Print Quire's manual page (roff), or write one page per command
    /// into DIR.
    Manual(ManualArgs),
    /// Run as an mdBook renderer: read mdBook's render context on
    /// standard input and write the book's EPUB and PDF into its
    /// destination. In book.toml: `[output.quire]` with
    /// `command = "quire mdbook"`.
    Mdbook(MdbookArgs),
}

#[derive(Debug, Args)]
pub(crate) struct MdbookArgs {
    /// Formats to make, comma-separated (default: both).
    #[arg(long, value_delimiter = ',')]
    pub(crate) to: Vec<String>,
}

#[derive(Debug, Args)]
pub(crate) struct CompletionsArgs {
    /// The shell: bash, zsh, fish, powershell or elvish.
    #[arg(value_enum)]
    pub(crate) shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
pub(crate) struct ManualArgs {
    /// Write quire.1, quire-build.1, … into this directory instead.
    #[arg(value_name = "DIR")]
    pub(crate) dir: Option<PathBuf>,
}

/// The titles a command works on.
#[derive(Debug, Args)]
pub(crate) struct Titles {
    /// Manuscripts (.md, .markdown, .txt, .docx) or book directories (with
    /// book.toml); none: the book in the current directory.
    #[arg(value_name = "INPUT")]
    pub(crate) inputs: Vec<PathBuf>,
    /// Also the titles FILE lists: one INPUT per line, or a .toml file of
    /// [[title]] tables that may set each one's title, authors, lang,
    /// layout, target and formats (`to`).
    #[arg(long, value_name = "FILE")]
    pub(crate) catalogue: Option<PathBuf>,
    /// Only the I-th of N slices of the titles (every N-th from the I-th
    /// on, in the order given), for building a catalogue on N machines.
    #[arg(long, value_name = "I/N")]
    pub(crate) shard: Option<crate::catalogue::Shard>,
    /// Threads to build with: titles, formats, chapters and pages all
    /// share them (default: one per core).
    #[arg(short, long, value_name = "N")]
    pub(crate) jobs: Option<std::num::NonZeroUsize>,
}

#[derive(Debug, Args)]
pub(crate) struct MetaArgs {
    /// Title, replacing the one in the manuscript or book.toml.
    #[arg(long, value_name = "T")]
    pub(crate) title: Option<String>,
    /// Author, replacing those in the files; repeat for several authors.
    #[arg(long, value_name = "A")]
    pub(crate) author: Vec<String>,
    /// Language as a BCP 47 tag (en, en-GB, fr, pt-BR); default en.
    #[arg(long, value_name = "L")]
    pub(crate) lang: Option<String>,
    /// Set a single manuscript as an article (title block on its first page)
    /// or as a book (title page, contents). Default: article for one
    /// manuscript, book for a book directory.
    #[arg(long, value_enum)]
    pub(crate) layout: Option<LayoutArg>,
    /// Make the PDF a print interior for this printer (trim size, bleed,
    /// gutter, PDF/X), with a full-wrap cover beside it as
    /// `<name>-cover.pdf`; `print` is printer-neutral. Also `[print]
    /// target` in book.toml.
    #[arg(long, value_enum, value_name = "PRINTER")]
    pub(crate) target: Option<TargetArg>,
    /// Crop marks outside the bleed of print pages.
    #[arg(long)]
    pub(crate) crop_marks: bool,
    /// For characters the book's fonts lack, look among the fonts
    /// installed on this machine (the default; each font taken is named in
    /// a `font-fallback` warning).
    #[arg(long, overrides_with = "no_system_fonts")]
    pub(crate) system_fonts: bool,
    /// Use only the book's own fonts and Quire's: the same bytes on every
    /// machine, and a `glyph-missing` error for what they cannot draw.
    /// Also `[fonts] system = false`.
    #[arg(long, overrides_with = "system_fonts")]
    pub(crate) no_system_fonts: bool,
    /// Say more: each stage's time and peak memory, the files each book
    /// reads.
    #[arg(short, long)]
    pub(crate) verbose: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum TargetArg {
    Kdp,
    Ingram,
    Lulu,
    Print,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
pub(crate) enum LayoutArg {
    Article,
    Book,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum Format {
    Epub,
    Pdf,
}

impl From<Format> for crate::pipeline::Format {
    fn from(f: Format) -> Self {
        match f {
            Format::Epub => crate::pipeline::Format::Epub,
            Format::Pdf => crate::pipeline::Format::Pdf,
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct BuildArgs {
    #[command(flatten)]
    pub(crate) titles: Titles,
    #[command(flatten)]
    pub(crate) out: OutArgs,
    /// Also write the resolved document model as JSON to FILE (one input only).
    #[arg(long, value_name = "FILE")]
    pub(crate) emit: Option<PathBuf>,
    #[command(flatten)]
    pub(crate) common: Common,
}

/// What `build`, `check` and `watch` share.
#[derive(Debug, Args)]
pub(crate) struct Common {
    #[command(flatten)]
    pub(crate) formats: Formats,
    /// Neither use nor fill the cache of converted images and generated
    /// covers (`$XDG_CACHE_HOME/quire`).
    #[arg(long)]
    pub(crate) no_cache: bool,
    #[command(flatten)]
    pub(crate) report: ReportArgs,
    #[command(flatten)]
    pub(crate) meta: MetaArgs,
}

impl Common {
    /// Settles what applies to the whole run: the cache, the timings.
    pub(crate) fn start(&self) {
        if self.no_cache {
            crate::cache::disable();
        }
        if self.meta.verbose {
            crate::timing::enable();
        }
    }
}

/// Where outputs go.
#[derive(Debug, Args)]
pub(crate) struct OutArgs {
    /// Directory for the outputs, created if missing; each is named after
    /// its input (`notes.md` → `notes.epub`; `mybook/` → `mybook.epub`).
    /// Default: `[build] out-dir` in book.toml, else `dist`.
    #[arg(short, long = "out-dir", value_name = "DIR")]
    pub(crate) out_dir: Option<PathBuf>,
    /// The output file itself, for one input and one format (taken from
    /// FILE's extension, .epub or .pdf, unless --to names it).
    #[arg(long, value_name = "FILE", conflicts_with = "out_dir")]
    pub(crate) output: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub(crate) struct CheckArgs {
    #[command(flatten)]
    pub(crate) titles: Titles,
    #[command(flatten)]
    pub(crate) common: Common,
}

#[derive(Debug, Args)]
pub(crate) struct Formats {
    /// Formats to build (or check), comma-separated: `--to epub`,
    /// `--to epub,pdf`; both by default.
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FORMATS")]
    pub(crate) to: Vec<Format>,
}

impl Formats {
    /// The formats asked for, both when none is.
    pub(crate) fn chosen(&self) -> Vec<crate::pipeline::Format> {
        if self.to.is_empty() {
            crate::pipeline::Settings::default().formats
        } else {
            let mut f: Vec<crate::pipeline::Format> = Vec::new();
            for &x in &self.to {
                if !f.contains(&x.into()) {
                    f.push(x.into());
                }
            }
            f
        }
    }
}

#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// How to print the problems found: `human` (on standard error) or
    /// `json` (one report on standard output; see the README for its schema).
    #[arg(long, value_enum, default_value = "human")]
    pub(crate) format: ReportFormat,
    /// Treat warnings as errors: exit with status 1 and write nothing.
    #[arg(long)]
    pub(crate) deny_warnings: bool,
    /// Print only errors: no warnings, no progress, no `built` lines.
    #[arg(short, long, conflicts_with = "verbose")]
    pub(crate) quiet: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum ReportFormat {
    Human,
    Json,
}

#[derive(Debug, Args)]
pub(crate) struct NewArgs {
    /// Directory to create (it must not exist, or be empty).
    #[arg(value_name = "DIR")]
    pub(crate) dir: PathBuf,
}

/// Exit statuses: the contract scripts rely on.
pub const EXIT_OK: i32 = 0;

impl MetaArgs {
    pub(crate) fn overrides(&self) -> Overrides {
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
            system_fonts: match (self.system_fonts, self.no_system_fonts) {
                (_, true) => Some(false),
                (true, _) => Some(true),
                _ => None,
            },
        }
    }
}
