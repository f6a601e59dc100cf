//! Code highlighting: one small tokeniser for both formats.
//!
//! Each language is described by its words (keywords, types, literals),
//! its comments and its strings; a few (markup, data files, diffs, shells)
//! have a rule of their own. That is enough to tell keywords, strings,
//! comments, numbers and names apart in the forty-odd languages books
//! show, quickly and with no grammar files to load. The EPUB marks each
//! token with a class; the PDF sets keywords bold and gives each kind a
//! dark colour that stays distinct in grey.
//!
//! Text is sliced by byte offset throughout, and no slice can fall inside
//! a character: every offset is 0, the text's length, a value `find` or
//! `char_indices` gave, `len_utf8` past a character, or the place of an
//! ASCII byte (a quote, a digit, a letter, `<`, `>`, `$`, `@`, a newline)
//! plus the length of ASCII that was matched there. A byte below 0x80 is
//! never part of a longer character in UTF-8, so each is a boundary. The
//! loops that step a byte at a time (inside a markup tag, along a data
//! line, along a number) slice only where that byte is ASCII. A property
//! test runs every language over arbitrary Unicode, the corpus test every
//! code block of the real books, and `fuzz/fuzz_targets/highlight.rs`
//! keeps looking.

use std::ops::Range;

/// The kinds of token that are marked; everything else is plain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tok {
    Keyword,
    Type,
    /// `true`, `null`, `None`, …
    Literal,
    String,
    Number,
    Comment,
    /// A function or macro at its call or definition.
    Function,
    /// Preprocessor lines, decorators, attributes, section headers.
    Meta,
    /// A markup tag's name.
    Tag,
    /// A markup attribute, or a key in a data file.
    Attr,
    /// A diff's added line.
    Inserted,
    /// A diff's removed line.
    Deleted,
    /// A shell or Perl variable.
    Variable,
}

impl Tok {
    /// The EPUB's class for the token.
    pub fn class(self) -> &'static str {
        match self {
            Tok::Keyword => "hl-kw",
            Tok::Type => "hl-ty",
            Tok::Literal => "hl-li",
            Tok::String => "hl-st",
            Tok::Number => "hl-nu",
            Tok::Comment => "hl-co",
            Tok::Function => "hl-fn",
            Tok::Meta => "hl-me",
            Tok::Tag => "hl-ta",
            Tok::Attr => "hl-at",
            Tok::Inserted => "hl-in",
            Tok::Deleted => "hl-de",
            Tok::Variable => "hl-va",
        }
    }
}

/// A marked stretch of the text (byte range).
pub type Span = (Range<usize>, Tok);

mod langs;
#[cfg(test)]
mod tests;

use langs::{LANGS, Lang, Rule};

/// The language a fence names, if Quire knows it (`rust`, `py`, `c++`,
/// `language-rust`, `{.python}` …). Case does not matter.
fn find(name: &str) -> Option<&'static Lang> {
    let n = name.trim().trim_start_matches('.').to_ascii_lowercase();
    let n = n.strip_prefix("language-").unwrap_or(&n);
    LANGS.iter().find(|l| l.names.contains(&n))
}

/// The first name of every language Quire highlights.
pub fn languages() -> Vec<&'static str> {
    LANGS.iter().map(|l| l.names[0]).collect()
}

/// Whether the language is one Quire highlights.
pub fn known(name: &str) -> bool {
    find(name).is_some()
}

/// The marked stretches of `text` in `language`; empty for a language
/// Quire does not know. The spans are in order and do not overlap.
pub fn highlight(language: &str, text: &str) -> Vec<Span> {
    let Some(l) = find(language) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    match l.rule {
        Rule::Code => code(l, text, &mut out),
        Rule::Markup => markup(text, &mut out),
        Rule::Data => data(l, text, &mut out),
        Rule::Diff => diff(text, &mut out),
    }
    out.retain(|(r, _)| !r.is_empty());
    out
}

fn is_word_start(c: char) -> bool {
    c.is_alphabetic() || c == '_'
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The end of a string that opened at `start` with `quote` (after its
/// closing quote, or the end of the line for an unclosed one; a string
/// with a backslash-escaped newline, or a backtick string, runs on).
///
/// `start` is a character boundary and `quote` is ASCII; the scan moves a
/// whole character at a time (an escaped one included), so the end it
/// returns is a character boundary too.
fn string_end(text: &str, start: usize, quote: &str) -> usize {
    let multi = quote.len() == 3 || quote == "`";
    let mut chars = text[start + quote.len()..].char_indices();
    while let Some((k, c)) = chars.next() {
        let i = start + quote.len() + k;
        match c {
            '\\' => {
                // The escaped character, whatever its length.
                chars.next();
            }
            '\n' if !multi => return i,
            _ if text.as_bytes()[i..].starts_with(quote.as_bytes()) => return i + quote.len(),
            _ => {}
        }
    }
    text.len()
}

/// The end of a number starting at `start`: digits, `_`, `.` before a
/// digit, exponents, hex and suffixes (`0xFF`, `1_000u32`, `2.5e-3f`).
fn number_end(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut i = start;
    while i < b.len() {
        let c = b[i];
        let ok = c.is_ascii_alphanumeric()
            || c == b'_'
            || (c == b'.' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            || ((c == b'-' || c == b'+') && i > start && matches!(b[i - 1], b'e' | b'E'));
        if !ok {
            break;
        }
        i += 1;
    }
    i
}

fn code(l: &Lang, text: &str, out: &mut Vec<Span>) {
    let b = text.as_bytes();
    let mut i = 0;
    let mut line_start = true;
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let rest = &text[i..];
        if c == '\n' {
            line_start = true;
            i += 1;
            continue;
        }
        if c.is_whitespace() {
            i += c.len_utf8();
            continue;
        }
        let first_on_line = std::mem::replace(&mut line_start, false);
        if let Some((open, close)) = l.block_comment
            && rest.starts_with(open)
        {
            let end = rest[open.len()..]
                .find(close)
                .map_or(text.len(), |e| i + open.len() + e + close.len());
            out.push((i..end, Tok::Comment));
            i = end;
            continue;
        }
        if l.line_comments.iter().any(|m| rest.starts_with(m))
            // `#` starts a comment, not `#!` or `$#` in shells: near enough.
            && !(l.sigils && i > 0 && b[i - 1] == b'$')
        {
            let end = rest.find('\n').map_or(text.len(), |e| i + e);
            out.push((i..end, Tok::Comment));
            i = end;
            continue;
        }
        if first_on_line && l.meta_line == Some(c) {
            // A preprocessor line, continued by a backslash.
            let mut end = i;
            loop {
                let e = text[end..].find('\n').map_or(text.len(), |e| end + e);
                if e < text.len() && text[..e].ends_with('\\') {
                    end = e + 1;
                    continue;
                }
                end = e;
                break;
            }
            out.push((i..end, Tok::Meta));
            i = end;
            continue;
        }
        if l.triple && (rest.starts_with("\"\"\"") || rest.starts_with("'''")) {
            let end = string_end(text, i, &rest[..3]);
            out.push((i..end, Tok::String));
            i = end;
            continue;
        }
        if l.quotes.contains(c) {
            // A Rust lifetime or a char like 'a' is short; an apostrophe
            // in a word is not a string.
            let prev_word = i > 0 && is_word(text[..i].chars().next_back().unwrap_or(' '));
            if !(c == '\'' && prev_word) {
                let end = string_end(text, i, &rest[..c.len_utf8()]);
                out.push((i..end, Tok::String));
                i = end;
                continue;
            }
        }
        if l.sigils && c == '$' {
            let mut end = i + 1;
            let r = &text[end..];
            if r.starts_with('{') {
                end = r.find('}').map_or(text.len(), |e| end + e + 1);
            } else {
                end += r
                    .char_indices()
                    .find(|&(_, c)| !is_word(c))
                    .map_or(r.len(), |(k, _)| k);
                if end == i + 1 && r.starts_with(['?', '@', '#', '*', '!', '$']) {
                    end += 1;
                }
            }
            let word = &text[i..end];
            let tok = if l
                .literals
                .split_ascii_whitespace()
                .any(|w| w.eq_ignore_ascii_case(word))
            {
                Tok::Literal
            } else {
                Tok::Variable
            };
            out.push((i..end, tok));
            i = end;
            continue;
        }
        if l.at_meta && c == '@' {
            let r = &text[i + 1..];
            let n = r
                .char_indices()
                .find(|&(_, c)| !(is_word(c) || c == '.'))
                .map_or(r.len(), |(k, _)| k);
            if n > 0 {
                out.push((i..i + 1 + n, Tok::Meta));
                i += 1 + n;
                continue;
            }
        }
        if c.is_ascii_digit() {
            let prev_word = i > 0 && is_word(text[..i].chars().next_back().unwrap_or(' '));
            let end = number_end(text, i);
            if !prev_word {
                out.push((i..end, Tok::Number));
            }
            i = end;
            continue;
        }
        if is_word_start(c) || (c == '@' || c == '!' || c == '.') && l.any_case {
            let end = i + rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| !(is_word(c) || c == '-' && l.names.contains(&"css")))
                .map_or(rest.len(), |(k, _)| k);
            let mut end = end;
            // Ruby's `defined?`, Rust's `macro!`.
            let word = &text[i..end];
            let same = |w: &str| {
                if l.any_case {
                    w.eq_ignore_ascii_case(word)
                } else {
                    w == word
                }
            };
            let after = text[end..].chars().next();
            let tok = if l.keywords.split_ascii_whitespace().any(same) {
                Some(Tok::Keyword)
            } else if l.literals.split_ascii_whitespace().any(same) {
                Some(Tok::Literal)
            } else if l.types.split_ascii_whitespace().any(same) {
                Some(Tok::Type)
            } else if after == Some('!') && l.names.contains(&"rust") {
                end += 1;
                Some(Tok::Function)
            } else if after == Some('(') {
                Some(Tok::Function)
            } else if l.caps_types
                && word.chars().next().is_some_and(char::is_uppercase)
                && word.chars().any(char::is_lowercase)
            {
                Some(Tok::Type)
            } else {
                None
            };
            if let Some(t) = tok {
                out.push((i..end, t));
            }
            i = end;
            continue;
        }
        if l.names.contains(&"css") && (c == '@' || c == '#') {
            let end = i + rest
                .char_indices()
                .skip(1)
                .find(|&(_, c)| !(is_word(c) || c == '-'))
                .map_or(rest.len(), |(k, _)| k);
            let tok = if c == '@' { Tok::Keyword } else { Tok::Number };
            out.push((i..end, tok));
            i = end;
            continue;
        }
        i += c.len_utf8();
    }
}

fn markup(text: &str, out: &mut Vec<Span>) {
    let mut i = 0;
    while let Some(k) = text[i..].find(['<', '&']) {
        let at = i + k;
        let rest = &text[at..];
        if rest.starts_with("<!--") {
            let end = rest.find("-->").map_or(text.len(), |e| at + e + 3);
            out.push((at..end, Tok::Comment));
            i = end;
            continue;
        }
        if rest.starts_with('&') {
            let end = rest
                .char_indices()
                .take(12)
                .find(|&(_, c)| c == ';' || c.is_whitespace())
                .filter(|&(_, c)| c == ';')
                .map_or(at + 1, |(e, _)| at + e + 1);
            if end > at + 1 {
                out.push((at..end, Tok::Literal));
            }
            i = end;
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            let end = rest.find('>').map_or(text.len(), |e| at + e + 1);
            out.push((at..end, Tok::Meta));
            i = end;
            continue;
        }
        // A tag: its name, then attributes and their values.
        let name_start = at + 1 + usize::from(rest[1..].starts_with('/'));
        let name_len = text[name_start..]
            .char_indices()
            .find(|&(_, c)| !(is_word(c) || matches!(c, '-' | ':' | '.')))
            .map_or(text.len() - name_start, |(e, _)| e);
        if name_len == 0 {
            i = at + 1;
            continue;
        }
        out.push((name_start..name_start + name_len, Tok::Tag));
        let mut j = name_start + name_len;
        let b = text.as_bytes();
        while j < b.len() && b[j] != b'>' {
            let c = b[j];
            if c == b'"' || c == b'\'' {
                let q = if c == b'"' { "\"" } else { "'" };
                let end = text[j + 1..].find(q).map_or(text.len(), |e| j + 1 + e + 1);
                out.push((j..end, Tok::String));
                j = end;
            } else if c.is_ascii_alphabetic() {
                let end = j + text[j..]
                    .char_indices()
                    .find(|&(_, c)| !(is_word(c) || matches!(c, '-' | ':' | '.')))
                    .map_or(text.len() - j, |(e, _)| e);
                out.push((j..end, Tok::Attr));
                j = end;
            } else {
                j += 1;
            }
        }
        i = (j + 1).min(text.len());
    }
}

fn data(l: &Lang, text: &str, out: &mut Vec<Span>) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let base = offset;
        offset += line.len();
        let trimmed = line.trim_start();
        let lead = line.len() - trimmed.len();
        if l.line_comments.iter().any(|m| trimmed.starts_with(m)) {
            out.push((base + lead..base + line.trim_end().len(), Tok::Comment));
            continue;
        }
        // TOML and INI sections.
        if trimmed.starts_with('[') && !l.names.contains(&"json") && !l.names.contains(&"yaml") {
            out.push((base + lead..base + line.trim_end().len(), Tok::Meta));
            continue;
        }
        let mut i = lead;
        let b = line.as_bytes();
        // A key: up to `:` (JSON, YAML) or `=` (TOML, INI).
        let sep = if l.names.contains(&"toml") { '=' } else { ':' };
        if let Some((start, end)) = key(line, i, sep) {
            out.push((base + start..base + end, Tok::Attr));
            i = end;
        }
        while i < b.len() {
            let c = b[i];
            if c == b'"' || c == b'\'' {
                let end = string_end(line, i, &line[i..i + 1]);
                out.push((base + i..base + end, Tok::String));
                i = end;
            } else if c == b'#' && !l.line_comments.is_empty() && (i == 0 || b[i - 1] == b' ') {
                out.push((base + i..base + line.trim_end().len(), Tok::Comment));
                break;
            } else if c.is_ascii_digit()
                || (c == b'-' && b.get(i + 1).is_some_and(u8::is_ascii_digit))
            {
                let prev_word = i > 0 && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_');
                let end = number_end(line, i + usize::from(c == b'-'));
                if !prev_word {
                    out.push((base + i..base + end, Tok::Number));
                }
                i = end.max(i + 1);
            } else if c.is_ascii_alphabetic() || c == b'~' {
                let end = i + line[i..]
                    .char_indices()
                    .find(|&(_, c)| !(is_word(c) || c == '~'))
                    .map_or(line.len() - i, |(e, _)| e);
                if l.literals
                    .split_ascii_whitespace()
                    .any(|w| w == &line[i..end])
                {
                    out.push((base + i..base + end, Tok::Literal));
                }
                i = end.max(i + 1);
            } else {
                i += 1;
            }
        }
    }
}

/// Where a key that starts at `i` ends, when the line is `key: value` or
/// `key = value` (a quoted key included).
fn key(line: &str, i: usize, sep: char) -> Option<(usize, usize)> {
    let rest = &line[i..];
    let rest = rest.strip_prefix("- ").unwrap_or(rest);
    let start = line.len() - rest.len();
    let end = if rest.starts_with('"') || rest.starts_with('\'') {
        string_end(line, start, &rest[..1])
    } else {
        start
            + rest
                .char_indices()
                .find(|&(_, c)| !(is_word(c) || matches!(c, '-' | '.' | '/' | '$' | '@')))
                .map_or(rest.len(), |(e, _)| e)
    };
    if end == start {
        return None;
    }
    let after = line[end..].trim_start();
    after.starts_with(sep).then_some((start, end))
}

fn diff(text: &str, out: &mut Vec<Span>) {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let end = offset + line.trim_end_matches(['\n', '\r']).len();
        let tok = if line.starts_with("+++") || line.starts_with("---") || line.starts_with("@@") {
            Some(Tok::Meta)
        } else if line.starts_with('+') {
            Some(Tok::Inserted)
        } else if line.starts_with('-') {
            Some(Tok::Deleted)
        } else {
            None
        };
        if let Some(t) = tok {
            out.push((offset..end, t));
        }
        offset += line.len();
    }
}
