//! Who is calling: the API key in `Authorization: Bearer …`, checked against the stored
//! hashes; mutations (and, when configured, queries) need one.

use std::sync::Arc;

use actix_web::HttpRequest;
use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationType};
use async_graphql::{Context, ErrorExtensions, ServerResult, Variables};
use cdmo_store::Store;
use cdmo_store::api_keys::{ApiKeyError, verify_key};
use cdmo_store::audit::Actor;

/// The `extensions.code` of a request that needs an API key and has none.
pub const UNAUTHENTICATED: &str = "UNAUTHENTICATED";

/// The caller of one request, handed to the schema as request data.
#[derive(Debug, Clone, Default)]
pub struct Caller {
    /// The valid API key the request carried, if any.
    pub key: Option<KeyIdentity>,
}

/// A stored API key, as far as the request needs it (never the secret).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyIdentity {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AuthError {
    #[error("the `Authorization` header must be `Bearer <api key>`")]
    Malformed,
    #[error("the API key is not known (it may have been mistyped or deleted)")]
    UnknownKey,
    #[error("the API key `{0}` has been revoked")]
    RevokedKey(String),
    #[error("the API key cannot be checked now: the database is unavailable")]
    Unavailable,
}

impl AuthError {
    /// The GraphQL-shaped body answered with 401.
    pub fn response_body(&self) -> serde_json::Value {
        serde_json::json!({
            "errors": [{ "message": self.to_string(), "extensions": { "code": UNAUTHENTICATED } }]
        })
    }
}

/// Reads the caller from the request headers. No header is an anonymous caller; a header
/// that is present but wrong is an error (answered with 401), never silently anonymous.
pub async fn authenticate(req: &HttpRequest, store: &Store) -> Result<Caller, AuthError> {
    let Some(value) = req.headers().get(actix_web::http::header::AUTHORIZATION) else {
        return Ok(Caller::default());
    };
    let value = value.to_str().map_err(|_| AuthError::Malformed)?;
    let (scheme, token) = value.trim().split_once(' ').ok_or(AuthError::Malformed)?;
    let token = token.trim();
    if !scheme.eq_ignore_ascii_case("bearer") || token.is_empty() || token.contains(' ') {
        return Err(AuthError::Malformed);
    }
    match verify_key(store, token).await {
        Ok(key) => Ok(Caller {
            key: Some(KeyIdentity {
                id: key.id,
                name: key.name,
            }),
        }),
        Err(ApiKeyError::Unknown) => Err(AuthError::UnknownKey),
        Err(ApiKeyError::Revoked(name)) => Err(AuthError::RevokedKey(name)),
        Err(e) => {
            tracing::warn!("API key check failed: {e}");
            Err(AuthError::Unavailable)
        }
    }
}

fn unauthenticated(message: &str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", UNAUTHENTICATED))
}

/// The key of the caller, or an `UNAUTHENTICATED` error saying what needs one.
pub fn require_key(ctx: &Context<'_>, what: &str) -> async_graphql::Result<Actor> {
    match ctx.data_opt::<Caller>().and_then(|c| c.key.as_ref()) {
        Some(k) => Ok(Actor {
            key_id: k.id,
            key_name: k.name.clone(),
        }),
        None => Err(unauthenticated(&format!(
            "{what} needs an API key: send `Authorization: Bearer <key>` (create one with `cdmo-atlas apikey create --name NAME`)"
        ))),
    }
}

/// Schema extension enforcing `[auth] require_key_for_queries`: an anonymous query is
/// refused before it runs (mutations check their key in their resolvers, always).
pub struct QueriesNeedKey;

impl ExtensionFactory for QueriesNeedKey {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(QueriesNeedKeyExtension)
    }
}

struct QueriesNeedKeyExtension;

#[async_graphql::async_trait::async_trait]
impl Extension for QueriesNeedKeyExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let has_key = ctx.data_opt::<Caller>().is_some_and(|c| c.key.is_some());
        let reads = match &doc.operations {
            DocumentOperations::Single(op) => op.node.ty != OperationType::Mutation,
            DocumentOperations::Multiple(ops) => {
                ops.values().any(|op| op.node.ty != OperationType::Mutation)
            }
        };
        if reads && !has_key {
            return Err(unauthenticated(
                "this server requires an API key for queries: send `Authorization: Bearer <key>`",
            )
            .into_server_error(async_graphql::Pos::default()));
        }
        Ok(doc)
    }
}
