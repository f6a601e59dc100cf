//! SVG: parsed, checked and made safe before it goes into a book.
//!
//! An SVG is a program as much as a picture: it can carry scripts, event
//! handlers, links to other files or to the network, and (through a DTD)
//! entities that read files. Reading systems run some of that. So every
//! SVG is parsed as XML (no DTD, hence no entities: a file that needs one
//! is refused), and written out again with only what draws: no `<script>`,
//! no `on…` attributes, no `<foreignObject>`, and no reference that leaves
//! the file (`href`s and `url(…)`s other than `#fragment` and embedded
//! `data:image/…`). What was removed is said, so the author knows.

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
    let options = roxmltree::ParsingOptions {
        allow_dtd: false,
        nodes_limit: 5_000_000,
        ..roxmltree::ParsingOptions::default()
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
    let untouched = w.removed.is_empty() && root.tag_name().namespace() == Some(SVG_NS);
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
            if aname.len() > 2 && aname[..2].eq_ignore_ascii_case("on") {
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
    fn refuses_entities_and_non_xml() {
        let xxe = br#"<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]><svg xmlns="http://www.w3.org/2000/svg">&x;</svg>"#;
        assert_eq!(sanitize(xxe).unwrap_err().code, Code::SvgInvalid);
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
