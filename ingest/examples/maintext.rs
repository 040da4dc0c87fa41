//! Runs `article::main_text` over a folder of saved pages (`*.html.gz` / `*.html`) and writes
//! `{id: text}` JSON; prints docs/s of the extraction alone (parsing included, I/O excluded).
//!
//! Usage: cargo run --release -p cdmo-ingest --example maintext -- DIR OUT.json [--parse-only]
//! (`--parse-only` times html5ever parsing alone, the floor any extractor on it pays.)

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

use cdmo_ingest::article::main_text;

/// Bytes → text: BOM, then `<meta charset>` / http-equiv in the first 4 KiB, then detection.
fn decode(bytes: &[u8]) -> String {
    if let Some((enc, bom)) = encoding_rs::Encoding::for_bom(bytes) {
        return enc
            .decode_without_bom_handling(&bytes[bom..])
            .0
            .into_owned();
    }
    let head = String::from_utf8_lossy(&bytes[..bytes.len().min(4096)]).to_ascii_lowercase();
    let declared = head.find("charset=").and_then(|at| {
        let rest = head[at + 8..].trim_start_matches(['"', '\'', ' ']);
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len());
        encoding_rs::Encoding::for_label(&rest.as_bytes()[..end])
    });
    let enc = declared.unwrap_or_else(|| {
        let mut det = chardetng::EncodingDetector::new();
        det.feed(bytes, true);
        det.guess(None, true)
    });
    // A page declared UTF-16 in a meta tag is really ASCII-compatible (the HTML spec's rule).
    let enc = if enc == encoding_rs::UTF_16LE || enc == encoding_rs::UTF_16BE {
        encoding_rs::UTF_8
    } else {
        enc
    };
    enc.decode_without_bom_handling(bytes).0.into_owned()
}

fn read_page(path: &Path) -> std::io::Result<Vec<u8>> {
    let raw = std::fs::read(path)?;
    if path.extension().is_some_and(|e| e == "gz") {
        let mut out = Vec::new();
        flate2::read::GzDecoder::new(&raw[..]).read_to_end(&mut out)?;
        Ok(out)
    } else {
        Ok(raw)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(out)) = (args.get(1), args.get(2)) else {
        eprintln!("usage: maintext DIR OUT.json");
        std::process::exit(2);
    };
    let mut pages = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let Some(id) = name
            .strip_suffix(".html.gz")
            .or_else(|| name.strip_suffix(".html"))
        else {
            continue;
        };
        pages.push((id.to_string(), decode(&read_page(&path)?)));
    }
    pages.sort();
    let mut texts = BTreeMap::new();
    let start = Instant::now();
    let parse_only = args.iter().any(|a| a == "--parse-only");
    for (id, html) in &pages {
        if parse_only {
            let doc = scraper::Html::parse_document(html);
            texts.insert(id.clone(), doc.tree.values().count().to_string());
        } else {
            texts.insert(id.clone(), main_text(html));
        }
    }
    let secs = start.elapsed().as_secs_f64();
    std::fs::write(out, serde_json::to_string_pretty(&texts)?)?;
    println!(
        "{} pages in {:.3} s: {:.0} docs/s",
        pages.len(),
        secs,
        pages.len() as f64 / secs.max(1e-9)
    );
    Ok(())
}
