//! Math in LaTeX notation: parsed into a small tree, written as MathML for
//! the EPUB. The subset is what textbooks' equations use: letters and
//! numbers, operators and relations, Greek, scripts, fractions, roots,
//! big operators with limits, functions, delimiters that stretch,
//! accents, font styles, text, spaces, matrices and aligned rows. Any
//! other command is an error that names it.

use crate::xml::escape;
use std::fmt::Write;

/// A parsed formula.
#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    /// A letter or a name (`x`, `\alpha`), set in italic when it is one
    /// letter.
    Ident(String),
    Number(String),
    /// An operator, relation or punctuation; `stretchy` for delimiters
    /// sized by `\left`/`\right`.
    Op {
        text: String,
        stretchy: bool,
    },
    /// A function name set upright (`\sin`, `\lim`).
    Function(String),
    Text(String),
    Row(Vec<Node>),
    Scripts {
        base: Box<Node>,
        sub: Option<Box<Node>>,
        sup: Option<Box<Node>>,
        /// Limits above and below (big operators in display math).
        limits: bool,
    },
    Frac(Box<Node>, Box<Node>),
    Sqrt(Option<Box<Node>>, Box<Node>),
    /// An accent over its base (`\hat`, `\bar`, `\vec`).
    Accent(Box<Node>, String),
    /// A font: `double-struck`, `bold`, `normal`, `script`, …
    Variant(String, Box<Node>),
    /// Space in em.
    Space(f32),
    /// Rows of cells; `fences` the delimiters around (`pmatrix`).
    Table {
        rows: Vec<Vec<Node>>,
        fences: Option<(String, String)>,
        columns: Columns,
    },
}

/// How a table's columns are aligned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Columns {
    /// Each column centred (matrices, `\binom`).
    Centre,
    /// Pairs of columns, the first set right and the second left, meeting
    /// at the alignment point (`aligned`, `align`, `split`).
    Align,
    /// Each column set left (`cases`, `array`).
    Left,
}

impl Node {
    /// The characters a reader sees, in order (for counting and search).
    pub fn visible_text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        match self {
            // A `\tag`'s number is set apart, as Quire's own numbers are.
            Node::Text(s) if s.starts_with("\u{2003}(") => {}
            Node::Ident(s) | Node::Number(s) | Node::Function(s) | Node::Text(s) => out.push_str(s),
            Node::Op { text, .. } => out.push_str(text),
            Node::Row(nodes) => nodes.iter().for_each(|n| n.collect_text(out)),
            Node::Scripts { base, sub, sup, .. } => {
                base.collect_text(out);
                for s in [sub, sup].into_iter().flatten() {
                    s.collect_text(out);
                }
            }
            Node::Frac(a, b) => {
                a.collect_text(out);
                b.collect_text(out);
            }
            Node::Sqrt(index, body) => {
                if let Some(i) = index {
                    i.collect_text(out);
                }
                body.collect_text(out);
            }
            Node::Accent(base, _) | Node::Variant(_, base) => base.collect_text(out),
            Node::Space(_) => {}
            Node::Table { rows, fences, .. } => {
                if let Some((open, _)) = fences {
                    out.push_str(open);
                }
                for cell in rows.iter().flatten() {
                    cell.collect_text(out);
                }
                if let Some((_, close)) = fences {
                    out.push_str(close);
                }
            }
        }
    }
}

/// What is wrong with a formula: where (a byte offset in it) and what.
#[derive(Debug, Clone, PartialEq)]
pub struct MathError {
    pub offset: usize,
    pub message: String,
}

const GREEK: &[(&str, char)] = &[
    ("alpha", 'α'),
    ("beta", 'β'),
    ("gamma", 'γ'),
    ("delta", 'δ'),
    ("epsilon", 'ϵ'),
    ("varepsilon", 'ε'),
    ("zeta", 'ζ'),
    ("eta", 'η'),
    ("theta", 'θ'),
    ("vartheta", 'ϑ'),
    ("iota", 'ι'),
    ("kappa", 'κ'),
    ("lambda", 'λ'),
    ("mu", 'μ'),
    ("nu", 'ν'),
    ("xi", 'ξ'),
    ("pi", 'π'),
    ("varpi", 'ϖ'),
    ("rho", 'ρ'),
    ("varrho", 'ϱ'),
    ("sigma", 'σ'),
    ("varsigma", 'ς'),
    ("tau", 'τ'),
    ("upsilon", 'υ'),
    ("phi", 'ϕ'),
    ("varphi", 'φ'),
    ("chi", 'χ'),
    ("psi", 'ψ'),
    ("omega", 'ω'),
    ("Gamma", 'Γ'),
    ("Delta", 'Δ'),
    ("Theta", 'Θ'),
    ("Lambda", 'Λ'),
    ("Xi", 'Ξ'),
    ("Pi", 'Π'),
    ("Sigma", 'Σ'),
    ("Upsilon", 'Υ'),
    ("Phi", 'Φ'),
    ("Psi", 'Ψ'),
    ("Omega", 'Ω'),
];

const SYMBOLS: &[(&str, &str)] = &[
    ("times", "×"),
    ("cdot", "⋅"),
    ("div", "÷"),
    ("pm", "±"),
    ("mp", "∓"),
    ("ast", "∗"),
    ("star", "⋆"),
    ("circ", "∘"),
    ("bullet", "∙"),
    ("oplus", "⊕"),
    ("otimes", "⊗"),
    ("leq", "≤"),
    ("le", "≤"),
    ("geq", "≥"),
    ("ge", "≥"),
    ("neq", "≠"),
    ("ne", "≠"),
    ("approx", "≈"),
    ("equiv", "≡"),
    ("sim", "∼"),
    ("simeq", "≃"),
    ("cong", "≅"),
    ("propto", "∝"),
    ("ll", "≪"),
    ("gg", "≫"),
    ("in", "∈"),
    ("notin", "∉"),
    ("ni", "∋"),
    ("subset", "⊂"),
    ("subseteq", "⊆"),
    ("supset", "⊃"),
    ("supseteq", "⊇"),
    ("cup", "∪"),
    ("cap", "∩"),
    ("setminus", "∖"),
    ("emptyset", "∅"),
    ("varnothing", "∅"),
    ("forall", "∀"),
    ("exists", "∃"),
    ("neg", "¬"),
    ("lnot", "¬"),
    ("land", "∧"),
    ("wedge", "∧"),
    ("lor", "∨"),
    ("vee", "∨"),
    ("to", "→"),
    ("rightarrow", "→"),
    ("leftarrow", "←"),
    ("gets", "←"),
    ("Rightarrow", "⇒"),
    ("Leftarrow", "⇐"),
    ("leftrightarrow", "↔"),
    ("Leftrightarrow", "⇔"),
    ("iff", "⟺"),
    ("implies", "⟹"),
    ("mapsto", "↦"),
    ("infty", "∞"),
    ("partial", "∂"),
    ("nabla", "∇"),
    ("ldots", "…"),
    ("dots", "…"),
    ("cdots", "⋯"),
    ("vdots", "⋮"),
    ("ddots", "⋱"),
    ("prime", "′"),
    ("angle", "∠"),
    ("perp", "⊥"),
    ("parallel", "∥"),
    ("mid", "∣"),
    ("hbar", "ℏ"),
    ("ell", "ℓ"),
    ("Re", "ℜ"),
    ("Im", "ℑ"),
    ("aleph", "ℵ"),
    ("langle", "⟨"),
    ("rangle", "⟩"),
    ("lceil", "⌈"),
    ("rceil", "⌉"),
    ("lfloor", "⌊"),
    ("rfloor", "⌋"),
    ("lbrace", "{"),
    ("rbrace", "}"),
    ("vert", "|"),
    ("Vert", "‖"),
    ("colon", ":"),
    ("triangle", "△"),
    ("square", "□"),
    ("degree", "°"),
];

/// Big operators: limits above and below in display math.
const BIG: &[(&str, &str)] = &[
    ("sum", "∑"),
    ("prod", "∏"),
    ("coprod", "∐"),
    ("int", "∫"),
    ("iint", "∬"),
    ("iiint", "∭"),
    ("oint", "∮"),
    ("bigcup", "⋃"),
    ("bigcap", "⋂"),
    ("bigoplus", "⨁"),
    ("bigotimes", "⨂"),
];

const FUNCTIONS: &[&str] = &[
    "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
    "coth", "log", "ln", "lg", "exp", "det", "dim", "ker", "deg", "gcd", "lcm", "hom", "arg", "Pr",
    "tr", "rank",
];

/// Functions whose limits go below in display math.
const LIMIT_FUNCTIONS: &[&str] = &[
    "lim", "limsup", "liminf", "max", "min", "sup", "inf", "argmax", "argmin",
];

const ACCENTS: &[(&str, &str)] = &[
    ("hat", "^"),
    ("widehat", "^"),
    ("bar", "¯"),
    ("overline", "¯"),
    ("vec", "→"),
    ("dot", "˙"),
    ("ddot", "¨"),
    ("tilde", "~"),
    ("widetilde", "~"),
    ("check", "ˇ"),
    ("acute", "´"),
    ("grave", "`"),
    ("breve", "˘"),
    ("overrightarrow", "→"),
];

const VARIANTS: &[(&str, &str)] = &[
    ("mathbb", "double-struck"),
    ("mathbf", "bold"),
    ("boldsymbol", "bold-italic"),
    ("mathrm", "normal"),
    ("mathit", "italic"),
    ("mathcal", "script"),
    ("mathscr", "script"),
    ("mathfrak", "fraktur"),
    ("mathsf", "sans-serif"),
    ("mathtt", "monospace"),
    ("operatorname", "normal"),
];

const SPACES: &[(&str, f32)] = &[
    (",", 0.1667),
    (":", 0.2222),
    (">", 0.2222),
    (";", 0.2778),
    ("!", -0.1667),
    ("quad", 1.0),
    ("qquad", 2.0),
    (" ", 0.25),
    ("enspace", 0.5),
    ("thinspace", 0.1667),
];

/// Commands that change nothing a reader sees here.
const IGNORED: &[&str] = &[
    "displaystyle",
    "textstyle",
    "scriptstyle",
    "limits",
    "nolimits",
    "left.",
    "right.",
    "big",
    "Big",
    "bigg",
    "Bigg",
    "bigl",
    "bigr",
    "Bigl",
    "Bigr",
    "biggl",
    "biggr",
    "nonumber",
    "notag",
];

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

/// Parses a formula in LaTeX notation.
pub fn parse(src: &str) -> Result<Node, MathError> {
    let mut p = Parser {
        src,
        pos: 0,
        depth: 0,
    };
    let row = p.row(None)?;
    if p.pos < src.len() {
        let c = src[p.pos..].chars().next().unwrap_or(' ');
        return Err(p.error(format!("unexpected `{c}`")));
    }
    Ok(row)
}

impl Parser<'_> {
    fn error(&self, message: String) -> MathError {
        MathError {
            offset: self.pos,
            message,
        }
    }

    fn peek(&self) -> Option<char> {
        self.src[self.pos..].chars().next()
    }

    fn skip_space(&mut self) {
        while let Some(c) = self.peek() {
            if c.is_whitespace() {
                self.pos += c.len_utf8();
            } else {
                break;
            }
        }
    }

    /// A command's name after its backslash.
    fn command(&mut self) -> String {
        let rest = &self.src[self.pos..];
        let n = rest
            .char_indices()
            .find(|&(_, c)| !c.is_ascii_alphabetic())
            .map_or(rest.len(), |(i, _)| i);
        let n = if n == 0 {
            rest.chars().next().map_or(0, char::len_utf8)
        } else {
            n
        };
        let name = rest[..n].to_string();
        self.pos += n;
        name
    }

    /// Nodes up to `end` (a closing brace, `\right`, `\end`), or the end.
    fn row(&mut self, end: Option<&str>) -> Result<Node, MathError> {
        self.depth += 1;
        if self.depth > 64 {
            return Err(self.error("the formula is nested too deeply".into()));
        }
        let mut nodes: Vec<Node> = Vec::new();
        loop {
            self.skip_space();
            let Some(c) = self.peek() else {
                if let Some(e) = end {
                    return Err(self.error(format!("`{e}` is missing")));
                }
                break;
            };
            match end {
                Some("}") if c == '}' => {
                    self.pos += 1;
                    break;
                }
                Some(e) if e.starts_with('\\') && self.src[self.pos..].starts_with(e) => break,
                Some("&")
                    if c == '&'
                        || self.src[self.pos..].starts_with("\\\\")
                        || self.src[self.pos..].starts_with("\\end") =>
                {
                    break;
                }
                _ => {}
            }
            if c == '}' {
                return Err(self.error("a `}` closes nothing".into()));
            }
            if c == '&' || self.src[self.pos..].starts_with("\\\\") {
                if end.is_none() {
                    // Alignment outside an environment: a line of its own.
                    self.pos += if c == '&' { 1 } else { 2 };
                    continue;
                }
                break;
            }
            if c == '^' || c == '_' {
                self.pos += 1;
                let script = self.argument()?;
                let base = nodes.pop().unwrap_or(Node::Row(Vec::new()));
                nodes.push(attach(base, c == '^', script));
                continue;
            }
            if c == '\'' {
                self.pos += 1;
                let base = nodes.pop().unwrap_or(Node::Row(Vec::new()));
                nodes.push(attach(
                    base,
                    true,
                    Node::Op {
                        text: "′".into(),
                        stretchy: false,
                    },
                ));
                continue;
            }
            let atom = self.atom()?;
            if let Some(a) = atom {
                nodes.push(a);
            }
        }
        self.depth -= 1;
        Ok(if nodes.len() == 1 {
            nodes.pop().unwrap_or(Node::Row(Vec::new()))
        } else {
            Node::Row(nodes)
        })
    }

    /// One script or command argument: a group or a single atom.
    fn argument(&mut self) -> Result<Node, MathError> {
        self.skip_space();
        match self.peek() {
            None => Err(self.error("an argument is missing".into())),
            Some('{') => {
                self.pos += 1;
                self.row(Some("}"))
            }
            Some(_) => match self.atom()? {
                Some(a) => Ok(a),
                None => Ok(Node::Row(Vec::new())),
            },
        }
    }

    /// Text in braces, as written.
    fn text_argument(&mut self) -> Result<String, MathError> {
        self.skip_space();
        if self.peek() != Some('{') {
            return Err(self.error("`{` expected".into()));
        }
        let start = self.pos + 1;
        let mut depth = 0;
        for (i, c) in self.src[self.pos..].char_indices() {
            match c {
                '{' => depth += 1,
                '}' => {
                    depth -= 1;
                    if depth == 0 {
                        let text = self.src[start..self.pos + i].to_string();
                        self.pos += i + 1;
                        return Ok(text);
                    }
                }
                _ => {}
            }
        }
        Err(self.error("`}` is missing".into()))
    }

    fn atom(&mut self) -> Result<Option<Node>, MathError> {
        let c = self.peek().unwrap_or(' ');
        if c.is_ascii_digit()
            || (c == '.' && self.src[self.pos + 1..].starts_with(|d: char| d.is_ascii_digit()))
        {
            let rest = &self.src[self.pos..];
            let n = rest
                .char_indices()
                .find(|&(_, d)| !(d.is_ascii_digit() || d == '.'))
                .map_or(rest.len(), |(i, _)| i);
            self.pos += n;
            return Ok(Some(Node::Number(rest[..n].to_string())));
        }
        if c.is_alphabetic() {
            self.pos += c.len_utf8();
            return Ok(Some(Node::Ident(c.to_string())));
        }
        if c == '{' {
            self.pos += 1;
            return self.row(Some("}")).map(Some);
        }
        if c != '\\' {
            self.pos += c.len_utf8();
            return Ok(Some(Node::Op {
                text: c.to_string(),
                stretchy: false,
            }));
        }
        let at = self.pos;
        self.pos += 1;
        let name = self.command();
        let n = name.as_str();
        if let Some((_, g)) = GREEK.iter().find(|(k, _)| *k == n) {
            return Ok(Some(Node::Ident(g.to_string())));
        }
        if let Some((_, s)) = SYMBOLS.iter().find(|(k, _)| *k == n) {
            let ident = matches!(
                n,
                "infty"
                    | "partial"
                    | "nabla"
                    | "hbar"
                    | "ell"
                    | "aleph"
                    | "emptyset"
                    | "varnothing"
                    | "Re"
                    | "Im"
            );
            return Ok(Some(if ident {
                Node::Ident(s.to_string())
            } else {
                Node::Op {
                    text: s.to_string(),
                    stretchy: false,
                }
            }));
        }
        if let Some((_, s)) = BIG.iter().find(|(k, _)| *k == n) {
            return Ok(Some(Node::Scripts {
                base: Box::new(Node::Op {
                    text: s.to_string(),
                    stretchy: false,
                }),
                sub: None,
                sup: None,
                limits: !n.contains("int"),
            }));
        }
        if FUNCTIONS.contains(&n) {
            return Ok(Some(Node::Function(n.to_string())));
        }
        if LIMIT_FUNCTIONS.contains(&n) {
            return Ok(Some(Node::Scripts {
                base: Box::new(Node::Function(n.to_string())),
                sub: None,
                sup: None,
                limits: true,
            }));
        }
        if let Some((_, em)) = SPACES.iter().find(|(k, _)| *k == n) {
            return Ok(Some(Node::Space(*em)));
        }
        if IGNORED.contains(&n) {
            return Ok(None);
        }
        if let Some((_, accent)) = ACCENTS.iter().find(|(k, _)| *k == n) {
            let base = self.argument()?;
            return Ok(Some(Node::Accent(Box::new(base), accent.to_string())));
        }
        if let Some((_, variant)) = VARIANTS.iter().find(|(k, _)| *k == n) {
            if n == "operatorname" {
                let name = self.text_argument()?;
                return Ok(Some(Node::Function(name)));
            }
            let body = self.argument()?;
            return Ok(Some(Node::Variant(variant.to_string(), Box::new(body))));
        }
        match n {
            "{" | "}" | "|" | "#" | "%" | "$" | "&" | "_" => Ok(Some(Node::Op {
                text: if n == "|" { "‖".into() } else { n.into() },
                stretchy: false,
            })),
            "frac" | "dfrac" | "tfrac" => {
                let num = self.argument()?;
                let den = self.argument()?;
                Ok(Some(Node::Frac(Box::new(num), Box::new(den))))
            }
            "binom" => {
                let n = self.argument()?;
                let k = self.argument()?;
                Ok(Some(Node::Table {
                    rows: vec![vec![n], vec![k]],
                    fences: Some(("(".into(), ")".into())),
                    columns: Columns::Centre,
                }))
            }
            "sqrt" => {
                self.skip_space();
                let index = if self.peek() == Some('[') {
                    self.pos += 1;
                    let start = self.pos;
                    let close = self.src[start..]
                        .find(']')
                        .ok_or_else(|| self.error("`]` is missing".into()))?;
                    let inner = parse(&self.src[start..start + close]).map_err(|e| MathError {
                        offset: start + e.offset,
                        message: e.message,
                    })?;
                    self.pos = start + close + 1;
                    Some(Box::new(inner))
                } else {
                    None
                };
                let body = self.argument()?;
                Ok(Some(Node::Sqrt(index, Box::new(body))))
            }
            "text" | "textrm" | "textit" | "textbf" | "mbox" | "mathrm{}" => {
                let t = self.text_argument()?;
                Ok(Some(Node::Text(t)))
            }
            "left" => {
                self.skip_space();
                let open = self.delimiter()?;
                let body = self.row(Some("\\right"))?;
                self.pos += "\\right".len();
                self.skip_space();
                let close = self.delimiter()?;
                let mut row = vec![Node::Op {
                    text: open,
                    stretchy: true,
                }];
                row.push(body);
                row.push(Node::Op {
                    text: close,
                    stretchy: true,
                });
                Ok(Some(Node::Row(row)))
            }
            "begin" => {
                let env = self.text_argument()?;
                let fences = match env.trim_end_matches('*') {
                    "pmatrix" => Some(("(", ")")),
                    "bmatrix" => Some(("[", "]")),
                    "Bmatrix" => Some(("{", "}")),
                    "vmatrix" => Some(("|", "|")),
                    "Vmatrix" => Some(("‖", "‖")),
                    "cases" => Some(("{", "")),
                    "matrix" | "smallmatrix" | "aligned" | "align" | "gathered" | "gather"
                    | "array" | "split" | "equation" | "alignat" | "eqnarray" => None,
                    other => {
                        self.pos = at;
                        return Err(self.error(format!("unknown environment `{other}`")));
                    }
                };
                if env.starts_with("array") || env.starts_with("alignat") {
                    // Column spec or count: not needed here.
                    self.skip_space();
                    if self.peek() == Some('{') {
                        self.text_argument()?;
                    }
                }
                let columns = match env.trim_end_matches('*') {
                    "aligned" | "align" | "split" | "alignat" | "eqnarray" => Columns::Align,
                    "cases" | "array" => Columns::Left,
                    _ => Columns::Centre,
                };
                let end = format!("\\end{{{env}}}");
                let mut rows: Vec<Vec<Node>> = vec![Vec::new()];
                loop {
                    self.skip_space();
                    if self.src[self.pos..].starts_with(&end) {
                        self.pos += end.len();
                        break;
                    }
                    if self.pos >= self.src.len() {
                        return Err(self.error(format!("`{end}` is missing")));
                    }
                    let cell = self.row(Some("&"))?;
                    if let Some(r) = rows.last_mut() {
                        r.push(cell);
                    }
                    if self.src[self.pos..].starts_with('&') {
                        self.pos += 1;
                    } else if self.src[self.pos..].starts_with("\\\\") {
                        self.pos += 2;
                        rows.push(Vec::new());
                    } else if self.src[self.pos..].starts_with("\\end") {
                        continue;
                    }
                }
                rows.retain(|r| !r.is_empty() && !r.iter().all(|c| *c == Node::Row(Vec::new())));
                Ok(Some(Node::Table {
                    rows,
                    fences: fences.map(|(a, b)| (a.to_string(), b.to_string())),
                    columns,
                }))
            }
            "end" => {
                self.pos = at;
                Err(self.error("`\\end` with no `\\begin`".into()))
            }
            "right" => {
                self.pos = at;
                Err(self.error("`\\right` with no `\\left`".into()))
            }
            "tag" => {
                let t = self.text_argument()?;
                Ok(Some(Node::Text(format!("\u{2003}({t})"))))
            }
            _ => {
                self.pos = at;
                Err(self.error(format!("unknown command `\\{n}`")))
            }
        }
    }

    /// A delimiter after `\left` or `\right`.
    fn delimiter(&mut self) -> Result<String, MathError> {
        let c = self
            .peek()
            .ok_or_else(|| self.error("a delimiter is missing".into()))?;
        if c == '\\' {
            self.pos += 1;
            let name = self.command();
            return Ok(match name.as_str() {
                "{" => "{".into(),
                "}" => "}".into(),
                "|" => "‖".into(),
                other => match SYMBOLS.iter().find(|(k, _)| *k == other) {
                    Some((_, s)) => s.to_string(),
                    None => return Err(self.error(format!("unknown delimiter `\\{other}`"))),
                },
            });
        }
        self.pos += c.len_utf8();
        Ok(if c == '.' {
            String::new()
        } else {
            c.to_string()
        })
    }
}

fn attach(base: Node, sup: bool, script: Node) -> Node {
    match base {
        Node::Scripts {
            base,
            sub,
            sup: old_sup,
            limits,
        } if (sup && old_sup.is_none()) || (!sup && sub.is_none()) => Node::Scripts {
            base,
            sub: if sup {
                sub
            } else {
                Some(Box::new(script.clone()))
            },
            sup: if sup { Some(Box::new(script)) } else { old_sup },
            limits,
        },
        base => Node::Scripts {
            base: Box::new(base),
            sub: (!sup).then(|| Box::new(script.clone())),
            sup: sup.then(|| Box::new(script)),
            limits: false,
        },
    }
}

/// The formula as MathML, with its source as the alternative text.
pub fn mathml(node: &Node, tex: &str, display: bool) -> String {
    numbered_mathml(node, tex, display, None)
}

/// A numbered equation's MathML: `label` is its id and its number, which
/// is set at the end of the row, in parentheses.
pub fn numbered_mathml(
    node: &Node,
    tex: &str,
    display: bool,
    label: Option<(&str, &str)>,
) -> String {
    let mut out = String::from("<math ");
    if let Some((id, _)) = label {
        let _ = write!(out, "id=\"{}\" ", escape(id));
    }
    let _ = write!(
        out,
        "xmlns=\"http://www.w3.org/1998/Math/MathML\" display=\"{}\" alttext=\"{}\"><mrow>",
        if display { "block" } else { "inline" },
        escape(tex.trim())
    );
    write_node(node, display, &mut out);
    if let Some((_, number)) = label {
        let _ = write!(
            out,
            "<mspace width=\"2em\"/><mtext>({})</mtext>",
            escape(number)
        );
    }
    out.push_str("</mrow></math>");
    out
}

fn write_node(node: &Node, display: bool, out: &mut String) {
    match node {
        Node::Ident(s) => {
            if s.chars().count() == 1 {
                let _ = write!(out, "<mi>{}</mi>", escape(s));
            } else {
                let _ = write!(out, "<mi mathvariant=\"normal\">{}</mi>", escape(s));
            }
        }
        Node::Number(s) => {
            let _ = write!(out, "<mn>{}</mn>", escape(s));
        }
        Node::Op { text, stretchy } => {
            // A hyphen in math is a minus sign.
            let text = if text == "-" {
                "\u{2212}"
            } else {
                text.as_str()
            };
            if *stretchy {
                let _ = write!(out, "<mo stretchy=\"true\">{}</mo>", escape(text));
            } else {
                let _ = write!(out, "<mo>{}</mo>", escape(text));
            }
        }
        Node::Function(name) => {
            let _ = write!(
                out,
                "<mi mathvariant=\"normal\">{}</mi><mo>\u{2061}</mo>",
                escape(name)
            );
        }
        Node::Text(t) => {
            let _ = write!(out, "<mtext>{}</mtext>", escape(t));
        }
        Node::Row(nodes) => {
            out.push_str("<mrow>");
            for n in nodes {
                write_node(n, display, out);
            }
            out.push_str("</mrow>");
        }
        Node::Scripts {
            base,
            sub,
            sup,
            limits,
        } => {
            let under = *limits && display;
            let tag = match (sub.is_some(), sup.is_some(), under) {
                (false, false, _) => {
                    write_node(base, display, out);
                    return;
                }
                (true, true, true) => "munderover",
                (true, false, true) => "munder",
                (false, true, true) => "mover",
                (true, true, false) => "msubsup",
                (true, false, false) => "msub",
                (false, true, false) => "msup",
            };
            let _ = write!(out, "<{tag}>");
            // A function with limits: its name, without the apply mark.
            match base.as_ref() {
                Node::Function(name) => {
                    let _ = write!(out, "<mi mathvariant=\"normal\">{}</mi>", escape(name));
                }
                b => write_node(b, display, out),
            }
            for s in [sub, sup].into_iter().flatten() {
                out.push_str("<mrow>");
                write_node(s, display, out);
                out.push_str("</mrow>");
            }
            let _ = write!(out, "</{tag}>");
        }
        Node::Frac(n, d) => {
            out.push_str("<mfrac><mrow>");
            write_node(n, display, out);
            out.push_str("</mrow><mrow>");
            write_node(d, display, out);
            out.push_str("</mrow></mfrac>");
        }
        Node::Sqrt(index, body) => match index {
            Some(i) => {
                out.push_str("<mroot><mrow>");
                write_node(body, display, out);
                out.push_str("</mrow><mrow>");
                write_node(i, display, out);
                out.push_str("</mrow></mroot>");
            }
            None => {
                out.push_str("<msqrt>");
                write_node(body, display, out);
                out.push_str("</msqrt>");
            }
        },
        Node::Accent(base, accent) => {
            out.push_str("<mover accent=\"true\"><mrow>");
            write_node(base, display, out);
            let _ = write!(out, "</mrow><mo>{}</mo></mover>", escape(accent));
        }
        Node::Variant(variant, body) => {
            let _ = write!(out, "<mstyle mathvariant=\"{variant}\">");
            write_node(body, display, out);
            out.push_str("</mstyle>");
        }
        Node::Space(em) => {
            let _ = write!(out, "<mspace width=\"{em:.4}em\"/>");
        }
        Node::Table {
            rows,
            fences,
            columns,
        } => {
            out.push_str("<mrow>");
            if let Some((open, _)) = fences
                && !open.is_empty()
            {
                let _ = write!(out, "<mo stretchy=\"true\">{}</mo>", escape(open));
            }
            match columns {
                Columns::Centre => out.push_str("<mtable>"),
                Columns::Left => out.push_str("<mtable columnalign=\"left\">"),
                Columns::Align => {
                    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
                    let spec: Vec<&str> = (0..n)
                        .map(|i| if i % 2 == 0 { "right" } else { "left" })
                        .collect();
                    let _ = write!(
                        out,
                        "<mtable displaystyle=\"true\" columnalign=\"{}\" columnspacing=\"0em 2em\">",
                        spec.join(" ")
                    );
                }
            }
            for row in rows {
                out.push_str("<mtr>");
                for cell in row {
                    out.push_str("<mtd>");
                    write_node(cell, display, out);
                    out.push_str("</mtd>");
                }
                out.push_str("</mtr>");
            }
            out.push_str("</mtable>");
            if let Some((_, close)) = fences
                && !close.is_empty()
            {
                let _ = write!(out, "<mo stretchy=\"true\">{}</mo>", escape(close));
            }
            out.push_str("</mrow>");
        }
    }
}

#[cfg(test)]
mod tests;
