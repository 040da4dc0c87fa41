//! How failures reach GraphQL clients: a message and an `extensions.code`. Internal causes
//! are logged with an id and never sent; input errors say what was wrong.

use async_graphql::{Error, ErrorExtensions};
use cdmo_store::StoreError;

pub const BAD_USER_INPUT: &str = "BAD_USER_INPUT";
pub const INTERNAL: &str = "INTERNAL";
pub const UNAVAILABLE: &str = "UNAVAILABLE";

/// An error caused by the request: shown to the client as is.
pub fn bad_input(message: impl Into<String>) -> Error {
    Error::new(message.into()).extend_with(|_, e| e.set("code", BAD_USER_INPUT))
}

/// An error inside the service: logged in full, reported to the client by code only.
pub fn internal(cause: &dyn std::fmt::Display) -> Error {
    let id = chrono::Utc::now().timestamp_micros();
    tracing::error!(error_id = id, "request failed: {cause}");
    Error::new(format!("internal error (reference {id})"))
        .extend_with(|_, e| e.set("code", INTERNAL))
}

/// Maps store failures: database unreachable or busy is retryable, the rest is internal.
pub fn from_store(e: &StoreError) -> Error {
    if e.is_transient() {
        tracing::warn!("database unavailable: {e}");
        return Error::new("the database is unavailable; retry shortly")
            .extend_with(|_, x| x.set("code", UNAVAILABLE));
    }
    internal(e)
}

/// `?`-friendly conversion of store results.
pub trait StoreResultExt<T> {
    fn gql(self) -> async_graphql::Result<T>;
}

impl<T> StoreResultExt<T> for Result<T, StoreError> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| from_store(&e))
    }
}

impl<T> StoreResultExt<T> for Result<T, std::sync::Arc<StoreError>> {
    fn gql(self) -> async_graphql::Result<T> {
        self.map_err(|e| from_store(&e))
    }
}
