//! Figures: pictures at the measure or bled to the page's edges, with
//! their numbered captions.

use super::*;

impl<'a, 's, 'f> Flow<'a, 's, 'f> {
    /// A figure marked `{.bleed}`: its picture on a page of its own, to the
    /// edges of the paper; the caption follows on the next page.
    pub(super) fn bleed_figure(&mut self, image: &crate::model::Image) {
        let g = self.geometry;
        let Some(asset) = self.book.images.get(&image.path) else {
            return;
        };
        let (w, h) = (
            asset.info.width.max(1) as f32,
            asset.info.height.max(1) as f32,
        );
        let scale = (g.page.width / w).max(g.page.height / h);
        let dpi = 72.0 / scale;
        if dpi < 299.5 {
            self.diags.push(
                Diagnostic::warning(
                    Code::ImageResolution,
                    self.at(image.pos.line, image.pos.column),
                    format!(
                        "image `{}` fills a page at {dpi:.0} dpi; printers want 300",
                        image.dest
                    ),
                )
                .help(format!(
                    "give it at least {:.0} × {:.0} pixels",
                    (g.page.width / 72.0 * 300.0).ceil(),
                    (g.page.height / 72.0 * 300.0).ceil()
                )),
            );
        }
        self.items.push(VItem {
            height: g.text_height(),
            draws: vec![Draw::PageImage {
                aspect: w / h,
                key: image.path.clone(),
                alt: image.alt.clone(),
            }],
            new_page: Some(false),
            line: self.line,
            ..VItem::default()
        });
    }

    /// A caption's lines: its number ("Figure 3.2: ") in roman, the rest
    /// in italic, centred.
    pub(super) fn caption_lines(
        &mut self,
        caption: &[Inline],
        label: Option<&crate::model::Label>,
        measure: f32,
    ) -> Vec<SetLine> {
        let g = self.geometry;
        let style = TextStyle::new(FontId::Italic, g.size * 0.9);
        let mut pieces = Vec::new();
        if let Some(l) = label {
            let sep = if caption.is_empty() {
                ""
            } else {
                crate::typography::label_separator(&self.book.meta.language)
            };
            pieces.push(plain(
                &format!("{}{sep}", l.number),
                TextStyle::new(FontId::Regular, g.size * 0.9).generated(),
            ));
        }
        pieces.extend(self.pieces(caption, style));
        self.setter.set(&pieces, measure, 0.0, Align::Center)
    }

    /// Names a numbered figure's or table's id at its first drawn item.
    pub(super) fn label_anchor(&mut self, start: usize, label: Option<&crate::model::Label>) {
        if let Some(l) = label
            && let Some(item) = self.items[start..].iter_mut().find(|i| !i.draws.is_empty())
        {
            item.anchors.push(l.id.clone());
        }
    }

    pub(super) fn figure(
        &mut self,
        image: &crate::model::Image,
        caption: &[Inline],
        label: Option<&crate::model::Label>,
        dx: f32,
        measure: f32,
    ) {
        // A picture set to fill its page has been placed already.
        let bleeds = matches!(self.items.last(), Some(VItem { draws, .. }) if matches!(draws.first(), Some(Draw::PageImage { .. })));
        self.space(1.0);
        // The picture; an image that could not be read was reported when
        // the book was, and its caption is still set.
        if !bleeds && let Some((slot, draw)) = self.picture(image, dx, measure) {
            self.items.push(VItem {
                height: slot,
                draws: vec![draw],
                keep_with_next: !caption.is_empty() || label.is_some(),
                line: self.line,
                ..VItem::default()
            });
        }
        if !caption.is_empty() || label.is_some() {
            let lines = self.caption_lines(caption, label, measure);
            let n = lines.len();
            for (i, line) in lines.into_iter().enumerate() {
                let item = self.line_item(dx, line, i + 1 < n);
                self.items.push(item);
            }
        }
        self.space(1.0);
    }

    /// A figure's image, sized for the page: its slot's height and how to
    /// draw it.
    pub(super) fn picture(
        &mut self,
        image: &crate::model::Image,
        dx: f32,
        measure: f32,
    ) -> Option<(f32, Draw)> {
        let g = self.geometry;
        let asset = self.book.images.get(&image.path)?;
        let at = self.at(image.pos.line, image.pos.column);
        let svg = asset.info.media_type == "image/svg+xml";
        let (w, h) = if svg && (asset.info.width == 0 || asset.info.height == 0) {
            // A drawing with no size of its own fills the measure.
            (measure, measure * 0.6)
        } else {
            (
                asset.info.width.max(1) as f32,
                asset.info.height.max(1) as f32,
            )
        };
        // Scale to the measure, but never past 150 dpi (a small picture
        // stays small rather than turning to mush), nor taller than two
        // thirds of the text block. A drawing is as big as it says (CSS
        // pixels, 96 to the inch), and may grow to half as big again.
        let natural = if svg {
            w * 72.0 / 96.0 * 1.5
        } else {
            w * 72.0 / 150.0
        };
        let mut width = measure.min(natural);
        let mut height = width * h / w;
        let max_h = g.text_height() * 0.66;
        if height > max_h {
            height = max_h;
            width = height * w / h;
        }
        // Printers want 300 pixels to the inch at the printed size; under
        // 150 a print build refuses the image.
        let dpi = if svg {
            f32::INFINITY
        } else {
            w / (width / 72.0)
        };
        if dpi < 149.5 && self.book.options.print.is_some() {
            self.diags.push(
                Diagnostic::error(
                    Code::Preflight,
                    at.clone(),
                    format!(
                        "image `{}` prints at {dpi:.0} dpi; a printer takes no image under 150",
                        image.dest
                    ),
                )
                .help(format!(
                    "give it at least {:.0} pixels across (300 dpi)",
                    (width / 72.0 * 300.0).ceil()
                )),
            );
        } else if dpi < 299.5 {
            self.diags.push(
                Diagnostic::warning(
                    Code::ImageResolution,
                    at,
                    format!(
                        "image `{}` prints at {dpi:.0} dpi ({:.0} × {:.0} pixels over {:.1} × {:.1} cm); printers want 300",
                        image.dest,
                        w,
                        h,
                        width / 72.0 * 2.54,
                        height / 72.0 * 2.54,
                    ),
                )
                .help(format!(
                    "give it at least {:.0} pixels across",
                    (width / 72.0 * 300.0).ceil()
                )),
            );
        }
        let slot = (height / g.leading).ceil() * g.leading;
        Some((
            slot,
            Draw::Image {
                dx: dx + (measure - width) / 2.0,
                dy: slot - height,
                width,
                height,
                key: image.path.clone(),
                alt: image.alt.clone(),
            },
        ))
    }
}
