//! SVG: parsed, checked and made safe before it goes into a book.
//!
//! An SVG is a program as much as a picture: it can carry scripts, event
//! handlers, links to other files or to the network, and (through a DTD)
//! entities that read files or grow without end. Reading systems run some
//! of that. So every SVG is parsed as XML and written out again with only
//! what draws: no `<script>`, no `on…` attributes, no `<foreignObject>`,
//! and no reference that leaves the file (`href`s and `url(…)`s other
//! than `#fragment` and embedded `data:image/…`). What was removed is
//! said, so the author knows.
//!
//! A document type declaration is normal: Graphviz, Inkscape and
//! Illustrator all write `<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
//! …>`. Its external subset is never read. An entity that names a file or
//! an address (the way an XML reader is made to read `/etc/passwd`) is
//! refused, and so are internal entities that would expand past
//! [`crate::limits::SVG_ENTITY_BYTES`] (the "billion laughs"). The
//! drawing is written out without the declaration, its entities expanded:
//! EPUB forbids external identifiers in a document type.

use crate::diagnostics::{Code, Problem};
use crate::xml::escape;
use std::fmt::Write;

const SVG_NS: &str = "http://www.w3.org/2000/svg";
const XLINK_NS: &str = "http://www.w3.org/1999/xlink";
const XML_NS: &str = "http://www.w3.org/XML/1998/namespace";

/// A sanitised SVG.
#[derive(Debug)]
pub struct Svg {
    pub data: Vec<u8>,
    /// Size in CSS pixels from `width`/`height` or the `viewBox`; 0 if unknown.
    pub width: u32,
    pub height: u32,
    /// What was removed, one entry per kind.
    pub removed: Vec<String>,
}

/// Parses `data` and writes it out with everything unsafe removed.
pub fn sanitize(data: &[u8]) -> Result<Svg, Problem> {
    let text = std::str::from_utf8(data)
        .map_err(|_| Problem::new(Code::SvgInvalid, "the SVG is not UTF-8 text"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let has_dtd = check_entities(text)?;
    // Belt and braces: the parser is told to refuse an external entity
    // too, should one slip past the scan.
    let refuse_external = |_: Option<&str>, uri: &str| -> Result<Option<&str>, String> {
        Err(format!("the SVG declares an entity read from `{uri}`"))
    };
    let options = roxmltree::ParsingOptions {
        allow_dtd: true,
        nodes_limit: 5_000_000,
        entity_resolver: Some(&refuse_external),
    };
    let doc = roxmltree::Document::parse_with_options(text, options).map_err(|e| {
        let pos = e.pos();
        Problem::new(
            Code::SvgInvalid,
            format!(
                "the SVG is not well-formed XML (line {}, column {} of the SVG): {e}",
                pos.row, pos.col
            ),
        )
        .help("open it in an editor and save it again as plain SVG")
    })?;
    let root = doc.root_element();
    if root.tag_name().name() != "svg" {
        return Err(Problem::new(
            Code::SvgInvalid,
            format!(
                "the file's root element is <{}>, not <svg>",
                root.tag_name().name()
            ),
        ));
    }
    let mut w = Writer {
        out: String::with_capacity(text.len()),
        removed: Vec::new(),
    };
    w.out
        .push_str("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    w.element(root, None);
    let (width, height) = size(root);
    // A drawing that needed nothing removed goes in exactly as it came.
    let untouched = !has_dtd && w.removed.is_empty() && root.tag_name().namespace() == Some(SVG_NS);
    Ok(Svg {
        data: if untouched {
            data.to_vec()
        } else {
            w.out.into_bytes()
        },
        width,
        height,
        removed: w.removed,
    })
}

/// Checks the SVG's document type declaration, if it has one (and says
/// whether it has): no entity read from outside the file, and no more
/// than [`crate::limits::SVG_ENTITY_BYTES`] of text from entities in all.
fn check_entities(text: &str) -> Result<bool, Problem> {
    let Some(start) = text.find("<!DOCTYPE") else {
        return Ok(false);
    };
    let refuse = |what: String| {
        Problem::new(Code::SvgInvalid, what).help(
            "remove the entity declarations from the SVG's DOCTYPE, or save it again as plain SVG",
        )
    };
    let entities = declared_entities(&text[start..]).map_err(refuse)?;
    if entities.is_empty() {
        return Ok(true);
    }
    let limit = crate::limits::SVG_ENTITY_BYTES;
    // Each entity's length once expanded, its references followed (a
    // loop is an error); saturating, so a bomb's size does not overflow.
    let mut sizes: std::collections::BTreeMap<&str, usize> = Default::default();
    fn size<'a>(
        name: &'a str,
        entities: &std::collections::BTreeMap<&'a str, &'a str>,
        sizes: &mut std::collections::BTreeMap<&'a str, usize>,
        open: &mut Vec<&'a str>,
    ) -> Result<usize, String> {
        if let Some(&n) = sizes.get(name) {
            return Ok(n);
        }
        let Some(value) = entities.get(name) else {
            // `&amp;` and the like, or an undefined one the parser reports.
            return Ok(1);
        };
        if open.contains(&name) || open.len() > 16 {
            return Err(format!("the SVG's entity `{name}` refers to itself"));
        }
        open.push(name);
        let mut total = value.len();
        for r in references(value) {
            total = total.saturating_add(size(r, entities, sizes, open)?);
        }
        open.pop();
        sizes.insert(name, total);
        Ok(total)
    }
    let mut total = 0usize;
    for r in references(&text[start..]) {
        total =
            total.saturating_add(size(r, &entities, &mut sizes, &mut Vec::new()).map_err(refuse)?);
    }
    if total > limit {
        return Err(refuse(format!(
            "the SVG's entities would expand to {} of text, more than the {} Quire allows (an entity bomb)",
            crate::files::human_bytes(total as u64),
            crate::files::human_bytes(limit as u64)
        )));
    }
    Ok(true)
}

/// The general entities a document type declares (`<!ENTITY name
/// "value">`), by name; an error for one whose value comes from outside
/// the file (`SYSTEM` or `PUBLIC`), or for a parameter entity.
fn declared_entities(doctype: &str) -> Result<std::collections::BTreeMap<&str, &str>, String> {
    let mut out = std::collections::BTreeMap::new();
    let mut rest = &doctype["<!DOCTYPE".len()..];
    // The external identifier and the name, up to `[` or `>`, quotes skipped.
    loop {
        let Some(i) = rest.find(['[', '>', '"', '\'']) else {
            return Ok(out);
        };
        let c = rest.as_bytes()[i];
        match c {
            b'>' => return Ok(out),
            b'[' => {
                rest = &rest[i + 1..];
                break;
            }
            q => {
                let after = &rest[i + 1..];
                let Some(e) = after.find(q as char) else {
                    return Ok(out);
                };
                rest = &after[e + 1..];
            }
        }
    }
    // The internal subset: declarations, comments and processing
    // instructions, up to `]`.
    loop {
        rest = rest.trim_start();
        if rest.is_empty() || rest.starts_with(']') {
            return Ok(out);
        }
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
            continue;
        }
        if let Some(r) = rest.strip_prefix("<!ENTITY") {
            let r = r.trim_start();
            if r.starts_with('%') {
                return Err(
                    "the SVG declares a parameter entity, which Quire does not read".into(),
                );
            }
            let name_len = r
                .find(|c: char| c.is_whitespace() || c == '"' || c == '\'' || c == '>')
                .unwrap_or(r.len());
            let (name, r) = r.split_at(name_len);
            let r = r.trim_start();
            let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                let decl = r.split('>').next().unwrap_or(r);
                let what = decl
                    .split_whitespace()
                    .take(2)
                    .collect::<Vec<_>>()
                    .join(" ");
                return Err(format!(
                    "the SVG declares the entity `{name}` to be read from outside the file ({what}); Quire reads nothing an SVG points to"
                ));
            };
            let Some(e) = r[1..].find(q) else {
                return Ok(out);
            };
            out.insert(name, &r[1..1 + e]);
            rest = r[1 + e + 1..]
                .find('>')
                .map_or("", |k| &r[1 + e + 1 + k + 1..]);
            continue;
        }
        // Any other declaration (`<!ELEMENT`, `<!ATTLIST`, `<?pi?>`): to
        // its end, quoted text skipped.
        let mut r = rest;
        loop {
            let Some(i) = r.find(['>', '"', '\'']) else {
                return Ok(out);
            };
            let c = r.as_bytes()[i];
            if c == b'>' {
                rest = &r[i + 1..];
                break;
            }
            let after = &r[i + 1..];
            let Some(e) = after.find(c as char) else {
                return Ok(out);
            };
            r = &after[e + 1..];
        }
    }
}

/// The names of the general entity references (`&name;`) in a text;
/// character references (`&#38;`) are not entities.
fn references(text: &str) -> impl Iterator<Item = &str> {
    text.split('&').skip(1).filter_map(|after| {
        let end = after.find(';')?;
        let name = &after[..end];
        (!name.is_empty()
            && !name.starts_with('#')
            && name.len() <= 128
            && !name.contains(|c: char| c.is_whitespace() || c == '<' || c == '&'))
        .then_some(name)
    })
}

struct Writer {
    out: String,
    removed: Vec<String>,
}

impl Writer {
    fn note(&mut self, what: &str) {
        if !self.removed.iter().any(|r| r == what) {
            self.removed.push(what.to_string());
        }
    }

    fn element(&mut self, node: roxmltree::Node, parent: Option<roxmltree::Node>) {
        let name = node.tag_name().name();
        let ns = node.tag_name().namespace();
        let lower = name.to_ascii_lowercase();
        if lower == "script" {
            self.note("a <script>");
            return;
        }
        if lower == "foreignobject" {
            self.note("a <foreignObject>");
            return;
        }
        let qname = qualified(node, ns, name);
        let _ = write!(self.out, "<{qname}");
        // Namespaces new at this element.
        for n in node.namespaces() {
            let inherited = parent.is_some_and(|p| {
                p.namespaces()
                    .any(|pn| pn.name() == n.name() && pn.uri() == n.uri())
            });
            if inherited || n.uri() == XML_NS {
                continue;
            }
            match n.name() {
                Some(prefix) => {
                    let _ = write!(self.out, " xmlns:{prefix}=\"{}\"", escape(n.uri()));
                }
                None => {
                    let _ = write!(self.out, " xmlns=\"{}\"", escape(n.uri()));
                }
            }
        }
        if parent.is_none() && node.lookup_namespace_uri(None) != Some(SVG_NS) && ns.is_none() {
            // An SVG without its namespace is not SVG to a reading system.
            self.out.push_str(" xmlns=\"http://www.w3.org/2000/svg\"");
        }
        for a in node.attributes() {
            let aname = a.name();
            if aname.len() > 2 && aname.get(..2).is_some_and(|p| p.eq_ignore_ascii_case("on")) {
                self.note("event handlers (on… attributes)");
                continue;
            }
            let value = a.value();
            let is_href = aname == "href" && matches!(a.namespace(), None | Some(XLINK_NS));
            if is_href && !local_reference(value) {
                self.note("references to other files or the network");
                continue;
            }
            if value.contains("url(") && !urls_local(value) {
                self.note("references to other files or the network");
                continue;
            }
            let qa = match a.namespace() {
                Some(XML_NS) => format!("xml:{aname}"),
                Some(uri) => match node.lookup_prefix(uri) {
                    Some(p) if !p.is_empty() => format!("{p}:{aname}"),
                    _ => aname.to_string(),
                },
                None => aname.to_string(),
            };
            let _ = write!(self.out, " {qa}=\"{}\"", escape(value));
        }
        let children: Vec<_> = node
            .children()
            .filter(|c| c.is_element() || c.is_text())
            .collect();
        if children.is_empty() {
            self.out.push_str("/>");
            return;
        }
        self.out.push('>');
        for c in children {
            if c.is_element() {
                self.element(c, Some(node));
            } else if let Some(t) = c.text() {
                if lower == "style" && (t.contains("@import") || !urls_local(t)) {
                    self.note("style sheets that load other files");
                    continue;
                }
                self.out.push_str(&escape(t));
            }
        }
        let _ = write!(self.out, "</{qname}>");
    }
}

fn qualified(node: roxmltree::Node, ns: Option<&str>, name: &str) -> String {
    match ns.and_then(|uri| node.lookup_prefix(uri)) {
        Some(p) if !p.is_empty() => format!("{p}:{name}"),
        _ => name.to_string(),
    }
}

/// An `href` that stays inside the file: a fragment, or an embedded image.
fn local_reference(v: &str) -> bool {
    let v = v.trim();
    v.starts_with('#') || v.to_ascii_lowercase().starts_with("data:image/")
}

/// Every `url(…)` in a value points inside the file.
fn urls_local(v: &str) -> bool {
    v.split("url(").skip(1).all(|rest| {
        let target = rest
            .split(')')
            .next()
            .unwrap_or("")
            .trim()
            .trim_matches(['"', '\'']);
        local_reference(target)
    })
}

/// The drawing's size in CSS pixels, from `width` and `height` (in px,
/// pt, mm, cm, in or unitless) or else the `viewBox`.
fn size(root: roxmltree::Node) -> (u32, u32) {
    let length = |name: &str| -> Option<f64> {
        let v = root.attribute(name)?.trim();
        let (num, factor) = [
            ("px", 1.0),
            ("pt", 96.0 / 72.0),
            ("mm", 96.0 / 25.4),
            ("cm", 96.0 / 2.54),
            ("in", 96.0),
        ]
        .iter()
        .find_map(|(u, f)| v.strip_suffix(u).map(|n| (n, *f)))
        .unwrap_or((v, 1.0));
        num.trim().parse::<f64>().ok().map(|n| n * factor)
    };
    let view = root.attribute("viewBox").and_then(|v| {
        let n: Vec<f64> = v
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect();
        (n.len() == 4).then(|| (n[2], n[3]))
    });
    let (w, h) = match (length("width"), length("height"), view) {
        (Some(w), Some(h), _) => (w, h),
        (Some(w), None, Some((vw, vh))) if vw > 0.0 => (w, w * vh / vw),
        (None, Some(h), Some((vw, vh))) if vh > 0.0 => (h * vw / vh, h),
        (_, _, Some((vw, vh))) => (vw, vh),
        _ => (0.0, 0.0),
    };
    let clamp = |x: f64| {
        if x.is_finite() {
            x.round().clamp(0.0, 1.0e6) as u32
        } else {
            0
        }
    };
    (clamp(w), clamp(h))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_what_runs_or_reaches_out() {
        let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" height="10" onload="alert(1)">
<script>alert(2)</script>
<image xlink:href="http://example.com/x.png" width="5" height="5"/>
<image href="../secret.png"/>
<use xlink:href="#dot"/>
<circle id="dot" r="2" style="fill:url(#g)"/>
<rect style="fill:url(http://evil/x)"/>
</svg>"##;
        let s = sanitize(svg).unwrap();
        let out = String::from_utf8(s.data).unwrap();
        for gone in ["script", "alert", "onload", "example.com", "secret", "evil"] {
            assert!(!out.contains(gone), "{gone} in {out}");
        }
        assert!(out.contains("xlink:href=\"#dot\""), "{out}");
        assert!(out.contains("url(#g)"), "{out}");
        assert_eq!((s.width, s.height), (20, 10));
        assert_eq!(s.removed.len(), 3, "{:?}", s.removed);
        roxmltree::Document::parse(&out).unwrap();
    }

    #[test]
    fn takes_a_doctype_and_small_entities() {
        let graphviz = br#"<?xml version="1.0" encoding="UTF-8" standalone="no"?>
<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN"
 "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">
<!-- Generated by graphviz -->
<svg width="62pt" height="44pt" viewBox="0 0 62 44" xmlns="http://www.w3.org/2000/svg"><text>a</text></svg>"#;
        let s = sanitize(graphviz).unwrap();
        let out = String::from_utf8(s.data).unwrap();
        assert!(
            !out.contains("DOCTYPE") && out.contains("<text>a</text>"),
            "{out}"
        );
        assert!(s.removed.is_empty());
        let inkscape = br#"<!DOCTYPE svg [ <!ENTITY ns_svg "http://www.w3.org/2000/svg"> <!ENTITY w "20"> <!-- c --> <!ATTLIST svg x CDATA "1"> ]>
<svg xmlns="&ns_svg;" width="&w;" height="10"><desc>&w; &amp; &#233;</desc></svg>"#;
        let s = sanitize(inkscape).unwrap();
        let out = String::from_utf8(s.data).unwrap();
        assert!(
            out.contains(r#"width="20""#) && out.contains("20 &amp; \u{e9}"),
            "{out}"
        );
        assert_eq!((s.width, s.height), (20, 10));
    }

    #[test]
    fn refuses_entity_bombs() {
        let mut bomb = String::from("<!DOCTYPE svg [<!ENTITY a \"aaaaaaaaaa\">");
        let mut prev = "a".to_string();
        for level in 0..8 {
            let name = format!("l{level}");
            bomb.push_str(&format!(
                "<!ENTITY {name} \"{}\">",
                format!("&{prev};").repeat(10)
            ));
            prev = name;
        }
        bomb.push_str(&format!(
            "]><svg xmlns=\"http://www.w3.org/2000/svg\"><desc>&{prev};</desc></svg>"
        ));
        let e = sanitize(bomb.as_bytes()).unwrap_err();
        assert!(e.message.contains("entity bomb"), "{}", e.message);
        // Wide rather than deep: a short entity used a million times.
        let wide = format!(
            "<!DOCTYPE svg [<!ENTITY x \"{}\">]><svg xmlns=\"http://www.w3.org/2000/svg\"><desc>{}</desc></svg>",
            "x".repeat(1000),
            "&x;".repeat(2000)
        );
        assert!(
            sanitize(wide.as_bytes())
                .unwrap_err()
                .message
                .contains("entity bomb")
        );
        let looped = br#"<!DOCTYPE svg [<!ENTITY a "&b;"><!ENTITY b "&a;">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>"#;
        assert!(
            sanitize(looped)
                .unwrap_err()
                .message
                .contains("refers to itself")
        );
        let pe = br#"<!DOCTYPE svg [<!ENTITY % p SYSTEM "http://evil/x.dtd"> %p;]><svg xmlns="http://www.w3.org/2000/svg"/>"#;
        assert!(
            sanitize(pe)
                .unwrap_err()
                .message
                .contains("parameter entity")
        );
        // A non-ASCII attribute name is a name like any other.
        let odd = "<svg xmlns=\"http://www.w3.org/2000/svg\" aé=\"1\" é=\"2\"/>";
        assert!(sanitize(odd.as_bytes()).is_ok());
    }

    #[test]
    fn refuses_entities_and_non_xml() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        let e = sanitize(xxe).unwrap_err();
        assert_eq!(e.code, Code::SvgInvalid);
        assert!(
            e.message.contains("outside the file") && e.message.contains("SYSTEM"),
            "{}",
            e.message
        );
        assert_eq!(
            sanitize(b"not xml at all").unwrap_err().code,
            Code::SvgInvalid
        );
        assert_eq!(
            sanitize(b"<html><body/></html>").unwrap_err().code,
            Code::SvgInvalid
        );
    }
}
