//! Any bytes as a Markdown manuscript with front matter: read, resolved,
//! and written out as the model's JSON, as `--emit` does.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut diags = quire::diagnostics::Diagnostics::default();
    let path = std::path::Path::new("/nonexistent/fuzz/a.md");
    if let Some(book) =
        quire::source::load_text(path, &text, &Default::default(), &mut diags)
    {
        let _ = serde_json::to_vec(&book);
    }
});
