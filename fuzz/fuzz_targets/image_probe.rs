//! Any bytes as an image file of each kind Quire reads, with a pixel limit
//! low enough that the fuzzer explores decoders, not memory.
#![no_main]
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((&which, image)) = data.split_first() else {
        return;
    };
    let ext = ["png", "jpg", "gif", "webp", "tif", "bmp", "svg"][which as usize % 7];
    if let Ok(info) = quire::images::probe_bytes(image, ext, 4_000_000) {
        let _ = quire::images::for_epub(image, &info, 1_000_000);
    }
});
