//! The graph as flat rows for the analytics crate: every current (not retracted) fact with
//! the columns trends and rankings group by, read in a fixed number of statements.

use std::collections::HashMap;
use std::sync::Arc;

use chrono::NaiveDate;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use crate::db::Store;
use crate::entities::{
    agreement, agreement_party, article, evidence, facility, facility_modality, license,
    organization, policy,
};
use crate::error::StoreError;

/// An organization: what rankings and summaries show and group by.
#[derive(Debug, Clone, PartialEq)]
pub struct OrganizationRow {
    pub id: i64,
    pub name: String,
    /// `vocab::OrganizationKind` code.
    pub kind: String,
    pub country: Option<String>,
    pub region: Option<String>,
}

/// A licence, with its date as stored (first day + `year | month | day` precision).
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseRow {
    pub id: i64,
    pub holder_id: i64,
    pub license_type: String,
    pub authority_id: Option<i64>,
    pub country: Option<String>,
    pub date: Option<NaiveDate>,
    pub date_precision: Option<String>,
    /// Publication dates (first day) of the articles that support it, oldest first.
    pub evidence_dates: Vec<NaiveDate>,
}

/// A facility with its latest reported capacity and status (one row per facility, so a
/// capacity reported again is never counted twice).
#[derive(Debug, Clone, PartialEq)]
pub struct FacilityRow {
    pub id: i64,
    pub operator_id: i64,
    pub name: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub capacity_liters: Option<f64>,
    /// `vocab::FacilityStatus` code.
    pub status: Option<String>,
    /// `vocab::Modality` codes, sorted.
    pub modalities: Vec<String>,
    /// The date of the article that reported the current capacity/status.
    pub reported_on: Option<NaiveDate>,
    /// How precisely that article was dated (`year | month | day`): the reporting article's
    /// precision, found among the facility's evidence; None when no article has that date.
    pub reported_precision: Option<String>,
    /// Publication dates (first day) of the articles that support it, oldest first.
    pub evidence_dates: Vec<NaiveDate>,
    /// Articles that support it, in evidence order (the "sources" of a capacity).
    pub article_ids: Vec<i64>,
}

/// An agreement with the ids of its parties.
#[derive(Debug, Clone, PartialEq)]
pub struct AgreementRow {
    pub id: i64,
    /// `vocab::AgreementType` code.
    pub agreement_type: String,
    pub date: Option<NaiveDate>,
    pub date_precision: Option<String>,
    pub value_usd: Option<f64>,
    /// Party organization ids, sorted.
    pub party_ids: Vec<i64>,
}

/// A policy (national: policies carry a country, not a region).
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyRow {
    pub id: i64,
    pub name: Option<String>,
    pub country: Option<String>,
    pub date: Option<NaiveDate>,
    pub date_precision: Option<String>,
}

/// Everything the analytics read, as plain rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AnalyticsRows {
    pub organizations: Vec<OrganizationRow>,
    pub licenses: Vec<LicenseRow>,
    pub facilities: Vec<FacilityRow>,
    pub agreements: Vec<AgreementRow>,
    pub policies: Vec<PolicyRow>,
}

/// The rows last read and the data version they were read at.
#[derive(Default)]
pub struct RowsCache(tokio::sync::Mutex<Option<(String, Arc<AnalyticsRows>)>>);

impl std::fmt::Debug for RowsCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RowsCache")
    }
}

/// The current rows, read again only when the data version ([`crate::meta::data_version`],
/// one statement) changed since the last read. Concurrent callers wait for one read instead
/// of each loading the whole graph: under load that is the difference between one copy of the
/// graph in memory and one per request. Rows are never older than the version they are kept
/// under (a write between reading the version and the rows only makes the next call read
/// again).
pub async fn current_analytics_rows(store: &Store) -> Result<Arc<AnalyticsRows>, StoreError> {
    let version = crate::meta::data_version(store).await?;
    let mut slot = store.rows_cache().0.lock().await;
    if let Some((v, rows)) = slot.as_ref()
        && *v == version
    {
        return Ok(rows.clone());
    }
    let rows = Arc::new(analytics_rows(store).await?);
    *slot = Some((version, rows.clone()));
    Ok(rows)
}

/// Reads every organization and every current fact (retracted facts are left out; evidence
/// superseded by a newer extractor is not a source). Nine statements, whatever the size.
pub async fn analytics_rows(store: &Store) -> Result<AnalyticsRows, StoreError> {
    let db = store.conn();
    let organizations = organization::Entity::find()
        .order_by_asc(organization::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|o| OrganizationRow {
            id: o.id,
            name: o.name,
            kind: o.kind,
            country: o.country,
            region: o.region,
        })
        .collect();

    let articles: HashMap<i64, (Option<NaiveDate>, Option<String>)> = article::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|a| (a.id, (a.published, a.published_precision)))
        .collect();
    let evidence = evidence::Entity::find()
        .filter(evidence::Column::SupersededAt.is_null())
        .order_by_asc(evidence::Column::Id)
        .all(db)
        .await?;
    let mut license_articles: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut facility_articles: HashMap<i64, Vec<i64>> = HashMap::new();
    for e in evidence {
        if let Some(id) = e.license_id {
            license_articles.entry(id).or_default().push(e.article_id);
        }
        if let Some(id) = e.facility_id {
            facility_articles.entry(id).or_default().push(e.article_id);
        }
    }
    let dates_of = |ids: &[i64]| -> Vec<NaiveDate> {
        let mut d: Vec<NaiveDate> = ids
            .iter()
            .filter_map(|a| articles.get(a).and_then(|(p, _)| *p))
            .collect();
        d.sort();
        d
    };

    let licenses = license::Entity::find()
        .filter(license::Column::RetractedAt.is_null())
        .order_by_asc(license::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|l| LicenseRow {
            evidence_dates: dates_of(license_articles.get(&l.id).map_or(&[], Vec::as_slice)),
            id: l.id,
            holder_id: l.holder_id,
            license_type: l.license_type,
            authority_id: l.authority_id,
            country: l.country,
            date: l.date,
            date_precision: l.date_precision,
        })
        .collect();

    let mut modalities: HashMap<i64, Vec<String>> = HashMap::new();
    for m in facility_modality::Entity::find().all(db).await? {
        modalities
            .entry(m.facility_id)
            .or_default()
            .push(m.modality);
    }
    let facilities = facility::Entity::find()
        .filter(facility::Column::RetractedAt.is_null())
        .order_by_asc(facility::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|f| {
            let article_ids = facility_articles.remove(&f.id).unwrap_or_default();
            // The reporting article is the one whose date is `reported_on`; the most
            // precise such date wins (a day-dated report is not made vaguer by a year-dated
            // one of the same first day).
            let reported_precision = f.reported_on.and_then(|r| {
                article_ids
                    .iter()
                    .filter_map(|a| articles.get(a))
                    .filter(|(p, _)| *p == Some(r))
                    .filter_map(|(_, prec)| prec.clone())
                    .max_by_key(|p| precision_rank(p))
            });
            let mut mods = modalities.remove(&f.id).unwrap_or_default();
            mods.sort();
            FacilityRow {
                evidence_dates: dates_of(&article_ids),
                article_ids,
                id: f.id,
                operator_id: f.operator_id,
                name: f.name,
                country: f.country,
                region: f.region,
                capacity_liters: f.capacity_liters,
                status: f.status,
                modalities: mods,
                reported_on: f.reported_on,
                reported_precision,
            }
        })
        .collect();

    let mut parties: HashMap<i64, Vec<i64>> = HashMap::new();
    for p in agreement_party::Entity::find().all(db).await? {
        parties
            .entry(p.agreement_id)
            .or_default()
            .push(p.organization_id);
    }
    let agreements = agreement::Entity::find()
        .filter(agreement::Column::RetractedAt.is_null())
        .order_by_asc(agreement::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|a| {
            let mut party_ids = parties.remove(&a.id).unwrap_or_default();
            party_ids.sort_unstable();
            AgreementRow {
                id: a.id,
                agreement_type: a.agreement_type,
                date: a.date,
                date_precision: a.date_precision,
                value_usd: a.value_usd,
                party_ids,
            }
        })
        .collect();

    let policies = policy::Entity::find()
        .filter(policy::Column::RetractedAt.is_null())
        .order_by_asc(policy::Column::Id)
        .all(db)
        .await?
        .into_iter()
        .map(|p| PolicyRow {
            id: p.id,
            name: p.name,
            country: p.country,
            date: p.date,
            date_precision: p.date_precision,
        })
        .collect();

    Ok(AnalyticsRows {
        organizations,
        licenses,
        facilities,
        agreements,
        policies,
    })
}

fn precision_rank(p: &str) -> u8 {
    match p {
        "day" => 2,
        "month" => 1,
        _ => 0,
    }
}
