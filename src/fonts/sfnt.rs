//! Just enough of the OpenType container format to add tables to a font:
//! read the table directory, build a `cmap`, write the font back with
//! correct checksums.

pub type Table = ([u8; 4], Vec<u8>);

fn be16(d: &[u8], at: usize) -> Option<u16> {
    d.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]]))
}

fn be32(d: &[u8], at: usize) -> Option<u32> {
    d.get(at..at + 4)
        .map(|b| u32::from_be_bytes([b[0], b[1], b[2], b[3]]))
}

pub fn read_tables(font: &[u8]) -> Result<Vec<Table>, String> {
    let bad = || "malformed font table directory".to_string();
    let count = be16(font, 4).ok_or_else(bad)? as usize;
    let mut out = Vec::with_capacity(count);
    for i in 0..count {
        let rec = 12 + i * 16;
        let tag: [u8; 4] = font
            .get(rec..rec + 4)
            .ok_or_else(bad)?
            .try_into()
            .map_err(|_| bad())?;
        let offset = be32(font, rec + 8).ok_or_else(bad)? as usize;
        let len = be32(font, rec + 12).ok_or_else(bad)? as usize;
        let data = font.get(offset..offset + len).ok_or_else(bad)?;
        out.push((tag, data.to_vec()));
    }
    Ok(out)
}

fn checksum(data: &[u8]) -> u32 {
    data.chunks(4).fold(0u32, |sum, c| {
        let mut w = [0u8; 4];
        w[..c.len()].copy_from_slice(c);
        sum.wrapping_add(u32::from_be_bytes(w))
    })
}

/// Writes a font from its tables (sorted by tag, 4-byte aligned), and sets
/// `head.checkSumAdjustment` as the specification asks.
pub fn assemble(flavor: &[u8], mut tables: Vec<Table>) -> Vec<u8> {
    tables.sort_by_key(|(tag, _)| *tag);
    let n = tables.len() as u16;
    let selector = 15 - n.leading_zeros() as u16; // floor(log2(n))
    let range = (1u16 << selector) * 16;
    let mut out = Vec::new();
    out.extend_from_slice(flavor);
    for v in [n, range, selector, n * 16 - range] {
        out.extend_from_slice(&v.to_be_bytes());
    }
    let mut offset = 12 + tables.len() * 16;
    let mut head_at = None;
    for (tag, data) in &mut tables {
        if tag == b"head" && data.len() >= 12 {
            data[8..12].fill(0);
            head_at = Some(offset);
        }
        out.extend_from_slice(tag);
        out.extend_from_slice(&checksum(data).to_be_bytes());
        out.extend_from_slice(&(offset as u32).to_be_bytes());
        out.extend_from_slice(&(data.len() as u32).to_be_bytes());
        offset += data.len().div_ceil(4) * 4;
    }
    for (_, data) in &tables {
        out.extend_from_slice(data);
        while out.len() % 4 != 0 {
            out.push(0);
        }
    }
    if let Some(at) = head_at {
        let adj = 0xB1B0_AFBAu32.wrapping_sub(checksum(&out));
        out[at + 8..at + 12].copy_from_slice(&adj.to_be_bytes());
    }
    out
}

/// A `cmap` with a format 4 subtable (Basic Multilingual Plane) and, when
/// needed, a format 12 subtable for characters beyond it.
pub fn build_cmap(map: &[(char, u16)]) -> Vec<u8> {
    let mut pairs: Vec<(u32, u16)> = map.iter().map(|&(c, g)| (c as u32, g)).collect();
    pairs.sort();
    pairs.dedup_by_key(|p| p.0);
    let bmp: Vec<(u32, u16)> = pairs.iter().copied().filter(|p| p.0 < 0xFFFF).collect();
    let wide = pairs.iter().any(|p| p.0 > 0xFFFF);

    // Format 4: runs of consecutive characters with a constant glyph delta.
    let mut segs: Vec<(u16, u16, u16)> = Vec::new(); // start, end, delta
    for &(c, g) in &bmp {
        let c = c as u16;
        let delta = g.wrapping_sub(c);
        match segs.last_mut() {
            Some((_, end, d)) if *end + 1 == c && *d == delta => *end = c,
            _ => segs.push((c, c, delta)),
        }
    }
    segs.push((0xFFFF, 0xFFFF, 1));
    let seg_x2 = (segs.len() * 2) as u16;
    let selector = 15 - (segs.len() as u16).leading_zeros() as u16;
    let search = 2 * (1u16 << selector);
    let mut f4 = Vec::new();
    let len = 16 + segs.len() * 8;
    for v in [
        4u16,
        len as u16,
        0,
        seg_x2,
        search,
        selector,
        seg_x2 - search,
    ] {
        f4.extend_from_slice(&v.to_be_bytes());
    }
    segs.iter()
        .for_each(|s| f4.extend_from_slice(&s.1.to_be_bytes()));
    f4.extend_from_slice(&0u16.to_be_bytes());
    segs.iter()
        .for_each(|s| f4.extend_from_slice(&s.0.to_be_bytes()));
    segs.iter()
        .for_each(|s| f4.extend_from_slice(&s.2.to_be_bytes()));
    segs.iter()
        .for_each(|_| f4.extend_from_slice(&0u16.to_be_bytes()));

    let mut f12 = Vec::new();
    if wide {
        let mut groups: Vec<(u32, u32, u32)> = Vec::new();
        for &(c, g) in &pairs {
            match groups.last_mut() {
                Some((s, e, sg)) if *e + 1 == c && *sg + (c - *s) == g as u32 => *e = c,
                _ => groups.push((c, c, g as u32)),
            }
        }
        f12.extend_from_slice(&12u16.to_be_bytes());
        f12.extend_from_slice(&0u16.to_be_bytes());
        f12.extend_from_slice(&((16 + groups.len() * 12) as u32).to_be_bytes());
        f12.extend_from_slice(&0u32.to_be_bytes());
        f12.extend_from_slice(&(groups.len() as u32).to_be_bytes());
        for (s, e, g) in groups {
            for v in [s, e, g] {
                f12.extend_from_slice(&v.to_be_bytes());
            }
        }
    }

    let subtables = if wide { 2u16 } else { 1 };
    let header = 4 + 8 * subtables as usize;
    let mut out = Vec::new();
    out.extend_from_slice(&0u16.to_be_bytes());
    out.extend_from_slice(&subtables.to_be_bytes());
    out.extend_from_slice(&3u16.to_be_bytes());
    out.extend_from_slice(&1u16.to_be_bytes());
    out.extend_from_slice(&(header as u32).to_be_bytes());
    if wide {
        out.extend_from_slice(&3u16.to_be_bytes());
        out.extend_from_slice(&10u16.to_be_bytes());
        out.extend_from_slice(&((header + f4.len()) as u32).to_be_bytes());
    }
    out.extend_from_slice(&f4);
    out.extend_from_slice(&f12);
    out
}
