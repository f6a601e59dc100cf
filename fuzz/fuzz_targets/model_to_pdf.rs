//! Any bytes as a manuscript, then the PDF renderer on its model (whose
//! own check proves that every word reached a page: a lost word is an
//! internal error, and this target turns that into a crash).
#![no_main]
use libfuzzer_sys::fuzz_target;
use quire::diagnostics::Code;
use quire::render::Renderer;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut diags = quire::diagnostics::Diagnostics::default();
    let path = std::path::Path::new("/nonexistent/fuzz/a.md");
    if let Some(book) =
        quire::source::load_text(path, &text, &Default::default(), &mut diags)
    {
        let rendered = quire::render::pdf::Pdf.render(&book);
        if let Some(d) = rendered
            .diagnostics
            .items()
            .iter()
            .find(|d| d.code == Code::Internal)
        {
            panic!("{d}");
        }
    }
});
