//! The everyday workflow: `watch` and its preview, progress and quiet
//! output, naming outputs, building the book in the current directory,
//! shell completions and the manual, catalogues in parallel and in shards.

mod common;
use common::*;
use std::io::{BufRead, Read, Write};
use std::path::Path;
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn png(w: u32, h: u32, shade: u8) -> Vec<u8> {
    let img = image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([shade, (x % 256) as u8, (y % 256) as u8])
    });
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(img)
        .write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

fn small_book() -> tempfile::TempDir {
    project(&[
        (
            "book.toml",
            b"chapters = [\"one.md\", \"two.md\"]\n[book]\ntitle = \"First Title\"\nauthors = [\"A. Writer\"]\n",
        ),
        (
            "one.md",
            b"# One\n\nThe first chapter begins here.\n\n![A plate](plate.png)\n",
        ),
        ("two.md", b"# Two\n\nThe second chapter.\n"),
        ("plate.png", &png(120, 80, 10)),
    ])
}

/// A plain HTTP GET on 127.0.0.1: status and body.
fn get(addr: &str, path: &str) -> (u16, String) {
    let mut s = std::net::TcpStream::connect(addr).expect("the preview server answers");
    s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map_or("", |b| b.1).to_string();
    (status, body)
}

/// The watcher's standard error, a line at a time.
struct Watcher {
    child: std::process::Child,
    lines: mpsc::Receiver<String>,
    seen: Vec<String>,
}

impl Watcher {
    /// Waits for the next round's closing line (`built in …` or `not
    /// built in …`), at most `within`.
    fn round(&mut self, within: Duration) -> (String, Duration) {
        let start = Instant::now();
        loop {
            let left = within.saturating_sub(start.elapsed());
            match self.lines.recv_timeout(left) {
                Ok(line) => {
                    self.seen.push(line.clone());
                    if line.contains(" in ") && line.contains("watching") {
                        return (line, start.elapsed());
                    }
                }
                Err(_) => panic!(
                    "no rebuild within {within:?}; the watcher said:\n{}",
                    self.seen.join("\n")
                ),
            }
        }
    }
}

impl Drop for Watcher {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn epub_text(epub: &Path) -> String {
    epub_file(epub, "OEBPS/ch01.xhtml") + &epub_file(epub, "OEBPS/title.xhtml")
}

/// Writes a file the way an editor does: to a new file, renamed over the
/// old one.
fn save(path: &Path, data: &[u8]) {
    let tmp = path.with_extension("swp");
    std::fs::write(&tmp, data).unwrap();
    std::fs::rename(&tmp, path).unwrap();
}

#[test]
fn watch_rebuilds_what_the_book_uses_and_serves_a_preview() {
    let dir = small_book();
    let out = dir.path().join("out");
    let mut child = quire()
        .arg("watch")
        .arg(dir.path())
        .arg("-o")
        .arg(&out)
        .args(["--serve", "127.0.0.1:0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("quire watch starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufReader::new(stderr)
            .lines()
            .map_while(Result::ok)
        {
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let mut w = Watcher {
        child,
        lines: rx,
        seen: Vec::new(),
    };
    let (line, _) = w.round(Duration::from_secs(60));
    assert!(line.starts_with("built in"), "{line}");
    let serving = w
        .seen
        .iter()
        .find_map(|l| l.strip_prefix("serving a preview at http://"))
        .expect("the address is printed")
        .trim_end_matches('/')
        .to_string();
    assert!(serving.starts_with("127.0.0.1:"), "{serving}");
    let epub = out.join(format!("{}.epub", dir_name(dir.path())));
    let pdf = out.join(format!("{}.pdf", dir_name(dir.path())));
    assert!(epub_text(&epub).contains("The first chapter begins here."));

    let (status, index) = get(&serving, "/");
    assert_eq!(status, 200);
    assert!(
        index.contains("First Title") || index.contains("One"),
        "{index}"
    );
    let (status, chapter) = get(&serving, "/epub/OEBPS/ch01.xhtml");
    assert_eq!(status, 200);
    assert!(chapter.contains("The first chapter begins here."));
    assert!(chapter.contains("/version"), "the page polls for rebuilds");
    let (_, version) = get(&serving, "/version");
    assert_eq!(version.trim(), "1");

    // A chapter changes.
    std::fs::write(
        dir.path().join("one.md"),
        "# One\n\nThe first chapter now says something else.\n\n![A plate](plate.png)\n",
    )
    .unwrap();
    let (line, _) = w.round(Duration::from_secs(10));
    assert!(line.starts_with("built in"), "{line}");
    assert!(epub_text(&epub).contains("now says something else"));
    let (_, chapter) = get(&serving, "/epub/OEBPS/ch01.xhtml");
    assert!(chapter.contains("now says something else"), "{chapter}");
    assert_eq!(get(&serving, "/version").1.trim(), "2");

    // The picture changes (saved as editors save, by rename).
    let before = std::fs::read(&pdf).unwrap();
    save(&dir.path().join("plate.png"), &png(300, 200, 200));
    let (line, _) = w.round(Duration::from_secs(10));
    assert!(line.starts_with("built in"), "{line}");
    let images = tool_text(
        "pdfimages",
        &[std::ffi::OsStr::new("-list"), pdf.as_os_str()],
    );
    assert!(images.contains("  300   200 "), "{images}");
    assert_ne!(before, std::fs::read(&pdf).unwrap());
    // One edit, one rebuild: the preview counts good builds.
    assert_eq!(get(&serving, "/version").1.trim(), "3");

    // book.toml changes.
    std::fs::write(
        dir.path().join("book.toml"),
        "chapters = [\"one.md\", \"two.md\"]\n[book]\ntitle = \"Second Title\"\nauthors = [\"A. Writer\"]\n",
    )
    .unwrap();
    let (line, _) = w.round(Duration::from_secs(10));
    assert!(line.starts_with("built in"), "{line}");
    assert!(epub_text(&epub).contains("Second Title"));
    assert_eq!(get(&serving, "/version").1.trim(), "4");

    // An edit that breaks the book: reported, and the last good outputs
    // stay as they were.
    let (good_epub, good_pdf) = (std::fs::read(&epub).unwrap(), std::fs::read(&pdf).unwrap());
    std::fs::write(
        dir.path().join("two.md"),
        "# Two\n\nThe second chapter.\n\n![Gone](missing.png)\n",
    )
    .unwrap();
    let (line, _) = w.round(Duration::from_secs(10));
    assert!(line.starts_with("not built in"), "{line}");
    assert!(
        w.seen
            .iter()
            .any(|l| l.contains("two.md:5:1") && l.contains("image-missing")),
        "{}",
        w.seen.join("\n")
    );
    assert_eq!(std::fs::read(&epub).unwrap(), good_epub);
    assert_eq!(std::fs::read(&pdf).unwrap(), good_pdf);
    assert_eq!(
        get(&serving, "/version").1.trim(),
        "4",
        "a failed build is not served"
    );

    // The missing picture appears: the book builds again.
    std::fs::write(dir.path().join("missing.png"), png(50, 50, 90)).unwrap();
    let (line, _) = w.round(Duration::from_secs(10));
    assert!(line.starts_with("built in"), "{line}");
}

fn dir_name(p: &Path) -> String {
    std::fs::canonicalize(p)
        .unwrap()
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_preview_listens_only_where_it_is_told() {
    let dir = small_book();
    // Taken by someone else: a clear error, exit 2.
    let busy = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = busy.local_addr().unwrap().to_string();
    let r = run(quire()
        .arg("watch")
        .arg(dir.path())
        .args(["--serve", &addr])
        .arg("-o")
        .arg(dir.path().join("out")));
    assert_eq!(r.status, 2, "{}", r.stderr);
    assert!(r.stderr.contains("cannot listen there"), "{}", r.stderr);
}

#[test]
fn progress_only_on_a_terminal_and_quiet_means_quiet() {
    let dir = small_book();
    // Not a terminal: no progress, just the outcome.
    let r = run(quire()
        .env("QUIRE_PROGRESS_AFTER_MS", "0")
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(dir.path().join("a")));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        !r.stderr.contains("typesetting") && !r.stderr.contains('\r'),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("built "));

    // --quiet on a clean build: nothing at all.
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .arg("-q")
        .arg("-o")
        .arg(dir.path().join("b")));
    assert_eq!(r.status, 0);
    assert_eq!(r.stderr, "");
    assert_eq!(r.stdout, "");
    // … but errors still show.
    std::fs::write(dir.path().join("two.md"), "# Two\n\n![Gone](gone.png)\n").unwrap();
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .arg("--quiet")
        .arg("-o")
        .arg(dir.path().join("c")));
    assert_eq!(r.status, 1);
    assert!(r.stderr.contains("image-missing"), "{}", r.stderr);
    std::fs::write(dir.path().join("two.md"), "# Two\n\nThe second chapter.\n").unwrap();

    // Under a pseudo-terminal (`script`), the stages are shown.
    let cmd = format!(
        "QUIRE_PROGRESS_AFTER_MS=0 {} build '{}' --no-cache -o '{}'",
        env!("CARGO_BIN_EXE_quire"),
        dir.path().display(),
        dir.path().join("d").display()
    );
    let out = std::process::Command::new("script")
        .args(["-qec", &cmd, "/dev/null"])
        .output()
        .expect("script (util-linux) runs");
    let shown = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{shown}");
    assert!(
        ["reading", "pictures", "typesetting", "writing the PDF"]
            .iter()
            .any(|s| shown.contains(s)),
        "no progress under a terminal:\n{shown}"
    );
    assert!(shown.contains("built "), "{shown}");
}

#[test]
fn outputs_can_be_named_and_a_book_sets_its_own_directory() {
    let dir = small_book();
    // --output names the file; the format is its extension.
    let file = dir.path().join("elsewhere/The Book.pdf");
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .arg("--output")
        .arg(&file));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(file.is_file());
    assert_eq!(listing(&dir.path().join("elsewhere")), vec!["The Book.pdf"]);
    // Two formats and one name: refused, nothing built.
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .args(["--to", "epub,pdf", "--output"])
        .arg(dir.path().join("x.pdf")));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("names one file"), "{}", r.stderr);
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .arg("--output")
        .arg(dir.path().join("x")));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains(".epub or .pdf"), "{}", r.stderr);

    // `[build] out-dir` is relative to the book, wherever quire runs.
    let toml = std::fs::read_to_string(dir.path().join("book.toml")).unwrap();
    std::fs::write(
        dir.path().join("book.toml"),
        format!("{toml}\n[build]\nout-dir = \"release\"\n"),
    )
    .unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let r = run(quire()
        .current_dir(elsewhere.path())
        .arg("build")
        .arg(dir.path()));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let name = dir_name(dir.path());
    assert_eq!(
        listing(&dir.path().join("release")),
        vec![format!("{name}.epub"), format!("{name}.pdf")]
    );
    assert!(!elsewhere.path().join("dist").exists());
    // -o still wins.
    let r = run(quire()
        .arg("build")
        .arg(dir.path())
        .arg("-o")
        .arg(elsewhere.path().join("o")));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(listing(&elsewhere.path().join("o")).len(), 2);

    // No INPUT: the book in the current directory.
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "--to", "epub"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains(&format!("release/{name}.epub")),
        "{}",
        r.stderr
    );
    let r = run(quire().current_dir(dir.path()).arg("check"));
    assert_eq!(r.status, 0, "{}", r.stderr);
    // … and where there is no book, a clear error.
    let r = run(quire().current_dir(elsewhere.path()).arg("build"));
    assert_eq!(r.status, 2);
    assert!(
        r.stderr.contains("no book.toml in the current directory"),
        "{}",
        r.stderr
    );
}

#[test]
fn completions_and_the_manual_come_from_the_command_line_itself() {
    let r = run(quire().args(["completions", "bash"]));
    assert_eq!(r.status, 0);
    let script = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(script.path(), &r.stdout).unwrap();
    let check = std::process::Command::new("bash")
        .arg("-n")
        .arg(script.path())
        .output()
        .unwrap();
    assert!(
        check.status.success(),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    for word in ["build", "watch", "--catalogue", "--shard", "--out-dir"] {
        assert!(r.stdout.contains(word), "{word} not completed");
    }
    for shell in ["zsh", "fish", "powershell"] {
        let r = run(quire().args(["completions", shell]));
        assert_eq!(r.status, 0, "{shell}");
        assert!(r.stdout.contains("quire"), "{shell}");
    }
    let r = run(quire().arg("manual"));
    assert_eq!(r.status, 0);
    assert!(r.stdout.contains(".TH quire 1"), "{}", r.stdout);
    let dir = tempfile::tempdir().unwrap();
    let r = run(quire().arg("manual").arg(dir.path()));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = std::fs::read_to_string(dir.path().join("quire-build.1")).unwrap();
    assert!(page.contains("catalogue") && page.contains("shard"));
    // The page is valid roff: man renders it.
    let shown = std::process::Command::new("man")
        .arg("-l")
        .arg(dir.path().join("quire-build.1"))
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "80")
        .output()
        .expect("man renders the page");
    let text = String::from_utf8_lossy(&shown.stdout);
    assert!(text.contains("--out-dir"), "{text}");
}

/// A catalogue of `n` small manuscripts, listed in `list.txt`.
fn catalogue(n: usize) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let mut list = String::from("# the spring list\n");
    for i in 1..=n {
        std::fs::write(
            dir.path().join(format!("t{i:02}.md")),
            format!("---\ntitle: Title {i}\nauthor: A. Writer\n---\n\nThe text of title {i}.\n"),
        )
        .unwrap();
        list.push_str(&format!("t{i:02}.md\n"));
    }
    std::fs::write(dir.path().join("list.txt"), list).unwrap();
    dir
}

#[test]
fn two_shards_of_a_catalogue_build_each_title_exactly_once() {
    let dir = catalogue(20);
    let list = dir.path().join("list.txt");
    let mut built: Vec<String> = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = dir.path().join(shard.replace('/', "-of-"));
        let r = run(quire()
            .arg("build")
            .arg("--catalogue")
            .arg(&list)
            .args([
                "--shard", shard, "--to", "pdf", "--format", "json", "-j", "2", "-o",
            ])
            .arg(&out));
        assert_eq!(r.status, 0, "{}", r.stderr);
        let report: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
        let titles = report["titles"].as_array().unwrap();
        assert_eq!(titles.len(), 10);
        assert!(titles.iter().all(|t| t["built"] == true && t["pages"] == 1));
        let files = listing(&out);
        assert_eq!(files.len(), 10);
        built.extend(files);
    }
    built.sort();
    let all: Vec<String> = (1..=20).map(|i| format!("t{i:02}.pdf")).collect();
    assert_eq!(built, all, "every title once, none twice");
    assert!(run(quire().args(["build", "--shard", "3/2", "x.md"])).status == 2);
}

#[test]
fn a_catalogue_builds_every_title_it_can_and_says_which_failed() {
    let dir = catalogue(4);
    std::fs::write(
        dir.path().join("t03.md"),
        "---\ntitle: Broken\n---\n\n![Gone](gone.png)\n",
    )
    .unwrap();
    std::fs::write(
        dir.path().join("list.toml"),
        "[[title]]\ninput = \"t01.md\"\ntitle = \"Renamed\"\nto = [\"epub\"]\n\n\
         [[title]]\ninput = \"t02.md\"\n\n[[title]]\ninput = \"t03.md\"\n\n\
         [[title]]\ninput = \"nowhere.md\"\n\n[[title]]\ninput = \"t04.md\"\n",
    )
    .unwrap();
    let out = dir.path().join("out");
    let r = run(quire()
        .arg("build")
        .arg("--catalogue")
        .arg(dir.path().join("list.toml"))
        .arg("-o")
        .arg(&out));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert_eq!(
        listing(&out),
        vec!["t01.epub", "t02.epub", "t02.pdf", "t04.epub", "t04.pdf"]
    );
    assert!(epub_file(&out.join("t01.epub"), "OEBPS/content.opf").contains("Renamed"));
    // The failures, each where it is.
    assert!(r.stderr.contains("t03.md:5:1: error"), "{}", r.stderr);
    assert!(
        r.stderr.contains("list.toml:12:1: error: `nowhere.md`"),
        "{}",
        r.stderr
    );
    // The summary: a row per title.
    assert!(r.stderr.contains("3 of 5 titles built"), "{}", r.stderr);
    let row = r.stderr.lines().find(|l| l.contains("Renamed")).unwrap();
    assert!(row.contains("epub ") && !row.contains("not built"), "{row}");
    // A catalogue that is not one: the command line cannot be run.
    std::fs::write(
        dir.path().join("bad.toml"),
        "[[title]]\nfile = \"t01.md\"\n",
    )
    .unwrap();
    let r = run(quire()
        .arg("build")
        .arg("--catalogue")
        .arg(dir.path().join("bad.toml")));
    assert_eq!(r.status, 2);
    assert!(r.stderr.contains("bad.toml:2:1: error"), "{}", r.stderr);
}
