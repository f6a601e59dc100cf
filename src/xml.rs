//! Text into XML (XHTML chapters, the package, SVG, the PDF's XMP): every
//! string that reaches an XML file passes through here, so no output can
//! carry a character XML forbids.

/// Characters that no output may carry: those XML 1.0 forbids (C0 controls
/// but tab, line feed and carriage return; U+FFFE, U+FFFF), and DEL and the
/// C1 controls, which HTML parsers reject and no text means.
pub fn forbidden(c: char) -> bool {
    matches!(c,
        '\u{0}'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}'
        | '\u{7f}'..='\u{9f}' | '\u{fffe}' | '\u{ffff}')
}

/// Text or an attribute value, escaped, the forbidden characters dropped.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            c if forbidden(c) => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for a library that escapes it itself (epub-builder's navigation):
/// only the forbidden characters are dropped.
pub fn clean(s: &str) -> String {
    s.chars().filter(|&c| !forbidden(c)).collect()
}

/// The text of an HTML attribute value: the five named entities and
/// numeric references decoded; anything else left as written.
pub fn unescape(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        let Some(end) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let name = &rest[1..end];
        let c = match name {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                .ok()
                .and_then(char::from_u32),
            n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
            _ => None,
        };
        match c {
            Some(c) if !c.is_control() || c == '\t' => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            _ => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}
