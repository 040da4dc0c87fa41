//! Re-reading stored articles with the current extractor, so that improvements reach old
//! news: each article is reconciled in its own transaction, in batches, with progress.

use cdmo_store::Store;
use cdmo_store::merge::{ReconcileStats, reconcile_article, stored_date};
use cdmo_store::query::{articles_since_page, count_articles_since};
use cdmo_store::record::SourceMeta;
use cdmo_store::vocab::Language;
use chrono::NaiveDate;

use crate::document::Document;
use crate::error::IngestError;
use crate::extract::{EXTRACTOR_VERSION, Extractor};

/// Totals of a re-extraction.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct ReextractSummary {
    pub articles: u32,
    pub failed: u32,
    pub stats: ReconcileStats,
}

/// Progress of a re-extraction.
#[derive(Debug, Clone, PartialEq)]
pub enum ReextractProgress {
    Started {
        total: u64,
    },
    Article {
        id: i64,
        result: Result<ReconcileStats, String>,
    },
}

fn add(total: &mut ReconcileStats, s: &ReconcileStats) {
    total.facts_found += s.facts_found;
    total.facts_created += s.facts_created;
    total.evidence_added += s.evidence_added;
    total.evidence_superseded += s.evidence_superseded;
    total.facts_retracted += s.facts_retracted;
    total.facts_restored += s.facts_restored;
}

/// Re-runs `extractor` over the stored articles selected by `since`, `batch` at a time.
/// Running it again with the same extractor changes nothing.
pub async fn reextract(
    store: &Store,
    extractor: &Extractor,
    since: Option<NaiveDate>,
    batch: u64,
    on_progress: &mut (dyn FnMut(&ReextractProgress) + Send),
) -> Result<ReextractSummary, IngestError> {
    let total = count_articles_since(store, since).await?;
    on_progress(&ReextractProgress::Started { total });
    let mut summary = ReextractSummary::default();
    let mut after = 0i64;
    loop {
        let rows = articles_since_page(store, since, after, batch).await?;
        let Some(last) = rows.last() else { break };
        after = last.id;
        for a in rows {
            let id = a.id;
            let doc = Document {
                meta: SourceMeta {
                    title: a.title.clone(),
                    publisher: a.publisher.clone(),
                    url: a.url.clone(),
                    published: stored_date(a.published, a.published_precision.as_deref()),
                    language: a.language.parse().unwrap_or(Language::Other),
                },
                body: a.text,
                origin: format!("article {id}"),
            };
            let record = extractor.extract(&doc);
            let result = reconcile_article(store, id, &record, EXTRACTOR_VERSION).await;
            summary.articles += 1;
            match &result {
                Ok(s) => add(&mut summary.stats, s),
                Err(_) => summary.failed += 1,
            }
            on_progress(&ReextractProgress::Article {
                id,
                result: result.map_err(|e| e.to_string()),
            });
        }
    }
    Ok(summary)
}
