//! Source leases: before a process ingests a source it claims the source's lease row, so
//! several workers on one database never fetch the same source at once.
//!
//! On PostgreSQL the due rows are claimed with `FOR UPDATE SKIP LOCKED`, so workers racing
//! for a list of sources split it instead of queueing on each other's row locks. SQLite has
//! one writer at a time, so one conditional upsert per source is already atomic. A lease
//! whose holder died simply expires; holders renew theirs while they work.

use std::time::Duration;

use chrono::{DateTime, Utc};
use sea_orm::{ConnectionTrait, Statement, TransactionTrait, Value};

use crate::db::{Engine, Store};
use crate::error::StoreError;

fn expiry(now: DateTime<Utc>, ttl: Duration) -> DateTime<Utc> {
    now + chrono::Duration::from_std(ttl).unwrap_or(chrono::Duration::hours(1))
}

/// Claims the leases of `source_ids` that are free (never taken, expired, or already held
/// by `holder`) for `ttl`; returns the ids claimed, in the order given.
pub async fn claim_sources(
    store: &Store,
    source_ids: &[String],
    holder: &str,
    ttl: Duration,
) -> Result<Vec<String>, StoreError> {
    if source_ids.is_empty() {
        return Ok(Vec::new());
    }
    let now = Utc::now();
    let expires = expiry(now, ttl);
    let backend = store.backend();
    let _guard = store.write_guard().await;
    let claimed: Vec<String> = match store.engine() {
        Engine::Postgres => {
            let txn = store.conn().begin().await?;
            for id in source_ids {
                txn.execute_raw(Statement::from_sql_and_values(
                    backend,
                    "INSERT INTO source_leases (source_id, holder, acquired_at, expires_at) \
                     VALUES ($1, '', $2, $2) ON CONFLICT (source_id) DO NOTHING",
                    [id.clone().into(), DateTime::<Utc>::UNIX_EPOCH.into()],
                ))
                .await?;
            }
            let placeholders: Vec<String> = (0..source_ids.len())
                .map(|i| format!("${}", i + 4))
                .collect();
            let sql = format!(
                "WITH free AS (SELECT source_id FROM source_leases \
                 WHERE source_id IN ({}) AND (expires_at < $1 OR holder = $2) \
                 FOR UPDATE SKIP LOCKED) \
                 UPDATE source_leases s SET holder = $2, acquired_at = $1, expires_at = $3 \
                 FROM free WHERE s.source_id = free.source_id RETURNING s.source_id",
                placeholders.join(", ")
            );
            let mut values: Vec<Value> = vec![now.into(), holder.into(), expires.into()];
            values.extend(source_ids.iter().map(|s| Value::from(s.clone())));
            let rows = txn
                .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
                .await?;
            txn.commit().await?;
            rows.iter()
                .map(|r| r.try_get::<String>("", "source_id"))
                .collect::<Result<_, _>>()?
        }
        Engine::Sqlite => {
            let mut got = Vec::new();
            for id in source_ids {
                let res = store
                    .conn()
                    .execute_raw(Statement::from_sql_and_values(
                        backend,
                        "INSERT INTO source_leases (source_id, holder, acquired_at, expires_at) \
                         VALUES (?, ?, ?, ?) ON CONFLICT (source_id) DO UPDATE SET \
                         holder = excluded.holder, acquired_at = excluded.acquired_at, \
                         expires_at = excluded.expires_at \
                         WHERE source_leases.expires_at < excluded.acquired_at \
                         OR source_leases.holder = excluded.holder",
                        [id.clone().into(), holder.into(), now.into(), expires.into()],
                    ))
                    .await?;
                if res.rows_affected() > 0 {
                    got.push(id.clone());
                }
            }
            got
        }
    };
    Ok(source_ids
        .iter()
        .filter(|id| claimed.contains(id))
        .cloned()
        .collect())
}

/// Extends `holder`'s lease on `source_id`; false when it no longer holds it (it expired
/// and another worker took it), in which case the holder should stop.
pub async fn renew_lease(
    store: &Store,
    source_id: &str,
    holder: &str,
    ttl: Duration,
) -> Result<bool, StoreError> {
    let expires = expiry(Utc::now(), ttl);
    let _guard = store.write_guard().await;
    let sql = match store.engine() {
        Engine::Postgres => {
            "UPDATE source_leases SET expires_at = $1 WHERE source_id = $2 AND holder = $3"
        }
        Engine::Sqlite => {
            "UPDATE source_leases SET expires_at = ? WHERE source_id = ? AND holder = ?"
        }
    };
    let res = store
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            store.backend(),
            sql,
            [expires.into(), source_id.into(), holder.into()],
        ))
        .await?;
    Ok(res.rows_affected() > 0)
}

/// Gives the lease back so the next worker need not wait for it to expire.
pub async fn release_lease(store: &Store, source_id: &str, holder: &str) -> Result<(), StoreError> {
    let _guard = store.write_guard().await;
    let sql = match store.engine() {
        Engine::Postgres => {
            "UPDATE source_leases SET expires_at = $1 WHERE source_id = $2 AND holder = $3"
        }
        Engine::Sqlite => {
            "UPDATE source_leases SET expires_at = ? WHERE source_id = ? AND holder = ?"
        }
    };
    store
        .conn()
        .execute_raw(Statement::from_sql_and_values(
            store.backend(),
            sql,
            [
                DateTime::<Utc>::UNIX_EPOCH.into(),
                source_id.into(),
                holder.into(),
            ],
        ))
        .await?;
    Ok(())
}

/// Who holds `source_id`'s lease and until when, if anyone does now.
pub async fn lease_holder(
    store: &Store,
    source_id: &str,
) -> Result<Option<(String, DateTime<Utc>)>, StoreError> {
    use sea_orm::EntityTrait;
    let row = crate::entities::source_lease::Entity::find_by_id(source_id.to_string())
        .one(store.conn())
        .await?;
    Ok(row
        .filter(|r| r.expires_at > Utc::now())
        .map(|r| (r.holder, r.expires_at)))
}

/// A holder name unique to this process: host, process id and a random suffix.
pub fn holder_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .or_else(|| std::fs::read_to_string("/etc/hostname").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "localhost".to_string());
    let nanos = Utc::now().timestamp_subsec_nanos();
    format!("{host}:{}:{nanos:08x}", std::process::id())
}
