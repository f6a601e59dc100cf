//! Any text as code in each language the highlighter knows: no panic, and
//! every span it gives lies in order on the text's character boundaries.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, code)) = data.split_first() else {
        return;
    };
    let Ok(text) = std::str::from_utf8(code) else {
        return;
    };
    let langs = quire::highlight::languages();
    let lang = langs[which as usize % langs.len()];
    let mut last = 0;
    for (range, _) in quire::highlight::highlight(lang, text) {
        assert!(range.start >= last && range.start < range.end && range.end <= text.len());
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
        last = range.end;
    }
});
