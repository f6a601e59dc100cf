#!/usr/bin/env python3
"""Makes the trimmed corpus books in this folder from snapshots of their
public repositories (one git directory each, given as MIRROR/owner+name/repo).

Each book keeps its licence files, a few whole chapters chosen for what they
hold (code in many languages, non-ASCII text, emoji, SVG figures, tables,
footnotes), and a book.toml listing them in order. mdBook's whole-file
`{{#include path}}` is expanded here, where a chapter needs it; nothing else
in a chapter is changed. SOURCES.md records each book's repository, commit
and files.

    python3 tests/corpus/trim.py /work/.mirror
"""
import re
import subprocess
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent

# name: (repository, title, authors, lang, [(path in repo, name here)], licences)
BOOKS = {
    "rust-book": (
        "rust-lang/book",
        "The Rust Programming Language (chapters 3, 4, 8 and 14)",
        ["Steve Klabnik", "Carol Nichols", "Chris Krycho"],
        "en",
        [("nostarch/chapter03.md", "chapter03.md"),
         ("nostarch/chapter04.md", "chapter04.md"),
         ("nostarch/chapter08.md", "chapter08.md"),
         ("nostarch/chapter14.md", "chapter14.md")]
        ,
        ["LICENSE-MIT", "LICENSE-APACHE", "COPYRIGHT"],
    ),
    "rust-book-ja": (
        "rust-lang-ja/book-ja",
        "The Rust Programming Language 日本語版 (抜粋)",
        ["Steve Klabnik", "Carol Nichols"],
        "ja",
        [("src/ch01-02-hello-world.md", "ch01-02-hello-world.md"),
         ("src/ch04-01-what-is-ownership.md", "ch04-01-what-is-ownership.md"),
         ("src/ch08-02-strings.md", "ch08-02-strings.md")],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
    "nomicon": (
        "rust-lang/nomicon",
        "The Rustonomicon (excerpt)",
        ["The Rust Project Developers"],
        "en",
        [(f"src/{n}.md", f"{n}.md") for n in
         ["meet-safe-and-unsafe", "ownership", "lifetimes", "subtyping",
          "phantom-data", "races", "send-and-sync", "ffi"]],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
    "reference": (
        "rust-lang/reference",
        "The Rust Reference (excerpt)",
        ["The Rust Project Developers"],
        "en",
        [(f"src/{n}.md", f"{n}.md") for n in
         ["tokens", "expressions", "subtyping", "destructors", "linkage"]],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
    "async-book": (
        "rust-lang/async-book",
        "Asynchronous Programming in Rust (excerpt)",
        ["The Rust Async Working Group"],
        "en",
        [(f"src/{n}.md", Path(n).name + ".md") for n in
         ["intro", "part-guide/async-await", "part-guide/concurrency",
          "part-reference/pinning"]],
        ["LICENSE"],
    ),
    "mdbook-guide": (
        "rust-lang/mdBook",
        "The mdBook Guide (excerpt)",
        ["The mdBook Contributors"],
        "en",
        [(f"guide/src/{n}.md", Path(n).name + ".md") for n in
         ["README", "guide/reading", "format/summary", "format/markdown",
          "format/mdbook"]],
        ["LICENSE"],
    ),
}

INCLUDE = re.compile(r"^\{\{#include ([^}:]+)\}\}$", re.M)
# Pictures a chapter shows: Markdown images and HTML <img src>.
PICTURE = re.compile(r"!\[[^\]]*\]\(([^)\s]+)|<img[^>]*?\ssrc=\"([^\"]+)\"", re.S)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True,
                          capture_output=True, text=True).stdout


def show(repo: Path, path: str) -> bytes:
    return subprocess.run(["git", "-C", str(repo), "show", f"HEAD:{path}"],
                          check=True, capture_output=True).stdout


# mdBook projects kept as projects: book.toml and SUMMARY.md as the
# repository has them, the summary cut to the chapters named here (each
# with its nesting, parts and prefix chapters), every file those chapters
# include or show copied beside them, nothing expanded.
# name: (repository, source dir, [chapter files kept], licences)
# name: (repository, the project's directory in it ("" for its root),
# source directory, chapters kept (as SUMMARY.md names them), licences
# (at the repository's root)).
MDBOOKS = {
    "mdbook-rust-book": (
        "rust-lang/book", "", "src",
        ["foreword.md", "ch00-00-introduction.md",
         "ch01-00-getting-started.md", "ch01-02-hello-world.md",
         "ch04-00-understanding-ownership.md", "ch04-01-what-is-ownership.md",
         "ch04-02-references-and-borrowing.md", "appendix-00.md",
         "appendix-05-editions.md"],
        ["LICENSE-MIT", "LICENSE-APACHE", "COPYRIGHT"],
    ),
    "mdbook-nomicon": (
        "rust-lang/nomicon", "", "src",
        ["intro.md", "meet-safe-and-unsafe.md", "safe-unsafe-meaning.md",
         "vec/vec.md", "vec/vec-layout.md", "vec/vec-alloc.md",
         "vec/vec-final.md", "arc-mutex/arc-and-mutex.md", "arc-mutex/arc.md",
         "arc-mutex/arc-layout.md", "arc-mutex/arc-base.md"],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
    "mdbook-rust-by-example": (
        "rust-lang/rust-by-example", "", "src",
        ["index.md", "hello.md", "hello/comment.md", "hello/print.md",
         "hello/print/print_debug.md", "hello/print/print_display.md",
         "hello/print/print_display/testcase_list.md", "custom_types.md",
         "custom_types/enum.md", "custom_types/enum/enum_use.md",
         "custom_types/enum/testcase_linked_list.md", "flow_control.md",
         "flow_control/let_else.md"],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
    "mdbook-cargo": (
        "rust-lang/cargo", "doc/book/", "src",
        ["index.md", "getting-started/index.md",
         "getting-started/installation.md", "getting-started/first-steps.md",
         "reference/index.md", "reference/registries.md",
         "reference/registry-authentication.md",
         "reference/credential-provider-protocol.md", "commands/index.md",
         "commands/build-commands.md", "commands/cargo-build.md"],
        ["LICENSE-MIT", "LICENSE-APACHE"],
    ),
}

LINK = re.compile(r"(?<!\\)\{\{#(?:include|rustdoc_include|playground)\s+([^}:\s]+)")


def mdbook_project(mirror: Path, name: str, spec) -> str:
    slug, home, src, keep, licences = spec
    repo = mirror / slug.replace("/", "+") / "repo"
    commit = git(repo, "rev-parse", "HEAD").strip()
    out = HERE / name
    out.mkdir(exist_ok=True)
    toml = show(repo, f"{home}book.toml")
    (out / "book.toml").write_bytes(toml)
    # The HTML renderer's own files, so that mdBook builds the copy too.
    html = tomllib.loads(toml.decode()).get("output", {}).get("html", {})
    for extra in html.get("additional-css", []) + html.get("additional-js", []):
        (out / extra).parent.mkdir(parents=True, exist_ok=True)
        (out / extra).write_bytes(show(repo, home + extra))
    summary = show(repo, f"{home}{src}/SUMMARY.md").decode().splitlines()
    kept = []
    for line in summary:
        m = re.search(r"\]\(([^)]*)\)", line)
        if m and m.group(1) and m.group(1).removeprefix("./") not in keep:
            continue
        kept.append(line)
    # Blank runs and part titles left with no chapter under them go.
    text = "\n".join(kept) + "\n"
    text = re.sub(r"\n# [^\n]*\n(\s*\n)*(?=# |\Z)", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    (out / src).mkdir(parents=True, exist_ok=True)
    (out / src / "SUMMARY.md").write_text(text)
    todo = [f"{src}/{k}" for k in keep]
    done = set()
    while todo:
        path = todo.pop()
        if path in done:
            continue
        done.add(path)
        data = show(repo, home + path)
        (out / path).parent.mkdir(parents=True, exist_ok=True)
        (out / path).write_bytes(data)
        if not path.endswith(".md"):
            continue
        body = data.decode()
        base = Path(path).parent
        for m in list(LINK.finditer(body)) + list(PICTURE.finditer(body)):
            ref = next(g for g in m.groups() if g)
            if "://" in ref:
                continue
            parts = []
            for part in (base / ref).as_posix().split("/"):
                if part == "..":
                    parts.pop()
                elif part != ".":
                    parts.append(part)
            todo.append("/".join(parts))
    for lic in licences:
        (out / lic).write_bytes(show(repo, lic))
    return (f"\n## {name}\n\n{slug} at {commit}, as an mdBook project"
            + (f" (its `{home[:-1]}`)" if home else "") + ": "
            "`book.toml` and `" + src + "/SUMMARY.md` (cut to the chapters below), "
            + ", ".join(f"`{src}/{k}`" for k in keep)
            + ", every file they include or show, and the CSS and scripts its "
            "`[output.html]` names; licence: "
            + ", ".join(licences) + ".\n")


# Summaries alone, for the SUMMARY.md reader: name here: (repository,
# path, licence file kept as LICENSE-<name>).
SUMMARIES = {
    "mdbook-guide.md": ("rust-lang/mdBook", "guide/src/SUMMARY.md", "LICENSE"),
    "nomicon.md": ("rust-lang/nomicon", "src/SUMMARY.md", "LICENSE-MIT"),
    "rust-by-example.md": ("rust-lang/rust-by-example", "src/SUMMARY.md", "LICENSE-MIT"),
}


def summaries(mirror: Path) -> str:
    out = HERE / "mdbook-summaries"
    out.mkdir(exist_ok=True)
    lines = ["\n## mdbook-summaries\n\n"]
    for name, (slug, path, licence) in SUMMARIES.items():
        repo = mirror / slug.replace("/", "+") / "repo"
        commit = git(repo, "rev-parse", "HEAD").strip()
        (out / name).write_bytes(show(repo, path))
        (out / f"LICENSE-{name[:-3]}").write_bytes(show(repo, licence))
        lines.append(f"- `{name}`: {slug} at {commit}, `{path}`; licence: {licence} "
                     f"(as `LICENSE-{name[:-3]}`).\n")
    return "".join(lines)


def main(mirror: Path) -> None:
    sources = ["# Where the corpus books come from\n",
               "Each is a trimmed copy of a public repository at the commit "
               "given, under the licence files kept beside it. Made by "
               "`trim.py`; chapters are whole and unchanged, but for mdBook's "
               "whole-file `{{#include}}` lines, expanded.\n"]
    for name, (slug, title, authors, lang, files, licences) in BOOKS.items():
        repo = mirror / slug.replace("/", "+") / "repo"
        commit = git(repo, "rev-parse", "HEAD").strip()
        out = HERE / name
        out.mkdir(exist_ok=True)
        chapters = []
        for src, dst in files:
            data = show(repo, src)
            if dst.endswith(".md"):
                text = data.decode()
                base = Path(src).parent

                def expand(m: re.Match) -> str:
                    target = (base / m.group(1)).as_posix()
                    parts = []
                    for p in target.split("/"):
                        if p == "..":
                            parts.pop()
                        elif p != ".":
                            parts.append(p)
                    return show(repo, "/".join(parts)).decode().rstrip("\n")

                text = INCLUDE.sub(expand, text)
                for m in PICTURE.finditer(text):
                    pic = m.group(1) or m.group(2)
                    if "://" in pic:
                        continue
                    # nostarch chapters name pictures relative to src/.
                    home = "src" if src.startswith("nostarch/") else base.as_posix()
                    (out / dst).parent.joinpath(pic).parent.mkdir(parents=True, exist_ok=True)
                    (out / dst).parent.joinpath(pic).write_bytes(show(repo, f"{home}/{pic}"))
                data = text.encode()
                chapters.append(dst)
            (out / dst).parent.mkdir(parents=True, exist_ok=True)
            (out / dst).write_bytes(data)
        for lic in licences:
            (out / lic).write_bytes(show(repo, lic))
        toml = [f"# {title}: a trimmed copy of {slug} (see ../SOURCES.md).",
                "chapters = [" + ", ".join(f'"{c}"' for c in chapters) + "]",
                "", "[book]", f'title = "{title}"',
                "authors = [" + ", ".join(f'"{a}"' for a in authors) + "]",
                f'lang = "{lang}"', 'date = "2026-12-01"', ""]
        (out / "book.toml").write_text("\n".join(toml))
        sources.append(f"\n## {name}\n\n{slug} at {commit}: "
                       + ", ".join(f"`{s}`" for s, _ in files)
                       + "; licence: " + ", ".join(licences) + ".\n")
    for name, spec in MDBOOKS.items():
        sources.append(mdbook_project(mirror, name, spec))
    sources.append(summaries(mirror))
    (HERE / "SOURCES.md").write_text("".join(sources))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
