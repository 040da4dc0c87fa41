//! Conditional-GET validators per URL: what the server said last time (ETag,
//! Last-Modified), so the next fetch of an unchanged feed or page is a cheap 304.

use chrono::Utc;
use sea_orm::{EntityTrait, Set, sea_query::OnConflict};

use crate::db::Store;
use crate::entities::fetch_validator;
use crate::error::StoreError;

/// The validators stored for `url`, as (ETag, Last-Modified).
pub async fn get_validators(
    store: &Store,
    url: &str,
) -> Result<Option<(Option<String>, Option<String>)>, StoreError> {
    Ok(fetch_validator::Entity::find_by_id(url.to_string())
        .one(store.conn())
        .await?
        .map(|v| (v.etag, v.last_modified)))
}

/// Remembers the validators a server gave for `url` (both absent: nothing is stored).
pub async fn put_validators(
    store: &Store,
    url: &str,
    etag: Option<&str>,
    last_modified: Option<&str>,
) -> Result<(), StoreError> {
    if etag.is_none() && last_modified.is_none() {
        return Ok(());
    }
    let _guard = store.write_guard().await;
    let row = fetch_validator::ActiveModel {
        url: Set(url.to_string()),
        etag: Set(etag.map(str::to_string)),
        last_modified: Set(last_modified.map(str::to_string)),
        updated_at: Set(Utc::now()),
    };
    fetch_validator::Entity::insert(row)
        .on_conflict(
            OnConflict::column(fetch_validator::Column::Url)
                .update_columns([
                    fetch_validator::Column::Etag,
                    fetch_validator::Column::LastModified,
                    fetch_validator::Column::UpdatedAt,
                ])
                .to_owned(),
        )
        .exec(store.conn())
        .await?;
    Ok(())
}
