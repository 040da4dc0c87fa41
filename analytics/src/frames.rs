//! Store rows ⇄ polars frames: the one place where the conversion happens, so every measure
//! reads the same columns with the same types.

use cdmo_store::query::LicenseFact;
use chrono::Datelike;
use polars::prelude::*;

/// One row per licence: `id` (i64), `license_type` (str), `country` (str, null when
/// unknown), `year` (i32, null when undated).
pub fn licenses_frame(facts: &[LicenseFact]) -> PolarsResult<DataFrame> {
    let ids: Vec<i64> = facts.iter().map(|f| f.id).collect();
    let types: Vec<&str> = facts.iter().map(|f| f.license_type.as_str()).collect();
    let countries: Vec<Option<&str>> = facts.iter().map(|f| f.country.as_deref()).collect();
    let years: Vec<Option<i32>> = facts.iter().map(|f| f.date.map(|d| d.year())).collect();
    df!(
        "id" => ids,
        "license_type" => types,
        "country" => countries,
        "year" => years,
    )
}
