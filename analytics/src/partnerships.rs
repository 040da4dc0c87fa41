//! Partnership trends: agreements per period by type, party country or country pair; the
//! share of cross-border agreements by country pair; the most-connected organizations.
//! An agreement counts once per group it falls in, however many articles report it.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cdmo_store::analytics_rows::AnalyticsRows;
use polars::prelude::*;

use crate::error::AnalyticsError;
use crate::frames::Frames;
use crate::period::Period;
use crate::series::{SeriesPoint, TrendFilter, collect_series, no_group};

/// What an agreement series is split by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgreementGroupBy {
    /// Agreement type code.
    AgreementType,
    /// A party's country: an agreement counts once in each of its parties' countries.
    Country,
    /// A pair of distinct party countries ("CN-KR", sorted): cross-border agreements only.
    CountryPair,
}

/// Distinct (agreement_id, country) of parties with a known country.
fn party_countries(frames: &Frames) -> LazyFrame {
    frames
        .agreement_parties
        .clone()
        .lazy()
        .filter(col("country").is_not_null())
        .group_by([col("agreement_id"), col("country")])
        .agg([len().alias("n")])
        .select([col("agreement_id"), col("country")])
}

/// Agreements per period, split by `group_by` (None: one total series). `country` and
/// `region` keep agreements with at least one party there.
pub fn agreement_trend(
    frames: &Frames,
    period: Period,
    group_by: Option<AgreementGroupBy>,
    filter: &TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    let mut lf = frames
        .agreements
        .clone()
        .lazy()
        .filter(col("year").is_not_null().and(filter.date_expr()));
    if filter.country.is_some() || filter.region.is_some() {
        let mut e = lit(true);
        if let Some(c) = &filter.country {
            e = e.and(col("country").eq(lit(c.to_ascii_uppercase())));
        }
        if let Some(r) = &filter.region {
            e = e.and(col("region").eq(lit(r.clone())));
        }
        let with = frames
            .agreement_parties
            .clone()
            .lazy()
            .filter(e)
            .group_by([col("agreement_id")])
            .agg([len().alias("n")])
            .select([col("agreement_id")]);
        lf = lf.join(
            with,
            [col("id")],
            [col("agreement_id")],
            JoinArgs::new(JoinType::Inner),
        );
    }
    let group = match group_by {
        None => no_group(),
        Some(AgreementGroupBy::AgreementType) => col("agreement_type"),
        Some(AgreementGroupBy::Country) => {
            lf = lf.join(
                party_countries(frames)
                    .select([col("agreement_id"), col("country").alias("party_country")]),
                [col("id")],
                [col("agreement_id")],
                JoinArgs::new(JoinType::Inner),
            );
            col("party_country")
        }
        Some(AgreementGroupBy::CountryPair) => {
            let a =
                party_countries(frames).select([col("agreement_id"), col("country").alias("c1")]);
            let b = party_countries(frames).select([
                col("agreement_id").alias("aid2"),
                col("country").alias("c2"),
            ]);
            let pairs = a
                .join(
                    b,
                    [col("agreement_id")],
                    [col("aid2")],
                    JoinArgs::new(JoinType::Inner),
                )
                .filter(col("c1").lt(col("c2")))
                .select([
                    col("agreement_id").alias("pair_agreement"),
                    (col("c1") + lit("-") + col("c2")).alias("pair"),
                ]);
            lf = lf.join(
                pairs,
                [col("id")],
                [col("pair_agreement")],
                JoinArgs::new(JoinType::Inner),
            );
            col("pair")
        }
    };
    let lf = lf.select([
        col("year"),
        col("quarter"),
        col("month"),
        group.alias("group"),
        lit(1.0f64).alias("value"),
    ]);
    collect_series(lf, period)
}

/// Agreements between two countries, and their share of all classifiable agreements.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CountryPairShare {
    /// The two countries, sorted.
    pub countries: (String, String),
    pub agreements: u64,
    /// `agreements / classifiable` (0–1).
    pub share: f64,
}

/// Cross-border agreements overall and by country pair.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CrossBorder {
    /// Agreements with two or more parties whose countries are all known.
    pub classifiable: u64,
    /// Of those, agreements whose parties' countries differ.
    pub cross_border: u64,
    /// `cross_border / classifiable` (0 when nothing is classifiable).
    pub share: f64,
    /// Pairs, most agreements first (ties by countries). An agreement of three countries
    /// counts in each of its three pairs.
    pub pairs: Vec<CountryPairShare>,
}

/// The share of cross-border agreements, by country pair, within the filter's dates.
pub fn cross_border(rows: &AnalyticsRows, filter: &TrendFilter) -> CrossBorder {
    let countries: HashMap<i64, Option<&str>> = rows
        .organizations
        .iter()
        .map(|o| (o.id, o.country.as_deref()))
        .collect();
    let (mut classifiable, mut cross) = (0u64, 0u64);
    let mut pairs: BTreeMap<(String, String), u64> = BTreeMap::new();
    for a in &rows.agreements {
        if !in_range(a.date, filter) || a.party_ids.len() < 2 {
            continue;
        }
        let cs: Option<BTreeSet<&str>> = a
            .party_ids
            .iter()
            .map(|p| countries.get(p).copied().flatten())
            .collect();
        let Some(cs) = cs else { continue };
        if let Some(c) = &filter.country
            && !cs.contains(c.to_ascii_uppercase().as_str())
        {
            continue;
        }
        classifiable += 1;
        if cs.len() > 1 {
            cross += 1;
            let v: Vec<&str> = cs.into_iter().collect();
            for i in 0..v.len() {
                for j in i + 1..v.len() {
                    *pairs
                        .entry((v[i].to_string(), v[j].to_string()))
                        .or_default() += 1;
                }
            }
        }
    }
    let share = |n: u64| {
        if classifiable == 0 {
            0.0
        } else {
            n as f64 / classifiable as f64
        }
    };
    let mut pairs: Vec<CountryPairShare> = pairs
        .into_iter()
        .map(|(countries, agreements)| CountryPairShare {
            countries,
            agreements,
            share: share(agreements),
        })
        .collect();
    pairs.sort_by(|a, b| {
        b.agreements
            .cmp(&a.agreements)
            .then(a.countries.cmp(&b.countries))
    });
    CrossBorder {
        classifiable,
        cross_border: cross,
        share: share(cross),
        pairs,
    }
}

pub(crate) fn in_range(date: Option<chrono::NaiveDate>, filter: &TrendFilter) -> bool {
    match date {
        None => filter.from.is_none() && filter.to.is_none(),
        Some(d) => filter.from.is_none_or(|f| d >= f) && filter.to.is_none_or(|t| d <= t),
    }
}

/// An organization's place in the agreement network.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Connectedness {
    pub organization_id: i64,
    pub name: String,
    /// Distinct organizations it has an agreement with.
    pub degree: u64,
    /// Of those, partners whose country is known and differs from its own (known) country.
    pub foreign_partners: u64,
    /// Agreements it is a party to.
    pub agreements: u64,
}

/// The `limit` most-connected organizations: degree desc, foreign partners desc, name, id.
pub fn most_connected(rows: &AnalyticsRows, limit: usize) -> Vec<Connectedness> {
    let orgs: HashMap<i64, &cdmo_store::analytics_rows::OrganizationRow> =
        rows.organizations.iter().map(|o| (o.id, o)).collect();
    let mut partners: HashMap<i64, BTreeSet<i64>> = HashMap::new();
    let mut count: HashMap<i64, u64> = HashMap::new();
    for a in &rows.agreements {
        for &p in &a.party_ids {
            *count.entry(p).or_default() += 1;
            let set = partners.entry(p).or_default();
            set.extend(a.party_ids.iter().copied().filter(|q| *q != p));
        }
    }
    let mut out: Vec<Connectedness> = partners
        .into_iter()
        .filter_map(|(id, ps)| {
            let o = orgs.get(&id)?;
            let foreign = ps
                .iter()
                .filter(|q| {
                    let qc = orgs.get(q).and_then(|x| x.country.as_deref());
                    matches!((o.country.as_deref(), qc), (Some(a), Some(b)) if a != b)
                })
                .count() as u64;
            Some(Connectedness {
                organization_id: id,
                name: o.name.clone(),
                degree: ps.len() as u64,
                foreign_partners: foreign,
                agreements: count.get(&id).copied().unwrap_or(0),
            })
        })
        .filter(|c| c.degree > 0)
        .collect();
    out.sort_by(|a, b| {
        b.degree
            .cmp(&a.degree)
            .then(b.foreign_partners.cmp(&a.foreign_partners))
            .then(a.name.cmp(&b.name))
            .then(a.organization_id.cmp(&b.organization_id))
    });
    out.truncate(limit);
    out
}
