//! How fresh the stored graph is: a data version that changes whenever a fact changes, the
//! last ingest, readiness (reachable and migrated), and configured sources with their last run.

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Func, Query};
use sea_orm::{ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder, Statement};
use sea_orm_migration::MigratorTrait;
use sha2::{Digest, Sha256};

use crate::db::Store;
use crate::entities::{ingest_run, source};
use crate::error::StoreError;
use crate::migration::Migrator;

/// What the data version is computed from: (table, has `id`, has `updated_at`, has
/// retraction columns). Row counts catch inserts and deletes (merges), the largest id
/// catches a delete followed by an insert, `updated_at` catches corrections, and the
/// retraction count and latest time catch retract/restore.
const VERSIONED_TABLES: &[(&str, bool, bool, bool)] = &[
    ("organizations", true, true, false),
    ("organization_aliases", true, false, false),
    ("facilities", true, true, true),
    ("facility_modalities", false, false, false),
    ("licenses", true, true, true),
    ("agreements", true, true, true),
    ("agreement_parties", false, false, false),
    ("policies", true, true, true),
    ("policy_agencies", false, false, false),
    ("policy_focus", false, false, false),
    ("articles", true, false, false),
    ("article_organizations", false, false, false),
    ("evidence", true, false, false),
];

/// One SELECT of text columns, so both engines answer it the same way.
fn version_statement() -> String {
    let mut cols = Vec::new();
    for (table, id, updated, retracted) in VERSIONED_TABLES {
        cols.push(format!("(SELECT CAST(COUNT(*) AS TEXT) FROM {table})"));
        if *id {
            cols.push(format!("(SELECT CAST(MAX(id) AS TEXT) FROM {table})"));
        }
        if *updated {
            cols.push(format!(
                "(SELECT CAST(MAX(updated_at) AS TEXT) FROM {table})"
            ));
        }
        if *retracted {
            cols.push(format!(
                "(SELECT CAST(COUNT(retracted_at) AS TEXT) FROM {table})"
            ));
            cols.push(format!(
                "(SELECT CAST(MAX(retracted_at) AS TEXT) FROM {table})"
            ));
        }
    }
    format!("SELECT {}", cols.join(", "))
}

/// A short opaque string that changes whenever facts, organizations, aliases, articles or
/// evidence change (see [`VERSIONED_TABLES`]); equal strings mean the same graph.
pub async fn data_version(store: &Store) -> Result<String, StoreError> {
    let sql = version_statement();
    let row = store
        .conn()
        .query_one_raw(Statement::from_string(store.backend(), sql))
        .await?
        .ok_or_else(|| StoreError::NotFound("data version row".into()))?;
    let mut hash = Sha256::new();
    let mut i = 0;
    while let Ok(v) = row.try_get_by_index::<Option<String>>(i) {
        hash.update(v.as_deref().unwrap_or("-").as_bytes());
        hash.update(b"|");
        i += 1;
    }
    Ok(hex::encode(&hash.finalize()[..8]))
}

/// When the last ingest run that stored anything (status `ok` or `partial`) finished.
pub async fn last_ingest_at(store: &Store) -> Result<Option<DateTime<Utc>>, StoreError> {
    let run = ingest_run::Entity::find()
        .filter(ingest_run::Column::Status.is_in(["ok", "partial"]))
        .filter(ingest_run::Column::FinishedAt.is_not_null())
        .order_by_desc(ingest_run::Column::FinishedAt)
        .one(store.conn())
        .await?;
    Ok(run.and_then(|r| r.finished_at))
}

/// Names of migrations the database has not applied yet (empty when ready).
pub async fn pending_migrations(store: &Store) -> Result<Vec<String>, StoreError> {
    let applied = store.applied_migrations().await?;
    Ok(Migrator::migrations()
        .into_iter()
        .map(|m| m.name().to_string())
        .filter(|name| !applied.contains(name))
        .collect())
}

/// Every configured source (as last recorded by a web ingest), by id, each with its newest
/// run if it has one.
pub async fn sources_with_last_run(
    store: &Store,
) -> Result<Vec<(source::Model, Option<ingest_run::Model>)>, StoreError> {
    let sources = source::Entity::find()
        .order_by_asc(source::Column::Id)
        .all(store.conn())
        .await?;
    let newest = Query::select()
        .expr(Func::max(Expr::col(ingest_run::Column::Id)))
        .from(ingest_run::Entity)
        .group_by_col(ingest_run::Column::SourceId)
        .to_owned();
    let runs = ingest_run::Entity::find()
        .filter(ingest_run::Column::Id.in_subquery(newest))
        .all(store.conn())
        .await?;
    Ok(sources
        .into_iter()
        .map(|s| {
            let run = runs.iter().find(|r| r.source_id == s.id).cloned();
            (s, run)
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_version_statement_reads_every_table() {
        let sql = version_statement();
        for (table, ..) in VERSIONED_TABLES {
            assert!(sql.contains(&format!("FROM {table})")), "{table}");
        }
    }
}
