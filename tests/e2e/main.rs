//! End-to-end tests: ingest → store → GraphQL over real HTTP, on SQLite and PostgreSQL.

mod db;
mod helpers;

mod api;
mod engines;
mod eval_set;
mod extraction;
mod extraction_cases;
mod leases;
mod reextract;
mod schema;
mod store_merge;
