//! Store rows ⇄ polars frames: the one place where the conversion happens, so every measure
//! reads the same columns with the same types.
//!
//! Dates become `year` (i32), `quarter` and `month` (i32, null unless the stored precision
//! is month or day) and `day` (days since 0001-01-01, for range filters): a licence dated
//! only "2022" has a year and no quarter or month, so it counts in yearly series only.

use std::collections::HashMap;

use cdmo_store::analytics_rows::AnalyticsRows;
use cdmo_store::query::LicenseFact;
use chrono::{Datelike, NaiveDate};
use polars::prelude::*;

use crate::period::known_month;

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

/// The date columns of one fact: year, quarter, month, day number.
#[derive(Default)]
struct DateCols {
    year: Vec<Option<i32>>,
    quarter: Vec<Option<i32>>,
    month: Vec<Option<i32>>,
    day: Vec<Option<i32>>,
}

impl DateCols {
    fn push(&mut self, date: Option<NaiveDate>, precision: Option<&str>) {
        let month = date.and_then(|d| known_month(d, precision));
        self.year.push(date.map(|d| d.year()));
        self.month.push(month.map(|m| m as i32));
        self.quarter.push(month.map(|m| ((m - 1) / 3 + 1) as i32));
        self.day.push(date.map(|d| d.num_days_from_ce()));
    }

    fn columns(self) -> Vec<Column> {
        vec![
            Column::new("year".into(), self.year),
            Column::new("quarter".into(), self.quarter),
            Column::new("month".into(), self.month),
            Column::new("day".into(), self.day),
        ]
    }
}

/// The graph as frames. Columns:
/// - `organizations`: id, name, kind, country, region
/// - `licenses`: id, holder_id, license_type, authority (name), country, holder_region,
///   year, quarter, month, day
/// - `facilities`: id, operator_id, country, region, capacity (f64), status, year, quarter,
///   month, day (from `reported_on`, the date of the latest report)
/// - `facility_modalities`: facility_id, modality
/// - `agreements`: id, agreement_type, value_usd, year, quarter, month, day
/// - `agreement_parties`: agreement_id, organization_id, country, region (of the party)
/// - `policies`: id, country, year, quarter, month, day
pub struct Frames {
    pub organizations: DataFrame,
    pub licenses: DataFrame,
    pub facilities: DataFrame,
    pub facility_modalities: DataFrame,
    pub agreements: DataFrame,
    pub agreement_parties: DataFrame,
    pub policies: DataFrame,
}

impl Frames {
    pub fn from_rows(rows: &AnalyticsRows) -> PolarsResult<Frames> {
        let orgs: HashMap<i64, &cdmo_store::analytics_rows::OrganizationRow> =
            rows.organizations.iter().map(|o| (o.id, o)).collect();
        let org_region = |id: i64| orgs.get(&id).and_then(|o| o.region.clone());
        let org_country = |id: i64| orgs.get(&id).and_then(|o| o.country.clone());

        let o = &rows.organizations;
        let organizations = df!(
            "id" => o.iter().map(|r| r.id).collect::<Vec<_>>(),
            "name" => o.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
            "kind" => o.iter().map(|r| r.kind.as_str()).collect::<Vec<_>>(),
            "country" => o.iter().map(|r| r.country.as_deref()).collect::<Vec<_>>(),
            "region" => o.iter().map(|r| r.region.as_deref()).collect::<Vec<_>>(),
        )?;

        let l = &rows.licenses;
        let mut dates = DateCols::default();
        for r in l {
            dates.push(r.date, r.date_precision.as_deref());
        }
        let mut cols = vec![
            Column::new("id".into(), l.iter().map(|r| r.id).collect::<Vec<_>>()),
            Column::new(
                "holder_id".into(),
                l.iter().map(|r| r.holder_id).collect::<Vec<_>>(),
            ),
            Column::new(
                "license_type".into(),
                l.iter()
                    .map(|r| r.license_type.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "authority".into(),
                l.iter()
                    .map(|r| {
                        r.authority_id
                            .and_then(|a| orgs.get(&a).map(|o| o.name.clone()))
                    })
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "country".into(),
                l.iter().map(|r| r.country.as_deref()).collect::<Vec<_>>(),
            ),
            Column::new(
                "holder_region".into(),
                l.iter()
                    .map(|r| org_region(r.holder_id))
                    .collect::<Vec<_>>(),
            ),
        ];
        cols.extend(dates.columns());
        let licenses = DataFrame::new_infer_height(cols)?;

        let f = &rows.facilities;
        let mut dates = DateCols::default();
        for r in f {
            // A report whose precision is unknown is taken as dated by year only, so it never
            // lands in a month it may not belong to.
            dates.push(
                r.reported_on,
                Some(r.reported_precision.as_deref().unwrap_or("year")),
            );
        }
        let mut cols = vec![
            Column::new("id".into(), f.iter().map(|r| r.id).collect::<Vec<_>>()),
            Column::new(
                "operator_id".into(),
                f.iter().map(|r| r.operator_id).collect::<Vec<_>>(),
            ),
            Column::new(
                "country".into(),
                f.iter().map(|r| r.country.as_deref()).collect::<Vec<_>>(),
            ),
            Column::new(
                "region".into(),
                f.iter().map(|r| r.region.as_deref()).collect::<Vec<_>>(),
            ),
            Column::new(
                "capacity".into(),
                f.iter().map(|r| r.capacity_liters).collect::<Vec<_>>(),
            ),
            Column::new(
                "status".into(),
                f.iter().map(|r| r.status.as_deref()).collect::<Vec<_>>(),
            ),
        ];
        cols.extend(dates.columns());
        let facilities = DataFrame::new_infer_height(cols)?;

        let (fm_ids, fm_mods): (Vec<i64>, Vec<&str>) = f
            .iter()
            .flat_map(|r| r.modalities.iter().map(move |m| (r.id, m.as_str())))
            .unzip();
        let facility_modalities = df!("facility_id" => fm_ids, "modality" => fm_mods)?;

        let a = &rows.agreements;
        let mut dates = DateCols::default();
        for r in a {
            dates.push(r.date, r.date_precision.as_deref());
        }
        let mut cols = vec![
            Column::new("id".into(), a.iter().map(|r| r.id).collect::<Vec<_>>()),
            Column::new(
                "agreement_type".into(),
                a.iter()
                    .map(|r| r.agreement_type.as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "value_usd".into(),
                a.iter().map(|r| r.value_usd).collect::<Vec<_>>(),
            ),
        ];
        cols.extend(dates.columns());
        let agreements = DataFrame::new_infer_height(cols)?;

        let mut p_agreement = Vec::new();
        let mut p_org = Vec::new();
        let mut p_country = Vec::new();
        let mut p_region = Vec::new();
        for r in a {
            for &org in &r.party_ids {
                p_agreement.push(r.id);
                p_org.push(org);
                p_country.push(org_country(org));
                p_region.push(org_region(org));
            }
        }
        let agreement_parties = df!(
            "agreement_id" => p_agreement,
            "organization_id" => p_org,
            "country" => p_country,
            "region" => p_region,
        )?;

        let p = &rows.policies;
        let mut dates = DateCols::default();
        for r in p {
            dates.push(r.date, r.date_precision.as_deref());
        }
        let mut cols = vec![
            Column::new("id".into(), p.iter().map(|r| r.id).collect::<Vec<_>>()),
            Column::new(
                "country".into(),
                p.iter().map(|r| r.country.as_deref()).collect::<Vec<_>>(),
            ),
        ];
        cols.extend(dates.columns());
        let policies = DataFrame::new_infer_height(cols)?;

        Ok(Frames {
            organizations,
            licenses,
            facilities,
            facility_modalities,
            agreements,
            agreement_parties,
            policies,
        })
    }
}
