use super::*;

fn marked(lang: &str, text: &str) -> Vec<(String, Tok)> {
    highlight(lang, text)
        .into_iter()
        .map(|(r, t)| (text[r].to_string(), t))
        .collect()
}

#[test]
fn rust() {
    let m = marked(
        "rust",
        "// hi\nfn main() {\n    let x: u32 = 0x1F; println!(\"a\\\"b\"); /* c */ Some(x)\n}",
    );
    assert!(m.contains(&("// hi".into(), Tok::Comment)));
    assert!(m.contains(&("fn".into(), Tok::Keyword)));
    assert!(m.contains(&("main".into(), Tok::Function)));
    assert!(m.contains(&("u32".into(), Tok::Type)));
    assert!(m.contains(&("0x1F".into(), Tok::Number)));
    assert!(m.contains(&("println!".into(), Tok::Function)));
    assert!(m.contains(&("\"a\\\"b\"".into(), Tok::String)));
    assert!(m.contains(&("/* c */".into(), Tok::Comment)));
    assert!(m.contains(&("Some".into(), Tok::Literal)));
}

#[test]
fn python_shell_sql_and_c() {
    let m = marked(
        "py",
        "@dataclass\ndef f(x):\n    \"\"\"Doc\n    string\"\"\"\n    return None  # done\n",
    );
    assert!(m.contains(&("@dataclass".into(), Tok::Meta)));
    assert!(m.contains(&("\"\"\"Doc\n    string\"\"\"".into(), Tok::String)));
    assert!(m.contains(&("# done".into(), Tok::Comment)));
    let m = marked(
        "sh",
        "for f in *.md; do echo \"$f\" ${HOME} $#; done # loop",
    );
    assert!(m.contains(&("${HOME}".into(), Tok::Variable)));
    assert!(m.contains(&("# loop".into(), Tok::Comment)));
    let m = marked("sql", "SELECT name FROM users WHERE id = 3; -- one");
    assert!(m.contains(&("SELECT".into(), Tok::Keyword)));
    assert!(m.contains(&("-- one".into(), Tok::Comment)));
    let m = marked("c", "#include <stdio.h>\nint main(void) { return 0; }");
    assert!(m.contains(&("#include <stdio.h>".into(), Tok::Meta)));
    assert!(m.contains(&("int".into(), Tok::Type)));
    // No word inside a word is taken: `don't` has no string.
    assert!(
        marked("rust", "// x\nlet don't = 1;")
            .iter()
            .all(|(_, t)| *t != Tok::String)
    );
}

#[test]
fn data_and_markup() {
    let m = marked(
        "toml",
        "[package]\nname = \"quire\" # n\nversion = 3\nok = true\n",
    );
    assert!(m.contains(&("[package]".into(), Tok::Meta)));
    assert!(m.contains(&("name".into(), Tok::Attr)));
    assert!(m.contains(&("\"quire\"".into(), Tok::String)));
    assert!(m.contains(&("3".into(), Tok::Number)));
    assert!(m.contains(&("true".into(), Tok::Literal)));
    let m = marked("json", "{\"a\": [1, -2.5e3, null]}");
    assert!(m.contains(&("-2.5e3".into(), Tok::Number)));
    assert!(m.contains(&("null".into(), Tok::Literal)));
    let m = marked("yaml", "title: A book\nitems:\n  - one: 1\n");
    assert!(m.contains(&("title".into(), Tok::Attr)));
    assert!(m.contains(&("one".into(), Tok::Attr)));
    let m = marked("html", "<!-- c --><a href=\"x\">&amp;</a>");
    assert!(m.contains(&("<!-- c -->".into(), Tok::Comment)));
    assert!(m.contains(&("a".into(), Tok::Tag)));
    assert!(m.contains(&("href".into(), Tok::Attr)));
    assert!(m.contains(&("\"x\"".into(), Tok::String)));
    assert!(m.contains(&("&amp;".into(), Tok::Literal)));
    let m = marked("diff", "--- a\n+++ b\n@@ -1 +1 @@\n-old\n+new\n same\n");
    assert!(m.contains(&("-old".into(), Tok::Deleted)));
    assert!(m.contains(&("+new".into(), Tok::Inserted)));
}

#[test]
fn forty_languages_and_none_for_the_rest() {
    let names: usize = LANGS.iter().map(|l| l.names.len()).sum();
    assert!(names >= 100, "{names} names");
    assert!(LANGS.len() >= 30, "{} languages", LANGS.len());
    assert!(highlight("klingon", "x = 1").is_empty());
    assert!(known("Python") && known("language-rust") && known("c++"));
}

/// The spans of any text in any language are in order, do not
/// overlap and start and end on character boundaries.
fn assert_well_formed(lang: &str, text: &str) {
    let mut last = 0;
    for (r, _) in highlight(lang, text) {
        assert!(
            r.start >= last && r.start < r.end && r.end <= text.len(),
            "{lang}: {r:?}"
        );
        assert!(
            text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
            "{lang}: {r:?}"
        );
        last = r.end;
    }
}

#[test]
fn text_beyond_ascii_in_every_construct() {
    // Strings, escapes, comments, words, numbers, tags, keys and
    // variables with letters of two to four bytes next to them.
    let samples = [
        "let hello = \"Здравствуйте\";",
        "\"\\é\" '\\🎵' `\\測`",
        "x = 'mañana' // – comment\n/* 測試 */ y",
        "fetch('https://例え.jp/測試') # 🚨\n$変数 @装飾 ${ключ}",
        "<a title=\"é\" data-測=値>&amp;é</a><!-- ü -->",
        "ключ: \"значение\"\n- é: 1\n[раздел]\nπ = 3.14ü",
        "\"unterminated 😀\\",
        "'\\",
        "\"\\",
        "é\"\\\u{1F600}",
    ];
    for l in LANGS {
        for text in samples {
            assert_well_formed(l.names[0], text);
        }
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(256))]
    /// No text makes the tokeniser panic or give a span that does not
    /// fit the text, in any language it knows.
    #[test]
    fn any_unicode_in_any_language(
        text in "(\\PC|[\"'`\\\\/*#<>&$@{}=:;\\[\\]\n-]){0,80}",
        lang in 0..LANGS.len(),
    ) {
        assert_well_formed(LANGS[lang].names[0], &text);
    }
}

#[test]
fn spans_are_ordered_and_within_the_text() {
    for l in LANGS {
        let text = "fn \"unterminated\n/* open\nx = 'a' # c -- d ; e % f\n<t a=\"1\">@x $y 1.5e-3";
        let spans = highlight(l.names[0], text);
        let mut last = 0;
        for (r, _) in &spans {
            assert!(
                r.start >= last && r.end <= text.len(),
                "{}: {r:?}",
                l.names[0]
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
            last = r.end;
        }
    }
}

#[test]
fn a_literal_is_a_whole_word_of_the_list() {
    // `ru` and `fals` are inside "true false null" but are not literals.
    let text = "a: true\nb: ru\nc: fals\n";
    let literals: Vec<&str> = highlight("yaml", text)
        .into_iter()
        .filter(|(_, t)| *t == Tok::Literal)
        .map(|(r, _)| &text[r])
        .collect();
    assert_eq!(literals, ["true"]);
}
