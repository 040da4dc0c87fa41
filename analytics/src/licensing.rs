//! Licensing trends: licences granted per period by country, region, type or authority,
//! with running totals and growth, and new entrants (first licence per organization).
//! Undated licences are left out (they have no period); year-only dates count per year only.

use cdmo_store::Store;
use cdmo_store::query::license_facts;
use polars::prelude::*;

use crate::error::AnalyticsError;
use crate::frames::{Frames, licenses_frame};
use crate::period::Period;
use crate::series::{SeriesPoint, TrendFilter, collect_series, no_group};

/// What a licence series is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LicenseGroupBy {
    /// The licence's country.
    Country,
    /// The holder's region.
    Region,
    /// The licence type code.
    LicenseType,
    /// The issuing authority's name.
    Authority,
}

fn license_filter(filter: &TrendFilter) -> Expr {
    let mut e = filter.date_expr();
    if let Some(c) = &filter.country {
        e = e.and(col("country").eq(lit(c.to_ascii_uppercase())));
    }
    if let Some(r) = &filter.region {
        e = e.and(col("holder_region").eq(lit(r.clone())));
    }
    e
}

/// Licences per period (each licence once, however many articles report it), split by
/// `group_by` (None: one total series).
pub fn license_trend(
    frames: &Frames,
    period: Period,
    group_by: Option<LicenseGroupBy>,
    filter: &TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    let group = match group_by {
        None => no_group(),
        Some(LicenseGroupBy::Country) => col("country"),
        Some(LicenseGroupBy::Region) => col("holder_region"),
        Some(LicenseGroupBy::LicenseType) => col("license_type"),
        Some(LicenseGroupBy::Authority) => col("authority"),
    };
    let lf = frames
        .licenses
        .clone()
        .lazy()
        .filter(col("year").is_not_null().and(license_filter(filter)))
        .select([
            col("year"),
            col("quarter"),
            col("month"),
            group.alias("group"),
            lit(1.0f64).alias("value"),
        ]);
    collect_series(lf, period)
}

/// Organizations whose first dated licence falls in each year ("new entrants"), split by
/// the holder's country when `by_country`. The filter selects licences before the first
/// one is taken, so `country: KR` gives first Korean licences.
pub fn new_entrants(
    frames: &Frames,
    by_country: bool,
    filter: &TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    let firsts = frames
        .licenses
        .clone()
        .lazy()
        .filter(col("year").is_not_null().and(license_filter(filter)))
        .group_by([col("holder_id")])
        .agg([col("day").min().alias("first_day")]);
    let holders = frames.organizations.clone().lazy().select([
        col("id").alias("holder_id"),
        col("country").alias("holder_country"),
    ]);
    // The first licence's own year, found by joining back on (holder, first day).
    let lf = frames
        .licenses
        .clone()
        .lazy()
        .filter(col("year").is_not_null().and(license_filter(filter)))
        .join(
            firsts,
            [col("holder_id"), col("day")],
            [col("holder_id"), col("first_day")],
            JoinArgs::new(JoinType::Inner),
        )
        .group_by([col("holder_id")])
        .agg([col("year").min().alias("year")])
        .join(
            holders,
            [col("holder_id")],
            [col("holder_id")],
            JoinArgs::new(JoinType::Left),
        )
        .select([
            col("year"),
            lit(NULL).cast(DataType::Int32).alias("quarter"),
            lit(NULL).cast(DataType::Int32).alias("month"),
            if by_country {
                col("holder_country")
            } else {
                no_group()
            }
            .alias("group"),
            lit(1.0f64).alias("value"),
        ]);
    collect_series(lf, Period::Year)
}

/// Licences granted in one year in one country.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct YearCount {
    pub year: i32,
    /// ISO country code; None for licences whose country is unknown.
    pub country: Option<String>,
    pub count: u64,
}

/// Counts per (year, country) of a licences frame, sorted by year then country; only
/// `country` when given.
pub fn counts_by_year(
    df: DataFrame,
    country: Option<&str>,
) -> Result<Vec<YearCount>, AnalyticsError> {
    let mut lf = df.lazy().filter(col("year").is_not_null());
    if let Some(c) = country {
        lf = lf.filter(col("country").eq(lit(c.to_ascii_uppercase())));
    }
    let out = lf
        .group_by([col("year"), col("country")])
        .agg([len().cast(DataType::UInt64).alias("count")])
        .sort(
            ["year", "country"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let years = out.column("year")?.i32()?;
    let countries = out.column("country")?.str()?;
    let counts = out.column("count")?.u64()?;
    let mut rows = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let (Some(year), Some(count)) = (years.get(i), counts.get(i)) else {
            continue;
        };
        rows.push(YearCount {
            year,
            country: countries.get(i).map(str::to_string),
            count,
        });
    }
    Ok(rows)
}

/// Licences granted per year (and country) in the store; `country` restricts to one.
pub async fn license_counts_by_year(
    store: &Store,
    country: Option<&str>,
) -> Result<Vec<YearCount>, AnalyticsError> {
    if let Some(c) = country
        && c.parse::<cdmo_store::Country>().is_err()
    {
        return Err(AnalyticsError::InvalidArgument(format!(
            "`{c}` is not an ISO 3166-1 alpha-2 country code"
        )));
    }
    let facts = license_facts(store).await?;
    let country = country.map(str::to_string);
    crate::compute::off_runtime(move || counts_by_year(licenses_frame(&facts)?, country.as_deref()))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frame() -> DataFrame {
        df!(
            "id" => [1i64, 2, 3, 4, 5],
            "license_type" => ["cn_drug_production_c", "cn_drug_production_a", "kr_gmp", "kr_gmp", "kr_gmp"],
            "country" => [Some("CN"), Some("CN"), Some("KR"), Some("KR"), None],
            "year" => [Some(2025), Some(2024), Some(2022), None, Some(2022)],
        )
        .unwrap()
    }

    #[test]
    fn counts_per_year_and_country_leave_out_undated_licences() {
        let rows = counts_by_year(frame(), None).unwrap();
        assert_eq!(
            rows,
            vec![
                YearCount {
                    year: 2022,
                    country: Some("KR".into()),
                    count: 1
                },
                YearCount {
                    year: 2022,
                    country: None,
                    count: 1
                },
                YearCount {
                    year: 2024,
                    country: Some("CN".into()),
                    count: 1
                },
                YearCount {
                    year: 2025,
                    country: Some("CN".into()),
                    count: 1
                },
            ]
        );
    }

    #[test]
    fn a_country_filter_keeps_only_that_country() {
        let rows = counts_by_year(frame(), Some("cn")).unwrap();
        assert_eq!(
            rows.iter().map(|r| r.year).collect::<Vec<_>>(),
            vec![2024, 2025]
        );
        assert!(rows.iter().all(|r| r.country.as_deref() == Some("CN")));
    }
}
