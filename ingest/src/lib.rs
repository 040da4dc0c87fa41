//! Ingestion for cdmo-atlas: reading documents (text files with a header block or a
//! manifest), extracting facts from them, and merging the results into the store.
//!
//! Design decisions:
//! - Extraction is a pure function of the document and the rule data (`seeds/rules/`,
//!   `seeds/gazetteer.toml`), embedded at build time so the binary works anywhere.
//! - Rules are general mechanisms (trigger words, qualifiers, references back, date
//!   resolution), never per-article lookups; phrases and names live in data files.
//! - Nothing here knows about GraphQL; writing goes through `cdmo_store::merge`.

pub mod article;
pub mod charset;
pub mod document;
pub mod error;
pub mod eval;
pub mod extract;
pub mod feed;
pub mod fetch;
pub mod host_limits;
pub mod language;
pub mod near_dup;
pub mod pipeline;
pub mod reextract;
pub mod robots;
pub mod schedule;
pub mod seeds;
pub mod sources;
pub mod web;

pub use document::{ArticleMeta, Document, Manifest, parse_document, read_document};
pub use error::IngestError;
pub use extract::{EXTRACTOR_VERSION, Extractor};
