//! A chapter's opening: its heading, an epigraph, the first paragraph
//! with its drop cap or small capitals.

use super::*;

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    /// A chapter: a new page, its title (and byline for an article), its
    /// blocks. A part, a dedication and an epigraph have pages of their own
    /// kind; the text before a file's first heading has no title.
    pub fn chapter(&mut self, index: usize, new_page: Option<bool>) {
        use crate::model::ChapterRole;
        self.chapter = index;
        self.line = 0;
        let book = self.book;
        let ch = &book.chapters[index];
        let g = self.geometry;
        self.outline_base = ch.contents_level() - 1;
        if ch.runs_on {
            // A section of the chapter before: its title a heading there,
            // its own headings below it in the outline.
            self.outline_base -= ch.depth;
            let outline = Some((ch.contents_title(), ch.contents_level() - 1));
            let anchors = vec![ch.title_id.clone(), ch.id.clone()];
            let start = self.items.len();
            self.heading(
                ch.title_level(),
                anchors,
                &ch.title,
                0.0,
                g.measure(),
                outline,
            );
            let tag = ["H1", "H2", "H3", "H4", "H5", "H6"][ch.title_level() as usize - 1];
            self.tag_from(start, tag);
            self.top_blocks(&ch.blocks, 0.0);
            return;
        }
        let outline = ch
            .role
            .in_contents()
            .then(|| (ch.contents_title(), self.outline_base));
        // Chapter openings sink a few lines down the page; a part's title,
        // a dedication and an epigraph sit a third of the way down.
        let sink = match ch.role {
            ChapterRole::Part | ChapterRole::Dedication | ChapterRole::Epigraph => {
                (g.lines as f32 / 4.0).floor().max(4.0)
            }
            ChapterRole::Opening => 0.0,
            _ => self.book.options.style.chapter_sink.map_or(4.0, f32::from),
        };
        self.items.push(VItem {
            height: g.leading * sink,
            new_page,
            opens_chapter: Some(index),
            anchors: vec![ch.title_id.clone(), ch.id.clone()],
            outline,
            keep_with_next: true,
            ..VItem::default()
        });
        match ch.role {
            ChapterRole::Dedication => {
                self.body_font = FontId::Italic;
                self.align = Some(Align::Center);
                self.top_blocks(&ch.blocks, 0.0);
                self.align = None;
                self.body_font = FontId::Regular;
                return;
            }
            ChapterRole::Epigraph => {
                self.epigraph(&ch.blocks, true);
                return;
            }
            ChapterRole::Opening => {
                self.top_blocks(&ch.blocks, 0.0);
                return;
            }
            _ => {}
        }
        let part = ch.role == ChapterRole::Part;
        let title_align = if part { Align::Center } else { Align::Start };
        let house = &book.options.style;
        let inline_label = house.chapter_number == crate::model::NumberPlace::Inline && !part;
        if let Some(label) = ch.label.as_ref().filter(|_| !inline_label) {
            let style = TextStyle::new(FontId::Regular, g.size * 0.9).generated();
            let pieces = vec![plain(&label.to_uppercase(), style)];
            let label_start = self.items.len();
            for line in self.setter.set(&pieces, g.measure(), 0.0, title_align) {
                let item = self.line_item(0.0, line, true);
                self.items.push(item);
            }
            self.space_kept(1.0);
            self.tag_from(label_start, "P");
        }
        let (font, small_caps) = match house.headings {
            HeadingFace::Standard => (FontId::Regular, false),
            HeadingFace::Bold => (FontId::Bold, false),
            HeadingFace::Italic => (FontId::Italic, false),
            HeadingFace::SmallCaps => (FontId::Regular, true),
        };
        let title_style = TextStyle {
            small_caps,
            ..TextStyle::new(font, g.size * if part { 2.2 } else { 1.9 })
        };
        let mut pieces = self.pieces(&ch.title, title_style);
        if let Some(label) = ch.label.as_ref().filter(|_| inline_label) {
            let sep = crate::typography::label_separator(&book.meta.language);
            pieces.insert(0, plain(&format!("{label}{sep}"), title_style.generated()));
        }
        let lines = self.setter.set(&pieces, g.measure(), 0.0, title_align);
        let big = (title_style.size * 1.2 / g.leading).ceil() * g.leading;
        let title_start = self.items.len();
        for line in lines {
            self.items.push(VItem {
                height: big,
                anchors: line.notes.iter().map(|k| format!("{k}-ref")).collect(),
                notes: line.notes.clone(),
                draws: vec![Draw::Text {
                    dx: 0.0,
                    baseline: big * 0.78,
                    line,
                }],
                keep_with_next: true,
                ..VItem::default()
            });
        }
        self.tag_from(title_start, "H1");
        let byline_start = self.items.len();
        if let Some(a) = &ch.article {
            let lang = &book.meta.language;
            if let Some(sub) = &a.subtitle {
                self.inline_line(
                    sub,
                    TextStyle::new(FontId::Italic, g.size * 1.2).generated(),
                );
            }
            if !a.authors.is_empty() {
                let by = crate::typography::byline(&a.authors, lang);
                self.plain_line(
                    &by.to_uppercase(),
                    TextStyle::new(FontId::Regular, g.size * 0.9).generated(),
                    true,
                );
            }
            let date = a
                .date
                .as_deref()
                .map(|d| crate::typography::human_date(d, lang));
            for credit in crate::typography::contributor_credits(&a.contributors, lang) {
                self.plain_line(
                    &credit,
                    TextStyle::new(FontId::Italic, g.size * 0.9).generated(),
                    true,
                );
            }
            if let Some(p) =
                crate::typography::provenance(a.source.as_deref(), date.as_deref(), lang)
            {
                self.inline_line(&p, TextStyle::new(FontId::Italic, g.size * 0.9).generated());
            }
        }
        self.tag_from(byline_start, "P");
        self.items.push(VItem {
            height: g.leading * 2.0,
            keep_with_next: true,
            ..VItem::default()
        });
        self.opening = true;
        self.top_blocks(&ch.blocks, 0.0);
        self.opening = false;
        if let Some(a) = &ch.article
            && !a.author_note.is_empty()
        {
            self.space(1.0);
            self.items.push(VItem {
                height: g.leading,
                draws: vec![Draw::Rule {
                    dx: 0.0,
                    dy: g.leading * 0.5,
                    width: g.measure() * 0.3,
                    thickness: 0.4,
                }],
                keep_with_next: true,
                ..VItem::default()
            });
            // The author note is set apart, in italic.
            self.body_font = FontId::Italic;
            self.blocks(&a.author_note, 0.0, true);
            self.body_font = FontId::Regular;
        }
    }

    /// Lines of inline markup set flush left, kept with what follows.
    pub(super) fn inline_line(&mut self, inlines: &[Inline], style: TextStyle) {
        let g = self.geometry;
        let pieces = self.pieces(inlines, style);
        for line in self.setter.set(&pieces, g.measure(), 0.0, Align::Start) {
            let item = self.line_item(0.0, line, true);
            self.items.push(item);
        }
    }

    pub(super) fn plain_line(&mut self, text: &str, style: TextStyle, keep: bool) {
        let g = self.geometry;
        let pieces = vec![plain(text, style)];
        for line in self.setter.set(&pieces, g.measure(), 0.0, Align::Left) {
            let item = self.line_item(0.0, line, keep);
            self.items.push(item);
        }
    }

    /// Space that stays with what follows (inside a chapter's opening).
    pub(super) fn space_kept(&mut self, lines: f32) {
        self.items.push(VItem {
            height: lines * self.geometry.leading,
            keep_with_next: true,
            ..VItem::default()
        });
    }

    /// An epigraph: set narrow towards the right, in italic, its source (a
    /// last paragraph that opens with a dash) set flush right. `page`: the
    /// epigraph is a page of its own, not the head of a chapter.
    pub(super) fn epigraph(&mut self, blocks: &[Block], page: bool) {
        let g = self.geometry;
        let dx = (g.measure() * if page { 0.2 } else { 0.3 }).round();
        let quote: Vec<Block> = blocks
            .iter()
            .flat_map(|b| match &b.kind {
                BlockKind::BlockQuote { blocks, .. } => blocks.clone(),
                _ => vec![b.clone()],
            })
            .collect();
        let source = quote.last().filter(|b| crate::model::is_attribution(b));
        let body_len = quote.len() - usize::from(source.is_some());
        self.body_font = FontId::Italic;
        self.align = Some(Align::Start);
        if page {
            self.top_blocks(&quote[..body_len], dx);
        } else {
            self.nesting += 1;
            self.blocks(&quote[..body_len], dx, true);
            self.nesting -= 1;
        }
        self.body_font = FontId::Regular;
        self.align = None;
        if let Some(b) = source {
            let start = self.items.len();
            self.line = b.line;
            if let BlockKind::Paragraph { content } = &b.kind {
                let pieces = self.pieces(content, self.body());
                let measure = g.measure() - dx;
                let mut lines = self.setter.set(&pieces, measure, 0.0, Align::Left);
                for l in &mut lines {
                    let shift = (measure - l.width).max(0.0);
                    shift_line(l, shift);
                }
                self.space_kept(0.3);
                self.lines(lines, dx);
            }
            self.tag_from(start, "P");
            if page {
                for item in &mut self.items[start..] {
                    item.place.get_or_insert((body_len, 0));
                }
            }
        }
        if !page {
            self.space(1.0);
        }
    }

    /// A chapter's first paragraph in the house style: its first line in
    /// small capitals, or a drop cap two lines deep. Flush left either way.
    pub(super) fn opening_paragraph(&mut self, content: &[Inline], dx: f32) {
        let g = self.geometry;
        let measure = g.measure() - dx;
        let pieces = self.pieces(content, self.body());
        match self.book.options.style.first_paragraph {
            FirstParagraph::SmallCaps => {
                // The words of the first line as first set, then set again
                // with those in small capitals (wider: the line may hold
                // fewer of them, which small capitals run past).
                let whole = |l: &SetLine| line_words(l) - usize::from(l.ends_in_word);
                let plain_lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                let mut words = plain_lines.first().map_or(0, whole);
                let mut lines = plain_lines;
                for _ in 0..4 {
                    let caps = small_caps_words(&pieces, words);
                    lines = self.setter.set(&caps, measure, 0.0, Align::Justify);
                    let fit = lines.first().map_or(0, whole);
                    if fit >= words || lines.len() < 2 {
                        break;
                    }
                    words = fit;
                }
                self.lines(lines, dx);
            }
            _ => {
                let Some((cap, rest)) = drop_cap(&pieces) else {
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.lines(lines, dx);
                    return;
                };
                // Capitals as tall as two lines: from the first line's cap
                // height to the second line's baseline.
                let body = self.body();
                let ratio = self.setter.shaper.cap_height(body.font);
                let size = (g.leading + ratio * body.size) / ratio;
                let cap_style = TextStyle { size, ..cap.style };
                let cap_line = self
                    .setter
                    .set(&[plain(&cap.text, cap_style)], 1.0e6, 0.0, Align::Left)
                    .pop()
                    .unwrap_or_default();
                let hang = cap_line.width + body.size * 0.25;
                let lines = self
                    .setter
                    .set_hanging(&rest, measure, 0.0, Align::Justify, (2, hang));
                if lines.len() < 2 {
                    // One line can't hold a cap two lines deep.
                    let lines = self.setter.set(&pieces, measure, 0.0, Align::Justify);
                    self.lines(lines, dx);
                    return;
                }
                let start = self.items.len();
                self.lines(lines, dx);
                let base = baseline_offset(g);
                self.items[start].keep_with_next = true;
                self.items[start].draws.push(Draw::Text {
                    dx,
                    baseline: base + g.leading,
                    line: cap_line,
                });
            }
        }
    }
}

/// `pieces` with their first `words` words in small capitals.
pub(super) fn small_caps_words(pieces: &[Piece], words: usize) -> Vec<Piece> {
    let mut out = Vec::with_capacity(pieces.len() + 1);
    let mut seen = 0;
    let mut in_word = false;
    for p in pieces {
        if seen > words || p.text.is_empty() {
            out.push(p.clone());
            continue;
        }
        // Where in this piece the word after the last one begins.
        let mut cut = None;
        for (i, c) in p.text.char_indices() {
            let space = c.is_whitespace();
            if !space && !in_word {
                seen += 1;
                if seen > words {
                    cut = Some(i);
                    break;
                }
            }
            in_word = !space;
        }
        let (head, tail) = p.text.split_at(cut.unwrap_or(p.text.len()));
        if !head.is_empty() {
            let mut h = p.clone();
            h.text = head.to_string();
            h.style.small_caps = true;
            out.push(h);
        }
        if !tail.is_empty() {
            let mut t = p.clone();
            t.text = tail.to_string();
            out.push(t);
        }
    }
    out
}

/// A drop cap: the paragraph's first letter (with any opening quotation
/// mark before it) as a piece of its own, and the rest.
pub(super) fn drop_cap(pieces: &[Piece]) -> Option<(Piece, Vec<Piece>)> {
    let first = pieces.iter().position(|p| !p.text.is_empty())?;
    let p = &pieces[first];
    if first > 0 || p.link.is_some() || p.note.is_some() || !p.style.from_text {
        return None;
    }
    let mut end = 0;
    for (i, c) in p.text.char_indices() {
        if c.is_alphanumeric() {
            end = i + c.len_utf8();
            break;
        }
        if !matches!(
            c,
            '"' | '\'' | '\u{201C}' | '\u{2018}' | '\u{00AB}' | '\u{201E}'
        ) {
            return None;
        }
    }
    if end == 0 {
        return None;
    }
    // Combining marks stay with their letter.
    let tail = &p.text[end..];
    let marks: usize = tail
        .chars()
        .take_while(|c| ('\u{300}'..='\u{36F}').contains(c))
        .map(char::len_utf8)
        .sum();
    end += marks;
    let mut cap = p.clone();
    cap.text = p.text[..end].to_string();
    let mut rest = pieces.to_vec();
    rest[0].text = p.text[end..].to_string();
    Some((cap, rest))
}
