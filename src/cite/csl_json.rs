//! CSL-JSON (what Zotero, Mendeley and pandoc export) read into the same
//! entries as BibLaTeX and Hayagriva files, so that works from any of the
//! three may be cited together: each item's fields are written in
//! Hayagriva's own schema, its container (journal, book, proceedings) as
//! the entry's parent, and read by Hayagriva's reader.

use serde_json::{Map, Value, json};

/// The Hayagriva form of one CSL-JSON item, or why it has none.
pub fn entry(item: &Map<String, Value>) -> Result<(String, Value), String> {
    let id = match item.get("id") {
        Some(Value::String(s)) if !s.trim().is_empty() => s.clone(),
        Some(Value::Number(n)) => n.to_string(),
        _ => return Err("an item has no `id`".into()),
    };
    let kind = item.get("type").and_then(Value::as_str).unwrap_or("");
    let text = |k: &str| -> Option<Value> {
        match item.get(k)? {
            Value::String(s) if !s.trim().is_empty() => Some(Value::String(s.clone())),
            Value::Number(n) => Some(Value::String(n.to_string())),
            _ => None,
        }
    };
    let mut own = Map::new();
    let mut parent = Map::new();
    let (own_type, parent_type) = match kind {
        "book" => ("book", None),
        "article-journal" => ("article", Some("periodical")),
        "article-magazine" => ("article", Some("periodical")),
        "article-newspaper" => ("article", Some("newspaper")),
        "article" => ("article", None),
        "chapter" => ("chapter", Some("book")),
        "paper-conference" => ("chapter", Some("book")),
        "entry-encyclopedia" | "entry-dictionary" | "entry" => ("entry", Some("reference")),
        "report" => ("report", None),
        "thesis" => ("thesis", None),
        "webpage" => ("web", None),
        "post-weblog" => ("post", Some("blog")),
        "post" => ("post", None),
        "manuscript" => ("manuscript", None),
        "legal_case" => ("case", None),
        "legislation" | "bill" => ("legislation", None),
        "patent" => ("patent", None),
        "motion_picture" | "broadcast" => ("video", None),
        "song" => ("audio", None),
        "graphic" => ("artwork", None),
        "" => return Err(format!("item `{id}` has no `type`")),
        _ => ("misc", None),
    };
    own.insert("type".into(), json!(own_type));
    if let Some(t) = text("title") {
        own.insert("title".into(), t);
    }
    for (csl, haya) in [("author", "author"), ("editor", "editor")] {
        if let Some(names) = item.get(csl) {
            let names = persons(names).map_err(|e| format!("item `{id}`: {e}"))?;
            // A chapter's editors are its book's.
            if csl == "editor" && parent_type.is_some() {
                parent.insert(haya.into(), names);
            } else {
                own.insert(haya.into(), names);
            }
        }
    }
    if let Some(names) = item.get("translator") {
        let names = persons(names).map_err(|e| format!("item `{id}`: {e}"))?;
        own.insert(
            "affiliated".into(),
            json!([{ "role": "Translator", "names": names }]),
        );
    }
    if let Some(d) = item.get("issued") {
        let d = date(d).map_err(|e| format!("item `{id}`: `issued` {e}"))?;
        own.insert("date".into(), json!(d));
    }
    let publisher = text("publisher");
    let place = text("publisher-place");
    let publisher = match (publisher, place) {
        (Some(p), Some(l)) => Some(json!({ "name": p, "location": l })),
        (Some(p), None) => Some(p),
        (None, Some(l)) => Some(json!({ "name": "", "location": l })),
        (None, None) => None,
    };
    match publisher {
        Some(p) if parent_type.is_some_and(|t| t != "periodical" && t != "newspaper") => {
            parent.insert("publisher".into(), p);
        }
        Some(p) => {
            own.insert("publisher".into(), p);
        }
        None => {}
    }
    for (csl, haya, on_parent) in [
        ("volume", "volume", true),
        ("issue", "issue", true),
        ("page", "page-range", false),
        ("edition", "edition", false),
        ("number-of-pages", "page-total", false),
        ("chapter-number", "chapter", false),
        ("genre", "genre", false),
        ("note", "note", false),
        ("archive", "archive", false),
        ("language", "language", false),
    ] {
        if let Some(v) = text(csl) {
            if on_parent && parent_type.is_some() {
                parent.insert(haya.into(), v);
            } else {
                own.insert(haya.into(), v);
            }
        }
    }
    let mut serial = Map::new();
    for (csl, haya) in [
        ("DOI", "doi"),
        ("ISBN", "isbn"),
        ("ISSN", "issn"),
        ("PMID", "pmid"),
    ] {
        if let Some(v) = text(csl) {
            serial.insert(haya.into(), v);
        }
    }
    if !serial.is_empty() {
        own.insert("serial-number".into(), Value::Object(serial));
    }
    if let Some(url) = text("URL") {
        match item.get("accessed").map(date) {
            Some(Ok(d)) => own.insert("url".into(), json!({ "value": url, "date": d })),
            _ => own.insert("url".into(), url),
        };
    }
    if let Some(t) = parent_type {
        parent.insert("type".into(), json!(t));
        if let Some(c) = text("container-title") {
            parent.insert("title".into(), c);
        }
        own.insert("parent".into(), Value::Object(parent));
    }
    Ok((id, Value::Object(own)))
}

/// CSL-JSON names (`[{"family": "Doe", "given": "Jane"}]`) as Hayagriva
/// persons.
fn persons(v: &Value) -> Result<Value, String> {
    let Value::Array(list) = v else {
        return Err("names must be a list".into());
    };
    let mut out = Vec::new();
    for n in list {
        let Value::Object(n) = n else {
            return Err("a name must be an object with `family` and `given`".into());
        };
        let get = |k: &str| n.get(k).and_then(Value::as_str).map(str::to_string);
        let person = match (get("family"), get("literal")) {
            (Some(family), _) => {
                let mut p = Map::new();
                p.insert("name".into(), json!(family));
                if let Some(g) = get("given") {
                    p.insert("given-name".into(), json!(g));
                }
                if let Some(x) = get("non-dropping-particle").or(get("dropping-particle")) {
                    p.insert("prefix".into(), json!(x));
                }
                if let Some(x) = get("suffix") {
                    p.insert("suffix".into(), json!(x));
                }
                Value::Object(p)
            }
            (None, Some(literal)) => json!({ "name": literal }),
            (None, None) => return Err("a name has neither `family` nor `literal`".into()),
        };
        out.push(person);
    }
    Ok(Value::Array(out))
}

/// A CSL-JSON date (`{"date-parts": [[2020, 3, 14]]}`, or `{"raw":
/// "2020"}`) as an ISO date.
fn date(v: &Value) -> Result<String, String> {
    if let Some(parts) = v
        .get("date-parts")
        .and_then(Value::as_array)
        .and_then(|p| p.first())
        .and_then(Value::as_array)
    {
        let n: Vec<i64> = parts
            .iter()
            .filter_map(|p| {
                p.as_i64()
                    .or_else(|| p.as_str().and_then(|s| s.parse().ok()))
            })
            .collect();
        return match n.as_slice() {
            [y] => Ok(format!("{y:04}")),
            [y, m] => Ok(format!("{y:04}-{m:02}")),
            [y, m, d, ..] => Ok(format!("{y:04}-{m:02}-{d:02}")),
            [] => Err("has no year".into()),
        };
    }
    if let Some(raw) = v
        .get("raw")
        .or(v.get("literal"))
        .and_then(Value::as_str)
        .map(str::trim)
        && raw.len() >= 4
        && raw[..4].bytes().all(|b| b.is_ascii_digit())
    {
        return Ok(raw[..raw.len().min(10)].to_string());
    }
    Err("is not a date (give `date-parts`)".into())
}
