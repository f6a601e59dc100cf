use super::*;

fn ml(tex: &str) -> String {
    mathml(&parse(tex).unwrap(), tex, false)
}

#[test]
fn textbook_formulas() {
    for tex in [
        r"\int_0^\infty e^{-x^2}\,dx = \frac{\sqrt{\pi}}{2}",
        r"\lim_{x \to 0} \frac{\sin x}{x} = 1",
        r"\sum_{n=1}^{\infty} \frac{1}{n^2} = \frac{\pi^2}{6}",
        r"f'(x) = \lim_{h\to 0}\frac{f(x+h)-f(x)}{h}",
        r"\frac{d}{dx}\left( x^n \right) = n x^{n-1}",
        r"A = \begin{pmatrix} a & b \\ c & d \end{pmatrix}",
        r"\det(A - \lambda I) = 0",
        r"\mathbf{v} \cdot \mathbf{w} = \|\mathbf{v}\| \|\mathbf{w}\| \cos\theta",
        r"\sqrt[3]{x} + \hat{x} + \bar{y} + \vec{v}",
        r"x = \begin{cases} 1 & x > 0 \\ 0 & \text{otherwise} \end{cases}",
        r"\begin{aligned} a &= b + c \\ &= d \end{aligned}",
        r"\mathbb{R}^n, \operatorname{rank}(A) \leq n",
        r"\binom{n}{k} = \frac{n!}{k!(n-k)!}",
        r"\nabla \times \mathbf{E} = -\frac{\partial \mathbf{B}}{\partial t}",
    ] {
        let m = ml(tex);
        assert!(m.starts_with("<math"), "{tex}");
        assert!(roxmltree::Document::parse(&m).is_ok(), "{tex}: {m}");
    }
    assert!(
        ml(r"\frac{1}{2}")
            .contains("<mfrac><mrow><mn>1</mn></mrow><mrow><mn>2</mn></mrow></mfrac>")
    );
    assert!(ml(r"x^2").contains("<msup><mi>x</mi><mrow><mn>2</mn></mrow></msup>"));
    assert!(ml(r"\alpha").contains("<mi>α</mi>"));
    let display = mathml(&parse(r"\sum_{i=1}^n i").unwrap(), "", true);
    assert!(display.contains("<munderover>"), "{display}");
}

#[test]
fn any_text_ends_in_a_formula_or_an_error() {
    let pieces = [
        "\\frac",
        "{",
        "}",
        "^",
        "_",
        "x",
        "1",
        "\\left(",
        "\\right)",
        "\\begin{pmatrix}",
        "\\end{pmatrix}",
        "&",
        "\\\\",
        "\\sqrt[",
        "]",
        "\\",
        " ",
        "\\alpha",
        "\\text{",
        "'",
        "\\sum",
        "\\hat",
        "é",
        "\\left",
        "\\right",
    ];
    let mut seed = 12345u64;
    for _ in 0..3000 {
        let mut s = String::new();
        for _ in 0..(seed % 24) {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            s.push_str(pieces[(seed >> 33) as usize % pieces.len()]);
        }
        if let Ok(n) = parse(&s) {
            let m = mathml(&n, &s, true);
            assert!(roxmltree::Document::parse(&m).is_ok(), "{s}: {m}");
        }
    }
}

#[test]
fn what_is_not_known_is_named_where_it_is() {
    let e = parse(r"a + \foo{b}").unwrap_err();
    assert_eq!(
        (e.offset, e.message.as_str()),
        (4, "unknown command `\\foo`")
    );
    assert!(
        parse(r"\frac{a}{b")
            .unwrap_err()
            .message
            .contains("`}` is missing")
    );
    assert!(
        parse(r"\begin{tikzpicture}")
            .unwrap_err()
            .message
            .contains("tikzpicture")
    );
    assert!(parse(r"a}").is_err());
    assert!(parse(&"{".repeat(500)).is_err());
}
