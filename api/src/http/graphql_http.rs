//! GraphQL over HTTP (https://graphql.github.io/graphql-over-http/draft/): queries by GET or
//! POST, the response media type negotiated by `Accept`, and status codes per that spec.
//!
//! Under `application/graphql-response+json` a request the schema refused before running it
//! (parse or validation error, a limit) is a 400 without `data`; anything that ran is a 200.
//! Under `application/json` (the default) every GraphQL answer is a 200, as before. Failures
//! of the HTTP request itself (bad JSON, wrong content type, too large, too slow) get their
//! own status codes and a GraphQL-shaped error body either way.

use std::sync::Arc;
use std::time::{Duration, Instant};

use actix_web::http::{StatusCode, header};
use actix_web::{HttpRequest, HttpResponse, web};
use cdmo_store::Store;
use serde_json::{Value, json};

use super::limits::{RequestState, error_body};
use super::metrics::Metrics;
use crate::graphql::AtlasSchema;

/// The media type of GraphQL responses defined by the GraphQL-over-HTTP spec.
pub const GRAPHQL_RESPONSE_JSON: &str = "application/graphql-response+json";

/// `extensions.code` of request-level errors.
const BAD_REQUEST: &str = "BAD_REQUEST";

/// Which response media type the client accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MediaType {
    GraphqlResponseJson,
    Json,
}

impl MediaType {
    fn content_type(self) -> &'static str {
        match self {
            MediaType::GraphqlResponseJson => "application/graphql-response+json; charset=utf-8",
            MediaType::Json => "application/json; charset=utf-8",
        }
    }
}

/// What the GraphQL handlers share: metrics, the timeout, the body limit.
#[derive(Debug)]
pub struct Transport {
    pub metrics: Arc<Metrics>,
    /// None when requests may run as long as they like.
    pub timeout: Option<Duration>,
    pub max_body_bytes: usize,
    /// `graphql.max_depth` and `graphql.max_complexity`, named in the refusals.
    pub max_depth: usize,
    pub max_complexity: usize,
}

/// async-graphql refuses over-deep and over-complex queries with bare messages; rewrite
/// them to name the setting and its value, with the code the other limits use.
fn name_limits(response: &mut async_graphql::Response, transport: &Transport) {
    for e in &mut response.errors {
        let (setting, value, message) = match e.message.as_str() {
            "Query is nested too deep." => (
                "max_depth",
                transport.max_depth,
                format!(
                    "the query is nested too deep: more than graphql.max_depth ({}) levels",
                    transport.max_depth
                ),
            ),
            "Query is too complex." => (
                "max_complexity",
                transport.max_complexity,
                format!(
                    "the query is too complex: its cost exceeds graphql.max_complexity ({}); \
                     a connection costs its page size times its items, so ask for smaller \
                     pages (`first`/`last`) or fewer nested lists",
                    transport.max_complexity
                ),
            ),
            _ => continue,
        };
        e.message = message;
        let ext = e.extensions.get_or_insert_with(Default::default);
        ext.set("code", "LIMIT_EXCEEDED");
        ext.set("limit", setting);
        ext.set(setting, value as u64);
    }
}

/// The operation a request ran, for the request log (set on the response's extensions).
#[derive(Debug, Clone)]
pub struct OperationLabel(pub String);

/// Picks the response media type from an `Accept` header: the acceptable type with the
/// highest quality, earlier on ties; no header, `*/*` and `application/*` mean JSON. None
/// when nothing we can send is acceptable.
pub fn negotiate(accept: Option<&str>) -> Option<MediaType> {
    let Some(accept) = accept.filter(|a| !a.trim().is_empty()) else {
        return Some(MediaType::Json);
    };
    let mut best: Option<(f32, MediaType)> = None;
    for item in accept.split(',') {
        let mut parts = item.split(';').map(str::trim);
        let range = parts.next().unwrap_or_default().to_ascii_lowercase();
        let mut q = 1.0f32;
        let mut charset_ok = true;
        for p in parts {
            let Some((k, v)) = p.split_once('=') else {
                continue;
            };
            match k.trim().to_ascii_lowercase().as_str() {
                "q" => q = v.trim().parse().unwrap_or(0.0),
                "charset" => charset_ok = v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8"),
                _ => {}
            }
        }
        let media = match range.as_str() {
            "application/graphql-response+json" => MediaType::GraphqlResponseJson,
            "application/json" | "application/*" | "*/*" => MediaType::Json,
            _ => continue,
        };
        if q <= 0.0 || !charset_ok {
            continue;
        }
        if best.is_none_or(|(bq, _)| q > bq) {
            best = Some((q, media));
        }
    }
    best.map(|(_, m)| m)
}

/// A response with a GraphQL-shaped error body.
fn error_response(
    status: StatusCode,
    media: MediaType,
    code: &str,
    message: &str,
    extra: &[(&str, Value)],
) -> HttpResponse {
    HttpResponse::build(status)
        .content_type(media.content_type())
        .body(error_body(code, message, extra).to_string())
}

fn bad_request(media: MediaType, message: &str) -> HttpResponse {
    error_response(StatusCode::BAD_REQUEST, media, BAD_REQUEST, message, &[])
}

/// `GET /graphql?query=…&variables=…&operationName=…&extensions=…`: queries only.
pub async fn graphql_get(
    req: HttpRequest,
    schema: web::Data<AtlasSchema>,
    store: web::Data<Store>,
    transport: web::Data<Transport>,
) -> HttpResponse {
    let Some(media) = negotiate(accept(&req)) else {
        return not_acceptable();
    };
    let params = match web::Query::<Vec<(String, String)>>::from_query(req.query_string()) {
        Ok(p) => p.into_inner(),
        Err(e) => return bad_request(media, &format!("the query string is malformed: {e}")),
    };
    let mut body = serde_json::Map::new();
    for (k, v) in params {
        let value = match k.as_str() {
            "query" | "operationName" => Value::String(v),
            "variables" | "extensions" if v.is_empty() => Value::Null,
            "variables" | "extensions" => match serde_json::from_str(&v) {
                Ok(j) => j,
                Err(e) => {
                    return bad_request(media, &format!("`{k}` is not valid JSON: {e}"));
                }
            },
            _ => continue,
        };
        body.insert(k, value);
    }
    run(
        req,
        Value::Object(body),
        true,
        media,
        schema,
        store,
        transport,
    )
    .await
}

/// `POST /graphql` with a JSON body `{query, variables, operationName, extensions}`.
pub async fn graphql_post(
    req: HttpRequest,
    schema: web::Data<AtlasSchema>,
    store: web::Data<Store>,
    transport: web::Data<Transport>,
    body: Result<web::Bytes, actix_web::Error>,
) -> HttpResponse {
    let Some(media) = negotiate(accept(&req)) else {
        return not_acceptable();
    };
    if let Some(refusal) = check_content_type(&req, media) {
        return refusal;
    }
    let body = match body {
        Ok(b) => b,
        Err(e) if e.as_response_error().status_code() == StatusCode::PAYLOAD_TOO_LARGE => {
            return error_response(
                StatusCode::PAYLOAD_TOO_LARGE,
                media,
                "PAYLOAD_TOO_LARGE",
                &format!(
                    "the request body is larger than the limit (server.max_body_bytes = {})",
                    transport.max_body_bytes
                ),
                &[
                    ("limit", json!("max_body_bytes")),
                    ("max_body_bytes", json!(transport.max_body_bytes)),
                ],
            );
        }
        Err(e) => return bad_request(media, &format!("the request body could not be read: {e}")),
    };
    if body.is_empty() {
        return bad_request(media, "the request body is empty; send {\"query\": \"…\"}");
    }
    let value: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(media, &format!("request body is not valid JSON: {e}")),
    };
    run(req, value, false, media, schema, store, transport).await
}

/// Any other method on `/graphql`.
pub async fn graphql_other_method() -> HttpResponse {
    HttpResponse::MethodNotAllowed()
        .insert_header((header::ALLOW, "GET, POST"))
        .content_type(MediaType::Json.content_type())
        .body(
            error_body(
                "METHOD_NOT_ALLOWED",
                "use GET (queries) or POST on /graphql",
                &[],
            )
            .to_string(),
        )
}

fn accept(req: &HttpRequest) -> Option<&str> {
    req.headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
}

fn not_acceptable() -> HttpResponse {
    HttpResponse::NotAcceptable()
        .content_type(MediaType::Json.content_type())
        .body(
            error_body(
                "NOT_ACCEPTABLE",
                "the Accept header allows no type this server sends: use application/graphql-response+json or application/json",
                &[],
            )
            .to_string(),
        )
}

/// POST bodies must be `application/json` in UTF-8 (415 otherwise).
fn check_content_type(req: &HttpRequest, media: MediaType) -> Option<HttpResponse> {
    let unsupported = |found: &str| {
        Some(error_response(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            media,
            "UNSUPPORTED_MEDIA_TYPE",
            &format!("the request body must be application/json (UTF-8), not `{found}`"),
            &[],
        ))
    };
    let Some(ct) = req.headers().get(header::CONTENT_TYPE) else {
        return unsupported("no Content-Type");
    };
    let ct = ct.to_str().unwrap_or_default();
    let mut parts = ct.split(';').map(str::trim);
    if !parts
        .next()
        .is_some_and(|m| m.eq_ignore_ascii_case("application/json"))
    {
        return unsupported(ct);
    }
    for p in parts {
        if let Some((k, v)) = p.split_once('=')
            && k.trim().eq_ignore_ascii_case("charset")
            && !v.trim().trim_matches('"').eq_ignore_ascii_case("utf-8")
        {
            return unsupported(ct);
        }
    }
    None
}

/// Checks the shape of the request object, runs it and maps the answer to HTTP.
async fn run(
    req: HttpRequest,
    value: Value,
    via_get: bool,
    media: MediaType,
    schema: web::Data<AtlasSchema>,
    store: web::Data<Store>,
    transport: web::Data<Transport>,
) -> HttpResponse {
    let caller = match crate::auth::authenticate(&req, &store).await {
        Ok(c) => c,
        Err(e) => {
            return error_response(
                StatusCode::UNAUTHORIZED,
                media,
                "UNAUTHENTICATED",
                &e.to_string(),
                &[],
            );
        }
    };
    let request = match to_request(value) {
        Ok(r) => r,
        Err(message) => return bad_request(media, &message),
    };
    let operation_name = request.operation_name.clone();
    let state = RequestState::new(via_get, operation_name.clone());
    let request = request.data(caller).data(state.clone());
    let started = Instant::now();
    let executing = schema.execute(request);
    let response = match transport.timeout {
        Some(limit) => match tokio::time::timeout(limit, executing).await {
            Ok(r) => r,
            Err(_) => {
                let label = state.operation().map(str::to_string).or(operation_name);
                transport
                    .metrics
                    .record_operation(label.as_deref(), true, started.elapsed());
                let ms = limit.as_millis();
                let mut resp = error_response(
                    StatusCode::GATEWAY_TIMEOUT,
                    media,
                    "TIMEOUT",
                    &format!(
                        "the request took longer than the limit (server.request_timeout_ms = {ms}) and was stopped"
                    ),
                    &[
                        ("limit", json!("request_timeout_ms")),
                        ("request_timeout_ms", json!(ms)),
                    ],
                );
                label_response(&mut resp, label);
                return resp;
            }
        },
        None => executing.await,
    };
    let mut response = response;
    name_limits(&mut response, &transport);
    let label = state.operation().map(str::to_string).or(operation_name);
    transport
        .metrics
        .record_operation(label.as_deref(), response.is_err(), started.elapsed());
    let mut resp = if state.mutation_over_get() {
        let mut r = error_response(
            StatusCode::METHOD_NOT_ALLOWED,
            media,
            "METHOD_NOT_ALLOWED",
            "only queries may be sent with GET; send mutations with POST",
            &[],
        );
        r.headers_mut()
            .insert(header::ALLOW, header::HeaderValue::from_static("POST"));
        r
    } else {
        let executed = state.executed();
        let mut body = match serde_json::to_value(&response) {
            Ok(b) => b,
            Err(e) => {
                tracing::error!("cannot serialise a GraphQL response: {e}");
                return error_response(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    media,
                    "INTERNAL",
                    "internal error",
                    &[],
                );
            }
        };
        // A request error has no `data` entry at all (the spec's "request error result").
        if !executed && let Some(obj) = body.as_object_mut() {
            obj.remove("data");
        }
        let status = if !executed && media == MediaType::GraphqlResponseJson {
            StatusCode::BAD_REQUEST
        } else {
            StatusCode::OK
        };
        HttpResponse::build(status)
            .content_type(media.content_type())
            .body(body.to_string())
    };
    label_response(&mut resp, label);
    resp
}

fn label_response(resp: &mut HttpResponse, label: Option<String>) {
    resp.extensions_mut().insert(OperationLabel(
        label.unwrap_or_else(|| super::metrics::ANONYMOUS.to_string()),
    ));
}

/// Turns the JSON request object into an async-graphql request, refusing batches and
/// parameters of the wrong type with a message naming the parameter.
fn to_request(value: Value) -> Result<async_graphql::Request, String> {
    let mut obj = match value {
        Value::Object(o) => o,
        Value::Array(_) => {
            return Err(
                "batched requests are not supported; send one operation per request".into(),
            );
        }
        other => {
            return Err(format!(
                "request body is not a GraphQL request: expected an object with `query`, got {other}"
            ));
        }
    };
    // `null` means absent for every parameter.
    obj.retain(|_, v| !v.is_null());
    let persisted = obj
        .get("extensions")
        .and_then(|e| e.get("persistedQuery"))
        .is_some();
    match obj.get("query") {
        Some(Value::String(_)) => {}
        None if persisted => {}
        None => {
            return Err(
                "request body is not a GraphQL request: the `query` parameter is missing".into(),
            );
        }
        Some(_) => return Err("the `query` parameter must be a string".into()),
    }
    if obj.get("operationName").is_some_and(|v| !v.is_string()) {
        return Err("the `operationName` parameter must be a string".into());
    }
    if obj.get("variables").is_some_and(|v| !v.is_object()) {
        return Err("the `variables` parameter must be a map".into());
    }
    if obj.get("extensions").is_some_and(|v| !v.is_object()) {
        return Err("the `extensions` parameter must be a map".into());
    }
    serde_json::from_value(Value::Object(obj))
        .map_err(|e| format!("request body is not a GraphQL request: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accept_headers_pick_the_preferred_type() {
        use MediaType::*;
        assert_eq!(negotiate(None), Some(Json));
        assert_eq!(negotiate(Some("*/*")), Some(Json));
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json, application/json;q=0.9"
            )),
            Some(GraphqlResponseJson)
        );
        assert_eq!(
            negotiate(Some(
                "application/graphql-response+json;q=0.5, application/json"
            )),
            Some(Json)
        );
        assert_eq!(negotiate(Some("text/html")), None);
        assert_eq!(negotiate(Some("application/json; charset=utf-16")), None);
        assert_eq!(negotiate(Some("application/json;q=0")), None);
    }

    #[test]
    fn parameters_of_the_wrong_type_are_named() {
        assert!(
            to_request(json!({"query": 1}))
                .unwrap_err()
                .contains("`query`")
        );
        assert!(
            to_request(json!({"query": "{a}", "variables": "x"}))
                .unwrap_err()
                .contains("`variables`")
        );
        assert!(
            to_request(json!({"query": "{a}", "variables": null, "operationName": null})).is_ok()
        );
        assert!(
            to_request(json!([{"query": "{a}"}]))
                .unwrap_err()
                .contains("batched")
        );
    }
}
