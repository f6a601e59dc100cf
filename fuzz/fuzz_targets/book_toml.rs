//! Any bytes as a book.toml.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data).into_owned();
    let mut diags = quire::diagnostics::Diagnostics::default();
    let _ = quire::source::book_toml::parse(std::path::Path::new("book.toml"), text, &mut diags);
});
