//! API keys for curation: created with a random secret shown once, stored only as the
//! SHA-256 of the secret, looked up by that hash, revoked (never deleted) by name or id.
//!
//! Why a fast hash and no salt: a key is 32 random bytes (256 bits of entropy), so no
//! dictionary or brute-force attack on a leaked hash is feasible and a slow password hash
//! (argon2, bcrypt) would only cost time on every request. Unsalted hashing is what makes
//! the hash usable as a lookup key.

use chrono::{DateTime, Utc};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, QueryOrder, Set};
use sha2::{Digest, Sha256};

use crate::db::Store;
use crate::entities::api_key;
use crate::error::StoreError;

/// Every key starts with this, so a leaked key is recognisable (secret scanners, logs).
pub const KEY_PREFIX: &str = "cdmo_";

/// `last_used_at` is written at most this often per key, so that busy clients do not turn
/// every read into a database write.
const LAST_USED_RESOLUTION_SECS: i64 = 60;

#[derive(Debug, thiserror::Error)]
pub enum ApiKeyError {
    #[error("invalid key name `{name}`: {reason}")]
    InvalidName { name: String, reason: &'static str },
    #[error("an API key named `{0}` already exists (names are unique; revoked keys keep theirs)")]
    NameTaken(String),
    #[error("no API key is named or numbered `{0}`")]
    NotFound(String),
    #[error("API key `{name}` was already revoked at {at}")]
    AlreadyRevoked { name: String, at: DateTime<Utc> },
    #[error("unknown API key")]
    Unknown,
    #[error("API key `{0}` has been revoked")]
    Revoked(String),
    #[error("cannot generate a random key: {0}")]
    Random(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for ApiKeyError {
    fn from(e: sea_orm::DbErr) -> Self {
        ApiKeyError::Store(StoreError::Db(e))
    }
}

/// The SHA-256 of a presented key, as stored.
pub fn hash_key(key: &str) -> String {
    hex::encode(Sha256::digest(key.as_bytes()))
}

fn validate_name(name: &str) -> Result<(), ApiKeyError> {
    let bad = |reason| {
        Err(ApiKeyError::InvalidName {
            name: name.to_string(),
            reason,
        })
    };
    if name.trim().is_empty() {
        return bad("it is empty");
    }
    if name.chars().count() > 100 {
        return bad("it is longer than 100 characters");
    }
    // `apikey revoke` takes a name or an id; an all-digit name would be ambiguous.
    if name.chars().all(|c| c.is_ascii_digit()) {
        return bad("it is all digits, which would read as a key id");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains control characters");
    }
    Ok(())
}

/// Creates a key named `name`; returns the stored row and the key itself, which exists
/// nowhere else afterwards.
pub async fn create_key(
    store: &Store,
    name: &str,
) -> Result<(api_key::Model, String), ApiKeyError> {
    validate_name(name)?;
    let mut bytes = [0u8; 32];
    getrandom::fill(&mut bytes).map_err(|e| ApiKeyError::Random(e.to_string()))?;
    let secret = format!("{KEY_PREFIX}{}", hex::encode(bytes));
    let _guard = store.write_guard().await;
    let taken = api_key::Entity::find()
        .filter(api_key::Column::Name.eq(name))
        .one(store.conn())
        .await?;
    if taken.is_some() {
        return Err(ApiKeyError::NameTaken(name.to_string()));
    }
    let row = api_key::ActiveModel {
        name: Set(name.to_string()),
        key_hash: Set(hash_key(&secret)),
        created_at: Set(Utc::now()),
        revoked_at: Set(None),
        last_used_at: Set(None),
        ..Default::default()
    }
    .insert(store.conn())
    .await?;
    Ok((row, secret))
}

/// Every key, oldest first (hashes included; callers show only names and dates).
pub async fn list_keys(store: &Store) -> Result<Vec<api_key::Model>, ApiKeyError> {
    Ok(api_key::Entity::find()
        .order_by_asc(api_key::Column::Id)
        .all(store.conn())
        .await?)
}

/// Revokes the key named `name_or_id` (a name, or the numeric id `apikey list` shows).
pub async fn revoke_key(store: &Store, name_or_id: &str) -> Result<api_key::Model, ApiKeyError> {
    let _guard = store.write_guard().await;
    let mut found = api_key::Entity::find()
        .filter(api_key::Column::Name.eq(name_or_id))
        .one(store.conn())
        .await?;
    if found.is_none()
        && let Ok(id) = name_or_id.parse::<i64>()
    {
        found = api_key::Entity::find_by_id(id).one(store.conn()).await?;
    }
    let Some(key) = found else {
        return Err(ApiKeyError::NotFound(name_or_id.to_string()));
    };
    if let Some(at) = key.revoked_at {
        return Err(ApiKeyError::AlreadyRevoked { name: key.name, at });
    }
    let mut am: api_key::ActiveModel = key.into();
    am.revoked_at = Set(Some(Utc::now()));
    Ok(am.update(store.conn()).await?)
}

/// The live key whose secret is `presented`. The lookup is by hash, so no secret is ever
/// compared byte by byte in the application: timing can at most reveal a prefix of a hash
/// of an unguessable value, which does not help forge a key; no constant-time compare is
/// needed.
pub async fn verify_key(store: &Store, presented: &str) -> Result<api_key::Model, ApiKeyError> {
    let Some(key) = api_key::Entity::find()
        .filter(api_key::Column::KeyHash.eq(hash_key(presented)))
        .one(store.conn())
        .await?
    else {
        return Err(ApiKeyError::Unknown);
    };
    if key.revoked_at.is_some() {
        return Err(ApiKeyError::Revoked(key.name));
    }
    let now = Utc::now();
    let stale = key
        .last_used_at
        .is_none_or(|t| (now - t).num_seconds() >= LAST_USED_RESOLUTION_SECS);
    if stale {
        let _guard = store.write_guard().await;
        let mut am: api_key::ActiveModel = key.clone().into();
        am.last_used_at = Set(Some(now));
        return Ok(am.update(store.conn()).await?);
    }
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_that_would_be_ambiguous_or_empty_are_refused() {
        assert!(validate_name("ci-bot").is_ok());
        assert!(validate_name("  ").is_err());
        assert!(validate_name("42").is_err());
        assert!(validate_name("a\nb").is_err());
    }

    #[test]
    fn the_stored_hash_is_sha256_hex() {
        assert_eq!(
            hash_key("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
