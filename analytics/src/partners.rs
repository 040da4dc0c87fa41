//! Partner ranking: CDMOs scored against a need, with the facts behind every criterion.
//!
//! Candidates are organizations of kind `cdmo`, and organizations of kind `biotech`, `pharma`
//! or `other` that operate at least one facility (the vocabulary has no "company" kind;
//! operators the extractor could not classify are `other`). Each criterion the need states
//! gets a fraction `f` in 0–1 and has a weight `w`:
//!
//! | criterion        | w | f                                                                 |
//! |------------------|---|-------------------------------------------------------------------|
//! | modalities       | 3 | share of the wanted modalities made at one of its facilities      |
//! | license_types    | 3 | share of the wanted licence types it holds                        |
//! | countries        | 2 | 1 if it or one of its facilities is in a wanted country, else 0   |
//! | regions          | 2 | 1 if it or one of its facilities is in a wanted region, else 0    |
//! | min_capacity     | 2 | 1 if an operational facility has ≥ the capacity; 0.5 if only a planned / under-construction / unknown-status one does |
//! | recency          | 1 | 1 if an article published on or after the date supports one of its licences or facilities |
//!
//! `score = Σ w·f / Σ w` over the stated criteria, rounded to 6 decimals (0–1). Candidates
//! scoring 0 are left out; ties are broken by name, then id, so the order is deterministic.

use std::collections::{BTreeSet, HashMap};

use cdmo_store::analytics_rows::{AnalyticsRows, FacilityRow, LicenseRow};
use chrono::NaiveDate;

use crate::error::AnalyticsError;

/// What a partner must offer; empty lists and None are "no requirement".
#[derive(Debug, Clone, Default)]
pub struct PartnerNeed {
    /// `vocab::Modality` codes.
    pub modalities: Vec<String>,
    /// ISO alpha-2 codes.
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    /// `vocab::LicenseType` codes.
    pub license_types: Vec<String>,
    pub min_capacity_liters: Option<f64>,
    /// Organization ids never to propose (e.g. the asker itself).
    pub exclude_organizations: Vec<i64>,
    /// Recency: evidence published on or after this date counts.
    pub evidence_since: Option<NaiveDate>,
}

/// One criterion of a need.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum Criterion {
    Modalities,
    LicenseTypes,
    Countries,
    Regions,
    MinCapacity,
    Recency,
}

impl Criterion {
    /// The criterion's weight in the score.
    pub fn weight(self) -> f64 {
        match self {
            Criterion::Modalities | Criterion::LicenseTypes => 3.0,
            Criterion::Countries | Criterion::Regions | Criterion::MinCapacity => 2.0,
            Criterion::Recency => 1.0,
        }
    }
}

/// A fact that matched a criterion.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum FactRef {
    License(i64),
    Facility(i64),
}

/// How a candidate fares on one criterion.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct CriterionMatch {
    pub criterion: Criterion,
    pub weight: f64,
    /// The fraction met, 0–1.
    pub fraction: f64,
    /// Whether any of it is met (`fraction > 0`).
    pub matched: bool,
    /// The wanted values it meets (modality, licence type, country or region codes).
    pub matched_values: Vec<String>,
    /// The facts that meet it, in kind then id order.
    pub facts: Vec<FactRef>,
}

/// A ranked candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartnerCandidate {
    pub organization_id: i64,
    pub name: String,
    pub score: f64,
    /// One entry per criterion the need states, in the need's criterion order.
    pub criteria: Vec<CriterionMatch>,
}

fn is_candidate_kind(kind: &str, operates: bool) -> bool {
    kind == "cdmo" || (operates && matches!(kind, "biotech" | "pharma" | "other"))
}

fn recent(dates: &[NaiveDate], since: NaiveDate) -> bool {
    dates.last().is_some_and(|d| *d >= since)
}

/// Ranks candidates for `need`, best first; an empty need is an invalid argument.
pub fn rank_partners(
    rows: &AnalyticsRows,
    need: &PartnerNeed,
) -> Result<Vec<PartnerCandidate>, AnalyticsError> {
    let mut stated = Vec::new();
    if !need.modalities.is_empty() {
        stated.push(Criterion::Modalities);
    }
    if !need.license_types.is_empty() {
        stated.push(Criterion::LicenseTypes);
    }
    if !need.countries.is_empty() {
        stated.push(Criterion::Countries);
    }
    if !need.regions.is_empty() {
        stated.push(Criterion::Regions);
    }
    if let Some(c) = need.min_capacity_liters {
        if !c.is_finite() || c < 0.0 {
            return Err(AnalyticsError::InvalidArgument(
                "the minimum capacity must be a non-negative number".into(),
            ));
        }
        stated.push(Criterion::MinCapacity);
    }
    if need.evidence_since.is_some() {
        stated.push(Criterion::Recency);
    }
    if stated.is_empty() {
        return Err(AnalyticsError::InvalidArgument(
            "a need states at least one criterion".into(),
        ));
    }
    let countries: BTreeSet<String> = need
        .countries
        .iter()
        .map(|c| c.to_ascii_uppercase())
        .collect();
    let regions: BTreeSet<&str> = need.regions.iter().map(String::as_str).collect();
    let total_weight: f64 = stated.iter().map(|c| c.weight()).sum();

    let mut facilities: HashMap<i64, Vec<&FacilityRow>> = HashMap::new();
    for f in &rows.facilities {
        facilities.entry(f.operator_id).or_default().push(f);
    }
    let mut licenses: HashMap<i64, Vec<&LicenseRow>> = HashMap::new();
    for l in &rows.licenses {
        licenses.entry(l.holder_id).or_default().push(l);
    }

    let mut out = Vec::new();
    for o in &rows.organizations {
        let fs = facilities.get(&o.id).map_or(&[][..], Vec::as_slice);
        let ls = licenses.get(&o.id).map_or(&[][..], Vec::as_slice);
        if !is_candidate_kind(&o.kind, !fs.is_empty()) || need.exclude_organizations.contains(&o.id)
        {
            continue;
        }
        let mut criteria = Vec::with_capacity(stated.len());
        for &criterion in &stated {
            let mut values = BTreeSet::new();
            let mut facts = BTreeSet::new();
            let fraction = match criterion {
                Criterion::Modalities => {
                    for f in fs {
                        for m in f.modalities.iter().filter(|m| need.modalities.contains(m)) {
                            values.insert(m.clone());
                            facts.insert(FactRef::Facility(f.id));
                        }
                    }
                    let wanted: BTreeSet<&String> = need.modalities.iter().collect();
                    values.len() as f64 / wanted.len() as f64
                }
                Criterion::LicenseTypes => {
                    for l in ls
                        .iter()
                        .filter(|l| need.license_types.contains(&l.license_type))
                    {
                        values.insert(l.license_type.clone());
                        facts.insert(FactRef::License(l.id));
                    }
                    let wanted: BTreeSet<&String> = need.license_types.iter().collect();
                    values.len() as f64 / wanted.len() as f64
                }
                Criterion::Countries => {
                    if let Some(c) = o.country.as_ref().filter(|c| countries.contains(*c)) {
                        values.insert(c.clone());
                    }
                    for f in fs {
                        if let Some(c) = f.country.as_ref().filter(|c| countries.contains(*c)) {
                            values.insert(c.clone());
                            facts.insert(FactRef::Facility(f.id));
                        }
                    }
                    if values.is_empty() { 0.0 } else { 1.0 }
                }
                Criterion::Regions => {
                    if let Some(r) = o.region.as_deref().filter(|r| regions.contains(r)) {
                        values.insert(r.to_string());
                    }
                    for f in fs {
                        if let Some(r) = f.region.as_deref().filter(|r| regions.contains(r)) {
                            values.insert(r.to_string());
                            facts.insert(FactRef::Facility(f.id));
                        }
                    }
                    if values.is_empty() { 0.0 } else { 1.0 }
                }
                Criterion::MinCapacity => {
                    let min = need.min_capacity_liters.unwrap_or(0.0);
                    let mut best: f64 = 0.0;
                    for f in fs {
                        if f.capacity_liters.is_some_and(|c| c >= min) {
                            facts.insert(FactRef::Facility(f.id));
                            best = best.max(if f.status.as_deref() == Some("operational") {
                                1.0
                            } else {
                                0.5
                            });
                        }
                    }
                    best
                }
                Criterion::Recency => {
                    let since = need.evidence_since.unwrap_or(NaiveDate::MIN);
                    for f in fs.iter().filter(|f| recent(&f.evidence_dates, since)) {
                        facts.insert(FactRef::Facility(f.id));
                    }
                    for l in ls.iter().filter(|l| recent(&l.evidence_dates, since)) {
                        facts.insert(FactRef::License(l.id));
                    }
                    if facts.is_empty() { 0.0 } else { 1.0 }
                }
            };
            criteria.push(CriterionMatch {
                criterion,
                weight: criterion.weight(),
                fraction,
                matched: fraction > 0.0,
                matched_values: values.into_iter().collect(),
                facts: facts.into_iter().collect(),
            });
        }
        let raw: f64 = criteria.iter().map(|c| c.weight * c.fraction).sum::<f64>() / total_weight;
        let score = (raw * 1e6).round() / 1e6;
        if score > 0.0 {
            out.push(PartnerCandidate {
                organization_id: o.id,
                name: o.name.clone(),
                score,
                criteria,
            });
        }
    }
    out.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.name.cmp(&b.name))
            .then(a.organization_id.cmp(&b.organization_id))
    });
    Ok(out)
}
