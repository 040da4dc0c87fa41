//! Regional summaries: per country, or per region of a country, the organizations by kind,
//! licences by type, operational and planned capacity, agreements, policies, latest events.
//! Policies are national: a region's summary counts the policies of its country.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use cdmo_store::analytics_rows::{AnalyticsRows, OrganizationRow};
use chrono::NaiveDate;

/// The kind of fact an event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
pub enum EventKind {
    License,
    Facility,
    Agreement,
    Policy,
}

/// A dated fact in a place.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionalEvent {
    pub kind: EventKind,
    pub id: i64,
    /// First day of the fact's date (a facility's: the date of its latest report).
    pub date: NaiveDate,
}

/// What is known about one country or region.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct RegionalSummary {
    pub country: String,
    /// None for the whole country.
    pub region: Option<String>,
    /// (kind code, organizations), by kind code.
    pub organizations_by_kind: Vec<(String, u64)>,
    /// (licence type code, licences), by type code.
    pub licenses_by_type: Vec<(String, u64)>,
    pub facilities: u64,
    /// Latest reported capacity of operational facilities, litres.
    pub operational_capacity_liters: f64,
    /// Latest reported capacity of planned and under-construction facilities, litres.
    pub planned_capacity_liters: f64,
    /// Agreements with at least one party here.
    pub agreements: u64,
    pub policies: u64,
    /// The most recent dated facts here, newest first (ties by kind, then id).
    pub latest_events: Vec<RegionalEvent>,
}

/// How many latest events a summary lists.
pub const LATEST_EVENTS: usize = 5;

fn here(country: Option<&str>, region: Option<&str>, want_c: &str, want_r: Option<&str>) -> bool {
    country == Some(want_c) && want_r.is_none_or(|r| region == Some(r))
}

/// The summary of `country` (ISO alpha-2), or of `region` in it; None when nothing is known
/// there.
pub fn regional_summary(
    rows: &AnalyticsRows,
    country: &str,
    region: Option<&str>,
) -> Option<RegionalSummary> {
    let country = country.to_ascii_uppercase();
    let c = country.as_str();
    let orgs: HashMap<i64, &OrganizationRow> =
        rows.organizations.iter().map(|o| (o.id, o)).collect();
    let mut events = Vec::new();

    let mut kinds: BTreeMap<String, u64> = BTreeMap::new();
    for o in rows
        .organizations
        .iter()
        .filter(|o| here(o.country.as_deref(), o.region.as_deref(), c, region))
    {
        *kinds.entry(o.kind.clone()).or_default() += 1;
    }

    let mut types: BTreeMap<String, u64> = BTreeMap::new();
    for l in &rows.licenses {
        let holder = orgs.get(&l.holder_id);
        let lc = l
            .country
            .as_deref()
            .or_else(|| holder.and_then(|h| h.country.as_deref()));
        let lr = holder.and_then(|h| h.region.as_deref());
        if here(lc, lr, c, region) {
            *types.entry(l.license_type.clone()).or_default() += 1;
            if let Some(d) = l.date {
                events.push(RegionalEvent {
                    kind: EventKind::License,
                    id: l.id,
                    date: d,
                });
            }
        }
    }

    let (mut facilities, mut operational, mut planned) = (0u64, 0.0, 0.0);
    for f in rows
        .facilities
        .iter()
        .filter(|f| here(f.country.as_deref(), f.region.as_deref(), c, region))
    {
        facilities += 1;
        let cap = f.capacity_liters.unwrap_or(0.0);
        match f.status.as_deref() {
            Some("operational") => operational += cap,
            Some("planned") | Some("under_construction") => planned += cap,
            _ => {}
        }
        if let Some(d) = f.reported_on {
            events.push(RegionalEvent {
                kind: EventKind::Facility,
                id: f.id,
                date: d,
            });
        }
    }

    let mut agreements = 0u64;
    for a in &rows.agreements {
        let places: BTreeSet<bool> = a
            .party_ids
            .iter()
            .filter_map(|p| orgs.get(p))
            .map(|o| here(o.country.as_deref(), o.region.as_deref(), c, region))
            .collect();
        if places.contains(&true) {
            agreements += 1;
            if let Some(d) = a.date {
                events.push(RegionalEvent {
                    kind: EventKind::Agreement,
                    id: a.id,
                    date: d,
                });
            }
        }
    }

    let mut policies = 0u64;
    for p in rows
        .policies
        .iter()
        .filter(|p| p.country.as_deref() == Some(c))
    {
        policies += 1;
        if let Some(d) = p.date {
            events.push(RegionalEvent {
                kind: EventKind::Policy,
                id: p.id,
                date: d,
            });
        }
    }

    let organizations = kinds.values().sum::<u64>();
    if organizations + facilities + agreements + types.values().sum::<u64>() == 0
        && (region.is_some() || policies == 0)
    {
        return None;
    }
    events.sort_by(|a, b| {
        b.date
            .cmp(&a.date)
            .then(a.kind.cmp(&b.kind))
            .then(a.id.cmp(&b.id))
    });
    events.truncate(LATEST_EVENTS);
    Some(RegionalSummary {
        country,
        region: region.map(str::to_string),
        organizations_by_kind: kinds.into_iter().collect(),
        licenses_by_type: types.into_iter().collect(),
        facilities,
        operational_capacity_liters: operational,
        planned_capacity_liters: planned,
        agreements,
        policies,
        latest_events: events,
    })
}

/// Summaries of every country with known facts or organizations, each followed by its
/// regions (in name order).
pub fn regional_summaries(rows: &AnalyticsRows) -> Vec<RegionalSummary> {
    let mut places: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut add = |c: Option<&str>, r: Option<&str>| {
        if let Some(c) = c {
            let e = places.entry(c.to_string()).or_default();
            if let Some(r) = r {
                e.insert(r.to_string());
            }
        }
    };
    for o in &rows.organizations {
        add(o.country.as_deref(), o.region.as_deref());
    }
    for f in &rows.facilities {
        add(f.country.as_deref(), f.region.as_deref());
    }
    for l in &rows.licenses {
        add(l.country.as_deref(), None);
    }
    for p in &rows.policies {
        add(p.country.as_deref(), None);
    }
    let mut out = Vec::new();
    for (c, regions) in places {
        out.extend(regional_summary(rows, &c, None));
        for r in regions {
            out.extend(regional_summary(rows, &c, Some(&r)));
        }
    }
    out
}
