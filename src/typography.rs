//! Language-aware typographic punctuation for plain text.
//!
//! Plain-text manuscripts get the treatment Markdown gets from smart
//! punctuation: straight quotes become curly, `--` an en dash, `---` an em
//! dash, `...` an ellipsis. Characters that are already typographic are kept
//! exactly. This module must not change anything but these punctuation marks.

/// Makes straight quotes, dashes and dots typographic.
pub fn smarten(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 8);
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let prev = if i == 0 { None } else { Some(chars[i - 1]) };
        match c {
            '-' if chars.get(i + 1) == Some(&'-') => {
                if chars.get(i + 2) == Some(&'-') {
                    out.push('\u{2014}');
                    i += 3;
                } else {
                    out.push('\u{2013}');
                    i += 2;
                }
                continue;
            }
            '.' if chars.get(i + 1) == Some(&'.') && chars.get(i + 2) == Some(&'.') => {
                out.push('\u{2026}');
                i += 3;
                continue;
            }
            '"' => out.push(if opens(prev) { '\u{201C}' } else { '\u{201D}' }),
            '\'' => {
                // An apostrophe inside a word (don't) or before a year ('90s)
                // is a right single quote, as is any closing quote.
                let next = chars.get(i + 1).copied();
                let elision = next.is_some_and(|n| n.is_ascii_digit())
                    && prev.is_none_or(char::is_whitespace);
                out.push(if opens(prev) && !elision {
                    '\u{2018}'
                } else {
                    '\u{2019}'
                });
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// A quote opens when it starts the text or follows a space, an opening
/// bracket, a dash or another opening quote.
fn opens(prev: Option<char>) -> bool {
    match prev {
        None => true,
        Some(p) => {
            p.is_whitespace()
                || matches!(
                    p,
                    '(' | '[' | '{' | '\u{2014}' | '\u{2013}' | '-' | '\u{201C}' | '\u{2018}' | '/'
                )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::smarten;

    #[test]
    fn quotes_and_dashes() {
        assert_eq!(
            smarten("\"Hi,\" she said."),
            "\u{201C}Hi,\u{201D} she said."
        );
        assert_eq!(
            smarten("don't 'quote'"),
            "don\u{2019}t \u{2018}quote\u{2019}"
        );
        assert_eq!(smarten("in the '90s"), "in the \u{2019}90s");
        assert_eq!(
            smarten("a -- b --- c..."),
            "a \u{2013} b \u{2014} c\u{2026}"
        );
    }

    #[test]
    fn keeps_typographic_characters() {
        let s = "\u{201C}Persons of Concern\u{201D} \u{2013} Maliki\u{2019}s";
        assert_eq!(smarten(s), s);
    }
}
