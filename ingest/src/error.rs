//! Errors of reading documents, manifests and rule files. Each names the file, line or
//! field at fault so a user can fix the input.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum IngestError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: not valid UTF-8 text (byte {offset}); convert it to UTF-8 first")]
    NotUtf8 { path: PathBuf, offset: usize },
    #[error("{origin}, line {line}: {message}")]
    Header {
        origin: String,
        line: usize,
        message: String,
    },
    #[error("{path}: {message}")]
    Manifest { path: PathBuf, message: String },
    #[error("rule file {file}: {message}")]
    Rules { file: String, message: String },
    #[error("{0}")]
    Store(#[from] cdmo_store::StoreError),
    #[error(transparent)]
    Fetch(#[from] crate::fetch::FetchError),
    #[error("{origin}: no article text found ({chars} characters of main text)")]
    NoArticleText { origin: String, chars: usize },
    #[error("no source `{id}` in the sources file (it has: {known})")]
    UnknownSource { id: String, known: String },
    #[error("source `{id}`: schedule: {message}")]
    Schedule { id: String, message: String },
    #[error(
        "no enabled source has a `schedule`; nothing to run (use `ingest run` for one-off runs)"
    )]
    NothingScheduled,
}
