//! Micro-typography in the PDF: punctuation hanging into the margins
//! (protrusion) and glyphs widened or narrowed a little (font expansion),
//! measured from the text poppler pulls back out.

mod common;
use common::*;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A few thousand words of real prose (the bundled article, its body
/// several times over), with dialogue, so that lines start with opening
/// quotes and end with full stops and commas.
fn prose() -> String {
    let article = std::fs::read_to_string(manuscripts().join("maliki-withdrawal.md")).unwrap();
    let body = article.splitn(3, "---\n").nth(2).unwrap().to_string();
    let mut text = String::from("---\ntitle: Hanging Punctuation\nauthor: A. Writer\n---\n\n");
    for round in 0..6 {
        text.push_str(&format!("# Part {}\n\n", round + 1));
        for (i, para) in body
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .enumerate()
        {
            if i % 3 == round % 3 {
                text.push_str("“Is that so?” she asked, and waited. ");
            }
            // Dialogue inside the paragraph: some lines start with it.
            let mut n = 0;
            let para: String = para
                .trim()
                .split_inclusive(". ")
                .map(|sentence| {
                    n += 1;
                    if n % 3 == 0 {
                        format!("“Quite so,” he said. {sentence}")
                    } else {
                        sentence.to_string()
                    }
                })
                .collect();
            text.push_str(&para);
            text.push_str("\n\n");
        }
    }
    text
}

fn build(dir: &Path, name: &str, style: &str) -> PathBuf {
    let ms = dir.join(format!("{name}.md"));
    let text = prose().replacen("---\n\n", &format!("style:\n{style}---\n\n"), 1);
    std::fs::write(&ms, text).unwrap();
    let out = dir.join("out");
    let r = run(quire()
        .arg("build")
        .arg(&ms)
        .args(["--to", "pdf", "-o"])
        .arg(&out));
    assert_eq!(r.status, 0, "{}", r.stderr);
    out.join(format!("{name}.pdf"))
}

/// The full lines of the text (six words or more) with their first and
/// last words: (page, x0, x1, first word, last word).
fn full_lines(pdf: &Path) -> Vec<(usize, f64, f64, String, String)> {
    word_lines(pdf)
        .into_iter()
        .map(|(n, l)| {
            let (first, last) = (&l[0], &l[l.len() - 1]);
            (n, first.1, last.3, first.0.clone(), last.0.clone())
        })
        .collect()
}

/// The full lines (six words or more) of each page, their words from
/// left to right: (page, words).
fn word_lines(pdf: &Path) -> Vec<(usize, Vec<Word>)> {
    let mut out = Vec::new();
    for (n, words) in page_words(pdf).into_iter().enumerate() {
        let mut lines: Vec<Vec<Word>> = Vec::new();
        for w in words {
            let mid = (w.2 + w.4) / 2.0;
            match lines
                .iter_mut()
                .find(|l| ((l[0].2 + l[0].4) / 2.0 - mid).abs() < 2.5)
            {
                Some(l) => l.push(w),
                None => lines.push(vec![w]),
            }
        }
        for mut l in lines.into_iter().filter(|l| l.len() >= 6) {
            l.sort_by(|a, b| a.1.total_cmp(&b.1));
            out.push((n, l));
        }
    }
    out
}

/// The most common value, to the nearest quarter point, per page parity.
fn edge(values: impl Iterator<Item = (usize, f64)>) -> [f64; 2] {
    let mut counts: [BTreeMap<i64, usize>; 2] = Default::default();
    for (page, v) in values {
        *counts[page % 2]
            .entry((v * 4.0).round() as i64)
            .or_default() += 1;
    }
    counts.map(|c| {
        c.into_iter()
            .max_by_key(|&(_, n)| n)
            .map_or(0.0, |(v, _)| v as f64 / 4.0)
    })
}

#[test]
fn punctuation_hangs_into_the_margins_by_its_set_amount_and_no_more() {
    let dir = tempfile::tempdir().unwrap();
    let on = build(dir.path(), "on", "");
    let off = build(dir.path(), "off", "  protrusion: false\n  expansion: 0\n");
    for (pdf, hangs) in [(&on, true), (&off, false)] {
        let lines = full_lines(pdf);
        // The text block's edges: where most lines start (after the
        // indent-free ones) and end.
        let right = edge(lines.iter().map(|l| (l.0, l.2)));
        let left = edge(lines.iter().map(|l| (l.0, l.1)));
        let (mut stops, mut letters, mut quotes) = (0, 0, 0);
        for (page, x0, x1, first, last) in &lines {
            let (l, r) = (left[page % 2], right[page % 2]);
            if *x1 < r - 0.3 || *x1 > r + 6.0 {
                continue; // a paragraph's last line, short of the edge
            }
            let end = last.chars().last().unwrap();
            let start = first.chars().next().unwrap();
            let past = x1 - r;
            if end == '.' || end == ',' {
                stops += 1;
                // A full stop or comma at 10.5 pt is about 2.6 pt wide: 70%
                // of it hangs.
                if hangs {
                    assert!(
                        (1.2..=2.4).contains(&past),
                        "{pdf:?} p{page}: `{last}` ends {past:.2} pt past the edge"
                    );
                } else {
                    assert!(
                        past.abs() < 0.3,
                        "{pdf:?} p{page}: `{last}` ends {past:.2} pt past the edge"
                    );
                }
            } else if "esndmhl".contains(end) {
                letters += 1;
                assert!(
                    past.abs() < 0.3,
                    "{pdf:?} p{page}: `{last}` ends {past:.2} pt off the edge"
                );
            }
            if start == '“' && x0 - l < 8.0 {
                quotes += 1;
                let before = l - x0;
                if hangs {
                    // The opening quote hangs wholly: about 4.5 pt at 10.5 pt.
                    assert!(
                        (3.0..=6.0).contains(&before),
                        "{pdf:?} p{page}: `{first}` starts {before:.2} pt left of the edge"
                    );
                } else {
                    assert!(
                        before.abs() < 0.3,
                        "{pdf:?} p{page}: `{first}` starts {before:.2} pt off the edge"
                    );
                }
            }
        }
        assert!(
            stops >= 10 && letters >= 20 && quotes >= 3,
            "{pdf:?}: {stops} stops, {letters} letters, {quotes} quotes at the edges"
        );
    }
}

/// The content streams of a PDF, uncompressed.
fn content(pdf: &Path) -> String {
    let qdf = pdf.with_extension("qdf.pdf");
    let out = std::process::Command::new("qpdf")
        .args(["--qdf", "--object-streams=disable"])
        .arg(pdf)
        .arg(&qdf)
        .output()
        .expect("qpdf is required for this test");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned()
}

#[test]
fn expansion_is_horizontal_scaling_and_the_text_stays_text() {
    let dir = tempfile::tempdir().unwrap();
    let on = build(dir.path(), "on", "");
    let off = build(dir.path(), "off", "  expansion: 0\n");
    // Lines set 0.5% to 2% wider or narrower, in half-percent steps.
    let streams = content(&on);
    let scales: Vec<f64> = streams
        .lines()
        .filter_map(|l| l.strip_suffix(" Tz"))
        .map(|v| v.parse().unwrap())
        .collect();
    assert!(scales.len() > 20, "{} lines scaled", scales.len());
    for s in &scales {
        assert!((98.0..=102.0).contains(s), "Tz {s}");
        assert!(
            ((s - 100.0) * 2.0).fract().abs() < 1e-6,
            "Tz {s} is not a half-percent step"
        );
    }
    assert!(!content(&off).contains(" Tz\n"));
    // Every word comes back out, from both.
    let expected: Vec<String> = prose()
        .split_whitespace()
        .skip(8)
        .filter(|w| w.chars().all(char::is_alphabetic) && w.len() > 2)
        .map(str::to_string)
        .collect();
    for pdf in [&on, &off] {
        let got = pdftotext(pdf, None).replace("-\n", "");
        let words: std::collections::HashSet<&str> = got.split_whitespace().collect();
        let missing: Vec<&String> = expected
            .iter()
            .filter(|w| !words.contains(w.as_str()))
            .collect();
        let recall = 1.0 - missing.len() as f64 / expected.len() as f64;
        assert!(
            recall >= 0.99,
            "{pdf:?}: recall {recall:.4}, missing {:?}",
            &missing[..missing.len().min(20)]
        );
    }
    // A pdffonts listing like any other: expansion makes no new font.
    let fonts = |pdf: &Path| tool_text("pdffonts", &[pdf.as_os_str()]).lines().count();
    assert_eq!(fonts(&on), fonts(&off));
}

#[test]
fn code_and_headings_are_set_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let ms = dir.path().join("code.md");
    std::fs::write(
        &ms,
        "# A Heading That Ends With a Full Stop.\n\n```\nlet x = 1;\n```\n\n| a | b |\n|---|---|\n| one. | two, |\n",
    )
    .unwrap();
    let r = run(quire()
        .arg("build")
        .arg(&ms)
        .args(["--to", "pdf", "-o"])
        .arg(dir.path()));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(!content(&dir.path().join("code.pdf")).contains(" Tz\n"));
}

/// The widest gap between words on any full line, in points, and the
/// right ends of the full lines.
fn widest_gap(pdf: &Path) -> (f64, Vec<f64>) {
    let mut widest = 0.0f64;
    let mut ends = Vec::new();
    for (_, l) in word_lines(pdf) {
        for pair in l.windows(2) {
            widest = widest.max(pair[1].1 - pair[0].3);
        }
        ends.push(l[l.len() - 1].3);
    }
    (widest, ends)
}

/// Tracking: a loose line's letters take a little of its word spaces'
/// width, so that the widest space narrows, the line still ends at the
/// margin, and the words are the same.
#[test]
fn tracking_narrows_the_loosest_word_spaces() {
    let dir = tempfile::tempdir().unwrap();
    // A narrow measure (large type, no expansion) makes loose lines.
    let style = "  font-size: 14\n  expansion: 0\n";
    let on = build(dir.path(), "on", style);
    let off = build(dir.path(), "off", &format!("{style}  tracking: false\n"));
    let (gap_on, ends_on) = widest_gap(&on);
    let (gap_off, ends_off) = widest_gap(&off);
    assert!(
        gap_on < gap_off * 0.97,
        "widest word space {gap_on:.2} pt tracked, {gap_off:.2} pt not"
    );
    // The right margin stays where it was: the most common line end.
    let common = |ends: &[f64]| edge(ends.iter().map(|&e| (0usize, e)))[0];
    assert!((common(&ends_on) - common(&ends_off)).abs() < 0.3);
    assert_eq!(content_words(&on), content_words(&off));
}

fn content_words(pdf: &Path) -> Vec<String> {
    pdftotext(pdf, None)
        .split_whitespace()
        .map(str::to_string)
        .collect()
}
