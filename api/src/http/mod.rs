//! The HTTP side of the server: GraphQL over HTTP (GET and POST, media-type negotiation),
//! document limits, rate limiting, metrics, health and readiness, and request logs.

pub mod graphql_http;
pub mod limits;
pub mod metrics;
pub mod rate_limit;
pub mod request_log;
