//! Books in other scripts: characters no font can draw are errors (not
//! empty boxes), fallback faces from real font files (Debian's Noto,
//! including a font collection), and Japanese line breaking.

mod common;

use common::*;
use std::ffi::OsStr;
use std::path::Path;

const NOTO_SERIF: &str = "/usr/share/fonts/truetype/noto/NotoSerif-Regular.ttf";
const NOTO_CJK: &str = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc";
const NOTO_EMOJI: &str = "/usr/share/fonts/truetype/noto/NotoColorEmoji.ttf";

/// Greek prose (from the opening of the Gospel of John, in the public
/// domain) with Latin words and numbers mixed in.
const GREEK: &str = "# Ελληνικά\n\nἘν ἀρχῇ ἦν ὁ λόγος, καὶ ὁ λόγος ἦν πρὸς τὸν θεόν, καὶ θεὸς ἦν ὁ λόγος. The text is quoted from the edition of 1881, page 42.\n\nΟὗτος ἦν ἐν ἀρχῇ πρὸς τὸν θεόν. Πάντα δι᾽ αὐτοῦ ἐγένετο, καὶ χωρὶς αὐτοῦ ἐγένετο οὐδὲ ἕν.\n";

/// Japanese prose (the opening of Natsume Sōseki's 吾輩は猫である, 1905,
/// in the public domain), with a Latin word and a number.
const JAPANESE: &str = "# 吾輩は猫である\n\n吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。しかもあとで聞くとそれは書生という人間中で一番獰悪な種族であったそうだ。この書生というのは時々我々を捕えて煮て食うという話である。しかしその当時は何という考もなかったから別段恐しいとも思わなかった。ただ彼の掌に載せられてスーと持ち上げられた時何だかフワフワした感じがあったばかりである。\n\n「吾輩」は1905年に書かれた。Quire で組んだ。掌の上で少し落ちついて書生の顔を見たのがいわゆる人間というものの見始であろう。この時妙なものだと思った感じが今でも残っている。第一毛をもって装飾されべきはずの顔がつるつるしてまるで薬缶だ。その後猫にもだいぶ逢ったがこんな片輪には一度も出会わした事がない。\n";

fn font(path: &str) -> Vec<u8> {
    std::fs::read(path).unwrap_or_else(|e| {
        panic!("{path}: {e} (bash .ci/test installs fonts-noto-core, fonts-noto-cjk and fonts-noto-color-emoji)")
    })
}

/// Chinese prose (the opening of Lu Xun's 故乡, 1921, in the public
/// domain) with a number.
const CHINESE: &str = "# 故乡\n\n我冒了严寒，回到相隔二千余里，别了二十余年的故乡去。时候既然是深冬；渐近故乡时，天气又阴晦了，冷风吹进船舱中，呜呜的响，从篷隙向外一望，苍黄的天底下，远近横着几个萧索的荒村，没有一些活气。我的心禁不住悲凉起来了。这是1921年写的。\n";

fn book(fallback: &str) -> tempfile::TempDir {
    let serif = font(NOTO_SERIF);
    let cjk = font(NOTO_CJK);
    let toml = format!("[book]\ntitle = \"Scripts\"\nlang = \"en\"\n\n[fonts]\n{fallback}\n");
    project(&[
        ("book.toml", toml.as_bytes()),
        ("type/NotoSerif-Regular.ttf", serif.as_slice()),
        ("type/NotoSerifCJK-Regular.ttc", cjk.as_slice()),
        ("01-greek.md", GREEK.as_bytes()),
        ("02-japanese.md", JAPANESE.as_bytes()),
        ("03-chinese.md", CHINESE.as_bytes()),
    ])
}

/// The text of a manuscript as a reader sees it: its words, or for
/// Japanese, its characters, without markup and spaces.
fn letters(s: &str) -> String {
    s.chars()
        .filter(|c| c.is_alphanumeric())
        .collect::<String>()
}

#[test]
fn greek_and_japanese_are_set_with_fallback_faces_in_both_formats() {
    let dir =
        book("fallback = [\"type/NotoSerif-Regular.ttf\", \"type/NotoSerifCJK-Regular.ttc#0\"]");
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let v = epubcheck(&epub);
    assert_eq!((v.fatals, v.errors, v.warnings), (0, 0, 0), "{}", v.report);
    // The fallbacks go in as subsets, named in the stylesheet's stacks.
    let names = epub_names(&epub);
    assert!(
        names.iter().any(|n| n.ends_with("fonts/fallback-1.ttf")),
        "{names:?}"
    );
    assert!(
        names.iter().any(|n| n.ends_with("fonts/fallback-2.otf")),
        "{names:?}"
    );
    let css = epub_file(&epub, "OEBPS/stylesheet.css");
    assert!(
        css.contains("\"Charis SIL\", \"Noto Serif\", \"Noto Serif CJK JP\", Georgia, serif"),
        "{css}"
    );

    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("+NotoSerif-Regular"), "{fonts}");
    assert!(fonts.contains("+NotoSerifCJKjp-Regular"), "{fonts}");
    let text = pdftotext(&pdf, None);
    let got = letters(&text);
    // Every paragraph comes back, in order.
    for para in GREEK
        .split("\n\n")
        .chain(JAPANESE.split("\n\n"))
        .chain(CHINESE.split("\n\n"))
    {
        let want = letters(para.trim_start_matches("# "));
        assert!(got.contains(&want), "{want}\nnot in\n{text}");
    }
    // A Greek word is set in one face, not some letters in each: no
    // Greek glyph comes from Charis.
    let greek_page = (1..=pdf_pages(&pdf))
        .find(|&p| pdftotext(&pdf, Some(p)).contains("λόγος"))
        .unwrap();
    let used = fonts_on_page(&pdf, greek_page);
    assert!(used.iter().any(|f| f.contains("NotoSerif")), "{used:?}");
}

/// The fonts a page's text uses, from `pdffonts -f N -l N`.
fn fonts_on_page(pdf: &Path, page: usize) -> Vec<String> {
    let p = page.to_string();
    tool_text(
        "pdffonts",
        &[
            OsStr::new("-f"),
            OsStr::new(&p),
            OsStr::new("-l"),
            OsStr::new(&p),
            pdf.as_os_str(),
        ],
    )
    .lines()
    .skip(2)
    .filter_map(|l| l.split_whitespace().next().map(str::to_string))
    .collect()
}

#[test]
fn without_a_fallback_the_missing_characters_are_an_error_in_build_and_check() {
    let dir = book("");
    let out = dir.path().join("out");
    // Installed fonts are left out, as a build that must give the same
    // bytes everywhere leaves them.
    for args in [
        vec!["build", ".", "-o", "out", "--no-system-fonts"],
        vec!["check", ".", "--no-system-fonts"],
    ] {
        let r = run(quire().current_dir(dir.path()).args(&args));
        assert_eq!(r.status, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("01-greek.md:1:3: error: ")
                && r.stderr
                    .contains("that no font of the book can draw: Greek ('")
                && r.stderr.contains("'Ε' U+0395")
                && r.stderr
                    .contains("the PDF would show empty boxes [glyph-missing]"),
            "{args:?}: {}",
            r.stderr
        );
        assert!(
            r.stderr.contains("02-japanese.md:1:3: error: ")
                && r.stderr.contains("Han ('")
                && r.stderr.contains("Hiragana ('")
                && r.stderr.contains("such as Noto Serif CJK"),
            "{}",
            r.stderr
        );
    }
    assert!(!out.exists(), "nothing written");
    // The EPUB alone is written: a reading system has fonts of its own.
    let (r, _) = build_epub(dir.path(), &out, &["--no-system-fonts"]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the EPUB relies on the reading system's own fonts for them"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_face_a_collection_does_not_have_is_refused_where_it_is_named() {
    let dir = book("fallback = [\"type/NotoSerifCJK-Regular.ttc#40\"]");
    let r = run(quire().current_dir(dir.path()).args(["check", "."]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:6:13: error: font `type/NotoSerifCJK-Regular.ttc`: the file holds 5 face(s); there is no face #40 (they count from 0)"),
        "{}",
        r.stderr
    );
}

#[test]
fn japanese_lines_never_start_with_a_stop_or_end_with_an_opening_bracket() {
    let long = JAPANESE.repeat(6).replace("# 吾輩は猫である\n\n", "");
    let serif = font(NOTO_SERIF);
    let cjk = font(NOTO_CJK);
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"J\"\nlang = \"ja\"\n\n[fonts]\nfallback = [\"type/cjk.ttc#0\", \"type/serif.ttf\"]\n".as_slice(),
        ),
        ("type/serif.ttf", serif.as_slice()),
        ("type/cjk.ttc", cjk.as_slice()),
        ("01.md", format!("# 猫\n\n{long}").as_bytes()),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| l.chars().any(|c| c > '\u{3000}'))
        .collect();
    assert!(lines.len() > 20, "{text}");
    for l in &lines {
        let first = l.chars().next().unwrap();
        let last = l.chars().last().unwrap();
        assert!(!"。、」』）ー".contains(first), "starts with {first}: {l}");
        assert!(!"「『（".contains(last), "ends with {last}: {l}");
    }
    // Justified: the lines of a paragraph, but its last, fill the measure
    // (pages face each other: each has its own right margin).
    let (mut full, mut all) = (0, 0);
    for page in page_lines(&pdf) {
        let lines: Vec<_> = page.iter().filter(|l| l.x1 - l.x0 > 200.0).collect();
        let right = lines.iter().map(|l| l.x1).fold(0.0, f64::max);
        all += lines.len();
        full += lines.iter().filter(|l| (right - l.x1).abs() < 1.5).count();
    }
    assert!(all > 20 && full * 10 >= all * 8, "{full} of {all}");
}

const NASKH: &str = "/usr/share/fonts/truetype/noto/NotoNaskhArabic-Regular.ttf";
const HEBREW: &str = "/usr/share/fonts/truetype/noto/NotoSerifHebrew-Regular.ttf";

/// Arabic prose (from the Arabic Wikipedia's article on the language,
/// CC BY-SA) with a Latin name and numbers in it.
const ARABIC: &str = "# اللغة العربية\n\nاللغة العربية هي أكثر اللغات السامية تحدثاً، وإحدى أكثر اللغات انتشاراً في العالم، يتحدثها أكثر من 422 مليون نسمة. وقد صدرت نسخة Quire 2.0 في عام 2026 (مع دعم كامل للنصوص).\n\nويتوزع متحدثوها في الوطن العربي، بالإضافة إلى العديد من المناطق الأخرى المجاورة كالأحواز وتركيا وتشاد ومالي والسنغال وإرتيريا وإثيوبيا وجنوب السودان وإيران. اللغة العربية ذات أهمية قصوى لدى المسلمين، فهي لغة مقدسة إذ إنها لغة القرآن.\n\n- البند الأول من القائمة\n- البند الثاني، مع كلمة English في الوسط\n";

/// Hebrew prose (from the Hebrew Wikipedia, CC BY-SA) with numbers.
const HEBREW_TEXT: &str = "# עברית\n\nעברית היא שפה שמית, ממשפחת השפות האפרו-אסייתיות, הידועה כשפתם של היהודים ושל השומרונים. ב-2024 דיברו בה כ-9 מיליון איש, והיא השפה הרשמית של מדינת ישראל.\n";

/// Words as a reader would compare them: letters and digits only, the
/// direction marks pdftotext adds taken out.
fn words(s: &str) -> Vec<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

#[test]
fn arabic_and_hebrew_read_right_to_left_in_both_formats() {
    let naskh = font(NASKH);
    let hebrew = font(HEBREW);
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"Right to left\"\nlang = \"ar\"\n\n[fonts]\nfallback = [\"type/naskh.ttf\", \"type/hebrew.ttf\"]\n".as_slice(),
        ),
        ("type/naskh.ttf", naskh.as_slice()),
        ("type/hebrew.ttf", hebrew.as_slice()),
        ("01-arabic.md", ARABIC.as_bytes()),
        ("02-hebrew.md", HEBREW_TEXT.as_bytes()),
    ]);
    let out = dir.path().join("out");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v = epubcheck(&epub);
    assert_eq!((v.fatals, v.errors, v.warnings), (0, 0, 0), "{}", v.report);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(opf.contains("page-progression-direction=\"rtl\""), "{opf}");
    for name in epub_names(&epub).iter().filter(|n| n.ends_with(".xhtml")) {
        let doc = epub_file(&epub, name);
        assert!(doc.contains("<html dir=\"rtl\""), "{name}");
    }

    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let qdf = dir.path().join("q.pdf");
    tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--object-streams=disable"),
            pdf.as_os_str(),
            qdf.as_os_str(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).to_string();
    assert!(raw.contains("/Direction /R2L"));
    // The words come back, each paragraph's in the order written.
    let text = pdftotext(&pdf, None);
    let got = words(&text);
    for para in ARABIC
        .split("\n\n")
        .chain(HEBREW_TEXT.split("\n\n"))
        .skip(1)
    {
        let want = words(para);
        let mut at = 0;
        let mut found = 0;
        for w in &want {
            if let Some(p) = got[at..].iter().position(|g| g == w) {
                at += p + 1;
                found += 1;
            }
        }
        assert!(
            found * 100 >= want.len() * 99,
            "{found} of {} in order: {para}\n{text}",
            want.len()
        );
    }
    // Right-aligned: the Arabic paragraph's lines share their right edge;
    // its last line starts well right of the others.
    let page = (1..=pdf_pages(&pdf))
        .find(|&p| pdftotext(&pdf, Some(p)).contains("السامية"))
        .unwrap();
    let lines = &page_lines(&pdf)[page - 1];
    let body: Vec<_> = lines.iter().filter(|l| l.words >= 3).collect();
    let right = body.iter().map(|l| l.x1).fold(0.0, f64::max);
    let left = body.iter().map(|l| l.x0).fold(f64::MAX, f64::min);
    let flush = body.iter().filter(|l| (right - l.x1).abs() < 1.0).count();
    assert!(flush >= 4, "{body:?}");
    // The second paragraph's first line is indented from the right.
    assert!(
        body.iter()
            .any(|l| l.x1 < right - 8.0 && l.x1 > right - 25.0 && l.x0 < left + 1.0),
        "{body:?}"
    );
    assert!(
        body.iter().any(|l| l.x0 > left + 40.0),
        "a short last line at the right: {body:?}"
    );
    // The contents: titles at the right, their page numbers at the left.
    let toc = (1..=pdf_pages(&pdf))
        .find(|&p| pdftotext(&pdf, Some(p)).contains("المحتويات"))
        .expect("a contents page");
    let toc_words = &page_words(&pdf)[toc - 1];
    let heading = toc_words
        .iter()
        .find(|w| w.0.contains("تايوتحملا") || w.0.contains("المحتويات"))
        .unwrap();
    let one = toc_words
        .iter()
        .find(|w| w.0 == "1")
        .expect("a page number");
    assert!(one.3 < heading.1, "{one:?} left of {heading:?}");
    // The list's bullets are at the right of their items.
    let words = &page_words(&pdf)[page - 1];
    let bullet = words.iter().find(|w| w.0 == "•").expect("a bullet");
    let item = words
        .iter()
        .find(|w| w.0.contains("البند") || w.0.contains("دنبلا"))
        .expect("an item");
    assert!(bullet.1 > item.3, "{bullet:?} right of {item:?}");
}

#[test]
fn system_fonts_fill_in_what_the_book_lacks_and_say_which() {
    // Installed by .ci/test: the Noto fonts cover Greek, Japanese and emoji.
    font(NOTO_SERIF);
    font(NOTO_CJK);
    font(NOTO_EMOJI);
    let dir = project(&[(
        "g.md",
        format!("{GREEK}\n{JAPANESE}\nIt works 👍 here.\n").as_bytes(),
    )]);
    let out = dir.path().join("out");
    let args = ["build", "g.md", "-o", "out", "--to", "pdf"];
    let r = run(quire().current_dir(dir.path()).args(args));
    assert_eq!(r.status, 0, "{}", r.stderr);
    // Each face taken is named, at the first character it draws.
    for said in [
        "g.md:1:3: warning: Greek text set in an installed font, /",
        "warning: Han text set in an installed font, /usr/share/fonts/opentype/noto/NotoSerifCJK",
        "warning: emoji set in an installed font, /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf (1 character(s) the book's fonts lack, from '👍' U+1F44D), drawn in the PDF as its colour pictures",
    ] {
        assert!(r.stderr.contains(said), "{said}\n{}", r.stderr);
    }
    assert!(r.stderr.contains("[font-fallback]"), "{}", r.stderr);
    let pdf = out.join("g.pdf");
    let text = letters(&pdftotext(&pdf, None));
    assert!(
        text.contains(&letters("吾輩は猫である。名前はまだ無い。")),
        "{text}"
    );
    assert!(text.contains(&letters("Ἐν ἀρχῇ ἦν ὁ λόγος")), "{text}");
    // The emoji is its picture, and copies as itself with no gap.
    assert!(pdftotext(&pdf, None).contains("It works 👍 here."));
    let images = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    assert!(images.lines().count() >= 3, "{images}");
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(
        !fonts.contains("Emoji"),
        "no emoji font in the PDF: {fonts}"
    );
    // The same machine picks the same faces: the same bytes.
    let first = std::fs::read(&pdf).unwrap();
    let r = run(quire().current_dir(dir.path()).args(args));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(std::fs::read(&pdf).unwrap(), first);
    // Without them, the characters are missing, and that is an error.
    let r = run(quire()
        .current_dir(dir.path())
        .args(args)
        .arg("--no-system-fonts"));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(r.stderr.contains("[glyph-missing]"), "{}", r.stderr);
    assert!(!r.stderr.contains("[font-fallback]"), "{}", r.stderr);
}

#[test]
fn a_single_manuscript_names_its_fallbacks_in_front_matter() {
    let naskh = font(NASKH);
    let text = format!(
        "---\ntitle: مقالة\nlang: ar\nfonts:\n  fallback: [type/naskh.ttf]\n---\n\n{}",
        ARABIC.replace("# اللغة العربية\n\n", "")
    );
    let dir = project(&[
        ("a.md", text.as_bytes()),
        ("type/naskh.ttf", naskh.as_slice()),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("+NotoNaskhArabic"), "{fonts}");
    assert!(pdftotext(&pdf, None).contains("مقالة"));
    // Without the fallback, even the EPUB alone is refused: its generated
    // cover is a picture Quire draws.
    let plain = project(&[(
        "c.md",
        b"---\ntitle: \xce\x95\xce\xbb\xce\xbb\xce\xac\xce\xb4\xce\xb1\n---\n\nhi\n".as_slice(),
    )]);
    let (r, _) = build_epub(
        &plain.path().join("c.md"),
        &plain.path().join("out"),
        &["--no-system-fonts"],
    );
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("the generated cover would show empty boxes for "),
        "{}",
        r.stderr
    );
    // A key it does not know, and a file outside, are errors at the key.
    let bad = project(&[(
        "b.md",
        b"---\ntitle: x\nfonts:\n  fallback: [../../x.ttf]\n---\n\nhi\n".as_slice(),
    )]);
    let r = run(quire().current_dir(bad.path()).args(["check", "b.md"]));
    assert_eq!(r.status, 1, "{}", r.stderr);
    assert!(
        r.stderr.contains("b.md:3:1: error: font `../../x.ttf`"),
        "{}",
        r.stderr
    );
}

/// Hindi prose (the opening of Premchand's गोदान, 1936, in the public
/// domain), with a Latin sentence and numbers: vowel signs drawn before
/// their consonant, conjuncts and a reph must all copy back as written.
const HINDI: &str = "# पहला अध्याय\n\nहोरीराम ने दोनों बैलों को सानी-पानी देकर अपनी स्त्री धनिया से कहा — गोबर को ऊख गोड़ने भेज देना। मैं न जाने कब लौटूँ। ज़रा मेरी लाठी दे दे। धनिया के दोनों हाथ गोबर से भरे थे। उपले पाथकर आयी थी। बोली — अरे, कुछ रस-पानी तो कर लो। ऐसी जल्दी क्या है?\n\nहोरी ने अपने झुर्रियों से भरे हुए माथे को सिकोड़कर कहा — तुझे रस-पानी की पड़ी है, मुझे यह चिंता है कि अबेर हो गयी तो मालिक से भेंट न होगी। The novel appeared in 1936, with 36 chapters.\n";

#[test]
fn devanagari_is_shaped_and_copies_back_as_written() {
    let deva = font("/usr/share/fonts/truetype/noto/NotoSerifDevanagari-Regular.ttf");
    let dir = project(&[
        (
            "book.toml",
            "[book]\ntitle = \"गोदान\"\nauthors = [\"प्रेमचंद\"]\nlang = \"hi\"\n\n[fonts]\nfallback = [\"type/NotoSerifDevanagari-Regular.ttf\"]\n"
                .as_bytes(),
        ),
        ("type/NotoSerifDevanagari-Regular.ttf", deva.as_slice()),
        ("01.md", HINDI.as_bytes()),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    assert!(!text.contains('\u{FFFD}'), "{text}");
    // Title, author and every paragraph, character for character.
    let got = letters(&text);
    for want in ["गोदान", "प्रेमचंद"] {
        assert!(got.contains(&letters(want)), "{want} not in\n{text}");
    }
    for para in HINDI.split("\n\n") {
        let want = letters(para.trim_start_matches("# "));
        assert!(got.contains(&want), "{want}\nnot in\n{text}");
    }
    let fonts = tool_text("pdffonts", &[pdf.as_os_str()]);
    assert!(fonts.contains("+NotoSerifDevanagari"), "{fonts}");
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let v = epubcheck(&epub);
    assert_eq!((v.fatals, v.errors, v.warnings), (0, 0, 0), "{}", v.report);
}

#[test]
fn words_quire_prints_itself_are_in_the_books_language() {
    let cjk = font(NOTO_CJK);
    let png = {
        let mut b = Vec::new();
        image::RgbImage::from_pixel(1800, 1200, image::Rgb([200, 100, 50]))
            .write_to(&mut std::io::Cursor::new(&mut b), image::ImageFormat::Png)
            .unwrap();
        b
    };
    let dir = project(&[
        (
            "book.toml",
            "[book]\ntitle = \"猫の本\"\nauthors = [\"夏目漱石\"]\nlang = \"ja\"\ndate = \"1905-01-01\"\n\n[fonts]\nfallback = [\"type/NotoSerifCJK-Regular.ttc#0\"]\n"
                .as_bytes(),
        ),
        ("type/NotoSerifCJK-Regular.ttc", cjk.as_slice()),
        (
            "01.md",
            "# 吾輩は猫である\n\n吾輩は猫である。名前はまだ無い（@fig:cat）。\n\n![猫の絵](cat.png){#fig:cat}\n".as_bytes(),
        ),
        ("02.md", "# 坊っちゃん\n\n親譲りの無鉄砲で小供の時から損ばかりしている。\n".as_bytes()),
        ("cat.png", png.as_slice()),
    ]);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("warning"), "{}", r.stderr);
    let text = pdftotext(&pdf, None);
    for want in [
        "目次",
        "第1章",
        "第2章",
        "図1.1：猫の絵",
        "（図1.1）",
        "発行：1905年1月1日。",
    ] {
        assert!(text.contains(want), "{want} not in\n{text}");
    }
    assert!(
        !text.contains("Chapter") && !text.contains("Figure"),
        "{text}"
    );
    let (r, epub) = build_epub(dir.path(), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let ch = epub_file(&epub, "OEBPS/ch01.xhtml");
    assert!(ch.contains("第1章") && ch.contains("図1.1"), "{ch}");

    // A language Quire has no words in: English ones, and it says so.
    let dir = project(&[(
        "sw.md",
        "---\ntitle: Hadithi\nlang: sw\n---\n\n# Sura\n\nHabari.\n".as_bytes(),
    )]);
    let r = run(quire().arg("check").arg(dir.path().join("sw.md")));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("sw.md:3:1: warning: Quire has no words of its own in `sw`"),
        "{}",
        r.stderr
    );
}

/// Listing 8-14 of the Rust Programming Language book (MIT/Apache-2.0):
/// a greeting in eleven languages, one a line.
const GREETINGS: &str = "```rust\n    let hello = String::from(\"السلام عليكم\");\n    let hello = String::from(\"Dobrý den\");\n    let hello = String::from(\"Hello\");\n    let hello = String::from(\"שלום\");\n    let hello = String::from(\"नमस्ते\");\n    let hello = String::from(\"こんにちは\");\n    let hello = String::from(\"안녕하세요\");\n    let hello = String::from(\"你好\");\n    let hello = String::from(\"Olá\");\n    let hello = String::from(\"Здравствуйте\");\n    let hello = String::from(\"Hola\");\n```\n";

#[test]
fn code_takes_what_its_face_lacks_from_fallbacks_and_stays_left_to_right() {
    font(NOTO_CJK);
    let dir = project(&[(
        "g.md",
        format!("# Strings\n\nUTF-8 strings:\n\n{GREETINGS}\nInline, `let s = \"你好\";` too.\n")
            .as_bytes(),
    )]);
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "g.md", "-o", "out", "--to", "pdf"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pdf = dir.path().join("out/g.pdf");
    // The code's Han, Hangul, kana, Hebrew and Devanagari are drawn by
    // the faces that have them, not as the code face's empty boxes.
    let fonts = fonts_on_page(&pdf, 1);
    for face in ["NotoSerifCJK", "NotoSerifHebrew", "NotoSerifDevanagari"] {
        assert!(fonts.iter().any(|f| f.contains(face)), "{face}: {fonts:?}");
    }
    // Each line reads left to right, with only the right-to-left string
    // reversed on the page (poppler's word boxes are in drawing order);
    // every line's code starts in the same column.
    let words = &page_words(&pdf)[0];
    let texts: Vec<&str> = words.iter().map(|w| w.0.as_str()).collect();
    assert!(
        texts.contains(&"String::from(&quot;םולש&quot;);"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"String::from(&quot;你好&quot;);"),
        "{texts:?}"
    );
    let lets: Vec<f64> = words.iter().filter(|w| w.0 == "let").map(|w| w.1).collect();
    assert_eq!(lets.len(), 12, "{texts:?}");
    assert!(
        lets[..11].iter().all(|x| (x - lets[0]).abs() < 0.01),
        "{lets:?}"
    );
    // The ASCII after a fallback stretch stays in the code face: each
    // line's `from(` is at the same place.
    let froms: Vec<f64> = words
        .iter()
        .filter(|w| w.0.starts_with("String::from("))
        .map(|w| w.1)
        .collect();
    assert_eq!(froms.len(), 11, "{texts:?}");
    assert!(
        froms.iter().all(|x| (x - froms[0]).abs() < 0.01),
        "{froms:?}"
    );
    let text = pdftotext(&pdf, None);
    assert!(text.contains("String::from(\"你好\");"), "{text}");
    assert!(text.contains("let s = \"你好\";"), "{text}");
}

/// A vowel sign quoted on its own, as the Japanese Rust book's chapter on
/// strings prints each `char` of "नमस्ते" one a line: it is drawn (on a
/// dotted circle) by a face that has it, and counts as a character the
/// book's fonts must draw.
#[test]
fn a_combining_sign_on_its_own_is_drawn_or_is_an_error() {
    let dir = project(&[(
        "m.md",
        "# Marks\n\nThe sign े alone.\n\n```text\nन\nम\nस\n्\nत\nे\n```\n".as_bytes(),
    )]);
    for args in [
        vec!["build", "m.md", "-o", "out", "--no-system-fonts"],
        vec!["check", "m.md", "--no-system-fonts"],
    ] {
        let r = run(quire().current_dir(dir.path()).args(&args));
        assert_eq!(r.status, 1, "{args:?}: {}", r.stderr);
        assert!(
            r.stderr.contains("m.md:3:10: error: ")
                && r.stderr.contains("Devanagari ('")
                && r.stderr.contains("[glyph-missing]"),
            "{args:?}: {}",
            r.stderr
        );
    }
    let r = run(quire()
        .current_dir(dir.path())
        .args(["build", "m.md", "-o", "out", "--to", "pdf"]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let pdf = dir.path().join("out/m.pdf");
    let fonts = fonts_on_page(&pdf, 1);
    assert!(
        fonts.iter().any(|f| f.contains("NotoSerifDevanagari")),
        "{fonts:?}"
    );
    let text = pdftotext(&pdf, None);
    assert!(text.contains("The sign े alone."), "{text}");
    for line in ["न", "्", "े"] {
        assert!(text.lines().any(|l| l.trim() == line), "{line}: {text}");
    }
}

/// The widest word space the build's line-unjustified warnings name for
/// `file`, in ems (0 when none is named).
fn loosest(stderr: &str, file: &str) -> f64 {
    stderr
        .lines()
        .filter(|l| l.contains(file) && l.contains("[line-unjustified]"))
        .filter_map(|l| l.split("word spaces of ").nth(1))
        .filter_map(|r| r.split(" em").next()?.parse::<f64>().ok())
        .fold(0.0, f64::max)
}

/// A chapter in its own language is hyphenated by that language's
/// patterns in the PDF (and marked with its language in the EPUB): German
/// compounds break where German breaks them, and the chapter sets without
/// the wide spaces English patterns leave it.
#[test]
fn a_bilingual_book_hyphenates_each_chapter_in_its_language() {
    let en = "The committee considered the extraordinary circumstances surrounding the unprecedented administrative reorganisation with characteristic thoroughness. ".repeat(30);
    let de = "Die Donaudampfschifffahrtsgesellschaftskapitänswitwe betrachtete die außergewöhnlichen Verwaltungsumstrukturierungsmaßnahmen mit bemerkenswerter Gründlichkeit. ".repeat(30);
    let book = |de_lang: &str| {
        project(&[
            (
                "book.toml",
                b"chapters = [\"en.md\", \"de.md\"]\n[book]\ntitle = \"Bilingual\"\nauthors = [\"A\"]\nlang = \"en\"\n",
            ),
            ("en.md", format!("# English\n\n{en}\n").as_bytes()),
            (
                "de.md",
                format!("---\nlang: {de_lang}\n---\n\n# Deutsch\n\n{de}\n").as_bytes(),
            ),
        ])
    };
    let out = tempfile::tempdir().unwrap();
    let german = book("de");
    let (r, dir) = build_both(german.path(), &out.path().join("de"));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let with_german = loosest(&r.stderr, "de.md");
    let name = std::fs::canonicalize(german.path()).unwrap();
    let stem = name.file_name().unwrap().to_string_lossy().into_owned();
    let text = pdftotext(&dir.join(format!("{stem}.pdf")), None);
    // Broken where German breaks: Verwaltungs-umstrukturierungs-maßnahmen.
    assert!(
        text.lines()
            .any(|l| l.ends_with("Verwaltungs-") || l.ends_with("Verwaltungsumstrukturierungs-")),
        "{text}"
    );
    let epub = dir.join(format!("{stem}.epub"));
    assert!(epub_file(&epub, "OEBPS/ch02.xhtml").contains("xml:lang=\"de\""));
    // The German chapter's structure elements say so (/Lang), the
    // document is English.
    let pdf = dir.join(format!("{stem}.pdf"));
    let raw = tool(
        "qpdf",
        &[
            "--qdf".as_ref(),
            "--object-streams=disable".as_ref(),
            pdf.as_os_str(),
            "-".as_ref(),
        ],
    );
    let raw = String::from_utf8_lossy(&raw.stdout);
    assert!(
        raw.matches("/Lang (de)").count() >= 2,
        "no German structure elements"
    );
    assert_eq!(raw.matches("/Lang (en)").count(), 1, "the catalogue's");
    // The same German set with the book's English patterns.
    let english = book("en");
    let (r, _) = build_both(english.path(), &out.path().join("en"));
    assert_eq!(r.status, 0, "{}", r.stderr);
    let with_english = loosest(&r.stderr, "de.md");
    assert!(
        with_german < 1.0 && with_english > 2.0,
        "widest word space {with_german} em with German patterns, {with_english} em with English"
    );
}

/// Words marked as another language (`[…]{lang=de}`, `<span lang>`) are
/// hyphenated by that language's patterns in the PDF, take its quotation
/// marks, and carry their language in the EPUB.
#[test]
fn a_span_in_another_language_is_set_in_it() {
    let de = "Die Donaudampfschifffahrtsgesellschaftskapitänswitwe betrachtete die außergewöhnlichen Verwaltungsumstrukturierungsmaßnahmen mit bemerkenswerter Gründlichkeit.";
    let book = |lang: &str| {
        let paras: String = (0..30)
            .map(|_| format!("The minutes read: [{de}]{{lang={lang}}} So it was.\n\n"))
            .collect();
        project(&[(
            "book.md",
            format!(
                "---\ntitle: Spans\nlang: en\nlayout: book\n---\n\n# One\n\n{paras}She said [\"c'est la vie\"]{{lang=fr}} and <span lang=\"de\">\"ja\"</span>.\n"
            )
            .as_bytes(),
        )])
    };
    let german = book("de");
    let (r, dir) = build_both(&german.path().join("book.md"), german.path());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let with_german = loosest(&r.stderr, "book.md");
    // (As laid out: plain pdftotext joins a word broken at a line's end.)
    let pdf = dir.join("book.pdf");
    let text = tool_text(
        "pdftotext",
        &["-layout".as_ref(), pdf.as_os_str(), "-".as_ref()],
    );
    // The compounds broken inside, where German patterns break them.
    assert!(
        text.lines()
            .any(|l| l.ends_with("Donaudampfschifffahrtsgesellschaftskapi-")),
        "{text}"
    );
    let xhtml = epub_file(&dir.join("book.epub"), "OEBPS/ch01.xhtml");
    assert!(
        xhtml.contains("<span xml:lang=\"de\" lang=\"de\">Die Donaudampf"),
        "{xhtml}"
    );
    // Each language's own quotation marks.
    assert!(
        xhtml.contains("<span xml:lang=\"fr\" lang=\"fr\">«"),
        "{xhtml}"
    );
    assert!(
        xhtml.contains("<span xml:lang=\"de\" lang=\"de\">„ja“</span>"),
        "{xhtml}"
    );
    // The same words marked as English: English patterns, wide spaces.
    let english = book("en");
    let (r, _) = build_both(&english.path().join("book.md"), english.path());
    assert_eq!(r.status, 0, "{}", r.stderr);
    let with_english = loosest(&r.stderr, "book.md");
    assert!(
        with_german == 0.0 && with_english > 0.65,
        "widest word space {with_german} em with German patterns, {with_english} em with English"
    );
}
