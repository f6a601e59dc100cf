//! Word manuscripts (`.docx`): the document's paragraphs, runs, notes,
//! lists and tables read into the same blocks a Markdown manuscript
//! gives, its core properties into the metadata.
//!
//! A `.docx` is a zip of XML parts. Each part is read whole, within
//! bounds (the archive's size, each part's uncompressed size, the
//! nesting of tables), and parsed without DTDs, so that neither a zip
//! bomb nor an entity expansion gets far. A Word file has no lines: a
//! block's "line" is its paragraph's number in the document (body
//! paragraphs, table cells included, counted from 1), and messages quote
//! the paragraph's first words.
//!
//! What Word means and Quire carries: headings from the paragraph style
//! (Heading 1…, or a style whose outline level is set, or one based on
//! such a style), Title and Subtitle as the title and subtitle; italic,
//! bold, superscript and subscript, strike-through, underline and small
//! capitals; footnotes and endnotes (both as notes); bulleted and
//! numbered lists from the numbering part, nested by level; tables;
//! hyperlinks, bookmarks and links to them; a paragraph of `*`, `#` or an
//! ornament alone as a scene break; quotation and code styles. Tracked
//! changes are taken as accepted (insertions kept, deletions dropped) and
//! comments dropped, each with a warning that counts them; what cannot be
//! carried (linked pictures, charts, a Word table of contents) is named
//! in a warning. Pictures inside the file become figures (with the
//! caption paragraph after them) or inline images, with their `descr` as
//! alt text.

use crate::diagnostics::{Code, Diagnostics, Location};
use crate::model::metadata::{MetaInput, OneOrMany, PersonInput};
use crate::model::{Align, Block, BlockKind, Inline, LinkTarget, ListItem, NoteDef, Pos, SpanKind};
use roxmltree::Node;
use std::collections::{BTreeMap, HashMap};
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

/// The WordprocessingML namespace, the relationships' and the drawing's.
const W: &str = "http://schemas.openxmlformats.org/wordprocessingml/2006/main";
const R: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A Word file read.
pub struct Docx {
    pub meta: MetaInput,
    pub blocks: Vec<Block>,
    pub notes: BTreeMap<String, NoteDef>,
}

/// Reads the Word file `path` (its bytes `data`). Problems go to `diags`;
/// `None` when the file cannot be read at all.
pub fn read(path: &Path, data: &[u8], own: &StyleMap, diags: &mut Diagnostics) -> Option<Docx> {
    let at = Location::file(path);
    let fail = |diags: &mut Diagnostics, msg: String, help: &str| {
        diags.push(
            crate::diagnostics::Diagnostic::error(Code::DocxInvalid, at.clone(), msg).help(help),
        );
        None
    };
    if data.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return fail(
            diags,
            "not a .docx: an encrypted (password-protected) Word file or an old binary .doc".into(),
            "remove the password, or save it from Word as a .docx (Word Document)",
        );
    }
    let mut zip = match zip::ZipArchive::new(std::io::Cursor::new(data)) {
        Ok(z) => z,
        Err(e) => {
            return fail(
                diags,
                format!("not a .docx: it is not a zip archive ({e})"),
                "save it from Word or LibreOffice as a .docx (Word Document)",
            );
        }
    };
    let mut parts = Parts {
        zip: &mut zip,
        total: 0,
    };
    let document = match parts.text("word/document.xml") {
        Ok(Some(t)) => t,
        Ok(None) => {
            return fail(
                diags,
                "not a .docx: it has no word/document.xml".into(),
                "save it from Word or LibreOffice as a .docx (Word Document)",
            );
        }
        Err(e) => return fail(diags, e, "save it again from Word as a .docx"),
    };
    let mut optional = |name: &str, diags: &mut Diagnostics| match parts.text(name) {
        Ok(t) => t,
        Err(e) => {
            diags.push(
                crate::diagnostics::Diagnostic::error(Code::DocxInvalid, at.clone(), e)
                    .help("save it again from Word as a .docx"),
            );
            None
        }
    };
    let styles = optional("word/styles.xml", diags);
    let numbering = optional("word/numbering.xml", diags);
    let footnotes = optional("word/footnotes.xml", diags);
    let endnotes = optional("word/endnotes.xml", diags);
    let rels = optional("word/_rels/document.xml.rels", diags);
    let core = optional("docProps/core.xml", diags);
    let comments = optional("word/comments.xml", diags);
    if diags.has_errors() {
        return None;
    }
    let media = match parts.media() {
        Ok(m) => m,
        Err(e) => return fail(diags, e, "save it again from Word as a .docx"),
    };

    let doc = parse(&at, "word/document.xml", &document, diags)?;
    let styles_doc = parse_part(&at, &styles, "word/styles.xml", diags);
    let numbering_doc = parse_part(&at, &numbering, "word/numbering.xml", diags);
    let foot_doc = parse_part(&at, &footnotes, "word/footnotes.xml", diags);
    let end_doc = parse_part(&at, &endnotes, "word/endnotes.xml", diags);
    let rels_doc = parse_part(&at, &rels, "word/_rels/document.xml.rels", diags);
    let core_doc = parse_part(&at, &core, "docProps/core.xml", diags);
    let comments_doc = parse_part(&at, &comments, "word/comments.xml", diags);
    if diags.has_errors() {
        return None;
    }

    let mut reader = Reader {
        path,
        styles: styles_doc
            .as_ref()
            .map(|d| Styles::read(d, own))
            .unwrap_or_default(),
        lists: numbering_doc.as_ref().map(Lists::read).unwrap_or_default(),
        links: rels_doc.as_ref().map(links).unwrap_or_default(),
        media,
        paragraph: 0,
        firsts: Vec::new(),
        counts: Counts::default(),
        meta: MetaInput::default(),
        diags,
        failed: false,
    };
    let body = child(doc.root_element(), "body");
    let Some(body) = body else {
        reader.diags.push(
            crate::diagnostics::Diagnostic::error(
                Code::DocxInvalid,
                at.clone(),
                "the Word file's document has no body",
            )
            .help("save it again from Word as a .docx"),
        );
        return None;
    };
    let paras = reader.body(body, 0);
    let blocks = reader.assemble(paras);
    let mut notes = BTreeMap::new();
    for (doc, kind, prefix) in [(&foot_doc, "footnote", "fn"), (&end_doc, "endnote", "en")] {
        let Some(d) = doc else { continue };
        for note in d.root_element().children().filter(|n| is(n, kind)) {
            if attr(note, "type").is_some_and(|t| t != "normal") {
                continue; // separators
            }
            let Some(id) = attr(note, "id") else { continue };
            let paras = reader.body(note, 0);
            let line = paras.first().map_or(0, |p| p.line);
            let blocks = reader.assemble(paras);
            notes.insert(format!("{prefix}{id}"), NoteDef { line, blocks });
        }
    }
    if reader.failed {
        return None;
    }
    crate::diagnostics::remember_paragraphs(path, std::mem::take(&mut reader.firsts));
    let comment_count = comments_doc.as_ref().map_or(0, |d| {
        d.root_element()
            .children()
            .filter(|n| is(n, "comment"))
            .count()
    });
    reader.report(comment_count);
    let mut meta = std::mem::take(&mut reader.meta);
    if let Some(core) = &core_doc {
        core_properties(core, &mut meta);
    }
    Some(Docx {
        meta,
        blocks,
        notes,
    })
}

/// A part the file may lack, parsed when it has it.
fn parse_part<'t>(
    at: &Location,
    text: &'t Option<String>,
    name: &str,
    diags: &mut Diagnostics,
) -> Option<roxmltree::Document<'t>> {
    parse(at, name, text.as_deref()?, diags)
}

/// A part parsed as XML, without DTDs and within the node bound.
fn parse<'t>(
    at: &Location,
    name: &str,
    text: &'t str,
    diags: &mut Diagnostics,
) -> Option<roxmltree::Document<'t>> {
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: NODES,
        ..roxmltree::ParsingOptions::default()
    };
    match roxmltree::Document::parse_with_options(text, options) {
        Ok(d) => Some(d),
        Err(e) => {
            let why = match e {
                roxmltree::Error::DtdDetected => {
                    "declares a DTD (entities), which Word files never do".to_string()
                }
                roxmltree::Error::NodesLimitReached => format!("has more than {NODES} XML nodes"),
                e => format!("is not well-formed XML ({e})"),
            };
            diags.push(
                crate::diagnostics::Diagnostic::error(
                    Code::DocxInvalid,
                    at.clone(),
                    format!("the Word file's {name} {why}"),
                )
                .help("save it again from Word as a .docx"),
            );
            None
        }
    }
}

/// The most XML nodes a part may have: a 300,000-word novel is about
/// two million.
const NODES: u32 = 20_000_000;

/// The parts of the archive, each read whole within the bounds.
struct Parts<'z, 'd> {
    zip: &'z mut zip::ZipArchive<std::io::Cursor<&'d [u8]>>,
    /// Bytes read out of the archive so far.
    total: u64,
}

impl Parts<'_, '_> {
    /// The pictures under `word/media/`, by their path there
    /// (`media/image1.png`), each within the image bound and all within
    /// the archive's.
    fn media(&mut self) -> Result<HashMap<String, Arc<[u8]>>, String> {
        let names: Vec<String> = self
            .zip
            .file_names()
            .filter(|n| n.starts_with("word/media/") && !n.ends_with('/'))
            .map(str::to_string)
            .collect();
        let mut out = HashMap::new();
        for name in names {
            let bytes = self
                .bytes(&name, crate::limits::IMAGE_BYTES)?
                .unwrap_or_default();
            out.insert(name["word/".len()..].to_string(), Arc::from(bytes));
        }
        Ok(out)
    }

    /// The part `name` as text, `None` when the archive has no such part.
    fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        let Some(bytes) = self.bytes(name, crate::limits::DOCX_PART_BYTES)? else {
            return Ok(None);
        };
        String::from_utf8(bytes)
            .map(Some)
            .map_err(|_| format!("the Word file's {name} is not UTF-8 XML"))
    }

    /// The part `name` uncompressed, at most `limit` bytes of it and all
    /// the parts read within the archive's bound; `None` when the archive
    /// has no such part.
    fn bytes(&mut self, name: &str, limit: u64) -> Result<Option<Vec<u8>>, String> {
        let mut file = match self.zip.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(e) => return Err(format!("the Word file's {name} cannot be read: {e}")),
        };
        if file.encrypted() {
            return Err(format!("the Word file's {name} is encrypted"));
        }
        // The size the archive claims is not trusted: at most one byte
        // past the limit is read.
        let mut bytes = Vec::with_capacity(file.size().min(limit) as usize);
        (&mut file)
            .take(limit + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("the Word file's {name} cannot be read: {e}"))?;
        self.total += bytes.len() as u64;
        if bytes.len() as u64 > limit || self.total > crate::limits::DOCX_TOTAL_BYTES {
            return Err(format!(
                "the Word file's {name} is larger than Quire reads once uncompressed (over {} MB): a damaged file or a zip bomb",
                limit >> 20
            ));
        }
        Ok(Some(bytes))
    }
}

fn is(n: &Node, name: &str) -> bool {
    n.is_element() && n.tag_name().name() == name
}

fn child<'a, 'i>(n: Node<'a, 'i>, name: &str) -> Option<Node<'a, 'i>> {
    n.children().find(|c| is(c, name))
}

/// An attribute in the w: namespace (or, for the few parts that do
/// not qualify theirs, unqualified).
fn attr<'a>(n: Node<'a, '_>, name: &str) -> Option<&'a str> {
    n.attribute((W, name)).or_else(|| n.attribute(name))
}

/// `<w:b/>`, `<w:b w:val="true"/>`: on; `w:val="0"`/`"false"`/`"none"`: off.
fn on(n: Option<Node>) -> bool {
    n.is_some_and(|n| !matches!(attr(n, "val"), Some("0" | "false" | "off" | "none")))
}

/// The hyperlinks' targets: relationship id → URL.
fn links(d: &roxmltree::Document) -> HashMap<String, String> {
    d.root_element()
        .children()
        .filter(|n| n.is_element())
        .filter_map(|n| {
            Some((
                n.attribute("Id")?.to_string(),
                n.attribute("Target")?.to_string(),
            ))
        })
        .collect()
}

fn core_properties(d: &roxmltree::Document, meta: &mut MetaInput) {
    let text = |name: &str| {
        d.root_element()
            .children()
            .find(|n| n.is_element() && n.tag_name().name() == name)
            .and_then(|n| n.text())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_string)
    };
    if let Some(t) = text("title") {
        meta.title = Some(t);
    }
    if let Some(c) = text("creator") {
        // Word's "Author" field; several are written `A; B`.
        let people: Vec<PersonInput> = c
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| PersonInput::Name(s.to_string()))
            .collect();
        if !people.is_empty() {
            meta.author = Some(OneOrMany::Many(people));
        }
    }
    if let Some(l) = text("language") {
        meta.lang = Some(l);
    }
    if let Some(d) = text("description") {
        meta.description = Some(d);
    }
    if let Some(k) = text("keywords") {
        let subjects: Vec<String> = k
            .split([',', ';'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect();
        if !subjects.is_empty() {
            meta.subjects = Some(OneOrMany::Many(subjects));
        }
    }
}

/// The publisher's own paragraph style names (lower case) and what each
/// means, from `[docx] styles` in book.toml.
pub type StyleMap = HashMap<String, Role>;

/// What `[docx] styles` may say a style is, or why not.
pub fn role_of(value: &str) -> Result<Role, String> {
    let v = value.trim().to_lowercase();
    if let Some(level) = v
        .strip_prefix("heading")
        .map(str::trim)
        .and_then(|l| l.parse::<u8>().ok())
        .filter(|l| (1..=6).contains(l))
    {
        return Ok(Role::Heading(level));
    }
    Ok(match v.as_str() {
        "title" => Role::Title,
        "subtitle" => Role::Subtitle,
        "author" => Role::Author,
        "quote" => Role::Quote,
        "code" => Role::Code,
        "caption" => Role::Caption,
        "scene-break" => Role::SceneBreak,
        "body" => Role::Body,
        _ => {
            return Err(format!(
                "`{value}` is not a paragraph role: use \"heading 1\" to \"heading 6\", title, subtitle, author, quote, code, caption, scene-break or body"
            ));
        }
    })
}

/// What a paragraph style means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Body,
    Heading(u8),
    Title,
    Subtitle,
    Author,
    Quote,
    Code,
    /// Word's own table of contents entries: Quire makes its own.
    Contents,
    /// A picture's caption.
    Caption,
    /// A paragraph standing for a break between scenes, whatever it says.
    SceneBreak,
}

/// The styles part: each paragraph style's role, each character style's
/// emphasis.
#[derive(Default)]
struct Styles {
    roles: HashMap<String, Role>,
    chars: HashMap<String, Marks>,
}

impl Styles {
    fn read(d: &roxmltree::Document, own_roles: &StyleMap) -> Styles {
        struct Raw<'a> {
            name: String,
            based: Option<&'a str>,
            outline: Option<u8>,
            marks: Marks,
        }
        let mut raw: HashMap<&str, Raw> = HashMap::new();
        for s in d.root_element().children().filter(|n| is(n, "style")) {
            let Some(id) = attr(s, "styleId") else {
                continue;
            };
            let name = child(s, "name")
                .and_then(|n| attr(n, "val"))
                .unwrap_or(id)
                .to_lowercase();
            let outline = child(s, "pPr")
                .and_then(|p| child(p, "outlineLvl"))
                .and_then(|o| attr(o, "val"))
                .and_then(|v| v.parse::<u8>().ok())
                .filter(|v| *v < 9);
            let marks = child(s, "rPr").map(Marks::of).unwrap_or_default();
            raw.insert(
                id,
                Raw {
                    name,
                    based: child(s, "basedOn").and_then(|b| attr(b, "val")),
                    outline,
                    marks,
                },
            );
        }
        let own = |r: &Raw| -> Option<Role> {
            let n = r.name.as_str();
            if let Some(role) = own_roles.get(n) {
                return Some(*role);
            }
            if let Some(level) = n
                .strip_prefix("heading ")
                .or_else(|| n.strip_prefix("heading"))
                .and_then(|l| l.trim().parse::<u8>().ok())
                .filter(|l| (1..=9).contains(l))
            {
                return Some(Role::Heading(level));
            }
            match n {
                "title" => Some(Role::Title),
                "subtitle" => Some(Role::Subtitle),
                "author" => Some(Role::Author),
                "quote" | "intense quote" | "block text" | "block quote" | "blockquote"
                | "quotations" => Some(Role::Quote),
                "source code" | "code" | "html preformatted" | "plain text"
                | "preformatted text" => Some(Role::Code),
                n if n.starts_with("toc ") || n == "toc heading" => Some(Role::Contents),
                "caption" | "image caption" | "figure caption" | "figurecaption" => {
                    Some(Role::Caption)
                }
                _ => r.outline.map(|o| Role::Heading(o + 1)),
            }
        };
        let mut roles = HashMap::new();
        let mut chars = HashMap::new();
        for (&id, r) in &raw {
            // The style's own meaning, or the nearest one it is based on
            // (a loop in the chain stops after a few steps).
            let mut at = Some(r);
            let mut role = None;
            let mut marks = Marks::default();
            for _ in 0..16 {
                let Some(s) = at else { break };
                role = role.or_else(|| own(s));
                marks = marks.or(s.marks);
                at = s.based.and_then(|b| raw.get(b));
            }
            roles.insert(id.to_string(), role.unwrap_or(Role::Body));
            let lower = r.name.as_str();
            if lower.contains("verbatim")
                || lower.contains("code")
                || lower == "source_text"
                || lower == "source text"
                || lower == "teletype"
            {
                marks.code = true;
            }
            if lower == "emphasis" {
                marks.italic = true;
            }
            if lower == "strong" {
                marks.bold = true;
            }
            chars.insert(id.to_string(), marks);
        }
        Styles { roles, chars }
    }
}

/// How a run is marked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Marks {
    italic: bool,
    bold: bool,
    sup: bool,
    sub: bool,
    strike: bool,
    underline: bool,
    small_caps: bool,
    code: bool,
}

impl Marks {
    fn of(rpr: Node) -> Marks {
        let vert = child(rpr, "vertAlign").and_then(|v| attr(v, "val"));
        Marks {
            italic: on(child(rpr, "i")),
            bold: on(child(rpr, "b")),
            sup: vert == Some("superscript"),
            sub: vert == Some("subscript"),
            strike: on(child(rpr, "strike")) || on(child(rpr, "dstrike")),
            underline: on(child(rpr, "u")),
            small_caps: on(child(rpr, "smallCaps")),
            code: false,
        }
    }

    fn or(self, o: Marks) -> Marks {
        Marks {
            italic: self.italic || o.italic,
            bold: self.bold || o.bold,
            sup: self.sup || o.sup,
            sub: self.sub || o.sub,
            strike: self.strike || o.strike,
            underline: self.underline || o.underline,
            small_caps: self.small_caps || o.small_caps,
            code: self.code || o.code,
        }
    }

    fn wrap(self, mut content: Vec<Inline>) -> Vec<Inline> {
        if self.code {
            let text: String = content
                .iter()
                .map(|i| match i {
                    Inline::Text { text } => text.as_str(),
                    _ => "",
                })
                .collect();
            return vec![Inline::Code { text }];
        }
        let span = |kind, class: Option<&str>, content| Inline::Span {
            kind,
            class: class.map(str::to_string),
            title: None,
            lang: None,
            content,
        };
        if self.small_caps {
            content = vec![span(SpanKind::Plain, Some("smallcaps"), content)];
        }
        if self.underline {
            content = vec![span(SpanKind::Underline, None, content)];
        }
        if self.strike {
            content = vec![Inline::Strikethrough { content }];
        }
        if self.sup {
            content = vec![Inline::Superscript { content }];
        }
        if self.sub {
            content = vec![Inline::Subscript { content }];
        }
        if self.italic {
            content = vec![Inline::Emphasis { content }];
        }
        if self.bold {
            content = vec![Inline::Strong { content }];
        }
        content
    }
}

/// The numbering part: (numbering id, level) → ordered from (or bulleted).
#[derive(Default)]
struct Lists {
    levels: HashMap<(String, u8), Option<u64>>,
}

impl Lists {
    fn read(d: &roxmltree::Document) -> Lists {
        let root = d.root_element();
        let mut abstracts: HashMap<&str, HashMap<u8, Option<u64>>> = HashMap::new();
        for a in root.children().filter(|n| is(n, "abstractNum")) {
            let Some(id) = attr(a, "abstractNumId") else {
                continue;
            };
            let mut levels = HashMap::new();
            for l in a.children().filter(|n| is(n, "lvl")) {
                let Some(ilvl) = attr(l, "ilvl").and_then(|v| v.parse::<u8>().ok()) else {
                    continue;
                };
                let fmt = child(l, "numFmt")
                    .and_then(|f| attr(f, "val"))
                    .unwrap_or("bullet");
                let start = child(l, "start")
                    .and_then(|s| attr(s, "val"))
                    .and_then(|v| v.parse::<u64>().ok())
                    .unwrap_or(1);
                let ordered = !matches!(fmt, "bullet" | "none");
                levels.insert(ilvl, ordered.then_some(start));
            }
            abstracts.insert(id, levels);
        }
        let mut out = HashMap::new();
        for n in root.children().filter(|n| is(n, "num")) {
            let (Some(id), Some(a)) = (
                attr(n, "numId"),
                child(n, "abstractNumId").and_then(|a| attr(a, "val")),
            ) else {
                continue;
            };
            if let Some(levels) = abstracts.get(a) {
                for (&l, &start) in levels {
                    out.insert((id.to_string(), l), start);
                }
            }
        }
        Lists { levels: out }
    }
}

/// Things dropped or taken as they stand, counted for one warning each.
#[derive(Default)]
struct Counts {
    insertions: usize,
    deletions: usize,
    pictures: usize,
    first_picture: Option<(u32, String)>,
    contents: usize,
    breaks: usize,
    nested_tables: usize,
}

/// A paragraph as read, before lists and tables are put together.
struct Para {
    line: u32,
    role: Role,
    /// (numbering id, level) for a list paragraph.
    list: Option<(String, u8)>,
    content: Vec<Inline>,
    /// A table, read as rows of cells of inlines, with its first row a
    /// header.
    table: Option<Vec<Vec<Vec<Inline>>>>,
}

struct Reader<'p, 'd> {
    path: &'p Path,
    styles: Styles,
    lists: Lists,
    links: HashMap<String, String>,
    /// The pictures in the archive, by their path under `word/`.
    media: HashMap<String, Arc<[u8]>>,
    /// Paragraphs read so far: the next one's number is this plus one.
    paragraph: u32,
    /// Each paragraph's first words, for messages.
    firsts: Vec<String>,
    counts: Counts,
    meta: MetaInput,
    diags: &'d mut Diagnostics,
    failed: bool,
}

/// Tables inside tables deeper than this are refused.
const TABLE_DEPTH: usize = 16;
/// Inline elements (hyperlinks, insertions, smart tags…) inside each
/// other deeper than this are refused.
const INLINE_DEPTH: usize = 64;

impl Reader<'_, '_> {
    fn at(&self, line: u32) -> Location {
        Location::at(self.path, line, 1)
    }

    /// The paragraphs and tables of a body, a cell, or a note.
    fn body(&mut self, node: Node, depth: usize) -> Vec<Para> {
        let mut out = Vec::new();
        self.blocks_in(node, depth, &mut out);
        out
    }

    fn blocks_in(&mut self, node: Node, depth: usize, out: &mut Vec<Para>) {
        for n in node.children().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                "p" => {
                    if let Some(p) = self.paragraph(n) {
                        out.push(p);
                    }
                }
                "tbl" => {
                    if depth >= TABLE_DEPTH {
                        self.too_deep("tables inside tables");
                        return;
                    }
                    let line = self.paragraph + 1;
                    let mut rows = Vec::new();
                    for tr in n.children().filter(|c| is(c, "tr")) {
                        let mut cells = Vec::new();
                        for tc in tr.children().filter(|c| is(c, "tc")) {
                            let paras = self.body(tc, depth + 1);
                            let mut cell = Vec::new();
                            for p in paras {
                                if p.table.is_some() {
                                    self.counts.nested_tables += 1;
                                }
                                if !cell.is_empty() && !p.content.is_empty() {
                                    cell.push(Inline::LineBreak);
                                }
                                cell.extend(p.content);
                            }
                            cells.push(cell);
                        }
                        rows.push(cells);
                    }
                    out.push(Para {
                        line,
                        role: Role::Body,
                        list: None,
                        content: Vec::new(),
                        table: Some(rows),
                    });
                }
                // Content controls, tracked insertions at block level.
                "sdt" => {
                    let gallery = n
                        .descendants()
                        .find(|d| is(d, "docPartGallery"))
                        .and_then(|g| attr(g, "val"));
                    if gallery.is_some_and(|g| g.contains("Table of Contents")) {
                        self.counts.contents += 1;
                        continue;
                    }
                    if let Some(content) = child(n, "sdtContent") {
                        if depth >= TABLE_DEPTH {
                            self.too_deep("content controls");
                            return;
                        }
                        self.blocks_in(content, depth + 1, out);
                    }
                }
                "ins" | "moveTo" | "customXml" | "smartTag" => {
                    if depth >= TABLE_DEPTH {
                        self.too_deep("tracked insertions");
                        return;
                    }
                    self.blocks_in(n, depth + 1, out);
                }
                "del" | "moveFrom" => self.counts.deletions += 1,
                _ => {}
            }
        }
    }

    fn too_deep(&mut self, what: &str) {
        if !self.failed {
            self.diags.error(
                Code::NestingTooDeep,
                self.at(self.paragraph.max(1)),
                format!("{what} nested deeper than Quire reads ({TABLE_DEPTH} levels)"),
            );
        }
        self.failed = true;
    }

    fn paragraph(&mut self, p: Node) -> Option<Para> {
        self.paragraph += 1;
        let line = self.paragraph;
        let ppr = child(p, "pPr");
        let style = ppr
            .and_then(|x| child(x, "pStyle"))
            .and_then(|s| attr(s, "val"));
        let mut role = style
            .and_then(|s| self.styles.roles.get(s).copied())
            .unwrap_or(Role::Body);
        if let Some(level) = ppr
            .and_then(|x| child(x, "outlineLvl"))
            .and_then(|o| attr(o, "val"))
            .and_then(|v| v.parse::<u8>().ok())
            .filter(|v| *v < 9)
            && role == Role::Body
        {
            role = Role::Heading(level + 1);
        }
        let list = ppr.and_then(|x| child(x, "numPr")).and_then(|n| {
            let id = child(n, "numId").and_then(|i| attr(i, "val"))?;
            let level = child(n, "ilvl")
                .and_then(|i| attr(i, "val"))
                .and_then(|v| v.parse().ok())
                .unwrap_or(0);
            (id != "0").then(|| (id.to_string(), level))
        });
        let centred = ppr
            .and_then(|x| child(x, "jc"))
            .and_then(|j| attr(j, "val"))
            .is_some_and(|v| v == "center");
        if ppr.and_then(|x| child(x, "sectPr")).is_some() {
            // A section break ends this paragraph's section.
            self.counts.breaks += 1;
        }
        if role == Role::Contents {
            self.counts.contents += 1;
            return None;
        }
        let mut content = Vec::new();
        self.inlines(p, line, 0, &mut content);
        merge_text(&mut content);
        let text = plain(&content);
        self.firsts.resize(line as usize - 1, String::new());
        self.firsts.push(first_words(&text));
        if text.trim().is_empty() && !content.iter().any(|i| matches!(i, Inline::Image { .. })) {
            // Nothing to print (an empty paragraph for spacing, or one
            // holding only a bookmark).
            return None;
        }
        if role == Role::SceneBreak
            || text.trim() == SCENE_BREAK
            || is_scene_break(&text) && (centred || text.trim().chars().count() <= 5)
        {
            return Some(Para {
                line,
                role: Role::Body,
                list: None,
                content: vec![Inline::Text {
                    text: SCENE_BREAK.into(),
                }],
                table: None,
            });
        }
        match role {
            Role::Title if self.meta.title.is_none() => {
                self.meta.title = Some(text.trim().to_string());
                return None;
            }
            Role::Subtitle if self.meta.subtitle.is_none() => {
                self.meta.subtitle = Some(text.trim().to_string());
                return None;
            }
            Role::Author => {
                let mut people = match self.meta.author.take() {
                    Some(a) => a.into_vec(),
                    None => Vec::new(),
                };
                people.push(PersonInput::Name(text.trim().to_string()));
                self.meta.author = Some(OneOrMany::Many(people));
                return None;
            }
            _ => {}
        }
        Some(Para {
            line,
            role,
            list,
            content,
            table: None,
        })
    }

    /// The inline content of `node` (a paragraph, a hyperlink, an
    /// insertion…), appended to `out`.
    fn inlines(&mut self, node: Node, line: u32, depth: usize, out: &mut Vec<Inline>) {
        if depth > INLINE_DEPTH {
            self.too_deep("inline elements");
            return;
        }
        // Inside a complex field, between its instructions and its result.
        let mut in_instructions = false;
        for n in node.children().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                "r" => {
                    if let Some(fld) = child(n, "fldChar").and_then(|f| attr(f, "fldCharType")) {
                        in_instructions = fld == "begin";
                        continue;
                    }
                    if in_instructions {
                        continue;
                    }
                    self.run(n, line, out);
                }
                "hyperlink" => {
                    let mut content = Vec::new();
                    self.inlines(n, line, depth + 1, &mut content);
                    let dest = match (
                        n.attribute((R, "id")).and_then(|id| self.links.get(id)),
                        attr(n, "anchor"),
                    ) {
                        (Some(url), None) => Some(url.clone()),
                        (Some(url), Some(a)) => Some(format!("{url}#{a}")),
                        (None, Some(a)) => Some(format!("#{a}")),
                        (None, None) => None,
                    };
                    match dest {
                        Some(dest) => out.push(Inline::Link {
                            target: LinkTarget::Unresolved { dest },
                            title: None,
                            content,
                            pos: Pos { line, column: 1 },
                        }),
                        None => out.extend(content),
                    }
                }
                "bookmarkStart" => {
                    if let Some(name) = attr(n, "name").filter(|n| *n != "_GoBack") {
                        out.push(Inline::Anchor {
                            id: name.to_string(),
                        });
                    }
                }
                "ins" | "moveTo" => {
                    self.counts.insertions += 1;
                    self.inlines(n, line, depth + 1, out);
                }
                "del" | "moveFrom" => self.counts.deletions += 1,
                "smartTag" | "customXml" | "fldSimple" | "sdt" | "sdtContent" | "dir" | "bdo" => {
                    self.inlines(n, line, depth + 1, out)
                }
                _ => {}
            }
        }
    }

    fn run(&mut self, r: Node, line: u32, out: &mut Vec<Inline>) {
        let rpr = child(r, "rPr");
        let mut marks = rpr.map(Marks::of).unwrap_or_default();
        if let Some(style) = rpr
            .and_then(|x| child(x, "rStyle"))
            .and_then(|s| attr(s, "val"))
            .and_then(|s| self.styles.chars.get(s))
        {
            marks = marks.or(*style);
        }
        let mut content = Vec::new();
        let mut text = String::new();
        let flush = |text: &mut String, content: &mut Vec<Inline>| {
            if !text.is_empty() {
                content.push(Inline::Text {
                    text: std::mem::take(text),
                });
            }
        };
        for n in r.children().filter(|n| n.is_element()) {
            match n.tag_name().name() {
                "t" => text.push_str(n.text().unwrap_or("")),
                "tab" | "ptab" => text.push(' '),
                "noBreakHyphen" => text.push('\u{2011}'),
                "softHyphen" => text.push('\u{AD}'),
                "sym" => {
                    if let Some(c) = attr(n, "char")
                        .and_then(|h| u32::from_str_radix(h, 16).ok())
                        .and_then(char::from_u32)
                        .filter(|c| !('\u{E000}'..='\u{F8FF}').contains(c))
                    {
                        text.push(c);
                    }
                }
                "br" | "cr" => match attr(n, "type") {
                    Some("page") | Some("column") => self.counts.breaks += 1,
                    _ => {
                        flush(&mut text, &mut content);
                        content.push(Inline::LineBreak);
                    }
                },
                "footnoteReference" | "endnoteReference" => {
                    flush(&mut text, &mut content);
                    let prefix = if n.tag_name().name() == "footnoteReference" {
                        "fn"
                    } else {
                        "en"
                    };
                    if let Some(id) = attr(n, "id") {
                        // Not marked: the note's number is set as a
                        // superscript by the renderers.
                        if !content.is_empty() {
                            out.extend(marks.wrap(std::mem::take(&mut content)));
                        }
                        out.push(Inline::NoteLabel {
                            label: format!("{prefix}{id}"),
                            pos: Pos { line, column: 1 },
                        });
                    }
                }
                // A horizontal rule (VML's `o:hr`): a scene break.
                "pict"
                    if n.descendants().any(|d| {
                        d.tag_name().name() == "rect"
                            && d.attributes().any(|a| a.name() == "hr" && a.value() == "t")
                    }) =>
                {
                    text.push_str(SCENE_BREAK);
                }
                "drawing" | "pict" | "object" => {
                    let alt = n
                        .descendants()
                        .find(|d| d.tag_name().name() == "docPr")
                        .and_then(|d| d.attribute("descr").or(d.attribute("title")))
                        .unwrap_or("")
                        .trim()
                        .to_string();
                    match self.picture(n, line, &alt) {
                        Some(image) => {
                            flush(&mut text, &mut content);
                            content.push(image);
                        }
                        None => {
                            self.counts.pictures += 1;
                            if self.counts.first_picture.is_none() {
                                self.counts.first_picture = Some((line, alt));
                            }
                        }
                    }
                }
                _ => {}
            }
        }
        flush(&mut text, &mut content);
        if !content.is_empty() {
            out.extend(marks.wrap(content));
        }
    }

    /// The picture a drawing shows, from the archive, read and checked
    /// like any image file; `None` (counted as left out) for a picture
    /// linked from outside the file, a chart, or one that cannot be read
    /// (with its error).
    fn picture(&mut self, drawing: Node, line: u32, alt: &str) -> Option<Inline> {
        let rid = drawing
            .descendants()
            .find(|d| d.tag_name().name() == "blip")
            .and_then(|b| b.attribute((R, "embed")))
            .or_else(|| {
                drawing
                    .descendants()
                    .find(|d| d.tag_name().name() == "imagedata")
                    .and_then(|b| b.attribute((R, "id")))
            })?;
        let target = self.links.get(rid)?.trim_start_matches("./").to_string();
        let data = self.media.get(&target)?.clone();
        let ext = Path::new(&target)
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase())
            .unwrap_or_default();
        let at = self.at(line);
        let info = match crate::images::probe_bytes(&data, &ext, crate::limits::IMAGE_PIXELS) {
            Ok(i) => i,
            Err(p) => {
                self.diags.push(p.at(at, &format!("picture `{target}`: ")));
                return None;
            }
        };
        let stem = self
            .path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let key = format!("{stem}-docx/{target}");
        Some(Inline::Image {
            image: crate::model::Image {
                path: key,
                dest: target,
                alt: alt.to_string(),
                title: None,
                pos: Pos { line, column: 1 },
                embedded: Some(Box::new(crate::model::ImageAsset {
                    file: self.path.to_path_buf(),
                    data: Some(data),
                    named_at: at,
                    info,
                })),
            },
        })
    }

    /// Paragraphs made blocks: headings, quotations and code by their
    /// style, list paragraphs gathered into (nested) lists, tables.
    fn assemble(&mut self, paras: Vec<Para>) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        let mut iter = paras.into_iter().peekable();
        while let Some(p) = iter.next() {
            if let Some(rows) = p.table {
                let mut rows = rows.into_iter();
                let head = rows.next().unwrap_or_default();
                let rows: Vec<Vec<Vec<Inline>>> = rows.collect();
                let columns = rows
                    .iter()
                    .map(Vec::len)
                    .chain([head.len()])
                    .max()
                    .unwrap_or(0);
                out.push(Block {
                    line: p.line,
                    kind: BlockKind::Table {
                        align: vec![Align::None; columns],
                        head,
                        rows,
                        classes: Vec::new(),
                        caption: Vec::new(),
                        label: None,
                    },
                });
                continue;
            }
            if p.list.is_some() {
                let mut items = vec![p];
                while iter
                    .peek()
                    .is_some_and(|n| n.list.is_some() && n.table.is_none())
                {
                    items.extend(iter.next());
                }
                out.push(self.list(items));
                continue;
            }
            if p.role == Role::Code {
                let mut lines = vec![plain(&p.content)];
                while iter
                    .peek()
                    .is_some_and(|n| n.role == Role::Code && n.table.is_none())
                {
                    lines.extend(iter.next().map(|n| plain(&n.content)));
                }
                out.push(Block {
                    line: p.line,
                    kind: BlockKind::CodeBlock {
                        language: None,
                        text: lines.join("\n"),
                        first_line: None,
                        caption: None,
                        label: None,
                    },
                });
                continue;
            }
            if p.role == Role::Quote {
                let line = p.line;
                let mut blocks = vec![paragraph(p)];
                while iter
                    .peek()
                    .is_some_and(|n| n.role == Role::Quote && n.table.is_none())
                {
                    blocks.extend(iter.next().map(paragraph));
                }
                out.push(Block {
                    line,
                    kind: BlockKind::BlockQuote {
                        blocks,
                        classes: Vec::new(),
                    },
                });
                continue;
            }
            if let Role::Heading(level) = p.role {
                // A bookmark on a heading names the heading: its first
                // (not one of Word's own, `_Toc…`, `_Ref…`) is its id.
                let mut content = p.content;
                let mut id = String::new();
                content.retain(|i| match i {
                    Inline::Anchor { id: name } => {
                        if id.is_empty() && !name.starts_with('_') {
                            id = name.clone();
                        }
                        false
                    }
                    _ => true,
                });
                out.push(Block {
                    line: p.line,
                    kind: BlockKind::Heading {
                        level: level.min(6),
                        id,
                        classes: Vec::new(),
                        content,
                    },
                });
                continue;
            }
            if let [Inline::Image { image }] = p.content.as_slice() {
                // A picture alone in its paragraph is a figure; a caption
                // paragraph after it is its caption.
                let caption = match iter.peek() {
                    Some(n) if n.role == Role::Caption && n.table.is_none() => {
                        iter.next().map(|n| n.content).unwrap_or_default()
                    }
                    _ => Vec::new(),
                };
                out.push(Block {
                    line: p.line,
                    kind: BlockKind::Figure {
                        image: image.clone(),
                        caption,
                        classes: Vec::new(),
                        label: None,
                    },
                });
                continue;
            }
            if matches!(p.content.as_slice(), [Inline::Text { text }] if text == SCENE_BREAK) {
                out.push(Block {
                    line: p.line,
                    kind: BlockKind::SceneBreak,
                });
                continue;
            }
            out.push(paragraph(p));
        }
        out
    }

    /// List paragraphs as a list, nested by their level: a paragraph of a
    /// deeper level goes into the item before it.
    fn list(&mut self, paras: Vec<Para>) -> Block {
        let base = paras
            .iter()
            .filter_map(|p| p.list.as_ref().map(|l| l.1))
            .min()
            .unwrap_or(0);
        let first = &paras[0];
        let line = first.line;
        let start = first
            .list
            .as_ref()
            .and_then(|(id, l)| self.lists.levels.get(&(id.clone(), *l)).copied().flatten());
        let mut items: Vec<ListItem> = Vec::new();
        let mut deeper: Vec<Para> = Vec::new();
        let flush_deeper = |deeper: &mut Vec<Para>, items: &mut Vec<ListItem>, me: &mut Self| {
            if deeper.is_empty() {
                return;
            }
            let nested = me.list(std::mem::take(deeper));
            match items.last_mut() {
                Some(item) => item.blocks.push(nested),
                None => items.push(ListItem {
                    task: None,
                    blocks: vec![nested],
                }),
            }
        };
        for p in paras {
            let level = p.list.as_ref().map_or(base, |l| l.1);
            if level > base {
                deeper.push(p);
                continue;
            }
            flush_deeper(&mut deeper, &mut items, self);
            items.push(ListItem {
                task: None,
                blocks: vec![paragraph(p)],
            });
        }
        flush_deeper(&mut deeper, &mut items, self);
        Block {
            line,
            kind: BlockKind::List { start, items },
        }
    }

    /// One warning for each kind of thing taken or dropped.
    fn report(&mut self, comments: usize) {
        let at = Location::file(self.path);
        let c = &self.counts;
        let mut warn = |msg: String, help: &str| {
            self.diags.push(
                crate::diagnostics::Diagnostic::warning(Code::DocxDropped, at.clone(), msg)
                    .help(help),
            );
        };
        if c.insertions + c.deletions > 0 {
            warn(
                format!(
                    "{} tracked change(s) taken as accepted: {} insertion(s) kept, {} deletion(s) left out",
                    c.insertions + c.deletions,
                    c.insertions,
                    c.deletions
                ),
                "accept or reject the changes in Word (Review > Accept) to decide them yourself",
            );
        }
        if comments > 0 {
            warn(
                format!("{comments} comment(s) left out"),
                "comments are notes to the author; put what should be printed in the text or a footnote",
            );
        }
        if c.pictures > 0 {
            let (line, alt) = c.first_picture.clone().unwrap_or_default();
            let what = if alt.is_empty() {
                String::new()
            } else {
                format!(" (“{alt}”)")
            };
            warn(
                format!(
                    "{} picture(s) in the Word file are left out, the first at paragraph {line}{what}: linked from outside the file, or a chart or object that is not a picture",
                    c.pictures
                ),
                "insert the picture itself (Insert > Pictures), or save the chart as a picture",
            );
        }
        if c.contents > 0 {
            warn(
                "the Word file's table of contents is left out: Quire makes the book's own".into(),
                "nothing to do; remove it from the Word file to silence this",
            );
        }
        if c.breaks > 0 {
            warn(
                format!(
                    "{} page, column or section break(s) left out: chapters start their own pages",
                    c.breaks
                ),
                "start a chapter with a Heading 1 paragraph instead of a page break",
            );
        }
        if c.nested_tables > 0 {
            warn(
                format!(
                    "{} table(s) inside table cells are set as their text",
                    c.nested_tables
                ),
                "move the inner table out of the cell",
            );
        }
    }
}

/// What a scene-break paragraph is replaced by until blocks are made.
const SCENE_BREAK: &str = "\u{0}scene-break";

/// Whether a paragraph's text is a scene break: only `*`, `#`, `~`, `-`,
/// `⁂`, `•`, `❧` and the like with spaces, at most five marks.
fn is_scene_break(text: &str) -> bool {
    let marks: Vec<char> = text.chars().filter(|c| !c.is_whitespace()).collect();
    !marks.is_empty()
        && marks.len() <= 5
        && marks.iter().all(|c| {
            matches!(
                c,
                '*' | '#' | '~' | '-' | '⁂' | '•' | '❧' | '☙' | '◆' | '§' | '⸺' | '—'
            )
        })
}

/// A paragraph's first six words (or fewer), with an ellipsis when there
/// are more.
fn first_words(text: &str) -> String {
    let words: Vec<&str> = text.split_whitespace().take(7).collect();
    if words.len() > 6 {
        format!("{}…", words[..6].join(" "))
    } else {
        words.join(" ")
    }
}

fn paragraph(p: Para) -> Block {
    Block {
        line: p.line,
        kind: BlockKind::Paragraph { content: p.content },
    }
}

/// The text of inlines, markup dropped, line breaks kept (a code
/// paragraph's lines).
fn plain(inlines: &[Inline]) -> String {
    let mut s = String::new();
    for i in inlines {
        match i {
            Inline::Text { text } | Inline::Code { text } => s.push_str(text),
            Inline::LineBreak => s.push('\n'),
            other => s.push_str(&plain(other.content().unwrap_or_default())),
        }
    }
    s
}

/// Neighbouring runs of the same marks joined: Word splits a word into
/// several runs (for spell-checking, revision marks); the model wants
/// one text and one emphasis for "a *whole* phrase".
fn merge_text(inlines: &mut Vec<Inline>) {
    let mut out: Vec<Inline> = Vec::with_capacity(inlines.len());
    for i in inlines.drain(..) {
        match (out.last_mut(), i) {
            (Some(Inline::Text { text: a }), Inline::Text { text: b }) => a.push_str(&b),
            (Some(Inline::Emphasis { content: a }), Inline::Emphasis { content: b })
            | (Some(Inline::Strong { content: a }), Inline::Strong { content: b }) => {
                a.extend(b);
                merge_text(a);
            }
            (_, i) => out.push(i),
        }
    }
    *inlines = out;
}
