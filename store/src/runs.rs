//! Ingest runs: every run of a job is recorded when it starts and when it finishes, with
//! its counts and the errors of the items that failed.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
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
    /// Pages the server answered 304 Not Modified (feeds, listings, articles).
    pub unchanged: u32,
    /// Links not fetched because their URL is already stored.
    pub skipped: u32,
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
        unchanged: Set(0),
        skipped: Set(0),
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
    } else if counts.new_articles + counts.duplicates + counts.unchanged + counts.skipped > 0 {
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
    am.unchanged = Set(clamp(counts.unchanged));
    am.skipped = Set(clamp(counts.skipped));
    am.errors = Set(serde_json::to_string(&counts.errors).unwrap_or_else(|_| "[]".into()));
    am.update(store.conn()).await?;
    Ok(())
}

/// Marks runs of `source_id` still shown as running as `interrupted`: called by the
/// holder of the source's lease, which proves that no one else is running it, so such a
/// run belongs to a process that died.
pub async fn interrupt_stale_runs(store: &Store, source_id: &str) -> Result<u64, StoreError> {
    let _guard = store.write_guard().await;
    let res = ingest_run::Entity::update_many()
        .col_expr(
            ingest_run::Column::Status,
            sea_orm::sea_query::Expr::value("interrupted"),
        )
        .col_expr(
            ingest_run::Column::FinishedAt,
            sea_orm::sea_query::Expr::value(Utc::now()),
        )
        .filter(ingest_run::Column::SourceId.eq(source_id))
        .filter(ingest_run::Column::Status.eq("running"))
        .exec(store.conn())
        .await?;
    Ok(res.rows_affected)
}

/// A source as configured, recorded (or updated) so runs can be listed beside it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceRow<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub url: Option<&'a str>,
    pub language: Option<&'a str>,
    pub country: Option<&'a str>,
    pub schedule: Option<&'a str>,
    /// The source's full settings as JSON text.
    pub config: String,
}

/// Inserts or updates the `sources` row of `row.id`.
pub async fn record_source(store: &Store, row: SourceRow<'_>) -> Result<(), StoreError> {
    use crate::entities::source;
    use sea_orm::sea_query::OnConflict;
    let _guard = store.write_guard().await;
    let now = Utc::now();
    let am = source::ActiveModel {
        id: Set(row.id.to_string()),
        kind: Set(row.kind.to_string()),
        url: Set(row.url.map(str::to_string)),
        language: Set(row.language.map(str::to_string)),
        country: Set(row.country.map(str::to_string)),
        schedule: Set(row.schedule.map(str::to_string)),
        config: Set(row.config),
        created_at: Set(now),
        updated_at: Set(now),
    };
    source::Entity::insert(am)
        .on_conflict(
            OnConflict::column(source::Column::Id)
                .update_columns([
                    source::Column::Kind,
                    source::Column::Url,
                    source::Column::Language,
                    source::Column::Country,
                    source::Column::Schedule,
                    source::Column::Config,
                    source::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(store.conn())
        .await?;
    Ok(())
}
