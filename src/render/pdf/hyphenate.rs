//! Hyphenation: where a word may be broken, by Liang's patterns for the
//! book's language (the `hyphenation` crate, patterns embedded).
//!
//! Rules on top of the patterns, as a careful compositor keeps them: no
//! break in a word of fewer than five letters; at least two letters before
//! a break and three after; no break in words with digits or capitals only
//! (acronyms, codes), nor in anything that looks like a URL; and, unless
//! the book asks (`[style] hyphenate-capitals = true`), none in a word
//! that opens with a capital (proper names: not "Kelm-scott"), as TeX's
//! `\uchyph=0`; in German, where every noun has a capital, they break.

use hyphenation::{Hyphenator as _, Language, Load, Standard};

pub struct Hyphenator {
    dict: Option<std::sync::Arc<Standard>>,
    /// Whether a word that opens with a capital may be broken.
    capitals: bool,
    /// Points found so far, by word: a book repeats its words, and the
    /// patterns are the costliest part of setting a paragraph.
    cache: std::cell::RefCell<std::collections::HashMap<String, Vec<usize>>>,
}

pub const MIN_WORD: usize = 5;
pub const MIN_LEFT: usize = 2;
pub const MIN_RIGHT: usize = 3;

fn language(tag: &str) -> Option<Language> {
    let lower = tag.to_ascii_lowercase();
    let primary = crate::model::metadata::primary_subtag(tag);
    Some(match (primary.as_str(), lower.as_str()) {
        ("en", "en-gb" | "en-au" | "en-nz" | "en-ie" | "en-za" | "en-in") => Language::EnglishGB,
        ("en", _) => Language::EnglishUS,
        ("fr", _) => Language::French,
        ("de", "de-ch") => Language::GermanSwiss,
        ("de", _) => Language::German1996,
        ("es", _) => Language::Spanish,
        ("it", _) => Language::Italian,
        ("pt", _) => Language::Portuguese,
        ("nl", _) => Language::Dutch,
        ("sv", _) => Language::Swedish,
        ("da", _) => Language::Danish,
        ("nb" | "no", _) => Language::NorwegianBokmal,
        ("nn", _) => Language::NorwegianNynorsk,
        ("fi", _) => Language::Finnish,
        ("pl", _) => Language::Polish,
        ("cs", _) => Language::Czech,
        ("ru", _) => Language::Russian,
        ("ca", _) => Language::Catalan,
        _ => return None,
    })
}

/// A language's patterns, loaded once in the process and shared by every
/// thread and every book that uses them.
fn patterns(lang: Language) -> Option<std::sync::Arc<Standard>> {
    type Loaded = std::collections::HashMap<Language, Option<std::sync::Arc<Standard>>>;
    static LOADED: std::sync::Mutex<Option<Loaded>> = std::sync::Mutex::new(None);
    let mut loaded = LOADED.lock().unwrap_or_else(|e| e.into_inner());
    loaded
        .get_or_insert_with(Default::default)
        .entry(lang)
        .or_insert_with(|| Standard::from_embedded(lang).ok().map(std::sync::Arc::new))
        .clone()
}

impl Hyphenator {
    /// A hyphenator for a BCP 47 tag; one for a language without patterns
    /// never breaks words.
    pub fn new(lang: &str) -> Hyphenator {
        let dict = language(lang).and_then(patterns);
        // German and Luxembourgish capitalise every noun: there, a capital
        // says nothing about a name.
        let nouns = matches!(
            crate::model::metadata::primary_subtag(lang).as_str(),
            "de" | "lb"
        );
        Hyphenator {
            dict,
            capitals: nouns,
            cache: Default::default(),
        }
    }

    /// The hyphenator a book's text is set with: its language, and its
    /// rule for capitalised words.
    pub fn for_book(book: &crate::model::Book) -> Hyphenator {
        Hyphenator::new(&book.meta.language).with_capitals(book.options.style.hyphenate_capitals)
    }

    /// Whether words that open with a capital may be broken, when the
    /// book says.
    pub fn with_capitals(mut self, capitals: Option<bool>) -> Hyphenator {
        if let Some(c) = capitals {
            self.capitals = c;
        }
        self
    }

    pub fn supports_language(&self) -> bool {
        self.dict.is_some()
    }

    /// Byte offsets in `word` after which a hyphen may be inserted.
    pub fn points(&self, word: &str) -> Vec<usize> {
        if self.dict.is_none() {
            return Vec::new();
        }
        if let Some(p) = self.cache.borrow().get(word) {
            return p.clone();
        }
        let p = self.find_points(word);
        self.cache.borrow_mut().insert(word.to_string(), p.clone());
        p
    }

    fn find_points(&self, word: &str) -> Vec<usize> {
        let Some(dict) = &self.dict else {
            return Vec::new();
        };
        let letters = word.chars().filter(|c| c.is_alphabetic()).count();
        if letters < MIN_WORD
            || word.chars().any(|c| c.is_ascii_digit())
            || word
                .chars()
                .filter(|c| c.is_alphabetic())
                .all(char::is_uppercase)
            || word.contains("://")
            || word.contains('@')
            || (!self.capitals
                && word
                    .chars()
                    .find(|c| c.is_alphabetic())
                    .is_some_and(char::is_uppercase))
        {
            return Vec::new();
        }
        // Patterns know letters only: hyphenate the alphabetic core and
        // map the points back.
        let start = word.find(char::is_alphabetic).unwrap_or(0);
        let end = word
            .char_indices()
            .rev()
            .find(|(_, c)| c.is_alphabetic())
            .map_or(word.len(), |(i, c)| i + c.len_utf8());
        let core = &word[start..end];
        if core
            .chars()
            .any(|c| !c.is_alphabetic() && c != '\'' && c != '\u{2019}')
        {
            return Vec::new(); // compounds with hyphens break at their hyphens
        }
        let h = dict.hyphenate(core);
        h.breaks
            .iter()
            .filter(|&&b| {
                let left = core[..b].chars().count();
                let right = core[b..].chars().count();
                left >= MIN_LEFT && right >= MIN_RIGHT
            })
            .map(|&b| start + b)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_points() {
        let h = Hyphenator::new("en");
        let word = "hyphenation";
        let parts: Vec<&str> = {
            let mut v = Vec::new();
            let mut last = 0;
            for p in h.points(word) {
                v.push(&word[last..p]);
                last = p;
            }
            v.push(&word[last..]);
            v
        };
        assert_eq!(parts.join("-"), "hy-phen-a-tion");
        assert!(h.points("PMOI").is_empty());
        assert!(h.points("cats").is_empty());
        // Punctuation stays out of the way.
        assert_eq!(h.points("“hyphenation,”").len(), 3);
        // Proper names stay whole unless the book asks.
        assert!(h.points("Kelmscott").is_empty());
        assert!(h.points("“Hyphenation").is_empty());
        let caps = Hyphenator::new("en").with_capitals(Some(true));
        assert!(!caps.points("Kelmscott").is_empty());
    }

    #[test]
    fn other_languages() {
        assert!(
            !Hyphenator::new("fr")
                .points("constitutionnellement")
                .is_empty()
        );
        assert!(!Hyphenator::new("de").points("Silbentrennung").is_empty());
        assert!(!Hyphenator::new("es").points("silabización").is_empty());
        assert!(!Hyphenator::new("it").points("sillabazione").is_empty());
        assert!(!Hyphenator::new("xx").supports_language());
    }
}
