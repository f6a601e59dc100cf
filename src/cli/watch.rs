//! `quire watch`: build, then build again whenever a file the book uses
//! changes — its manuscripts, book.toml, pictures, fonts and stylesheet,
//! the files the model says it read, not a whole-directory scan. Changes
//! are gathered for a moment (an editor's save is often several writes)
//! before the rebuild. A rebuild with errors writes nothing, so the last
//! good outputs stay in place.
//!
//! With `--serve`, a reading preview is served on 127.0.0.1 (or the
//! address given): the EPUB's chapters as the reading system gets them,
//! and the PDF. Its pages ask the server every half second whether a
//! newer build exists, and reload when one does.

use super::{Common, Job, OutArgs};
use crate::diagnostics::display_path;
use clap::Args;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[derive(Debug, Args)]
pub struct WatchArgs {
    /// A manuscript or book directory; none: the book in the current
    /// directory.
    #[arg(value_name = "INPUT")]
    input: Option<PathBuf>,
    /// Also serve a reading preview that reloads after each rebuild, at
    /// ADDR (`127.0.0.1:3000` when none is given; a bare port is on
    /// 127.0.0.1).
    #[arg(long, value_name = "ADDR", num_args = 0..=1, default_missing_value = "127.0.0.1:3000")]
    serve: Option<String>,
    #[command(flatten)]
    out: OutArgs,
    #[command(flatten)]
    common: Common,
}

/// How long to wait after a change for the writes that follow it.
const SETTLE: Duration = Duration::from_millis(150);

pub fn run(args: WatchArgs) -> i32 {
    args.common.start();
    let c = &args.common;
    let title = match super::watched_title(
        args.input.as_deref(),
        &c.formats,
        &c.meta,
        &args.out,
        &c.report,
    ) {
        Ok(t) => t,
        Err(status) => return status,
    };
    let job = Job {
        out_dir: args.out.out_dir.clone(),
        output: args.out.output.clone(),
        emit: None,
        deny_warnings: c.report.deny_warnings,
        verbose: c.meta.verbose,
    };
    let preview = Arc::new(Mutex::new(Preview::default()));
    if let Some(addr) = &args.serve {
        match serve(addr, preview.clone()) {
            Ok(url) => eprintln!("serving a preview at {url}"),
            Err(msg) => return super::usage_error(&msg),
        }
    }
    let (tx, rx) = std::sync::mpsc::channel();
    let mut watcher = match notify::recommended_watcher(tx) {
        Ok(w) => w,
        Err(e) => {
            eprintln!("error: cannot watch files: {e}");
            return super::EXIT_INTERNAL;
        }
    };
    let mut watching: BTreeSet<PathBuf> = BTreeSet::new();
    loop {
        let started = Instant::now();
        let done = super::build_title(&title, &job);
        let ok = !done.outputs.is_empty();
        super::print_round(&done, &c.report);
        if ok {
            let mut p = preview.lock().unwrap_or_else(|e| e.into_inner());
            for o in &done.outputs {
                match o.format {
                    "epub" => p.epub = Some(PathBuf::from(&o.file)),
                    "pdf" => p.pdf = Some(PathBuf::from(&o.file)),
                    _ => {}
                }
            }
            p.version += 1;
        }
        // What to watch: the files read (the input among them), and every
        // file a diagnostic points at (a chapter with an error may be all
        // there is).
        let mut files: BTreeSet<PathBuf> = done.reads.iter().cloned().collect();
        for d in done.diagnostics.items() {
            if let Ok(real) = std::fs::canonicalize(&d.location.file) {
                files.insert(real);
            }
        }
        let dirs: BTreeSet<PathBuf> = files
            .iter()
            .filter_map(|f| f.parent().map(Path::to_path_buf))
            .collect();
        for d in &dirs {
            if !watching.contains(d)
                && notify::Watcher::watch(&mut watcher, d, notify::RecursiveMode::NonRecursive)
                    .is_ok()
            {
                watching.insert(d.clone());
            }
        }
        if !c.report.quiet {
            eprintln!(
                "{} in {:.2} s; watching {} files (Ctrl-C to stop)",
                if ok { "built" } else { "not built" },
                started.elapsed().as_secs_f64(),
                files.len()
            );
        }
        // A new file in the book's directory matters while the book
        // cannot be built: it may be the picture or chapter that was
        // missing.
        let roots: Vec<PathBuf> = if ok {
            Vec::new()
        } else {
            dirs.iter().cloned().collect()
        };
        wait_for_change(&rx, &files, &roots);
    }
}

/// Blocks until a watched file changes (or a file appears in one of
/// `roots`), then until the changes settle.
fn wait_for_change(
    rx: &std::sync::mpsc::Receiver<notify::Result<notify::Event>>,
    files: &BTreeSet<PathBuf>,
    roots: &[PathBuf],
) {
    let relevant = |event: &notify::Event| {
        use notify::EventKind::*;
        if matches!(event.kind, Access(_)) {
            return false;
        }
        event.paths.iter().any(|p| {
            files.contains(p)
                || std::fs::canonicalize(p).is_ok_and(|r| files.contains(&r))
                || (matches!(
                    event.kind,
                    Create(_) | Modify(notify::event::ModifyKind::Name(_))
                ) && p.parent().is_some_and(|d| roots.iter().any(|r| r == d)))
        })
    };
    loop {
        match rx.recv() {
            Ok(Ok(event)) if relevant(&event) => break,
            Ok(_) => {}
            Err(_) => return,
        }
    }
    // Let the burst of writes end.
    while rx.recv_timeout(SETTLE).is_ok() {}
}

/// What the preview shows: the newest good outputs.
#[derive(Default)]
struct Preview {
    version: u64,
    epub: Option<PathBuf>,
    pdf: Option<PathBuf>,
}

/// Starts the preview server on its own thread; returns its address.
fn serve(addr: &str, preview: Arc<Mutex<Preview>>) -> Result<String, String> {
    let addr = if addr.chars().all(|c| c.is_ascii_digit()) {
        format!("127.0.0.1:{addr}")
    } else {
        addr.to_string()
    };
    let server = tiny_http::Server::http(&addr)
        .map_err(|e| format!("--serve {addr}: cannot listen there: {e}"))?;
    let url = match server.server_addr().to_ip() {
        Some(ip) => format!("http://{ip}/"),
        None => format!("http://{addr}/"),
    };
    std::thread::spawn(move || {
        for request in server.incoming_requests() {
            let (status, kind, body) = respond(request.url(), &preview);
            let header = tiny_http::Header::from_bytes(&b"Content-Type"[..], kind.as_bytes())
                .expect("a content type is a valid header");
            let no_store = tiny_http::Header::from_bytes(&b"Cache-Control"[..], &b"no-store"[..])
                .expect("a cache header is valid");
            let response = tiny_http::Response::from_data(body)
                .with_status_code(status)
                .with_header(header)
                .with_header(no_store);
            let _ = request.respond(response);
        }
    });
    Ok(url)
}

/// The script that reloads a page when a newer build exists.
fn reloader(version: u64) -> String {
    format!(
        "<script>//<![CDATA[\nsetInterval(function(){{fetch('/version').then(function(r){{return r.text()}})\
.then(function(v){{if(v.trim()!=='{version}')location.reload()}}).catch(function(){{}})}},500);\n//]]></script>"
    )
}

fn respond(url: &str, preview: &Mutex<Preview>) -> (u16, String, Vec<u8>) {
    let (version, epub, pdf) = {
        let p = preview.lock().unwrap_or_else(|e| e.into_inner());
        (p.version, p.epub.clone(), p.pdf.clone())
    };
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = percent_decode(path);
    let not_found = || {
        (
            404,
            "text/plain; charset=utf-8".to_string(),
            b"not found".to_vec(),
        )
    };
    match path.as_str() {
        "/version" => (200, "text/plain".into(), version.to_string().into_bytes()),
        "/" => (
            200,
            "text/html; charset=utf-8".into(),
            index(version, epub.as_deref(), pdf.as_deref()).into_bytes(),
        ),
        "/book.pdf" => match pdf.and_then(|p| std::fs::read(p).ok()) {
            Some(bytes) => (200, "application/pdf".into(), bytes),
            None => not_found(),
        },
        p if p.starts_with("/epub/") => {
            let Some(bytes) = epub.and_then(|e| std::fs::read(e).ok()) else {
                return not_found();
            };
            let name = &p["/epub/".len()..];
            let Some(mut data) = epub_entry(&bytes, name) else {
                return not_found();
            };
            let kind = media_type(name);
            if kind.starts_with("application/xhtml+xml")
                && let Ok(text) = std::str::from_utf8(&data)
                && let Some(at) = text.rfind("</body>")
            {
                let mut t = text.to_string();
                t.insert_str(at, &reloader(version));
                data = t.into_bytes();
            }
            (200, kind.to_string(), data)
        }
        _ => not_found(),
    }
}

fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s)
        .decode_utf8_lossy()
        .into_owned()
}

fn media_type(name: &str) -> &'static str {
    let ext = name.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xhtml" | "html" => "application/xhtml+xml; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "opf" | "xml" | "ncx" => "application/xml",
        _ => "application/octet-stream",
    }
}

/// One file of the EPUB, by its path in the archive.
fn epub_entry(epub: &[u8], name: &str) -> Option<Vec<u8>> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(epub)).ok()?;
    let mut file = zip.by_name(name).ok()?;
    let mut data = Vec::new();
    file.read_to_end(&mut data).ok()?;
    Some(data)
}

/// The EPUB's chapters in reading order, as paths in the archive, with
/// their titles from the navigation document when it names them.
fn spine(epub: &[u8]) -> Vec<(String, Option<String>)> {
    let Some(container) = epub_entry(epub, "META-INF/container.xml") else {
        return Vec::new();
    };
    let Ok(container) = String::from_utf8(container) else {
        return Vec::new();
    };
    let Ok(doc) = roxmltree::Document::parse(&container) else {
        return Vec::new();
    };
    let Some(opf_path) = doc
        .descendants()
        .find(|n| n.has_tag_name("rootfile"))
        .and_then(|n| n.attribute("full-path"))
    else {
        return Vec::new();
    };
    let base = opf_path.rsplit_once('/').map_or("", |(d, _)| d);
    let Some(opf) = epub_entry(epub, opf_path).and_then(|b| String::from_utf8(b).ok()) else {
        return Vec::new();
    };
    let Ok(doc) = roxmltree::Document::parse(&opf) else {
        return Vec::new();
    };
    let hrefs: std::collections::HashMap<&str, &str> = doc
        .descendants()
        .filter(|n| n.has_tag_name("item"))
        .filter_map(|n| Some((n.attribute("id")?, n.attribute("href")?)))
        .collect();
    let in_zip = |h: &str| {
        if base.is_empty() {
            h.to_string()
        } else {
            format!("{base}/{h}")
        }
    };
    // The navigation document's titles, by the file they point at.
    let mut titles: std::collections::HashMap<String, String> = Default::default();
    let nav = doc
        .descendants()
        .find(|n| {
            n.has_tag_name("item")
                && n.attribute("properties")
                    .is_some_and(|p| p.split_whitespace().any(|w| w == "nav"))
        })
        .and_then(|n| n.attribute("href"))
        .and_then(|h| epub_entry(epub, &in_zip(h)))
        .and_then(|b| String::from_utf8(b).ok());
    if let Some(nav) = nav
        && let Ok(nav) = roxmltree::Document::parse_with_options(
            &nav,
            roxmltree::ParsingOptions {
                allow_dtd: true,
                ..Default::default()
            },
        )
    {
        for a in nav.descendants().filter(|n| n.has_tag_name("a")) {
            if let Some(href) = a.attribute("href") {
                let file = href.split('#').next().unwrap_or(href);
                let text: String = a
                    .descendants()
                    .filter(|t| t.is_text())
                    .filter_map(|t| t.text())
                    .collect();
                titles.entry(in_zip(file)).or_insert(text);
            }
        }
    }
    doc.descendants()
        .filter(|n| n.has_tag_name("itemref"))
        .filter_map(|n| hrefs.get(n.attribute("idref")?))
        .map(|h| {
            let path = in_zip(h);
            let title = titles.get(&path).cloned();
            (path, title)
        })
        .collect()
}

fn index(version: u64, epub: Option<&Path>, pdf: Option<&Path>) -> String {
    let mut body = String::new();
    match epub.and_then(|e| std::fs::read(e).ok()) {
        Some(bytes) => {
            body.push_str(&format!(
                "<h2>EPUB <small>{}</small></h2><ol>",
                crate::xml::escape(&display_path(epub.unwrap_or(Path::new(""))))
            ));
            for (href, title) in spine(&bytes) {
                let name = title.unwrap_or_else(|| href.rsplit('/').next().unwrap_or(&href).into());
                body.push_str(&format!(
                    "<li><a href=\"/epub/{0}\">{1}</a></li>",
                    crate::xml::escape(&href),
                    crate::xml::escape(&name)
                ));
            }
            body.push_str("</ol>");
        }
        None => body.push_str("<p>No EPUB built yet.</p>"),
    }
    if let Some(pdf) = pdf {
        body.push_str(&format!(
            "<h2>PDF <small>{}</small></h2><p><a href=\"/book.pdf\">Open the PDF</a></p>",
            crate::xml::escape(&display_path(pdf))
        ));
    }
    format!(
        "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Quire preview</title></head>\
<body><h1>Quire preview</h1><p>Build {version}; this page reloads after each rebuild.</p>{body}{}</body></html>\n",
        reloader(version)
    )
}
