//! The audit trail: one row per successful curation mutation, written inside the same
//! transaction as the change it describes, so a change and its record exist together or not at all.

use chrono::Utc;
use sea_orm::{ActiveModelTrait, ConnectionTrait, EntityTrait, Set};
use serde_json::Value;

use crate::db::Store;
use crate::entities::audit_log;
use crate::error::StoreError;
use crate::paging::{Cursor, KeysetRequest, Page, keyset_page};

/// Who made a change: the API key, copied into the trail (it outlives revocation).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Actor {
    pub key_id: i64,
    pub key_name: String,
}

/// What one mutation changed. Target ids are `Type:id` (e.g. `License:4`); the API turns
/// them into global ids.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub mutation: &'static str,
    pub target_ids: Vec<String>,
    pub before: Value,
    pub after: Value,
    pub reason: Option<String>,
}

/// Writes `entry` through `conn` (the mutation's transaction); returns its id.
pub async fn record<C: ConnectionTrait>(
    conn: &C,
    actor: &Actor,
    entry: AuditEntry,
) -> Result<i64, StoreError> {
    let row = audit_log::ActiveModel {
        at: Set(Utc::now()),
        key_id: Set(actor.key_id),
        key_name: Set(actor.key_name.clone()),
        mutation: Set(entry.mutation.to_string()),
        target_ids: Set(Value::from(entry.target_ids).to_string()),
        before: Set(entry.before.to_string()),
        after: Set(entry.after.to_string()),
        reason: Set(entry.reason),
        ..Default::default()
    }
    .insert(conn)
    .await?;
    Ok(row.id)
}

/// Writes `entry` in a transaction of its own, for changes made outside the store (an
/// ingest run started in the background).
pub async fn record_alone(
    store: &Store,
    actor: &Actor,
    entry: AuditEntry,
) -> Result<i64, StoreError> {
    let _guard = store.write_guard().await;
    record(store.conn(), actor, entry).await
}

/// The trail in keyset pages of id order (`Direction::Desc` is newest first).
pub async fn list_audit(
    store: &Store,
    req: &KeysetRequest,
) -> Result<Page<audit_log::Model>, StoreError> {
    keyset_page(
        store,
        audit_log::Entity::find(),
        None,
        audit_log::Column::Id,
        req,
        |m| Cursor {
            key: None,
            id: m.id,
        },
    )
    .await
}

/// Audit rows by id.
pub async fn audit_entry(store: &Store, id: i64) -> Result<Option<audit_log::Model>, StoreError> {
    Ok(audit_log::Entity::find_by_id(id).one(store.conn()).await?)
}
