//! The middleware around every request: rate limiting (before any work), the in-flight gauge,
//! HTTP metrics, and one structured `tracing` line per request.

use std::sync::Arc;
use std::time::Instant;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::{HttpResponse, web};
use sha2::{Digest, Sha256};

use super::graphql_http::OperationLabel;
use super::limits::error_body;
use super::metrics::Metrics;
use super::rate_limit::{Decision, RateLimiter};

/// Routes reported by name in metrics; anything else is `other`, so scanners cannot grow
/// the metrics with made-up paths.
const ROUTES: &[&str] = &[
    "/graphql",
    "/graphiql",
    "/healthz",
    "/readyz",
    "/metrics",
    "/",
];

/// Operational endpoints a monitor polls: never rate limited.
const UNLIMITED: &[&str] = &["/healthz", "/readyz", "/metrics"];

/// What the middleware needs, as app data.
#[derive(Debug)]
pub struct Observe {
    pub metrics: Arc<Metrics>,
    pub limiter: Option<RateLimiter>,
}

/// Who is calling, for rate limiting and logs: `key:` and the start of the SHA-256 of the
/// bearer token (never the token), or `ip:` and the peer address.
pub fn client_id(req: &ServiceRequest) -> String {
    let bearer = req
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty());
    if let Some(token) = bearer {
        let digest = Sha256::digest(token.as_bytes());
        return format!("key:{}", hex::encode(&digest[..8]));
    }
    match req.peer_addr() {
        Some(addr) => format!("ip:{}", addr.ip()),
        None => "ip:unknown".to_string(),
    }
}

/// The middleware function (`actix_web::middleware::from_fn(observe)`).
pub async fn observe(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    let started = Instant::now();
    let Some(state) = req.app_data::<web::Data<Observe>>().cloned() else {
        return next
            .call(req)
            .await
            .map(ServiceResponse::map_into_boxed_body);
    };
    let _in_flight = state.metrics.start();
    let method = req.method().to_string();
    let path = req.path().to_string();
    let route = ROUTES
        .iter()
        .find(|r| **r == path)
        .copied()
        .unwrap_or("other");
    let client = client_id(&req);
    let refused = match &state.limiter {
        Some(limiter) if !UNLIMITED.contains(&route) => match limiter.check(&client) {
            Decision::Allow => None,
            Decision::Refuse { retry_after } => Some(retry_after),
        },
        _ => None,
    };
    let res = match refused {
        Some(retry_after) => {
            let secs = retry_after.as_secs_f64().ceil().max(1.0) as u64;
            let body = error_body(
                "RATE_LIMITED",
                &format!(
                    "too many requests from this client (server.rate_limit_per_second); retry in {secs} s"
                ),
                &[
                    ("limit", serde_json::json!("rate_limit_per_second")),
                    ("retryAfterSeconds", serde_json::json!(secs)),
                ],
            );
            let resp = HttpResponse::TooManyRequests()
                .insert_header((header::RETRY_AFTER, secs.to_string()))
                .content_type("application/json; charset=utf-8")
                .body(body.to_string());
            req.into_response(resp)
        }
        None => next.call(req).await?.map_into_boxed_body(),
    };
    let status = res.status().as_u16();
    let latency = started.elapsed();
    state.metrics.record_http(route, status, latency);
    let operation = res
        .response()
        .extensions()
        .get::<OperationLabel>()
        .map(|o| o.0.clone());
    tracing::info!(
        target: "cdmo_api::request",
        method = %method,
        path = %path,
        status,
        latency_ms = (latency.as_secs_f64() * 1_000_000.0).round() / 1000.0,
        operation = operation.as_deref().unwrap_or("-"),
        client = %client,
        "request"
    );
    Ok(res)
}
