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

#[derive(Clone, Copy, PartialEq)]
enum Rule {
    /// Words, comments and strings, as the language describes them.
    Code,
    /// Tags, attributes, comments and entities.
    Markup,
    /// Keys, strings, numbers and literals.
    Data,
    /// Lines marked `+` and `-`.
    Diff,
}

struct Lang {
    names: &'static [&'static str],
    rule: Rule,
    keywords: &'static [&'static str],
    types: &'static [&'static str],
    literals: &'static [&'static str],
    line_comments: &'static [&'static str],
    block_comment: Option<(&'static str, &'static str)>,
    /// Quote characters that open strings.
    quotes: &'static str,
    /// Python-style `"""` strings.
    triple: bool,
    /// Keywords in any case (SQL).
    any_case: bool,
    /// Capitalised words are types (Rust, Java, Swift, …).
    caps_types: bool,
    /// `$name` is a variable (shells, Perl, PHP).
    sigils: bool,
    /// A line starting with this is meta (`#` for C's preprocessor).
    meta_line: Option<char>,
    /// `@name` is meta (decorators, annotations).
    at_meta: bool,
}

const fn lang(names: &'static [&'static str]) -> Lang {
    Lang {
        names,
        rule: Rule::Code,
        keywords: &[],
        types: &[],
        literals: &[],
        line_comments: &[],
        block_comment: None,
        quotes: "\"'",
        triple: false,
        any_case: false,
        caps_types: false,
        sigils: false,
        meta_line: None,
        at_meta: false,
    }
}

const C_TYPES: &[&str] = &[
    "int", "char", "float", "double", "long", "short", "void", "unsigned", "signed", "bool",
    "size_t", "uint8_t", "uint16_t", "uint32_t", "uint64_t", "int8_t", "int16_t", "int32_t",
    "int64_t", "FILE",
];
const C_KEYWORDS: &[&str] = &[
    "if", "else", "for", "while", "do", "switch", "case", "default", "break", "continue", "return",
    "goto", "struct", "union", "enum", "typedef", "static", "extern", "const", "volatile",
    "register", "inline", "sizeof", "auto", "restrict",
];

static LANGS: &[Lang] = &[
    Lang {
        keywords: &[
            "as",
            "async",
            "await",
            "break",
            "const",
            "continue",
            "crate",
            "dyn",
            "else",
            "enum",
            "extern",
            "fn",
            "for",
            "if",
            "impl",
            "in",
            "let",
            "loop",
            "match",
            "mod",
            "move",
            "mut",
            "pub",
            "ref",
            "return",
            "self",
            "Self",
            "static",
            "struct",
            "super",
            "trait",
            "type",
            "unsafe",
            "use",
            "where",
            "while",
            "yield",
            "macro_rules",
        ],
        types: &[
            "i8", "i16", "i32", "i64", "i128", "isize", "u8", "u16", "u32", "u64", "u128", "usize",
            "f32", "f64", "bool", "char", "str", "String", "Vec", "Option", "Result", "Box",
        ],
        literals: &["true", "false", "None", "Some", "Ok", "Err"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: "\"",
        caps_types: true,
        meta_line: None,
        ..lang(&["rust", "rs"])
    },
    Lang {
        keywords: &[
            "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del",
            "elif", "else", "except", "finally", "for", "from", "global", "if", "import", "in",
            "is", "lambda", "nonlocal", "not", "or", "pass", "raise", "return", "try", "while",
            "with", "yield", "match", "case",
        ],
        types: &[
            "int", "float", "str", "bytes", "list", "dict", "set", "tuple", "bool", "object",
        ],
        literals: &["True", "False", "None", "self"],
        line_comments: &["#"],
        triple: true,
        at_meta: true,
        ..lang(&["python", "py", "python3", "py3"])
    },
    Lang {
        keywords: &[
            "async",
            "await",
            "break",
            "case",
            "catch",
            "class",
            "const",
            "continue",
            "debugger",
            "default",
            "delete",
            "do",
            "else",
            "export",
            "extends",
            "finally",
            "for",
            "from",
            "function",
            "if",
            "import",
            "in",
            "instanceof",
            "let",
            "new",
            "of",
            "return",
            "static",
            "super",
            "switch",
            "this",
            "throw",
            "try",
            "typeof",
            "var",
            "void",
            "while",
            "with",
            "yield",
            "interface",
            "type",
            "implements",
            "enum",
            "declare",
            "readonly",
            "public",
            "private",
            "protected",
            "abstract",
            "as",
            "keyof",
        ],
        types: &[
            "string", "number", "boolean", "any", "unknown", "never", "object", "Array", "Promise",
            "Map", "Set",
        ],
        literals: &["true", "false", "null", "undefined", "NaN", "Infinity"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: "\"'`",
        at_meta: true,
        ..lang(&[
            "javascript",
            "js",
            "jsx",
            "mjs",
            "typescript",
            "ts",
            "tsx",
            "node",
        ])
    },
    Lang {
        keywords: &[
            "abstract",
            "assert",
            "break",
            "case",
            "catch",
            "class",
            "continue",
            "default",
            "do",
            "else",
            "enum",
            "extends",
            "final",
            "finally",
            "for",
            "if",
            "implements",
            "import",
            "instanceof",
            "interface",
            "native",
            "new",
            "package",
            "private",
            "protected",
            "public",
            "return",
            "static",
            "super",
            "switch",
            "synchronized",
            "this",
            "throw",
            "throws",
            "transient",
            "try",
            "volatile",
            "while",
            "var",
            "record",
            "yield",
            // Kotlin and Scala
            "fun",
            "val",
            "when",
            "object",
            "companion",
            "data",
            "sealed",
            "override",
            "open",
            "internal",
            "lateinit",
            "is",
            "in",
            "out",
            "def",
            "trait",
            "match",
            "lazy",
            "implicit",
            "typealias",
        ],
        types: &[
            "int", "long", "short", "byte", "char", "float", "double", "boolean", "void", "String",
            "Int", "Long", "Unit", "Any", "Boolean",
        ],
        literals: &["true", "false", "null"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        caps_types: true,
        at_meta: true,
        ..lang(&["java", "kotlin", "kt", "kts", "scala", "groovy", "gradle"])
    },
    Lang {
        keywords: C_KEYWORDS,
        types: C_TYPES,
        literals: &["NULL", "true", "false"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        meta_line: Some('#'),
        ..lang(&["c", "h", "objc", "objective-c"])
    },
    Lang {
        keywords: &[
            "if",
            "else",
            "for",
            "while",
            "do",
            "switch",
            "case",
            "default",
            "break",
            "continue",
            "return",
            "goto",
            "struct",
            "union",
            "enum",
            "typedef",
            "static",
            "extern",
            "const",
            "volatile",
            "inline",
            "sizeof",
            "auto",
            "class",
            "namespace",
            "using",
            "template",
            "typename",
            "public",
            "private",
            "protected",
            "virtual",
            "override",
            "new",
            "delete",
            "this",
            "throw",
            "try",
            "catch",
            "constexpr",
            "noexcept",
            "operator",
            "friend",
            "explicit",
            "mutable",
            "static_cast",
            "dynamic_cast",
            "reinterpret_cast",
            "const_cast",
            "decltype",
            "concept",
            "requires",
            "co_await",
            "co_return",
            // C#
            "abstract",
            "base",
            "checked",
            "event",
            "fixed",
            "foreach",
            "in",
            "interface",
            "internal",
            "is",
            "lock",
            "out",
            "params",
            "readonly",
            "ref",
            "sealed",
            "unchecked",
            "unsafe",
            "var",
            "async",
            "await",
            "get",
            "set",
            "yield",
            "where",
            "let",
        ],
        types: &[
            "int", "char", "float", "double", "long", "short", "void", "unsigned", "signed",
            "bool", "size_t", "string", "wchar_t", "auto", "std", "vector", "map", "object",
            "decimal", "byte", "uint", "ulong",
        ],
        literals: &["true", "false", "nullptr", "NULL", "null"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        meta_line: Some('#'),
        caps_types: true,
        ..lang(&["cpp", "c++", "cc", "cxx", "hpp", "csharp", "cs", "c#"])
    },
    Lang {
        keywords: &[
            "break",
            "case",
            "chan",
            "const",
            "continue",
            "default",
            "defer",
            "else",
            "fallthrough",
            "for",
            "func",
            "go",
            "goto",
            "if",
            "import",
            "interface",
            "map",
            "package",
            "range",
            "return",
            "select",
            "struct",
            "switch",
            "type",
            "var",
        ],
        types: &[
            "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32",
            "uint64", "float32", "float64", "string", "bool", "byte", "rune", "error", "any",
        ],
        literals: &["true", "false", "nil", "iota"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: "\"'`",
        ..lang(&["go", "golang"])
    },
    Lang {
        keywords: &[
            "alias",
            "and",
            "begin",
            "break",
            "case",
            "class",
            "def",
            "defined?",
            "do",
            "else",
            "elsif",
            "end",
            "ensure",
            "for",
            "if",
            "in",
            "module",
            "next",
            "not",
            "or",
            "redo",
            "rescue",
            "retry",
            "return",
            "super",
            "then",
            "undef",
            "unless",
            "until",
            "when",
            "while",
            "yield",
            "require",
            "attr_accessor",
            "puts",
        ],
        literals: &["true", "false", "nil", "self"],
        line_comments: &["#"],
        caps_types: true,
        ..lang(&["ruby", "rb"])
    },
    Lang {
        keywords: &[
            "abstract",
            "and",
            "as",
            "break",
            "case",
            "catch",
            "class",
            "clone",
            "const",
            "continue",
            "declare",
            "default",
            "do",
            "echo",
            "else",
            "elseif",
            "empty",
            "extends",
            "final",
            "finally",
            "fn",
            "for",
            "foreach",
            "function",
            "global",
            "if",
            "implements",
            "include",
            "instanceof",
            "interface",
            "isset",
            "list",
            "namespace",
            "new",
            "or",
            "print",
            "private",
            "protected",
            "public",
            "require",
            "return",
            "static",
            "switch",
            "throw",
            "trait",
            "try",
            "unset",
            "use",
            "var",
            "while",
            "yield",
            "match",
        ],
        literals: &["true", "false", "null", "TRUE", "FALSE", "NULL"],
        line_comments: &["//", "#"],
        block_comment: Some(("/*", "*/")),
        sigils: true,
        ..lang(&["php"])
    },
    Lang {
        keywords: &[
            "associatedtype",
            "break",
            "case",
            "catch",
            "class",
            "continue",
            "default",
            "defer",
            "deinit",
            "do",
            "else",
            "enum",
            "extension",
            "fallthrough",
            "fileprivate",
            "for",
            "func",
            "guard",
            "if",
            "import",
            "in",
            "init",
            "inout",
            "internal",
            "is",
            "let",
            "open",
            "operator",
            "private",
            "protocol",
            "public",
            "repeat",
            "rethrows",
            "return",
            "self",
            "Self",
            "static",
            "struct",
            "subscript",
            "super",
            "switch",
            "throw",
            "throws",
            "try",
            "typealias",
            "var",
            "where",
            "while",
            "async",
            "await",
            "some",
            // Dart
            "final",
            "const",
            "void",
            "new",
            "extends",
            "implements",
            "abstract",
            "library",
            "part",
            "factory",
            "late",
            "required",
        ],
        literals: &["true", "false", "nil", "null"],
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        caps_types: true,
        at_meta: true,
        ..lang(&["swift", "dart"])
    },
    Lang {
        keywords: &[
            "if", "then", "else", "elif", "fi", "for", "while", "until", "do", "done", "case",
            "esac", "in", "function", "return", "local", "export", "readonly", "declare", "source",
            "alias", "unset", "shift", "exit", "set", "trap", "eval", "exec", "cd", "echo",
            "printf", "read", "test", "sudo", "let",
        ],
        literals: &["true", "false"],
        line_comments: &["#"],
        sigils: true,
        ..lang(&[
            "sh",
            "bash",
            "shell",
            "zsh",
            "console",
            "shell-session",
            "ksh",
            "fish",
        ])
    },
    Lang {
        keywords: &[
            "begin",
            "break",
            "catch",
            "class",
            "continue",
            "data",
            "define",
            "do",
            "dynamicparam",
            "else",
            "elseif",
            "end",
            "exit",
            "filter",
            "finally",
            "for",
            "foreach",
            "from",
            "function",
            "if",
            "in",
            "param",
            "process",
            "return",
            "switch",
            "throw",
            "trap",
            "try",
            "until",
            "using",
            "var",
            "while",
        ],
        literals: &["$true", "$false", "$null"],
        line_comments: &["#"],
        block_comment: Some(("<#", "#>")),
        sigils: true,
        any_case: true,
        ..lang(&["powershell", "ps1", "pwsh", "ps"])
    },
    Lang {
        keywords: &[
            "select",
            "from",
            "where",
            "and",
            "or",
            "not",
            "insert",
            "into",
            "values",
            "update",
            "set",
            "delete",
            "create",
            "table",
            "drop",
            "alter",
            "add",
            "index",
            "on",
            "join",
            "left",
            "right",
            "inner",
            "outer",
            "full",
            "group",
            "by",
            "order",
            "having",
            "limit",
            "offset",
            "as",
            "distinct",
            "union",
            "all",
            "case",
            "when",
            "then",
            "else",
            "end",
            "primary",
            "key",
            "foreign",
            "references",
            "view",
            "with",
            "in",
            "is",
            "like",
            "between",
            "exists",
            "default",
            "constraint",
            "unique",
            "begin",
            "commit",
            "rollback",
            "returning",
            "asc",
            "desc",
            "count",
            "sum",
            "avg",
            "min",
            "max",
        ],
        types: &[
            "int",
            "integer",
            "bigint",
            "smallint",
            "varchar",
            "char",
            "text",
            "date",
            "timestamp",
            "boolean",
            "real",
            "numeric",
            "decimal",
            "serial",
            "float",
            "blob",
        ],
        literals: &["null", "true", "false"],
        line_comments: &["--"],
        block_comment: Some(("/*", "*/")),
        any_case: true,
        ..lang(&["sql", "mysql", "postgresql", "postgres", "sqlite", "plsql"])
    },
    Lang {
        keywords: &[
            "and", "break", "do", "else", "elseif", "end", "for", "function", "goto", "if", "in",
            "local", "not", "or", "repeat", "return", "then", "until", "while",
        ],
        literals: &["true", "false", "nil"],
        line_comments: &["--"],
        block_comment: Some(("--[[", "]]")),
        ..lang(&["lua"])
    },
    Lang {
        keywords: &[
            "my", "our", "local", "sub", "if", "elsif", "else", "unless", "while", "until", "for",
            "foreach", "do", "last", "next", "redo", "return", "use", "no", "require", "package",
            "print", "say", "and", "or", "not", "eq", "ne", "lt", "gt", "le", "ge",
        ],
        line_comments: &["#"],
        sigils: true,
        ..lang(&["perl", "pl"])
    },
    Lang {
        keywords: &[
            "if", "else", "repeat", "while", "function", "for", "in", "next", "break", "return",
            "library", "require",
        ],
        literals: &["TRUE", "FALSE", "NULL", "NA", "Inf", "NaN", "T", "F"],
        line_comments: &["#"],
        ..lang(&["r", "rscript"])
    },
    Lang {
        keywords: &[
            "case",
            "class",
            "data",
            "deriving",
            "do",
            "else",
            "if",
            "import",
            "in",
            "infix",
            "instance",
            "let",
            "module",
            "newtype",
            "of",
            "then",
            "type",
            "where",
            "qualified",
            "hiding",
        ],
        literals: &["True", "False", "Nothing", "Just"],
        line_comments: &["--"],
        block_comment: Some(("{-", "-}")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["haskell", "hs"])
    },
    Lang {
        keywords: &[
            "let",
            "in",
            "match",
            "with",
            "fun",
            "function",
            "if",
            "then",
            "else",
            "type",
            "of",
            "module",
            "open",
            "struct",
            "sig",
            "end",
            "rec",
            "and",
            "begin",
            "val",
            "mutable",
            "when",
            "try",
            "exception",
            "raise",
        ],
        literals: &["true", "false", "None", "Some"],
        block_comment: Some(("(*", "*)")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["ocaml", "ml", "fsharp", "fs", "f#"])
    },
    Lang {
        keywords: &[
            "def",
            "defp",
            "defmodule",
            "defstruct",
            "defmacro",
            "do",
            "end",
            "fn",
            "if",
            "else",
            "unless",
            "case",
            "cond",
            "with",
            "for",
            "receive",
            "after",
            "try",
            "catch",
            "rescue",
            "raise",
            "import",
            "alias",
            "require",
            "use",
            "when",
            "and",
            "or",
            "not",
            "in",
        ],
        literals: &["true", "false", "nil"],
        line_comments: &["#"],
        caps_types: true,
        ..lang(&["elixir", "ex", "exs"])
    },
    Lang {
        keywords: &[
            "after", "begin", "case", "catch", "end", "fun", "if", "of", "receive", "try", "when",
            "module", "export", "import", "define", "record", "spec",
        ],
        literals: &["true", "false", "undefined", "ok", "error"],
        line_comments: &["%"],
        quotes: "\"",
        ..lang(&["erlang", "erl"])
    },
    Lang {
        keywords: &[
            "def", "defn", "defmacro", "let", "fn", "if", "do", "loop", "recur", "when", "cond",
            "ns", "require", "import", "quote", "lambda", "define", "setq", "defun", "progn",
            "car", "cdr", "cons", "list",
        ],
        literals: &["true", "false", "nil", "t"],
        line_comments: &[";"],
        quotes: "\"",
        ..lang(&[
            "clojure",
            "clj",
            "lisp",
            "scheme",
            "racket",
            "elisp",
            "emacs-lisp",
        ])
    },
    Lang {
        keywords: &[
            "function", "end", "if", "elseif", "else", "for", "while", "return", "break",
            "continue", "module", "using", "import", "export", "struct", "mutable", "begin", "let",
            "do", "try", "catch", "finally", "macro", "quote", "const", "global", "local",
            "abstract", "type", "where", "in",
        ],
        literals: &["true", "false", "nothing", "missing", "NaN", "Inf"],
        line_comments: &["#"],
        block_comment: Some(("#=", "=#")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["julia", "jl"])
    },
    Lang {
        keywords: &[
            "function",
            "end",
            "if",
            "elseif",
            "else",
            "for",
            "while",
            "switch",
            "case",
            "otherwise",
            "return",
            "break",
            "continue",
            "try",
            "catch",
            "global",
            "persistent",
        ],
        literals: &["true", "false", "pi", "Inf", "NaN"],
        line_comments: &["%"],
        block_comment: Some(("%{", "%}")),
        quotes: "\"'",
        ..lang(&["matlab", "octave"])
    },
    Lang {
        keywords: &[
            "const",
            "var",
            "fn",
            "pub",
            "return",
            "if",
            "else",
            "while",
            "for",
            "switch",
            "break",
            "continue",
            "struct",
            "enum",
            "union",
            "try",
            "catch",
            "defer",
            "errdefer",
            "comptime",
            "inline",
            "export",
            "extern",
            "test",
            "orelse",
            "and",
            "or",
            "usingnamespace",
            // Nim
            "proc",
            "let",
            "type",
            "object",
            "of",
            "import",
            "from",
            "elif",
            "when",
            "iterator",
            "template",
            "macro",
            "discard",
            "result",
        ],
        types: &[
            "u8", "u16", "u32", "u64", "i8", "i16", "i32", "i64", "usize", "isize", "f32", "f64",
            "bool", "void", "anytype", "int", "float", "string", "seq",
        ],
        literals: &["true", "false", "null", "undefined", "nil"],
        line_comments: &["//", "#"],
        quotes: "\"'",
        at_meta: true,
        ..lang(&["zig", "nim"])
    },
    Lang {
        keywords: &[
            "FROM",
            "RUN",
            "CMD",
            "LABEL",
            "EXPOSE",
            "ENV",
            "ADD",
            "COPY",
            "ENTRYPOINT",
            "VOLUME",
            "USER",
            "WORKDIR",
            "ARG",
            "ONBUILD",
            "STOPSIGNAL",
            "HEALTHCHECK",
            "SHELL",
            "AS",
        ],
        line_comments: &["#"],
        sigils: true,
        any_case: true,
        ..lang(&["dockerfile", "docker", "containerfile"])
    },
    Lang {
        keywords: &[
            "ifeq", "ifneq", "ifdef", "ifndef", "else", "endif", "include", "define", "endef",
            "export", "override", ".PHONY",
        ],
        line_comments: &["#"],
        sigils: true,
        ..lang(&["makefile", "make", "mk", "cmake"])
    },
    Lang {
        keywords: &[
            "query",
            "mutation",
            "subscription",
            "fragment",
            "on",
            "type",
            "interface",
            "union",
            "enum",
            "input",
            "scalar",
            "schema",
            "extend",
            "implements",
            "directive",
        ],
        types: &["Int", "Float", "String", "Boolean", "ID"],
        literals: &["true", "false", "null"],
        line_comments: &["#"],
        quotes: "\"",
        at_meta: true,
        ..lang(&["graphql", "gql"])
    },
    Lang {
        keywords: &[
            "@media",
            "@import",
            "@font-face",
            "@keyframes",
            "@supports",
            "@page",
            "@charset",
            "!important",
        ],
        line_comments: &[],
        block_comment: Some(("/*", "*/")),
        ..lang(&["css", "scss", "sass", "less"])
    },
    Lang {
        rule: Rule::Markup,
        ..lang(&[
            "html", "xml", "xhtml", "svg", "htm", "vue", "jsx-html", "plist", "rss",
        ])
    },
    Lang {
        rule: Rule::Data,
        literals: &["true", "false", "null"],
        ..lang(&["json", "jsonc", "json5", "geojson"])
    },
    Lang {
        rule: Rule::Data,
        literals: &[
            "true", "false", "null", "yes", "no", "on", "off", "True", "False", "Null", "~",
        ],
        line_comments: &["#"],
        ..lang(&["yaml", "yml"])
    },
    Lang {
        rule: Rule::Data,
        literals: &["true", "false"],
        line_comments: &["#", ";"],
        ..lang(&["toml", "ini", "cfg", "conf", "properties", "editorconfig"])
    },
    Lang {
        rule: Rule::Diff,
        ..lang(&["diff", "patch", "udiff"])
    },
];

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
            let tok = if l.literals.iter().any(|w| w.eq_ignore_ascii_case(word)) {
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
            let same = |w: &&str| {
                if l.any_case {
                    w.eq_ignore_ascii_case(word)
                } else {
                    *w == word
                }
            };
            let after = text[end..].chars().next();
            let tok = if l.keywords.iter().any(same) {
                Some(Tok::Keyword)
            } else if l.literals.iter().any(same) {
                Some(Tok::Literal)
            } else if l.types.iter().any(same) {
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
                if l.literals.contains(&&line[i..end]) {
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

#[cfg(test)]
mod tests {
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
            let text =
                "fn \"unterminated\n/* open\nx = 'a' # c -- d ; e % f\n<t a=\"1\">@x $y 1.5e-3";
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
}
