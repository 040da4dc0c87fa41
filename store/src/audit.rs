//! The audit trail: one row per successful curation mutation, written inside the same
//! transaction as the change it describes, so a change and its record exist together or not at all.

use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set,
};
use serde_json::Value;

use crate::db::Store;
use crate::entities::audit_log;
use crate::error::StoreError;
use crate::query::{Page, PageRequest};

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

/// The trail, newest first, in keyset pages (`after` is the smallest id already seen).
pub async fn list_audit(
    store: &Store,
    req: PageRequest,
) -> Result<Page<audit_log::Model>, StoreError> {
    let db = store.conn();
    let total = audit_log::Entity::find().count(db).await?;
    let mut q = audit_log::Entity::find().order_by_desc(audit_log::Column::Id);
    if let Some(after) = req.after {
        q = q.filter(audit_log::Column::Id.lt(after));
    }
    let mut items = q.limit(req.limit + 1).all(db).await?;
    let has_next = items.len() as u64 > req.limit;
    items.truncate(req.limit as usize);
    Ok(Page {
        items,
        has_next,
        total,
    })
}

/// Audit rows by id.
pub async fn audit_entry(store: &Store, id: i64) -> Result<Option<audit_log::Model>, StoreError> {
    Ok(audit_log::Entity::find_by_id(id).one(store.conn()).await?)
}
