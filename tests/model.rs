//! The document model, seen through `quire build --emit model.json`: what
//! each reader produced and what resolution settled.

mod common;
use common::*;
use serde_json::Value;

fn model_of(files: &[(&str, &[u8])], entry: &str, extra: &[&str]) -> (Value, Run) {
    let dir = project(files);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", entry, "-o", "dist", "--emit", "model.json"])
        .args(extra));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let json = std::fs::read_to_string(dir.path().join("model.json")).expect("model.json written");
    (serde_json::from_str(&json).unwrap(), r)
}

fn blocks(model: &Value, chapter: usize) -> &Vec<Value> {
    model["chapters"][chapter]["blocks"].as_array().unwrap()
}

#[test]
fn markdown_constructs() {
    let md = "# Title\n\nSome *em*, **strong**, ~~gone~~, `code` and \"quotes\" -- dashes.\n\n\
## Section {#custom .wide}\n\n- a\n  - nested\n- [x] done\n\n3. three\n4. four\n\n\
| L | R |\n|:--|--:|\n| 1 | 2 |\n\n> quoted\n\n```rust\nfn x() {}\n```\n\n***\n\nEnd.\n";
    let (m, _) = model_of(&[("a.md", md.as_bytes())], "a.md", &[]);
    let b = blocks(&m, 0);
    let types: Vec<&str> = b.iter().map(|b| b["type"].as_str().unwrap()).collect();
    assert_eq!(
        types,
        [
            "paragraph",
            "heading",
            "list",
            "list",
            "table",
            "block-quote",
            "code-block",
            "scene-break",
            "paragraph"
        ]
    );
    assert_eq!(m["chapters"][0]["title"][0]["text"], "Title");
    let p = &b[0]["content"];
    assert_eq!(p[1]["type"], "emphasis");
    assert_eq!(p[3]["type"], "strong");
    assert_eq!(p[5]["type"], "strikethrough");
    assert_eq!(p[7]["type"], "code");
    assert_eq!(p[8]["text"], " and \u{201c}quotes\u{201d} \u{2013} dashes.");
    assert_eq!(b[1]["id"], "custom");
    assert_eq!(b[1]["classes"][0], "wide");
    assert_eq!(b[1]["line"], 5);
    let list = &b[2]["items"];
    assert_eq!(list[0]["blocks"][1]["type"], "list", "nested list");
    assert_eq!(list[1]["task"], true);
    assert_eq!(b[3]["start"], 3);
    assert_eq!(b[4]["align"], serde_json::json!(["left", "right"]));
    assert_eq!(b[6]["language"], "rust");
    assert_eq!(b[6]["text"], "fn x() {}");
}

#[test]
fn footnotes_carry_their_notes() {
    let md = "# T\n\nOne[^a] two[^b] again[^a].\n\n[^b]: Bee.\n[^a]: Ay, with *emphasis*.\n";
    let (m, r) = model_of(&[("a.md", md.as_bytes())], "a.md", &[]);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let p = &blocks(&m, 0)[0]["content"];
    let refs: Vec<&Value> = p
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["type"] == "footnote-ref")
        .collect();
    assert_eq!(refs.len(), 3);
    // Numbered by first reference, not by definition order.
    assert_eq!(refs[0]["number"], 1);
    assert_eq!(refs[1]["number"], 2);
    assert_eq!(refs[2]["number"], 1);
    assert_eq!(refs[2]["first"], false);
    assert_eq!(refs[0]["blocks"][0]["content"][0]["text"], "Ay, with ");
    assert_eq!(refs[1]["blocks"][0]["content"][0]["text"], "Bee.");
}

#[test]
fn heading_ids_are_unique_across_the_book() {
    let (m, _) = model_of(
        &[
            (
                "book.toml",
                b"chapters = [\"a.md\", \"b.md\"]\n[book]\ntitle = \"B\"\n",
            ),
            ("a.md", b"# Notes\n\n## Intro\n\n## Intro\n"),
            (
                "b.md",
                b"# Notes\n\n## Intro\n\nSee [a's intro](a.md#intro) and [b](b.md).\n",
            ),
        ],
        ".",
        &[],
    );
    assert_eq!(m["chapters"][0]["title_id"], "notes");
    assert_eq!(m["chapters"][1]["title_id"], "notes-1");
    assert_eq!(blocks(&m, 0)[0]["id"], "intro");
    assert_eq!(blocks(&m, 0)[1]["id"], "intro-1");
    assert_eq!(blocks(&m, 1)[0]["id"], "intro-2");
    let link = &blocks(&m, 1)[1]["content"][1];
    assert_eq!(link["type"], "link");
    assert_eq!(
        link["target"],
        serde_json::json!({"kind": "internal", "chapter": 0, "id": "intro"})
    );
    let link = &blocks(&m, 1)[1]["content"][3];
    assert_eq!(
        link["target"],
        serde_json::json!({"kind": "internal", "chapter": 1, "id": null})
    );
}

#[test]
fn figure_with_caption_and_image_asset() {
    let png: &[u8] = include_bytes!("../manuscripts/quire-manual/images/flow.png");
    let (m, _) = model_of(
        &[
            ("a.md", b"# A\n\n![A flow](pics/flow.png \"The flow\")\n"),
            ("pics/flow.png", png),
        ],
        "a.md",
        &[],
    );
    let fig = &blocks(&m, 0)[0];
    assert_eq!(fig["type"], "figure");
    assert_eq!(fig["image"]["path"], "pics/flow.png");
    assert_eq!(fig["image"]["alt"], "A flow");
    assert_eq!(fig["caption"][0]["text"], "The flow");
    let asset = &m["images"]["pics/flow.png"];
    assert_eq!(asset["media_type"], "image/png");
    assert_eq!(asset["width"], 1500);
    assert_eq!(asset["height"], 525);
}

#[test]
fn plain_text_reader() {
    let txt = "First line\nof a paragraph with \"quotes\" and it's -- fine...\n\n  \n* * *\n\nSecond \u{201c}kept\u{201d} \u{2013} as is.\n";
    let (m, r) = model_of(
        &[("notes-on-things.txt", txt.as_bytes())],
        "notes-on-things.txt",
        &[],
    );
    assert!(
        r.stderr
            .contains("using \u{201c}Notes on things\u{201d} from the file name"),
        "{}",
        r.stderr
    );
    assert_eq!(m["meta"]["title"], "Notes on things");
    let b = blocks(&m, 0);
    assert_eq!(
        b[0]["content"][0]["text"],
        "First line of a paragraph with \u{201c}quotes\u{201d} and it\u{2019}s \u{2013} fine\u{2026}"
    );
    assert_eq!(b[1]["type"], "scene-break");
    assert_eq!(
        b[2]["content"][0]["text"],
        "Second \u{201c}kept\u{201d} \u{2013} as is."
    );
    assert_eq!(b[2]["line"], 7);
}

#[test]
fn metadata_defaults() {
    let (m, _) = model_of(&[("a.md", b"# Just a Title\n\nText.\n")], "a.md", &[]);
    let meta = &m["meta"];
    assert_eq!(meta["title"], "Just a Title");
    assert_eq!(meta["language"], "en");
    assert_eq!(meta["identifier"]["scheme"], "uuid");
    assert_eq!(m["layout"], "article");
    // Derived from title and authors: the same every time.
    let (again, _) = model_of(&[("b.md", b"# Just a Title\n\nOther text.\n")], "b.md", &[]);
    assert_eq!(again["meta"]["identifier"], meta["identifier"]);
}

#[test]
fn metadata_from_front_matter_and_book_toml() {
    let fm = "---\ntitle: T\nsubtitle: S\nauthors:\n  - Ann\n  - name: Bo\n    role: translator\nlang: fr\nisbn: 9780306406157\n\
date: 2020-02-29\nseries: Saga\nseries-index: 2\nkeywords: [a, b]\nsource: The Paper\npublisher: P\nrights: R\n---\nTexte.\n";
    let (m, _) = model_of(&[("a.md", fm.as_bytes())], "a.md", &[]);
    let meta = &m["meta"];
    assert_eq!(
        meta["identifier"],
        serde_json::json!({"scheme": "isbn", "value": "9780306406157"})
    );
    assert_eq!(
        meta["contributors"][1],
        serde_json::json!({"name": "Bo", "role": "translator"})
    );
    assert_eq!(meta["language"], "fr");
    assert_eq!(
        meta["series"],
        serde_json::json!({"name": "Saga", "position": "2"})
    );
    assert_eq!(meta["subjects"], serde_json::json!(["a", "b"]));
    assert_eq!(meta["modified"], 1_582_934_400);
    let (m, _) = model_of(
        &[
            ("book.toml", b"[book]\ntitle = \"Only a title\"\n"),
            ("ch.md", b"Text without a heading.\n"),
        ],
        ".",
        &[],
    );
    assert_eq!(m["meta"]["title"], "Only a title");
    assert_eq!(m["layout"], "book");
    assert_eq!(m["chapters"][0]["title"][0]["text"], "Ch");
}

#[test]
fn command_line_overrides_the_files() {
    let fm = b"---\ntitle: From File\nauthor: File Author\nlang: de\n---\nText.\n";
    let (m, _) = model_of(
        &[("a.md", fm)],
        "a.md",
        &[
            "--title", "From CLI", "--author", "Cli One", "--author", "Cli Two", "--lang", "en-GB",
        ],
    );
    assert_eq!(m["meta"]["title"], "From CLI");
    assert_eq!(m["meta"]["contributors"][0]["name"], "Cli One");
    assert_eq!(m["meta"]["contributors"][1]["name"], "Cli Two");
    assert_eq!(m["meta"]["contributors"].as_array().unwrap().len(), 2);
    assert_eq!(m["meta"]["language"], "en-GB");
    // The EPUB says the same.
    let dir = project(&[("a.md", fm)]);
    let (r, epub) = build_epub(
        &dir.path().join("a.md"),
        &dir.path().join("out"),
        &["--title", "From CLI", "--lang", "en-GB"],
    );
    assert_eq!(r.status, 0, "{}", r.stderr);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(opf.contains("<dc:title id=\"title\">From CLI</dc:title>"));
    assert!(opf.contains("<dc:language>en-GB</dc:language>"));
    assert!(epub_file(&epub, "OEBPS/ch01.xhtml").contains("xml:lang=\"en-GB\""));
}

#[test]
fn a_chapter_keeps_its_own_language_and_heading_line() {
    let (m, r) = model_of(
        &[
            (
                "book.toml",
                b"chapters = [\"en.md\", \"fr.md\"]\n[book]\ntitle = \"B\"\n",
            ),
            (
                "en.md",
                b"---\ntitle: Other Title\n---\n# A Heading\n\nText.\n",
            ),
            ("fr.md", b"---\ntitle: Essai\nlang: fr\n---\nTexte.\n"),
        ],
        ".",
        &[],
    );
    // The file opens with a chapter heading: it titles the chapter, and
    // the front matter's other title, naming nothing, is a warning.
    assert_eq!(m["chapters"][0]["title"][0]["text"], "A Heading");
    assert_eq!(blocks(&m, 0)[0]["type"], "paragraph");
    assert_eq!(blocks(&m, 0)[0]["line"], 6);
    assert!(
        r.stderr
            .contains("en.md: warning: `title: Other Title` names no chapter")
            && r.stderr.contains("[title-unused]"),
        "{}",
        r.stderr
    );
    assert_eq!(m["chapters"][0]["lang"], Value::Null);
    assert_eq!(m["chapters"][1]["lang"], "fr");
}

#[test]
fn quotation_marks_follow_the_language() {
    let md = "---\ntitle: Essai\nlang: fr\n---\nIl a dit \"oui\" ; puis *\"non\"* !\n";
    let (m, _) = model_of(&[("a.md", md.as_bytes())], "a.md", &[]);
    let text = serde_json::to_string(&blocks(&m, 0)[0]).unwrap();
    assert!(
        text.contains("Il a dit «\u{202f}oui\u{202f}»\u{202f}; puis "),
        "{text}"
    );
    assert!(text.contains("«\u{202f}non\u{202f}»"), "{text}");
    let (m, _) = model_of(
        &[("a.md", b"---\ntitle: T\nlang: de\n---\nEr sagte \"ja\".\n")],
        "a.md",
        &[],
    );
    assert_eq!(
        blocks(&m, 0)[0]["content"][0]["text"],
        "Er sagte \u{201e}ja\u{201c}."
    );
}
