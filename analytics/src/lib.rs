//! Analytics for cdmo-atlas: polars frames built from the store, and the measures the API
//! serves: licensing, capacity and partnership trends, regional summaries, partner ranking.
//!
//! Design decisions:
//! - `frames` is the only module that converts store rows to polars frames; polars types
//!   never leave this crate; callers receive plain Rust structs.
//! - Trends count facts (one licence reported by five outlets counts once), because the
//!   store already merges repeated reports into one fact with several pieces of evidence;
//!   retracted facts are not read at all.
//! - A fact falls in a period only when its date is precise enough: a licence dated "2022"
//!   counts in the 2022 yearly series and in no month or quarter.
//! - Series carry running totals and year-over-year growth, computed after aggregation.
//! - Small per-organization measures (cross-border pairs, network degree, regional
//!   summaries, partner ranking) work on the plain rows; the per-period aggregations run
//!   in polars.

pub mod capacity;
pub mod compute;
pub mod error;
pub mod frames;
pub mod licensing;
pub mod partners;
pub mod partnerships;
pub mod period;
pub mod regions;
pub mod series;
pub mod service;

pub use capacity::{CapacityAddition, CapacityFilter, CapacityGroupBy};
pub use error::AnalyticsError;
pub use licensing::{LicenseGroupBy, YearCount, license_counts_by_year};
pub use partners::{Criterion, CriterionMatch, FactRef, PartnerCandidate, PartnerNeed};
pub use partnerships::{AgreementGroupBy, Connectedness, CountryPairShare, CrossBorder};
pub use period::Period;
pub use regions::{EventKind, RegionalEvent, RegionalSummary};
pub use series::{SeriesPoint, TrendFilter};
