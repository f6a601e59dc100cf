//! Images and covers as authors hand them over, judged in both formats:
//! EPUBCheck for the EPUB, poppler's pdfimages and rendered pixels for the
//! PDF. The files in tests/images are small real images: a sideways JPEG
//! with EXIF orientation 6 (red half left, blue half right as stored), a
//! CMYK JPEG of pure cyan (Adobe-inverted, as print tools write it), a PNG
//! with transparency, TIFF, BMP, GIF and WebP files, a six-megapixel PNG,
//! a truncated PNG, a PNG named .jpg, and covers of two sizes.

mod common;
use common::*;
use std::ffi::OsStr;
use std::path::Path;

const KINDS: [&str; 8] = [
    "rotated.jpg",
    "cmyk.jpg",
    "transparent.png",
    "picture.tif",
    "picture.bmp",
    "picture.gif",
    "picture.webp",
    "huge.png",
];

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(repo().join("tests/images").join(name)).unwrap()
}

/// A book with one figure per kind of image, and optionally a cover.
fn gallery(cover: Option<&str>) -> tempfile::TempDir {
    let mut md = String::from("# Gallery\n\n");
    for k in KINDS {
        md.push_str(&format!("![A {k} picture](img/{k} \"The {k} file\")\n\n"));
    }
    let toml = match cover {
        Some(c) => format!(
            "[book]\ntitle = \"Gallery\"\nauthors = [\"A. Painter\"]\ncover = \"img/{c}\"\n"
        ),
        None => "[book]\ntitle = \"Gallery\"\nauthors = [\"A. Painter\"]\n".to_string(),
    };
    let mut files: Vec<(String, Vec<u8>)> = vec![
        ("book.toml".into(), toml.into_bytes()),
        ("gallery.md".into(), md.into_bytes()),
    ];
    for k in KINDS.iter().copied().chain(cover) {
        files.push((format!("img/{k}"), fixture(k)));
    }
    let refs: Vec<(&str, &[u8])> = files
        .iter()
        .map(|(n, d)| (n.as_str(), d.as_slice()))
        .collect();
    project(&refs)
}

/// The PDF's first page as poppler draws it, at 72 dpi.
fn first_page_pixels(pdf: &Path, dir: &Path) -> image::RgbImage {
    let png = dir.join("page");
    let r = tool(
        "pdftoppm",
        &[
            OsStr::new("-png"),
            OsStr::new("-r"),
            OsStr::new("72"),
            OsStr::new("-singlefile"),
            pdf.as_os_str(),
            png.as_os_str(),
        ],
    );
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    image::open(dir.join("page.png")).unwrap().to_rgb8()
}

fn epub_bytes(epub: &Path, name: &str) -> Vec<u8> {
    use std::io::Read;
    let mut zip = zip::ZipArchive::new(std::fs::File::open(epub).unwrap()).unwrap();
    let mut f = zip
        .by_name(name)
        .unwrap_or_else(|_| panic!("{name} not in the EPUB"));
    let mut v = Vec::new();
    f.read_to_end(&mut v).unwrap();
    v
}

#[test]
fn every_kind_of_image_makes_a_valid_epub() {
    let dir = gallery(Some("cover.jpg"));
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    // TIFF and BMP are not EPUB core media types: converted to PNG.
    assert!(opf.contains("href=\"images/picture.png\""), "{opf}");
    assert!(
        !opf.contains("image/tiff") && !opf.contains("image/bmp"),
        "{opf}"
    );
    assert!(
        opf.contains("href=\"images/picture.webp\"") && opf.contains("href=\"images/picture.gif\"")
    );
    // The sideways JPEG is turned upright: 80 wide, 120 high, red on top.
    let upright = image::load_from_memory(&epub_bytes(&epub, "OEBPS/images/rotated.jpg"))
        .unwrap()
        .to_rgb8();
    assert_eq!(upright.dimensions(), (80, 120));
    let top = upright.get_pixel(40, 15).0;
    let bottom = upright.get_pixel(40, 105).0;
    assert!(top[0] > 200 && top[2] < 60, "top should be red: {top:?}");
    assert!(
        bottom[2] > 200 && bottom[0] < 60,
        "bottom should be blue: {bottom:?}"
    );
    // The CMYK JPEG becomes RGB, and cyan stays cyan (not inverted).
    let cyan = image::load_from_memory(&epub_bytes(&epub, "OEBPS/images/cmyk.jpg")).unwrap();
    assert_eq!(cyan.color(), image::ColorType::Rgb8);
    let px = cyan.to_rgb8().get_pixel(50, 50).0;
    assert!(
        px[0] < 80 && px[1] > 150 && px[2] > 150,
        "cyan expected: {px:?}"
    );
    // Six megapixels are brought under four, keeping the proportions.
    let huge = image::load_from_memory(&epub_bytes(&epub, "OEBPS/images/huge.png")).unwrap();
    let (w, h) = (huge.width() as u64, huge.height() as u64);
    assert!(w * h <= 4_194_304 && w * h > 3_500_000, "{w} x {h}");
    assert!((w as f64 / h as f64 - 1.5).abs() < 0.01);
    // A transparent PNG goes in untouched, and so does the JPEG cover.
    assert_eq!(
        epub_bytes(&epub, "OEBPS/images/transparent.png"),
        fixture("transparent.png")
    );
    assert_eq!(
        epub_bytes(&epub, "OEBPS/images/cover.jpg"),
        fixture("cover.jpg")
    );
    assert!(
        opf.contains(
            "<item id=\"cover-image\" href=\"images/cover.jpg\" media-type=\"image/jpeg\" properties=\"cover-image\"/>"
        ),
        "{opf}"
    );
    // Alt text is carried.
    assert!(epub_file(&epub, "OEBPS/ch01.xhtml").contains("alt=\"A picture.tif picture\""));
}

#[test]
fn every_kind_of_image_makes_a_pdf_at_full_resolution() {
    let dir = gallery(Some("cover.jpg"));
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let check = tool("qpdf", &[OsStr::new("--check"), pdf.as_os_str()]);
    assert!(check.status.success());
    let list = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    let rows: Vec<Vec<String>> = list
        .lines()
        .skip(2)
        .map(|l| l.split_whitespace().map(str::to_string).collect())
        .collect();
    let has = |w: &str, h: &str, color: &str, kind: &str| {
        rows.iter()
            .any(|r| r[3] == w && r[4] == h && r[5] == color && r[2] == kind)
    };
    assert!(
        has("3000", "2000", "rgb", "image"),
        "no silent downscaling:\n{list}"
    );
    assert!(
        has("120", "80", "rgb", "image"),
        "the sideways JPEG is stored as it came:\n{list}"
    );
    assert!(
        has("100", "100", "cmyk", "image"),
        "CMYK kept for print:\n{list}"
    );
    assert!(
        has("100", "100", "gray", "smask"),
        "transparency as a soft mask:\n{list}"
    );
    assert!(
        has("1600", "2560", "rgb", "image"),
        "the cover at full size:\n{list}"
    );
    // JPEGs go in byte for byte.
    let prefix = out.path().join("img");
    let r = tool(
        "pdfimages",
        &[OsStr::new("-j"), pdf.as_os_str(), prefix.as_os_str()],
    );
    assert!(r.status.success());
    let mut extracted: Vec<Vec<u8>> = Vec::new();
    for e in std::fs::read_dir(out.path()).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "jpg") {
            extracted.push(std::fs::read(p).unwrap());
        }
    }
    for jpeg in ["rotated.jpg", "cmyk.jpg", "cover.jpg"] {
        assert!(
            extracted.contains(&fixture(jpeg)),
            "{jpeg} is not byte-identical in the PDF"
        );
    }
}

#[test]
fn low_resolution_images_are_flagged_for_print() {
    let dir = gallery(None);
    let out = tempfile::tempdir().unwrap();
    let (r, _) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("gallery.md:9:1: warning: image `img/picture.tif` prints at 150 dpi"),
        "{}",
        r.stderr
    );
    assert!(
        !r.stderr.contains("image `img/huge.png` prints at"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_sideways_jpeg_prints_upright() {
    let dir = project(&[
        ("a.md", b"# Turned\n\n![Red above blue](rotated.jpg)\n"),
        ("rotated.jpg", &fixture("rotated.jpg")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = first_page_pixels(&pdf, out.path());
    let (mut red, mut blue) = ((0u64, 0u64, 0u64), (0u64, 0u64, 0u64));
    for (x, y, p) in page.enumerate_pixels() {
        let [r, g, b] = p.0;
        if r > 200 && g < 60 && b < 60 {
            red = (red.0 + x as u64, red.1 + y as u64, red.2 + 1);
        } else if b > 200 && r < 60 && g < 60 {
            blue = (blue.0 + x as u64, blue.1 + y as u64, blue.2 + 1);
        }
    }
    assert!(red.2 > 100 && blue.2 > 100, "the picture is on the page");
    let (red_y, blue_y) = (red.1 / red.2, blue.1 / blue.2);
    let (red_x, blue_x) = (red.0 / red.2, blue.0 / blue.2);
    assert!(
        red_y < blue_y,
        "red should be above blue: {red_y} vs {blue_y}"
    );
    assert!(
        red_x.abs_diff(blue_x) < 5,
        "one above the other, not side by side"
    );
}

#[test]
fn damaged_images_are_errors_at_their_line() {
    for (name, expect) in [
        (
            "truncated.png",
            "a.md:3:1: error: image `truncated.png`: damaged or truncated PNG image",
        ),
        (
            "not-really.jpg",
            "a.md:3:1: error: image `not-really.jpg`: the file is named .jpg but holds a PNG image",
        ),
    ] {
        let md = format!("# A\n\n![x]({name})\n");
        let dir = project(&[("a.md", md.as_bytes()), (name, &fixture(name))]);
        let r = run(quire()
            .current_dir(dir.path())
            .args(["build", "a.md", "-o", "dist"]));
        assert_eq!(r.status, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{name}:\n{}", r.stderr);
        assert!(!r.stderr.contains("panicked"));
        assert_eq!(listing(&dir.path().join("dist")), Vec::<String>::new());
    }
}

#[test]
fn covers_are_checked_and_generated() {
    // A cover too small for the stores: a warning that says what to do.
    let dir = gallery(Some("small-cover.jpg"));
    let r = run(quire().current_dir(dir.path()).args(["check", "."]));
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("book.toml:4:1: warning: cover `img/small-cover.jpg`: the cover is 800 × 1280 pixels; stores refuse covers under 1000 pixels"),
        "{}",
        r.stderr
    );
    // No cover: one is drawn, the same one every time.
    let dir = gallery(None);
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_valid(&epub);
    let opf = epub_file(&epub, "OEBPS/content.opf");
    assert!(
        opf.contains(
            "<item id=\"cover-image\" href=\"images/cover.png\" media-type=\"image/png\" properties=\"cover-image\"/>"
        ),
        "{opf}"
    );
    let cover = image::load_from_memory(&epub_bytes(&epub, "OEBPS/images/cover.png")).unwrap();
    assert_eq!((cover.width(), cover.height()), (1600, 2560));
    let (r, pdf) = build_pdf(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let list = tool_text(
        "pdfimages",
        &[
            OsStr::new("-f"),
            OsStr::new("1"),
            OsStr::new("-l"),
            OsStr::new("1"),
            OsStr::new("-list"),
            pdf.as_os_str(),
        ],
    );
    assert!(
        list.contains(" 1600  2560 "),
        "the generated cover is the first page:\n{list}"
    );
    let again = tempfile::tempdir().unwrap();
    let (_, epub2) = build_epub(dir.path(), again.path(), &[]);
    assert_eq!(
        epub_bytes(&epub, "OEBPS/images/cover.png"),
        epub_bytes(&epub2, "OEBPS/images/cover.png")
    );
}

#[test]
fn missing_alt_text_is_a_warning_from_check() {
    let dir = project(&[
        ("a.md", b"# A\n\n![](pic.png)\n"),
        ("pic.png", &fixture("transparent.png")),
    ]);
    let r = run(quire().current_dir(dir.path()).args(["check", "a.md"]));
    assert_eq!(r.status, 0);
    assert!(
        r.stderr
            .contains("a.md:3:1: warning: image `pic.png` has no alt text"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_cmyk_jpeg_prints_in_its_own_colours() {
    let dir = project(&[
        ("a.md", b"# C\n\n![Cyan](cmyk.jpg)\n"),
        ("cmyk.jpg", &fixture("cmyk.jpg")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let page = first_page_pixels(&pdf, out.path());
    let cyan = page
        .pixels()
        .filter(|p| p.0[0] < 60 && p.0[1] > 120 && p.0[2] > 180)
        .count();
    let red = page
        .pixels()
        .filter(|p| p.0[0] > 180 && p.0[1] < 100 && p.0[2] < 100)
        .count();
    assert!(
        cyan > 1000 && red == 0,
        "cyan {cyan}, red {red}: the CMYK image was inverted"
    );
}

#[test]
fn svg_goes_into_the_epub_as_it_is_and_into_the_pdf_as_a_drawing() {
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" width="100" height="50" viewBox="0 0 100 50"><rect width="100" height="50" fill="#263447"/></svg>"##;
    let dir = project(&[
        ("a.md", b"# S\n\n![A dark band](band.svg)\n"),
        ("band.svg", svg),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    assert_eq!(epub_bytes(&epub, "OEBPS/images/band.svg"), svg.to_vec());
    assert!(epub_file(&epub, "OEBPS/content.opf").contains("media-type=\"image/svg+xml\""));
    assert_valid(&epub);
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // No raster image: the band is a filled path, and it is on the page
    // (rendered, its dark blue covers a patch of pixels).
    let list = tool_text("pdfimages", &[OsStr::new("-list"), pdf.as_os_str()]);
    assert_eq!(list.lines().count(), 2, "{list}");
    let png = out.path().join("band");
    tool(
        "pdftoppm",
        &[
            OsStr::new("-png"),
            OsStr::new("-r"),
            OsStr::new("30"),
            OsStr::new("-singlefile"),
            pdf.as_os_str(),
            png.as_os_str(),
        ],
    );
    let page = image::open(png.with_extension("png")).unwrap().to_rgb8();
    let dark = page
        .pixels()
        .filter(|p| p.0[0] < 70 && p.0[2] > 50 && u16::from(p.0[2]) > u16::from(p.0[0]) + 20)
        .count();
    assert!(dark > 100, "{dark} pixels of the band");
}

#[test]
fn the_epub_image_limit_is_configurable() {
    let dir = project(&[
        (
            "book.toml",
            b"[book]\ntitle = \"T\"\n[epub]\nmax-image-pixels = 600000\n",
        ),
        ("a.md", b"# A\n\n![A large frame](huge.png)\n"),
        ("huge.png", &fixture("huge.png")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, epub) = build_epub(dir.path(), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let img = image::load_from_memory(&epub_bytes(&epub, "OEBPS/images/huge.png")).unwrap();
    assert!(
        img.width() as u64 * img.height() as u64 <= 600_000,
        "{}x{}",
        img.width(),
        img.height()
    );
}

#[test]
fn an_article_with_a_cover_opens_with_it() {
    let dir = project(&[
        (
            "a.md",
            b"---\ntitle: With a Cover\ncover: cover.jpg\n---\n\nSome text.\n",
        ),
        ("cover.jpg", &fixture("cover.jpg")),
    ]);
    let out = tempfile::tempdir().unwrap();
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), out.path(), &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    let list = tool_text(
        "pdfimages",
        &[
            OsStr::new("-f"),
            OsStr::new("1"),
            OsStr::new("-l"),
            OsStr::new("1"),
            OsStr::new("-list"),
            pdf.as_os_str(),
        ],
    );
    assert!(list.contains(" 1600  2560 "), "{list}");
    assert!(pdftotext(&pdf, Some(2)).starts_with("With a Cover"));
}

fn png_bytes(img: image::DynamicImage) -> Vec<u8> {
    let mut out = Vec::new();
    img.write_to(&mut std::io::Cursor::new(&mut out), image::ImageFormat::Png)
        .unwrap();
    out
}

/// A picture with edges and a gradient, so a wrong predictor or colour
/// space would show.
fn pattern(w: u32, h: u32) -> image::RgbImage {
    image::RgbImage::from_fn(w, h, |x, y| {
        image::Rgb([
            (x * 255 / w) as u8,
            (y * 255 / h) as u8,
            ((x ^ y) & 0xFF) as u8,
        ])
    })
}

#[test]
fn pngs_go_into_the_pdf_undecoded_with_every_pixel_kept() {
    let rgb = pattern(601, 403);
    let grey = image::DynamicImage::ImageRgb8(rgb.clone()).to_luma8();
    // A palette PNG, as screenshot tools write it.
    let mut palette = Vec::new();
    {
        let mut enc = png::Encoder::new(&mut palette, 64, 32);
        enc.set_color(png::ColorType::Indexed);
        enc.set_depth(png::BitDepth::Eight);
        let pal: Vec<u8> = (0..16u8)
            .flat_map(|i| [i * 16, 255 - i * 16, i * 7])
            .collect();
        enc.set_palette(pal);
        let mut w = enc.write_header().unwrap();
        let idx: Vec<u8> = (0..64 * 32).map(|i| ((i % 64) / 4) as u8).collect();
        w.write_image_data(&idx).unwrap();
    }
    let files: Vec<(&str, Vec<u8>)> = vec![
        (
            "a.md",
            b"# Pictures\n\n![RGB](rgb.png)\n\n![Grey](grey.png)\n\n![Palette](palette.png)\n"
                .to_vec(),
        ),
        (
            "rgb.png",
            png_bytes(image::DynamicImage::ImageRgb8(rgb.clone())),
        ),
        (
            "grey.png",
            png_bytes(image::DynamicImage::ImageLuma8(grey.clone())),
        ),
        ("palette.png", palette.clone()),
    ];
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, d)| (*n, d.as_slice())).collect();
    let dir = project(&refs);
    let out = dir.path().join("out");
    let (r, pdf) = build_pdf(&dir.path().join("a.md"), &out, &[]);
    assert_eq!(r.status, 0, "{}", r.stderr);
    // The stored streams are the PNGs' own: Flate with PNG predictors.
    let qdf = out.join("qdf.pdf");
    tool(
        "qpdf",
        &[
            OsStr::new("--qdf"),
            OsStr::new("--stream-data=preserve"),
            pdf.as_os_str(),
            qdf.as_os_str(),
        ],
    );
    let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
    assert_eq!(
        raw.matches("/Predictor 15").count(),
        3,
        "three PNG streams kept as they are"
    );
    assert!(
        raw.contains("/Indexed"),
        "the palette is an indexed colour space"
    );
    // poppler gives back exactly the pixels of each file.
    let prefix = out.join("img");
    tool(
        "pdfimages",
        &[OsStr::new("-png"), pdf.as_os_str(), prefix.as_os_str()],
    );
    let back = |n: usize| image::open(out.join(format!("img-{n:03}.png"))).unwrap();
    assert_eq!(back(0).to_rgb8(), rgb);
    assert_eq!(back(1).to_luma8(), grey);
    let want = image::load_from_memory(&palette).unwrap().to_rgb8();
    assert_eq!(back(2).to_rgb8(), want);
}

#[test]
fn a_png_damaged_inside_or_a_cut_jpeg_is_refused_without_decoding() {
    let mut png = png_bytes(image::DynamicImage::ImageRgb8(pattern(200, 100)));
    // One flipped byte in the pixel data: the chunk's checksum says so.
    let at = png.len() / 2;
    png[at] ^= 0x55;
    let mut jpeg = Vec::new();
    image::DynamicImage::ImageRgb8(pattern(300, 200))
        .write_to(
            &mut std::io::Cursor::new(&mut jpeg),
            image::ImageFormat::Jpeg,
        )
        .unwrap();
    jpeg.truncate(jpeg.len() * 2 / 3);
    for (name, data, expect) in [
        (
            "bad.png",
            &png,
            "a.md:3:1: error: image `bad.png`: damaged or truncated PNG image: the IDAT chunk's checksum is wrong",
        ),
        (
            "cut.jpg",
            &jpeg,
            "a.md:3:1: error: image `cut.jpg`: damaged or truncated JPEG image",
        ),
    ] {
        let md = format!("# A\n\n![x]({name})\n");
        let dir = project(&[("a.md", md.as_bytes()), (name, data)]);
        let r = run(quire().current_dir(dir.path()).args(["check", "a.md"]));
        assert_eq!(r.status, 1, "{name}: {}", r.stderr);
        assert!(r.stderr.contains(expect), "{name}:\n{}", r.stderr);
    }
}

#[test]
fn converted_images_are_cached_and_a_damaged_entry_is_made_again() {
    // A picture over the EPUB's pixel limit is scaled down: work worth keeping.
    let big = png_bytes(image::DynamicImage::ImageRgb8(pattern(2600, 1800)));
    let dir = project(&[
        ("a.md", b"# A\n\n![Big](big.png)\n".as_slice()),
        ("big.png", big.as_slice()),
    ]);
    let cache = dir.path().join("cache");
    let build = |extra: &[&str], out: &str| {
        let r = run(quire()
            .current_dir(dir.path())
            .env("QUIRE_CACHE_DIR", &cache)
            .args(["build", "a.md", "--to", "epub", "-o", out])
            .args(extra));
        assert_eq!(r.status, 0, "{}", r.stderr);
        std::fs::read(dir.path().join(out).join("a.epub")).unwrap()
    };
    let entries = |d: &Path| -> Vec<std::path::PathBuf> {
        let mut out = Vec::new();
        let mut todo = vec![d.to_path_buf()];
        while let Some(d) = todo.pop() {
            for e in std::fs::read_dir(&d).into_iter().flatten().flatten() {
                if e.path().is_dir() {
                    todo.push(e.path());
                } else {
                    out.push(e.path());
                }
            }
        }
        out
    };
    let uncached = build(&["--no-cache"], "one");
    assert!(entries(&cache).is_empty(), "--no-cache writes no cache");
    let first = build(&[], "two");
    // The scaled picture, and the cover drawn for the book.
    let made = entries(&cache.join("epub-images"));
    assert_eq!(made.len(), 1, "{made:?}");
    assert_eq!(entries(&cache.join("covers")).len(), 1);
    let second = build(&[], "three");
    assert_eq!(first, uncached);
    assert_eq!(second, uncached);
    // A cache entry cut short is not used: the image is converted again.
    let entry = &made[0];
    let len = std::fs::metadata(entry).unwrap().len();
    std::fs::write(entry, &std::fs::read(entry).unwrap()[..len as usize / 2]).unwrap();
    assert_eq!(build(&[], "four"), uncached);
    assert_eq!(
        std::fs::metadata(entry).unwrap().len(),
        len,
        "the entry is made again"
    );
    assert_valid(&dir.path().join("four/a.epub"));
}
