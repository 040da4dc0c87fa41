//! The seed articles built into the binary, so `cdmo-atlas demo` works from any directory;
//! `seeds/manifest.toml` gives their metadata, as it does for `ingest files seeds/`.

use std::path::Path;

use crate::document::{Document, Manifest, parse_document};
use crate::error::IngestError;

/// (file name, text) of every seed article.
pub const SEED_ARTICLES: &[(&str, &str)] = &[
    (
        "000_3d825ed45bca1ea3.txt",
        include_str!("../../seeds/000_3d825ed45bca1ea3.txt"),
    ),
    (
        "001_2e44738bad9eb1fa.txt",
        include_str!("../../seeds/001_2e44738bad9eb1fa.txt"),
    ),
    (
        "002_a8e91c4722caaa5c.txt",
        include_str!("../../seeds/002_a8e91c4722caaa5c.txt"),
    ),
    (
        "003_2299b008b54eefa6.txt",
        include_str!("../../seeds/003_2299b008b54eefa6.txt"),
    ),
    (
        "004_86372396d57db6bb.txt",
        include_str!("../../seeds/004_86372396d57db6bb.txt"),
    ),
];

const MANIFEST: &str = include_str!("../../seeds/manifest.toml");

/// The seed articles as documents, with their manifest metadata.
pub fn seed_documents() -> Result<Vec<(String, Document)>, IngestError> {
    let manifest = Manifest::parse(MANIFEST, Path::new("seeds/manifest.toml"))?;
    SEED_ARTICLES
        .iter()
        .map(|(name, text)| {
            let origin = format!("seeds/{name}");
            parse_document(text, &origin, manifest.get(name)).map(|d| (origin, d))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_seed_file_is_built_in_and_has_metadata() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../seeds");
        let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".txt"))
            .collect();
        on_disk.sort();
        let built_in: Vec<String> = SEED_ARTICLES.iter().map(|(n, _)| n.to_string()).collect();
        assert_eq!(on_disk, built_in);
        let docs = seed_documents().unwrap();
        assert_eq!(docs.len(), 5);
        assert!(docs.iter().all(|(_, d)| d.meta.publisher.is_some()));
    }
}
