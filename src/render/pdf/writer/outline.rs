//! The PDF outline (bookmarks): one entry for each chapter and section
//! heading the flow marked (`VItem::outline`), gathered page by page as
//! the body is composed (`render/pdf/mod.rs`, `compose_body`), written
//! here as the document's `/Outlines` tree, each entry nested under the
//! nearest earlier entry of a lower level.

use super::finish::text;
use crate::render::pdf::page::Document;
use lopdf::{Dictionary, Object, ObjectId};

pub(super) fn build_outline(
    lo: &mut lopdf::Document,
    doc: &Document,
    pages: &[ObjectId],
) -> Option<ObjectId> {
    if doc.outline.is_empty() {
        return None;
    }
    let root = lo.new_object_id();
    // Parent of each entry: the nearest earlier entry of a lower level.
    let n = doc.outline.len();
    let ids: Vec<ObjectId> = (0..n).map(|_| lo.new_object_id()).collect();
    let mut parent: Vec<Option<usize>> = vec![None; n];
    let mut stack: Vec<usize> = Vec::new();
    for (i, e) in doc.outline.iter().enumerate() {
        while stack
            .last()
            .is_some_and(|&p| doc.outline[p].level >= e.level)
        {
            stack.pop();
        }
        parent[i] = stack.last().copied();
        stack.push(i);
    }
    // Children of each entry (slot 0 for the top level), in order, and
    // each entry's place among its siblings: found once, not per entry.
    let mut kids_of: Vec<Vec<usize>> = vec![Vec::new(); n + 1];
    let mut place = vec![0usize; n];
    for i in 0..n {
        let slot = parent[i].map_or(0, |p| p + 1);
        place[i] = kids_of[slot].len();
        kids_of[slot].push(i);
    }
    let children = |p: Option<usize>| -> &[usize] { &kids_of[p.map_or(0, |p| p + 1)] };
    let anchors: std::collections::HashMap<&str, &super::super::page::Anchor> = doc
        .anchors
        .iter()
        .rev()
        .map(|a| (a.name.as_str(), a))
        .collect();
    let mut dicts: Vec<Dictionary> = Vec::with_capacity(n);
    for (i, e) in doc.outline.iter().enumerate() {
        let mut d = Dictionary::new();
        d.set("Title", text(&e.title));
        d.set(
            "Parent",
            Object::Reference(parent[i].map_or(root, |p| ids[p])),
        );
        if let Some(a) = anchors.get(e.anchor.as_str())
            && let Some(&page) = pages.get(a.page)
        {
            d.set(
                "Dest",
                Object::Array(vec![
                    Object::Reference(page),
                    Object::Name(b"XYZ".to_vec()),
                    Object::Null,
                    Object::Real(a.y),
                    Object::Null,
                ]),
            );
        }
        let siblings = children(parent[i]);
        let pos = place[i];
        if pos > 0 {
            d.set("Prev", Object::Reference(ids[siblings[pos - 1]]));
        }
        if let Some(&next) = siblings.get(pos + 1) {
            d.set("Next", Object::Reference(ids[next]));
        }
        let kids = children(Some(i));
        if let (Some(&first), Some(&last)) = (kids.first(), kids.last()) {
            d.set("First", Object::Reference(ids[first]));
            d.set("Last", Object::Reference(ids[last]));
            // Negative: closed, showing chapters with their sections folded.
            d.set("Count", Object::Integer(-(kids.len() as i64)));
        }
        dicts.push(d);
    }
    for (i, d) in dicts.into_iter().enumerate() {
        lo.objects.insert(ids[i], Object::Dictionary(d));
    }
    let top = children(None);
    let mut r = Dictionary::new();
    r.set("Type", Object::Name(b"Outlines".to_vec()));
    if let (Some(&first), Some(&last)) = (top.first(), top.last()) {
        r.set("First", Object::Reference(ids[first]));
        r.set("Last", Object::Reference(ids[last]));
    }
    r.set("Count", Object::Integer(top.len() as i64));
    lo.objects.insert(root, Object::Dictionary(r));
    Some(root)
}
