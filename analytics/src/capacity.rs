//! Capacity trends: announced bioreactor volume (litres) per period by country, region,
//! status or modality, and the largest additions with their sources.
//! Each facility counts once with its latest reported capacity, in the period of that report.

use cdmo_store::analytics_rows::AnalyticsRows;
use polars::prelude::*;

use crate::error::AnalyticsError;
use crate::frames::Frames;
use crate::period::Period;
use crate::series::{SeriesPoint, TrendFilter, collect_series, no_group};

/// What a capacity series is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CapacityGroupBy {
    Country,
    Region,
    /// Facility status code (planned, under_construction, operational).
    Status,
    /// Modality code: a facility making two modalities counts in both groups (so the groups
    /// of one period do not add up to the period's total).
    Modality,
}

/// Which facilities a capacity series counts, beyond the common filter.
#[derive(Debug, Clone, Default)]
pub struct CapacityFilter {
    pub common: TrendFilter,
    /// Status code; `operational` with the running totals gives cumulative operational
    /// capacity.
    pub status: Option<String>,
    /// Modality code.
    pub modality: Option<String>,
}

fn facilities(frames: &Frames, filter: &CapacityFilter) -> LazyFrame {
    let f = &filter.common;
    let mut e = col("capacity").is_not_null().and(f.date_expr());
    if let Some(c) = &f.country {
        e = e.and(col("country").eq(lit(c.to_ascii_uppercase())));
    }
    if let Some(r) = &f.region {
        e = e.and(col("region").eq(lit(r.clone())));
    }
    if let Some(s) = &filter.status {
        e = e.and(col("status").eq(lit(s.clone())));
    }
    let mut lf = frames.facilities.clone().lazy().filter(e);
    if let Some(m) = &filter.modality {
        let with = frames
            .facility_modalities
            .clone()
            .lazy()
            .filter(col("modality").eq(lit(m.clone())))
            .select([col("facility_id")]);
        lf = lf.join(
            with,
            [col("id")],
            [col("facility_id")],
            JoinArgs::new(JoinType::Inner),
        );
    }
    lf
}

/// Litres per period (each facility once, at its latest reported capacity), split by
/// `group_by` (None: one total series).
pub fn capacity_trend(
    frames: &Frames,
    period: Period,
    group_by: Option<CapacityGroupBy>,
    filter: &CapacityFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    let mut lf = facilities(frames, filter);
    let group = match group_by {
        None => no_group(),
        Some(CapacityGroupBy::Country) => col("country"),
        Some(CapacityGroupBy::Region) => col("region"),
        Some(CapacityGroupBy::Status) => col("status"),
        Some(CapacityGroupBy::Modality) => {
            lf = lf.join(
                frames
                    .facility_modalities
                    .clone()
                    .lazy()
                    .select([col("facility_id"), col("modality").alias("by_modality")]),
                [col("id")],
                [col("facility_id")],
                JoinArgs::new(JoinType::Left),
            );
            col("by_modality")
        }
    };
    let lf = lf.select([
        col("year"),
        col("quarter"),
        col("month"),
        group.alias("group"),
        col("capacity").alias("value"),
    ]);
    collect_series(lf, period)
}

/// A facility with the capacity it adds, and the articles that report it.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CapacityAddition {
    pub facility_id: i64,
    pub operator_id: i64,
    pub capacity_liters: f64,
    pub status: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub reported_on: Option<chrono::NaiveDate>,
    /// Ids of the articles that support the facility (its sources).
    pub article_ids: Vec<i64>,
}

/// The `limit` largest facilities by latest capacity matching the filter, largest first
/// (ties by facility id).
pub fn largest_additions(
    frames: &Frames,
    rows: &AnalyticsRows,
    filter: &CapacityFilter,
    limit: usize,
) -> Result<Vec<CapacityAddition>, AnalyticsError> {
    let out = facilities(frames, filter)
        .select([col("id"), col("capacity")])
        .sort_by_exprs(
            [col("capacity"), col("id")],
            SortMultipleOptions::default().with_order_descending_multi([true, false]),
        )
        .limit(limit as IdxSize)
        .collect()?;
    let ids = out.column("id")?.i64()?;
    let by_id: std::collections::HashMap<i64, &cdmo_store::analytics_rows::FacilityRow> =
        rows.facilities.iter().map(|f| (f.id, f)).collect();
    let mut adds = Vec::with_capacity(out.height());
    for i in 0..out.height() {
        let Some(f) = ids.get(i).and_then(|id| by_id.get(&id)) else {
            continue;
        };
        adds.push(CapacityAddition {
            facility_id: f.id,
            operator_id: f.operator_id,
            capacity_liters: f.capacity_liters.unwrap_or(0.0),
            status: f.status.clone(),
            country: f.country.clone(),
            region: f.region.clone(),
            reported_on: f.reported_on,
            article_ids: f.article_ids.clone(),
        });
    }
    Ok(adds)
}
