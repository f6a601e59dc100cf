//! Any bytes as a manuscript, then the EPUB renderer on its model.
#![no_main]
use libfuzzer_sys::fuzz_target;
use quire::render::Renderer;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut diags = quire::diagnostics::Diagnostics::default();
    let path = std::path::Path::new("/nonexistent/fuzz/a.md");
    if let Some(book) =
        quire::source::load_text(path, &text, &Default::default(), &mut diags)
    {
        let _ = quire::render::epub::Epub.render(&book);
    }
});
