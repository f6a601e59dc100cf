use super::*;

fn set(tex: &str, display: bool) -> MathBox {
    let data = crate::fonts::BUNDLED[crate::fonts::MATH_ROLE].data;
    let face = ttf_parser::Face::parse(data, 0).unwrap();
    let mf = MathFace::new(&face).unwrap();
    layout(&mf, &crate::math::parse(tex).unwrap(), 10.0, display)
}

#[test]
fn a_fraction_stands_above_and_below_the_baseline() {
    let inline = set(r"\frac{a}{b}", false);
    let display = set(r"\frac{a}{b}", true);
    assert!(inline.height > 5.0 && inline.depth > 1.5, "{inline:?}");
    assert!(display.height > inline.height && display.depth > inline.depth);
    assert_eq!(
        display
            .items
            .iter()
            .filter(|i| matches!(i, MathItem::Rule { .. }))
            .count(),
        1
    );
}

#[test]
fn scripts_are_smaller_and_raised() {
    let b = set("x^2", false);
    let sizes: Vec<(f32, f32)> = b
        .items
        .iter()
        .filter_map(|i| match i {
            MathItem::Glyph { y, size, .. } => Some((*y, *size)),
            _ => None,
        })
        .collect();
    assert_eq!(sizes.len(), 2);
    assert_eq!(sizes[0], (0.0, 10.0));
    assert!(sizes[1].0 > 2.5 && sizes[1].1 < 8.5, "{sizes:?}");
}

#[test]
fn delimiters_grow_with_what_they_enclose() {
    let small = set(r"\left( x \right)", true);
    let tall = set(r"\left( \frac{\frac{a}{b}}{\frac{c}{d}} \right)", true);
    let paren_height = |b: &MathBox| {
        b.items
            .iter()
            .filter_map(|i| match i {
                MathItem::Glyph { gid, size, .. } => Some((*gid, *size)),
                _ => None,
            })
            .next()
            .unwrap()
    };
    assert_ne!(paren_height(&small).0, paren_height(&tall).0);
    assert!(tall.height + tall.depth > 2.0 * (small.height + small.depth));
}

#[test]
fn display_sums_are_bigger_with_limits_above_and_below() {
    let display = set(r"\sum_{k=1}^{n} k", true);
    let inline = set(r"\sum_{k=1}^{n} k", false);
    assert!(
        display.height > inline.height + 3.0,
        "{display:?} {inline:?}"
    );
    assert!(display.width < inline.width + 1.0);
}

#[test]
fn letters_are_math_italic_and_copy_as_themselves() {
    let b = set("x + 1", false);
    let texts: Vec<String> = b
        .items
        .iter()
        .filter_map(|i| match i {
            MathItem::Glyph { text, .. } => Some(text.to_text()),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["x", "+", "1"]);
}

#[test]
fn matrices_and_alignments_stack_their_rows() {
    let m = set(r"\begin{pmatrix} a & b \\ c & d \end{pmatrix}", true);
    let a = set(
        r"\begin{aligned} x &= 1 \\ y &= 2 \\ z &= 3 \end{aligned}",
        true,
    );
    assert!(a.height + a.depth > 3.0 * 12.0, "{a:?}");
    assert!(m.height + m.depth > 2.0 * 10.0);
}
