//! The cdmo-atlas service: GraphQL schema and HTTP server (`startup`), configuration, and the
//! command line that drives ingestion, extraction and serving.
//!
//! Design decisions:
//! - One `Application::build(settings, store)` serves `main` and the integration tests, which
//!   spawn the real server on port 0 and talk HTTP.
//! - Store rows are wrapped in GraphQL view types; nested links go through DataLoaders so a
//!   query's cost in SQL statements is bounded by its shape, not by the data.
//! - Errors carry a `code` extension; internal causes are logged, never sent.

pub mod auth;
pub mod config;
pub mod graphql;
pub mod http;
pub mod startup;
pub mod telemetry;

pub use config::Settings;
pub use startup::Application;
