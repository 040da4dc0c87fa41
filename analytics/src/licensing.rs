//! Licensing trends: how many licences were granted per year, by country.
//! Undated licences are left out of yearly counts (they have no year to count in).

use cdmo_store::Store;
use cdmo_store::query::license_facts;
use polars::prelude::*;

use crate::error::AnalyticsError;
use crate::frames::licenses_frame;

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
