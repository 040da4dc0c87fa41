//! Analytics for cdmo-atlas: polars frames built from the store, and the measures the API
//! serves (licensing trends to start with).
//!
//! Design decisions:
//! - `frames` is the only module that converts store rows to polars frames; polars types
//!   never leave this crate; callers receive plain Rust structs.
//! - Trends count facts (one licence reported by five outlets counts once), because the
//!   store already merges repeated reports into one fact with several pieces of evidence.

pub mod compute;
pub mod error;
pub mod frames;
pub mod licensing;

pub use error::AnalyticsError;
pub use licensing::{YearCount, license_counts_by_year};
