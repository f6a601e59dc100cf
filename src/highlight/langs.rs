//! The languages the highlighter knows: each one's names, words,
//! comments and strings. Word lists are space-separated.

#[derive(Clone, Copy, PartialEq)]
pub(super) enum Rule {
    /// Words, comments and strings, as the language describes them.
    Code,
    /// Tags, attributes, comments and entities.
    Markup,
    /// Keys, strings, numbers and literals.
    Data,
    /// Lines marked `+` and `-`.
    Diff,
}

pub(super) struct Lang {
    pub names: &'static [&'static str],
    pub rule: Rule,
    pub keywords: &'static str,
    pub types: &'static str,
    pub literals: &'static str,
    pub line_comments: &'static [&'static str],
    pub block_comment: Option<(&'static str, &'static str)>,
    /// Quote characters that open strings.
    pub quotes: &'static str,
    /// Python-style `"""` strings.
    pub triple: bool,
    /// Keywords in any case (SQL).
    pub any_case: bool,
    /// Capitalised words are types (Rust, Java, Swift, …).
    pub caps_types: bool,
    /// `$name` is a variable (shells, Perl, PHP).
    pub sigils: bool,
    /// A line starting with this is meta (`#` for C's preprocessor).
    pub meta_line: Option<char>,
    /// `@name` is meta (decorators, annotations).
    pub at_meta: bool,
}

const fn lang(names: &'static [&'static str]) -> Lang {
    Lang {
        names,
        rule: Rule::Code,
        keywords: "",
        types: "",
        literals: "",
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

const C_TYPES: &str = "int char float double long short void unsigned signed bool size_t uint8_t uint16_t uint32_t \
    uint64_t int8_t int16_t int32_t int64_t FILE";
const C_KEYWORDS: &str = "if else for while do switch case default break continue return goto struct union enum \
    typedef static extern const volatile register inline sizeof auto restrict";

pub(super) static LANGS: &[Lang] = &[
    Lang {
        keywords: "as async await break const continue crate dyn else enum extern fn for if impl in let \
            loop match mod move mut pub ref return self Self static struct super trait type \
            unsafe use where while yield macro_rules",
        types: "i8 i16 i32 i64 i128 isize u8 u16 u32 u64 u128 usize f32 f64 bool char str String Vec \
            Option Result Box",
        literals: "true false None Some Ok Err",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: "\"",
        caps_types: true,
        meta_line: None,
        ..lang(&["rust", "rs"])
    },
    Lang {
        keywords: "and as assert async await break class continue def del elif else except finally for \
            from global if import in is lambda nonlocal not or pass raise return try while with \
            yield match case",
        types: "int float str bytes list dict set tuple bool object",
        literals: "True False None self",
        line_comments: &["#"],
        triple: true,
        at_meta: true,
        ..lang(&["python", "py", "python3", "py3"])
    },
    Lang {
        keywords: "async await break case catch class const continue debugger default delete do else \
            export extends finally for from function if import in instanceof let new of return \
            static super switch this throw try typeof var void while with yield interface type \
            implements enum declare readonly public private protected abstract as keyof",
        types: "string number boolean any unknown never object Array Promise Map Set",
        literals: "true false null undefined NaN Infinity",
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
        keywords: "abstract assert break case catch class continue default do else enum extends final \
            finally for if implements import instanceof interface native new package private \
            protected public return static super switch synchronized this throw throws transient \
            try volatile while var record yield fun val when object companion data sealed \
            override open internal lateinit is in out def trait match lazy implicit typealias",
        types: "int long short byte char float double boolean void String Int Long Unit Any Boolean \
            int long short byte char float double boolean void String Int Long Unit Any Boolean",
        literals: "true false null",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        caps_types: true,
        at_meta: true,
        ..lang(&["java", "kotlin", "kt", "kts", "scala", "groovy", "gradle"])
    },
    Lang {
        keywords: C_KEYWORDS,
        types: C_TYPES,
        literals: "NULL true false",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        meta_line: Some('#'),
        ..lang(&["c", "h", "objc", "objective-c"])
    },
    Lang {
        keywords: "if else for while do switch case default break continue return goto struct union \
            enum typedef static extern const volatile inline sizeof auto class namespace using \
            template typename public private protected virtual override new delete this throw \
            try catch constexpr noexcept operator friend explicit mutable static_cast \
            dynamic_cast reinterpret_cast const_cast decltype concept requires co_await \
            co_return abstract base checked event fixed foreach in interface internal is lock \
            out params readonly ref sealed unchecked unsafe var async await get set yield where \
            let",
        types: "int char float double long short void unsigned signed bool size_t string wchar_t \
            auto std vector map object decimal byte uint ulong",
        literals: "true false nullptr NULL null",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        meta_line: Some('#'),
        caps_types: true,
        ..lang(&["cpp", "c++", "cc", "cxx", "hpp", "csharp", "cs", "c#"])
    },
    Lang {
        keywords: "break case chan const continue default defer else fallthrough for func go goto if \
            import interface map package range return select struct switch type var",
        types: "int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 float32 float64 string \
            bool byte rune error any",
        literals: "true false nil iota",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        quotes: "\"'`",
        ..lang(&["go", "golang"])
    },
    Lang {
        keywords: "alias and begin break case class def defined? do else elsif end ensure for if in \
            module next not or redo rescue retry return super then undef unless until when while \
            yield require attr_accessor puts",
        literals: "true false nil self",
        line_comments: &["#"],
        caps_types: true,
        ..lang(&["ruby", "rb"])
    },
    Lang {
        keywords: "abstract and as break case catch class clone const continue declare default do echo \
            else elseif empty extends final finally fn for foreach function global if implements \
            include instanceof interface isset list namespace new or print private protected \
            public require return static switch throw trait try unset use var while yield match",
        literals: "true false null TRUE FALSE NULL",
        line_comments: &["//", "#"],
        block_comment: Some(("/*", "*/")),
        sigils: true,
        ..lang(&["php"])
    },
    Lang {
        keywords: "associatedtype break case catch class continue default defer deinit do else enum \
            extension fallthrough fileprivate for func guard if import in init inout internal is \
            let open operator private protocol public repeat rethrows return self Self static \
            struct subscript super switch throw throws try typealias var where while async await \
            some final const void new extends implements abstract library part factory late \
            required",
        literals: "true false nil null",
        line_comments: &["//"],
        block_comment: Some(("/*", "*/")),
        caps_types: true,
        at_meta: true,
        ..lang(&["swift", "dart"])
    },
    Lang {
        keywords: "if then else elif fi for while until do done case esac in function return local \
            export readonly declare source alias unset shift exit set trap eval exec cd echo \
            printf read test sudo let",
        literals: "true false",
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
        keywords: "begin break catch class continue data define do dynamicparam else elseif end exit \
            filter finally for foreach from function if in param process return switch throw \
            trap try until using var while",
        literals: "$true $false $null",
        line_comments: &["#"],
        block_comment: Some(("<#", "#>")),
        sigils: true,
        any_case: true,
        ..lang(&["powershell", "ps1", "pwsh", "ps"])
    },
    Lang {
        keywords: "select from where and or not insert into values update set delete create table drop \
            alter add index on join left right inner outer full group by order having limit \
            offset as distinct union all case when then else end primary key foreign references \
            view with in is like between exists default constraint unique begin commit rollback \
            returning asc desc count sum avg min max",
        types: "int integer bigint smallint varchar char text date timestamp boolean real numeric \
            decimal serial float blob",
        literals: "null true false",
        line_comments: &["--"],
        block_comment: Some(("/*", "*/")),
        any_case: true,
        ..lang(&["sql", "mysql", "postgresql", "postgres", "sqlite", "plsql"])
    },
    Lang {
        keywords: "and break do else elseif end for function goto if in local not or repeat return then \
            until while",
        literals: "true false nil",
        line_comments: &["--"],
        block_comment: Some(("--[[", "]]")),
        ..lang(&["lua"])
    },
    Lang {
        keywords: "my our local sub if elsif else unless while until for foreach do last next redo \
            return use no require package print say and or not eq ne lt gt le ge",
        line_comments: &["#"],
        sigils: true,
        ..lang(&["perl", "pl"])
    },
    Lang {
        keywords: "if else repeat while function for in next break return library require",
        literals: "TRUE FALSE NULL NA Inf NaN T F",
        line_comments: &["#"],
        ..lang(&["r", "rscript"])
    },
    Lang {
        keywords: "case class data deriving do else if import in infix instance let module newtype of \
            then type where qualified hiding",
        literals: "True False Nothing Just",
        line_comments: &["--"],
        block_comment: Some(("{-", "-}")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["haskell", "hs"])
    },
    Lang {
        keywords: "let in match with fun function if then else type of module open struct sig end rec \
            and begin val mutable when try exception raise",
        literals: "true false None Some",
        block_comment: Some(("(*", "*)")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["ocaml", "ml", "fsharp", "fs", "f#"])
    },
    Lang {
        keywords: "def defp defmodule defstruct defmacro do end fn if else unless case cond with for \
            receive after try catch rescue raise import alias require use when and or not in",
        literals: "true false nil",
        line_comments: &["#"],
        caps_types: true,
        ..lang(&["elixir", "ex", "exs"])
    },
    Lang {
        keywords: "after begin case catch end fun if of receive try when module export import define \
            record spec",
        literals: "true false undefined ok error",
        line_comments: &["%"],
        quotes: "\"",
        ..lang(&["erlang", "erl"])
    },
    Lang {
        keywords: "def defn defmacro let fn if do loop recur when cond ns require import quote lambda \
            define setq defun progn car cdr cons list",
        literals: "true false nil t",
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
        keywords: "function end if elseif else for while return break continue module using import \
            export struct mutable begin let do try catch finally macro quote const global local \
            abstract type where in",
        literals: "true false nothing missing NaN Inf",
        line_comments: &["#"],
        block_comment: Some(("#=", "=#")),
        quotes: "\"",
        caps_types: true,
        ..lang(&["julia", "jl"])
    },
    Lang {
        keywords: "function end if elseif else for while switch case otherwise return break continue \
            try catch global persistent",
        literals: "true false pi Inf NaN",
        line_comments: &["%"],
        block_comment: Some(("%{", "%}")),
        quotes: "\"'",
        ..lang(&["matlab", "octave"])
    },
    Lang {
        keywords: "const var fn pub return if else while for switch break continue struct enum union \
            try catch defer errdefer comptime inline export extern test orelse and or \
            usingnamespace proc let type object of import from elif when iterator template macro \
            discard result",
        types: "u8 u16 u32 u64 i8 i16 i32 i64 usize isize f32 f64 bool void anytype int float string \
            seq",
        literals: "true false null undefined nil",
        line_comments: &["//", "#"],
        quotes: "\"'",
        at_meta: true,
        ..lang(&["zig", "nim"])
    },
    Lang {
        keywords: "FROM RUN CMD LABEL EXPOSE ENV ADD COPY ENTRYPOINT VOLUME USER WORKDIR ARG ONBUILD \
            STOPSIGNAL HEALTHCHECK SHELL AS",
        line_comments: &["#"],
        sigils: true,
        any_case: true,
        ..lang(&["dockerfile", "docker", "containerfile"])
    },
    Lang {
        keywords: "ifeq ifneq ifdef ifndef else endif include define endef export override .PHONY",
        line_comments: &["#"],
        sigils: true,
        ..lang(&["makefile", "make", "mk", "cmake"])
    },
    Lang {
        keywords: "query mutation subscription fragment on type interface union enum input scalar \
            schema extend implements directive",
        types: "Int Float String Boolean ID",
        literals: "true false null",
        line_comments: &["#"],
        quotes: "\"",
        at_meta: true,
        ..lang(&["graphql", "gql"])
    },
    Lang {
        keywords: "@media @import @font-face @keyframes @supports @page @charset !important",
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
        literals: "true false null",
        ..lang(&["json", "jsonc", "json5", "geojson"])
    },
    Lang {
        rule: Rule::Data,
        literals: "true false null yes no on off True False Null ~",
        line_comments: &["#"],
        ..lang(&["yaml", "yml"])
    },
    Lang {
        rule: Rule::Data,
        literals: "true false",
        line_comments: &["#", ";"],
        ..lang(&["toml", "ini", "cfg", "conf", "properties", "editorconfig"])
    },
    Lang {
        rule: Rule::Diff,
        ..lang(&["diff", "patch", "udiff"])
    },
];
