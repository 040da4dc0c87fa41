//! Ingesting documents into the store: files and folders of text articles, each extracted
//! and merged in its own transaction, every run recorded with its counts and failures.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use cdmo_store::merge::{DocumentInput, MergeOutcome, merge_document};
use cdmo_store::runs::{RunCounts, RunError, finish_run, start_run};
use cdmo_store::{ExtractionRecord, Store};

use crate::document::{Document, Manifest, read_document};
use crate::error::IngestError;
use crate::extract::{EXTRACTOR_VERSION, Extractor};

/// File name endings read as articles when a folder is ingested (a file named on the
/// command line is read whatever its ending).
pub const ARTICLE_EXTENSIONS: &[&str] = &["txt", "text"];

/// How `ingest_files` reads its paths.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FileOptions {
    /// Extract and report, but write nothing.
    pub dry_run: bool,
    /// Descend into sub-folders.
    pub recursive: bool,
}

/// The source id recorded for runs of `ingest files`.
pub const FILES_SOURCE: &str = "files";

/// What happened to one document.
#[derive(Debug, Clone, PartialEq)]
pub enum DocOutcome {
    New {
        article_id: i64,
        facts: usize,
    },
    Duplicate {
        article_id: i64,
    },
    /// Extracted but not written (`--dry-run`).
    Extracted {
        facts: usize,
    },
    Failed {
        error: String,
    },
}

/// Progress of an ingest, for a progress bar or a log.
#[derive(Debug, Clone, PartialEq)]
pub enum Progress {
    Started { total: usize },
    Document { item: String, outcome: DocOutcome },
}

/// The result of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct IngestSummary {
    /// None for a dry run (nothing is recorded).
    pub run_id: Option<i64>,
    pub counts: RunCounts,
}

/// An article file and the manifest of its folder, if any.
pub type ArticleFile = (PathBuf, Option<Arc<Manifest>>);

/// The files named by `paths` (a folder's article files in name order, its sub-folders too
/// when `recursive`), each with the manifest of its folder. A path that does not exist is
/// an error before anything is read.
pub fn collect_files(paths: &[PathBuf], recursive: bool) -> Result<Vec<ArticleFile>, IngestError> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|source| IngestError::Io {
            path: p.clone(),
            source,
        })?;
        if meta.is_dir() {
            walk(p, recursive, &mut out)?;
        } else {
            let manifest = match p.parent() {
                Some(dir) if !dir.as_os_str().is_empty() => Manifest::for_dir(dir)?,
                _ => Manifest::for_dir(Path::new("."))?,
            };
            out.push((p.clone(), manifest.map(Arc::new)));
        }
    }
    Ok(out)
}

fn walk(dir: &Path, recursive: bool, out: &mut Vec<ArticleFile>) -> Result<(), IngestError> {
    let manifest = Manifest::for_dir(dir)?.map(Arc::new);
    let io = |source| IngestError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    entries.sort();
    for path in entries {
        if path.is_dir() {
            if recursive {
                walk(&path, recursive, out)?;
            }
        } else if path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| ARTICLE_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
        {
            out.push((path, manifest.clone()));
        }
    }
    Ok(())
}

/// Ingests the files under `paths`. One document that cannot be read or stored is counted
/// as failed (with its error) and the run goes on; only a missing path or a broken manifest
/// stops it before it starts.
pub async fn ingest_files(
    store: &Store,
    extractor: &Extractor,
    paths: &[PathBuf],
    options: FileOptions,
    on_progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<IngestSummary, IngestError> {
    let files = collect_files(paths, options.recursive)?;
    let dry_run = options.dry_run;
    let docs = files.into_iter().map(|(path, manifest)| {
        let item = path.display().to_string();
        (item, read_document(&path, manifest.as_deref()))
    });
    ingest_documents(store, extractor, docs, FILES_SOURCE, dry_run, on_progress).await
}

/// Ingests documents already read (or the errors of reading them), as one run of
/// `source_id`.
pub async fn ingest_documents(
    store: &Store,
    extractor: &Extractor,
    docs: impl ExactSizeIterator<Item = (String, Result<Document, IngestError>)>,
    source_id: &str,
    dry_run: bool,
    on_progress: &mut (dyn FnMut(&Progress) + Send),
) -> Result<IngestSummary, IngestError> {
    on_progress(&Progress::Started { total: docs.len() });
    let run_id = if dry_run {
        None
    } else {
        Some(start_run(store, source_id).await?)
    };
    let mut counts = RunCounts::default();
    for (item, doc) in docs {
        counts.fetched += 1;
        let result = match doc {
            Ok(doc) => ingest_one(store, extractor, &doc, source_id, dry_run).await,
            Err(e) => Err(e),
        };
        let outcome = match result {
            Ok(o) => o,
            Err(e) => DocOutcome::Failed {
                error: e.to_string(),
            },
        };
        match &outcome {
            DocOutcome::New { .. } | DocOutcome::Extracted { .. } => counts.new_articles += 1,
            DocOutcome::Duplicate { .. } => counts.duplicates += 1,
            DocOutcome::Failed { error } => {
                counts.failed += 1;
                counts.errors.push(RunError {
                    item: item.clone(),
                    error: error.clone(),
                });
            }
        }
        on_progress(&Progress::Document { item, outcome });
    }
    if let Some(id) = run_id {
        finish_run(store, id, &counts).await?;
    }
    Ok(IngestSummary { run_id, counts })
}

async fn ingest_one(
    store: &Store,
    extractor: &Extractor,
    doc: &Document,
    source_id: &str,
    dry_run: bool,
) -> Result<DocOutcome, IngestError> {
    let record = extractor.extract(doc);
    if dry_run {
        return Ok(DocOutcome::Extracted {
            facts: record.fact_count(),
        });
    }
    store_record(store, &record, &doc.body, Some(source_id)).await
}

/// Merges one extracted document into the store.
pub async fn store_record(
    store: &Store,
    record: &ExtractionRecord,
    text: &str,
    source_id: Option<&str>,
) -> Result<DocOutcome, IngestError> {
    let outcome = merge_document(
        store,
        DocumentInput {
            record,
            text,
            source_id,
            extractor_version: EXTRACTOR_VERSION,
            web: None,
        },
    )
    .await?;
    Ok(match outcome {
        MergeOutcome::Duplicate { article_id, .. } => DocOutcome::Duplicate { article_id },
        MergeOutcome::Merged { article_id, .. } => DocOutcome::New {
            article_id,
            facts: record.fact_count(),
        },
    })
}
