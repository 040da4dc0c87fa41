//! The store of cdmo-atlas: domain types and controlled vocabularies (defined here once),
//! the database schema for SQLite and PostgreSQL, merging of extraction records, and queries.
//!
//! Design decisions:
//! - Vocabulary codes are the extraction record's strings and are stored as such; the enums
//!   in [`vocab`] are the only place they are spelled.
//! - Dates are partial (`YYYY | YYYY-MM | YYYY-MM-DD`) and stored as first day + precision.
//! - Every write of one document is one transaction ([`merge::merge_document`]); SQLite
//!   writers are serialised in-process, PostgreSQL relies on its own locking.
//! - Entity resolution works on normalised name keys ([`names::name_key`]) over all known
//!   aliases; nothing here knows about HTTP, scraping or GraphQL.

pub mod analytics_rows;
pub mod api_keys;
pub mod audit;
pub mod curation;
pub mod date;
pub mod db;
pub mod entities;
pub mod error;
pub mod leases;
pub mod merge;
pub mod meta;
pub mod migration;
pub mod names;
pub mod paging;
pub mod query;
pub mod record;
pub mod runs;
pub mod search;
pub mod validators;
pub mod vocab;

pub use date::{Country, PartialDate, Precision};
pub use db::{DEFAULT_DATABASE_URL, Engine, Store};
pub use error::StoreError;
pub use merge::{DocumentInput, MergeOutcome, MergeStats, merge_document};
pub use record::ExtractionRecord;
