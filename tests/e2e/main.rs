//! End-to-end tests: ingest → store → GraphQL over real HTTP, on SQLite and PostgreSQL.

mod db;
mod helpers;
#[allow(dead_code, clippy::expect_used)]
#[path = "../../ingest/tests/support/http_server.rs"]
mod http_server;

mod api;
mod api_analytics;
mod api_curation;
mod api_schema;
mod api_search;
mod api_transport;
mod engines;
mod eval_set;
mod extraction;
mod extraction_cases;
mod leases;
mod reextract;
mod schema;
mod store_merge;
mod web_ingest;
