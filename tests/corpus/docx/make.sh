#!/bin/sh
# Word files made from the corpus books and the manual, by pandoc (Debian's
# 2.17) and by LibreOffice (Debian's 7.4, from pandoc's OpenDocument), for
# the .docx reader's tests. Run from this directory to make them again.
set -e
corpus=..
manual=../../../manuscripts/quire-manual
(cd "$manual" && pandoc introduction.md writing.md books.md command-line.md on-spacing.md \
  --metadata title="The Quire Manual" --metadata author="The Quire Authors" \
  -o "$OLDPWD/manual.docx")
(cd "$corpus/nomicon" && pandoc meet-safe-and-unsafe.md ownership.md lifetimes.md subtyping.md \
  phantom-data.md races.md send-and-sync.md ffi.md \
  --metadata title="The Rustonomicon" --metadata author="The Rust Project Developers" \
  -o "$OLDPWD/nomicon.docx")
(cd "$corpus/rust-book" && pandoc chapter03.md chapter04.md chapter08.md \
  --metadata title="The Rust Programming Language" --metadata author="Steve Klabnik and Carol Nichols" \
  -o "$OLDPWD/rust-book.docx")
tmp=$(mktemp -d)
(cd "$corpus/nomicon" && pandoc meet-safe-and-unsafe.md ownership.md races.md ffi.md \
  --metadata title="The Rustonomicon" -o "$tmp/nomicon-lo.odt")
soffice --headless --convert-to docx --outdir "$tmp" "$tmp/nomicon-lo.odt" >/dev/null
cp "$tmp/nomicon-lo.docx" nomicon-libreoffice.docx
rm -rf "$tmp"
