//! Ingest runs: every run of a job is recorded when it starts and when it finishes, with
//! its counts and the errors of the items that failed.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, EntityTrait, Set};
use serde::Serialize;

use crate::db::Store;
use crate::entities::ingest_run;
use crate::error::StoreError;

/// The counts and failures of a run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RunCounts {
    pub fetched: u32,
    pub new_articles: u32,
    pub duplicates: u32,
    pub failed: u32,
    /// (item, error message) of every failed item.
    pub errors: Vec<RunError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunError {
    pub item: String,
    pub error: String,
}

/// Records the start of a run of `source_id`; returns its id.
pub async fn start_run(store: &Store, source_id: &str) -> Result<i64, StoreError> {
    let _guard = store.write_guard().await;
    let m = ingest_run::ActiveModel {
        source_id: Set(source_id.to_string()),
        started_at: Set(Utc::now()),
        finished_at: Set(None),
        status: Set("running".to_string()),
        fetched: Set(0),
        new_articles: Set(0),
        duplicates: Set(0),
        failed: Set(0),
        errors: Set("[]".to_string()),
        ..Default::default()
    }
    .insert(store.conn())
    .await?;
    Ok(m.id)
}

/// Records the end of run `id` with its counts; the status is `ok`, `partial` (some items
/// failed) or `failed` (nothing succeeded).
pub async fn finish_run(store: &Store, id: i64, counts: &RunCounts) -> Result<(), StoreError> {
    let _guard = store.write_guard().await;
    let Some(run) = ingest_run::Entity::find_by_id(id).one(store.conn()).await? else {
        return Err(StoreError::NotFound(format!("ingest run {id}")));
    };
    let status = if counts.failed == 0 {
        "ok"
    } else if counts.new_articles + counts.duplicates > 0 {
        "partial"
    } else {
        "failed"
    };
    let clamp = |v: u32| i32::try_from(v).unwrap_or(i32::MAX);
    let mut am: ingest_run::ActiveModel = run.into();
    am.finished_at = Set(Some(Utc::now()));
    am.status = Set(status.to_string());
    am.fetched = Set(clamp(counts.fetched));
    am.new_articles = Set(clamp(counts.new_articles));
    am.duplicates = Set(clamp(counts.duplicates));
    am.failed = Set(clamp(counts.failed));
    am.errors = Set(serde_json::to_string(&counts.errors).unwrap_or_else(|_| "[]".into()));
    am.update(store.conn()).await?;
    Ok(())
}
