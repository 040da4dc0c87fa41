//! The shape every trend returns: one point per (period, group) with its value, the running
//! total of its group and the change from the same period a year earlier.
//! Points are built from a lazy frame of `year`, `quarter`, `month`, `group`, `value`.

use std::collections::HashMap;

use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::error::AnalyticsError;
use crate::period::Period;

/// One point of a series.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct SeriesPoint {
    /// "2024", "2024-Q1" or "2024-03".
    pub period: String,
    /// The group's label (a country code, region, type code, authority name…); None for
    /// the ungrouped total or facts whose group is unknown.
    pub group: Option<String>,
    /// The count (or litres) in this period.
    pub value: f64,
    /// Running total of this group up to and including this period.
    pub cumulative: f64,
    /// Relative change from the same period one year earlier (0.5 = +50 %); None when that
    /// period has no value in this group.
    pub growth: Option<f64>,
}

/// Which facts a trend counts; every part is optional. Dates compare the fact's first day.
#[derive(Debug, Clone, Default)]
pub struct TrendFilter {
    /// ISO alpha-2 country code.
    pub country: Option<String>,
    pub region: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

impl TrendFilter {
    /// The date-range condition on the `day` column (true when no range is given).
    pub(crate) fn date_expr(&self) -> Expr {
        let mut e = lit(true);
        if let Some(f) = self.from {
            e = e.and(col("day").gt_eq(lit(f.num_days_from_ce())));
        }
        if let Some(t) = self.to {
            e = e.and(col("day").lt_eq(lit(t.num_days_from_ce())));
        }
        e
    }
}

/// The period-key expression of `period` over the year/quarter/month columns.
pub(crate) fn period_expr(period: Period) -> Expr {
    let y = col("year").cast(DataType::Int64);
    match period {
        Period::Year => y,
        Period::Quarter => y * lit(10i64) + col("quarter").cast(DataType::Int64),
        Period::Month => y * lit(100i64) + col("month").cast(DataType::Int64),
    }
}

/// A null string column, for the ungrouped total.
pub(crate) fn no_group() -> Expr {
    lit(NULL).cast(DataType::String)
}

/// Sums `value` per (period, group) and returns the points in period then group order.
/// Rows whose date is not precise enough for `period` are left out.
pub(crate) fn collect_series(
    lf: LazyFrame,
    period: Period,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    let out = lf
        .with_column(period_expr(period).alias("period"))
        .filter(col("period").is_not_null())
        .group_by([col("period"), col("group")])
        .agg([col("value").sum().alias("value")])
        .sort(
            ["period", "group"],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .collect()?;
    let periods = out.column("period")?.i64()?;
    let groups = out.column("group")?.str()?;
    let values = out.column("value")?.f64()?;
    let mut raw = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        if let Some(p) = periods.get(i) {
            raw.push((
                p,
                groups.get(i).map(str::to_string),
                values.get(i).unwrap_or(0.0),
            ));
        }
    }
    Ok(finish(period, raw))
}

/// Adds labels, running totals and year-over-year growth to sorted (key, group, value).
pub(crate) fn finish(period: Period, raw: Vec<(i64, Option<String>, f64)>) -> Vec<SeriesPoint> {
    let by_key: HashMap<(i64, Option<String>), f64> =
        raw.iter().map(|(k, g, v)| ((*k, g.clone()), *v)).collect();
    let mut running: HashMap<Option<String>, f64> = HashMap::new();
    raw.into_iter()
        .map(|(key, group, value)| {
            let total = running.entry(group.clone()).or_insert(0.0);
            *total += value;
            let growth = by_key
                .get(&(period.year_before(key), group.clone()))
                .filter(|prev| **prev != 0.0)
                .map(|prev| (value - prev) / prev);
            SeriesPoint {
                period: period.label(key),
                group,
                value,
                cumulative: *total,
                growth,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (period, group, value, cumulative, growth) of a point.
    type Row<'a> = (&'a str, Option<&'a str>, f64, f64, Option<f64>);

    fn frame() -> LazyFrame {
        df!(
            "year" => [Some(2023), Some(2023), Some(2024), Some(2024), Some(2024)],
            "quarter" => [Some(1), None, Some(1), Some(1), Some(4)],
            "month" => [Some(2), None, Some(3), Some(1), Some(11)],
            "group" => [Some("KR"), Some("KR"), Some("KR"), None, Some("KR")],
            "value" => [1.0, 1.0, 1.0, 1.0, 1.0],
        )
        .unwrap()
        .lazy()
    }

    #[test]
    fn yearly_points_carry_running_totals_and_growth_per_group() {
        let points = collect_series(frame(), Period::Year).unwrap();
        let got: Vec<Row> = points
            .iter()
            .map(|p| {
                (
                    p.period.as_str(),
                    p.group.as_deref(),
                    p.value,
                    p.cumulative,
                    p.growth,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("2023", Some("KR"), 2.0, 2.0, None),
                ("2024", Some("KR"), 2.0, 4.0, Some(0.0)),
                ("2024", None, 1.0, 1.0, None),
            ]
        );
    }

    #[test]
    fn a_row_without_a_quarter_is_in_no_quarterly_point() {
        let points = collect_series(frame(), Period::Quarter).unwrap();
        let got: Vec<(&str, Option<&str>, f64, Option<f64>)> = points
            .iter()
            .map(|p| (p.period.as_str(), p.group.as_deref(), p.value, p.growth))
            .collect();
        assert_eq!(
            got,
            vec![
                ("2023-Q1", Some("KR"), 1.0, None),
                ("2024-Q1", Some("KR"), 1.0, Some(0.0)),
                ("2024-Q1", None, 1.0, None),
                ("2024-Q4", Some("KR"), 1.0, None),
            ]
        );
    }
}
