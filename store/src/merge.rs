//! Merging one document's extraction record into the graph, in one transaction: the same
//! article twice changes nothing, and the same fact from a second article gains evidence.
//!
//! Identity rules (what counts as "the same" when a second article reports it):
//! - organization: any of its names (canonical or alias) has the same `name_key`;
//! - facility: same operator, and the same name, or the same city, or the operator's only
//!   facility when neither report names it;
//! - licence: same holder and type, compatible dates (equal, or one a coarser form of the
//!   other, or one unknown) and compatible facilities;
//! - agreement: same set of parties, compatible dates, and the same type (or either `other`,
//!   or both dated to the month);
//! - policy: a shared agency, and the same name when both are named, else compatible dates
//!   and overlapping focus.

use std::collections::{BTreeSet, HashMap, HashSet};

use chrono::{NaiveDate, Utc};
use sea_orm::prelude::DateTimeUtc;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect, Set, SqlErr, TransactionTrait,
};
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::date::PartialDate;
use crate::db::Store;
use crate::entities::{
    agreement, agreement_party, article, article_organization, article_page, article_url, evidence,
    facility, facility_modality, license, organization, organization_alias, policy, policy_agency,
    policy_focus,
};
use crate::error::StoreError;
use crate::names::{clean_display, name_key};
use crate::record::{
    AgreementRecord, ExtractionRecord, FacilityRecord, LicenseRecord, OrganizationRecord,
    PolicyRecord,
};
use crate::vocab::{AgreementType, FactKind, OrganizationKind};

/// Similarity from which a new name is taken for a stored organization's (see
/// `names::name_similarity`); "Samsung Bioepis" and "Samsung Biologics" score 0.92.
pub const FUZZY_MATCH: f64 = 0.95;
/// How far the best candidate must lead the second for the match to be made.
pub const FUZZY_MARGIN: f64 = 0.03;

/// One document to merge: its record, its full text and where it came from.
#[derive(Debug, Clone, Copy)]
pub struct DocumentInput<'a> {
    pub record: &'a ExtractionRecord,
    pub text: &'a str,
    pub source_id: Option<&'a str>,
    pub extractor_version: &'a str,
    /// What a web fetch adds: the page itself and the URL it was fetched at.
    pub web: Option<WebPage<'a>>,
}

/// A fetched page behind a document.
#[derive(Clone, Copy)]
pub struct WebPage<'a> {
    /// The URL fetched (after redirects); kept beside the canonical URL.
    pub fetched_url: &'a str,
    /// The page's bytes as fetched, gzip-compressed by the caller.
    pub raw_gzip: &'a [u8],
    pub content_type: Option<&'a str>,
    /// Simhash of the text, stored for later near-duplicate checks.
    pub simhash: u64,
    /// Stored articles whose simhash is close to this one's, nearest first: the caller
    /// keeps the recent simhashes in memory (see `recent_simhashes`), so no table is
    /// scanned per article.
    pub near_candidates: &'a [i64],
    /// Decides whether a candidate's stored text tells the same story as this one (the
    /// simhash only finds candidates; a false merge would hide an article).
    pub same_story: &'a (dyn Fn(&str) -> bool + Sync),
}

impl std::fmt::Debug for WebPage<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WebPage")
            .field("fetched_url", &self.fetched_url)
            .field("raw_bytes", &self.raw_gzip.len())
            .field("content_type", &self.content_type)
            .field("simhash", &self.simhash)
            .finish_non_exhaustive()
    }
}

/// At most this many simhash candidates are read back and compared shingle by shingle.
const NEAR_DUPLICATE_CANDIDATES: usize = 5;

/// How many of the newest articles a near-duplicate is looked for among: syndicated
/// copies appear within days, and the list is kept in memory by each run.
pub const NEAR_DUPLICATE_WINDOW: u64 = 50_000;

/// (id, simhash) of the newest `NEAR_DUPLICATE_WINDOW` articles that have one, newest first.
pub async fn recent_simhashes(store: &Store) -> Result<Vec<(i64, u64)>, StoreError> {
    let rows: Vec<(i64, Option<i64>)> = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .column(article::Column::Simhash)
        .filter(article::Column::Simhash.is_not_null())
        .order_by_desc(article::Column::Id)
        .limit(NEAR_DUPLICATE_WINDOW)
        .into_tuple()
        .all(store.conn())
        .await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, h)| h.map(|h| (id, h as u64)))
        .collect())
}

/// Why an article was recognised as already stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DuplicateReason {
    SameUrl,
    SameContent,
    /// A syndicated or lightly rewritten copy (simhash within the threshold).
    NearDuplicate,
}

impl DuplicateReason {
    fn relation(self) -> &'static str {
        match self {
            DuplicateReason::SameUrl => "canonical",
            DuplicateReason::SameContent => "same_content",
            DuplicateReason::NearDuplicate => "near_duplicate",
        }
    }
}

/// What merging one document did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum MergeOutcome {
    Duplicate {
        article_id: i64,
        reason: DuplicateReason,
    },
    Merged {
        article_id: i64,
        stats: MergeStats,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct MergeStats {
    pub organizations_created: u32,
    pub facts_created: u32,
    pub facts_merged: u32,
    pub evidence_added: u32,
}

/// Hash of the text with white space collapsed, so re-wrapped copies of one text match.
pub fn content_hash(text: &str) -> String {
    let normalised = text.split_whitespace().collect::<Vec<_>>().join(" ");
    hex::encode(Sha256::digest(normalised.as_bytes()))
}

/// The form of a URL used to recognise the same article: lower-case scheme and host, no
/// fragment, no tracking parameters, no trailing slash.
pub fn canonical_url(url: &str) -> String {
    let url = url.trim();
    let without_fragment = url.split('#').next().unwrap_or(url);
    let (base, query) = match without_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (without_fragment, None),
    };
    let base = match base.split_once("://") {
        Some((scheme, rest)) => {
            let (host, path) = match rest.find('/') {
                Some(i) => (&rest[..i], &rest[i..]),
                None => (rest, ""),
            };
            let path = if path.len() > 1 {
                path.trim_end_matches('/')
            } else {
                ""
            };
            format!(
                "{}://{}{}",
                scheme.to_ascii_lowercase(),
                host.to_ascii_lowercase(),
                path
            )
        }
        None => base.to_string(),
    };
    let kept: Vec<&str> = query
        .map(|q| {
            q.split('&')
                .filter(|p| {
                    let k = p.split('=').next().unwrap_or("").to_ascii_lowercase();
                    !p.is_empty()
                        && !k.starts_with("utm_")
                        && !matches!(k.as_str(), "fbclid" | "gclid" | "ref" | "from")
                })
                .collect()
        })
        .unwrap_or_default();
    if kept.is_empty() {
        base
    } else {
        format!("{base}?{}", kept.join("&"))
    }
}

fn split_date(d: Option<PartialDate>) -> (Option<NaiveDate>, Option<String>) {
    match d {
        Some(d) => (
            Some(d.first_day()),
            Some(d.precision().as_str().to_string()),
        ),
        None => (None, None),
    }
}

/// Rebuilds a stored date (first day + precision); a missing precision means a full date.
pub fn stored_date(date: Option<NaiveDate>, precision: Option<&str>) -> Option<PartialDate> {
    let date = date?;
    let precision = precision
        .and_then(|p| p.parse().ok())
        .unwrap_or(crate::date::Precision::Day);
    Some(PartialDate::from_parts(date, precision))
}

fn dates_compatible(a: Option<PartialDate>, b: Option<PartialDate>) -> bool {
    match (a, b) {
        (Some(a), Some(b)) => a.is_compatible(&b),
        _ => true,
    }
}

fn refine_date(old: Option<PartialDate>, new: Option<PartialDate>) -> Option<PartialDate> {
    match (old, new) {
        (Some(o), Some(n)) => Some(o.more_precise(n)),
        (o, n) => o.or(n),
    }
}

/// Merges `input` into the store in one transaction. Re-merging the same article (same
/// canonical URL or same content) is a no-op that reports the stored article.
pub async fn merge_document(
    store: &Store,
    input: DocumentInput<'_>,
) -> Result<MergeOutcome, StoreError> {
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let source = &input.record.source;
    let url = source.url.as_deref().map(canonical_url);
    let hash = content_hash(input.text);
    let urls = article_urls(url.as_deref(), input.web.as_ref());

    if let Some(dup) = find_duplicate(&txn, &urls, &hash, input.web.as_ref()).await? {
        if let MergeOutcome::Duplicate { article_id, reason } = dup {
            record_urls(&txn, article_id, &urls, reason.relation()).await?;
        }
        txn.commit().await?;
        return Ok(dup);
    }

    let now = Utc::now();
    let (published, published_precision) = split_date(source.published);
    let inserted = article::ActiveModel {
        url: Set(url.clone()),
        publisher: Set(source.publisher.clone()),
        published: Set(published),
        published_precision: Set(published_precision),
        language: Set(source.language.as_str().to_string()),
        title: Set(source.title.clone()),
        text: Set(input.text.to_string()),
        content_hash: Set(hash.clone()),
        source_id: Set(input.source_id.map(str::to_string)),
        ingested_at: Set(now),
        simhash: Set(input.web.map(|w| w.simhash as i64)),
        ..Default::default()
    }
    .insert(&txn)
    .await;
    let article = match inserted {
        Ok(a) => a,
        // A concurrent writer (another worker on PostgreSQL) stored it first.
        Err(e) if matches!(e.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))) => {
            txn.rollback().await?;
            let conn = store.conn().begin().await?;
            let dup = find_duplicate(&conn, &urls, &hash, None).await?;
            conn.rollback().await?;
            return dup.ok_or(StoreError::Db(e));
        }
        Err(e) => return Err(e.into()),
    };
    record_urls(&txn, article.id, &urls, "canonical").await?;
    if let Some(web) = input.web {
        article_page::ActiveModel {
            article_id: Set(article.id),
            raw_gzip: Set(web.raw_gzip.to_vec()),
            content_type: Set(web.content_type.map(str::to_string)),
            fetched_at: Set(now),
        }
        .insert(&txn)
        .await?;
    }

    let mut merger = Merger {
        txn: &txn,
        now,
        article_id: article.id,
        article_date: source.published,
        version: input.extractor_version,
        org_cache: HashMap::new(),
        mentioned: BTreeSet::new(),
        stats: MergeStats::default(),
        touched: HashSet::new(),
        rereading: false,
    };
    merger.merge_record(input.record).await?;
    let stats = merger.stats.clone();
    txn.commit().await?;
    Ok(MergeOutcome::Merged {
        article_id: article.id,
        stats,
    })
}

/// The URLs a document is known by: its canonical URL first, then the one fetched.
fn article_urls(canonical: Option<&str>, web: Option<&WebPage<'_>>) -> Vec<String> {
    let mut urls: Vec<String> = canonical.map(str::to_string).into_iter().collect();
    if let Some(w) = web {
        let fetched = canonical_url(w.fetched_url);
        if !urls.contains(&fetched) {
            urls.push(fetched);
        }
    }
    urls
}

/// Adds `urls` to the addresses of `article_id`; addresses already known are left as
/// they are (the first relation recorded stays).
async fn record_urls(
    txn: &DatabaseTransaction,
    article_id: i64,
    urls: &[String],
    relation: &str,
) -> Result<(), StoreError> {
    for (i, url) in urls.iter().enumerate() {
        let relation = if i == 0 { relation } else { "fetched" };
        let row = article_url::ActiveModel {
            article_id: Set(article_id),
            url: Set(url.clone()),
            relation: Set(relation.to_string()),
            first_seen: Set(Utc::now()),
            ..Default::default()
        };
        article_url::Entity::insert(row)
            .on_conflict_do_nothing_on([article_url::Column::Url])
            .exec(txn)
            .await?;
    }
    Ok(())
}

/// The stored article that `url` (in any form that canonicalises the same) belongs to.
pub async fn article_for_url(store: &Store, url: &str) -> Result<Option<i64>, StoreError> {
    let conn = store.conn().begin().await?;
    let found = article_by_urls(&conn, &[canonical_url(url)]).await?;
    conn.rollback().await?;
    Ok(found)
}

async fn article_by_urls(
    txn: &DatabaseTransaction,
    urls: &[String],
) -> Result<Option<i64>, StoreError> {
    if urls.is_empty() {
        return Ok(None);
    }
    if let Some(a) = article::Entity::find()
        .filter(article::Column::Url.is_in(urls.iter().cloned()))
        .one(txn)
        .await?
    {
        return Ok(Some(a.id));
    }
    Ok(article_url::Entity::find()
        .filter(article_url::Column::Url.is_in(urls.iter().cloned()))
        .one(txn)
        .await?
        .map(|u| u.article_id))
}

async fn find_duplicate(
    txn: &DatabaseTransaction,
    urls: &[String],
    hash: &str,
    web: Option<&WebPage<'_>>,
) -> Result<Option<MergeOutcome>, StoreError> {
    if let Some(article_id) = article_by_urls(txn, urls).await? {
        return Ok(Some(MergeOutcome::Duplicate {
            article_id,
            reason: DuplicateReason::SameUrl,
        }));
    }
    if let Some(a) = article::Entity::find()
        .select_only()
        .column(article::Column::Id)
        .filter(article::Column::ContentHash.eq(hash))
        .into_tuple::<i64>()
        .one(txn)
        .await?
    {
        return Ok(Some(MergeOutcome::Duplicate {
            article_id: a,
            reason: DuplicateReason::SameContent,
        }));
    }
    let Some(web) = web else { return Ok(None) };
    for &id in web.near_candidates.iter().take(NEAR_DUPLICATE_CANDIDATES) {
        let text: Option<String> = article::Entity::find_by_id(id)
            .select_only()
            .column(article::Column::Text)
            .into_tuple()
            .one(txn)
            .await?;
        if text.is_some_and(|t| (web.same_story)(&t)) {
            return Ok(Some(MergeOutcome::Duplicate {
                article_id: id,
                reason: DuplicateReason::NearDuplicate,
            }));
        }
    }
    Ok(None)
}

struct Merger<'t> {
    txn: &'t DatabaseTransaction,
    now: DateTimeUtc,
    article_id: i64,
    article_date: Option<PartialDate>,
    version: &'t str,
    org_cache: HashMap<String, i64>,
    mentioned: BTreeSet<i64>,
    stats: MergeStats,
    /// Facts this record matched or created.
    touched: HashSet<(FactKind, i64)>,
    /// Re-reading a stored article: evidence and mentions already there are not repeated.
    rereading: bool,
}

impl Merger<'_> {
    async fn merge_record(&mut self, record: &ExtractionRecord) -> Result<(), StoreError> {
        let mut org_ids = Vec::with_capacity(record.organizations.len());
        for org in &record.organizations {
            org_ids.push(self.upsert_organization(org).await?);
        }
        for (org, id) in record.organizations.iter().zip(&org_ids) {
            if let Some(parent) = &org.parent {
                let parent_id = self.resolve(parent, OrganizationKind::Other).await?;
                if parent_id != *id {
                    self.set_parent(*id, parent_id).await?;
                }
            }
        }
        let mut facility_ids: HashMap<(i64, String), i64> = HashMap::new();
        for f in &record.facilities {
            let (operator_id, id) = self.merge_facility(f).await?;
            if let Some(name) = &f.name {
                facility_ids.insert((operator_id, name_key(name)), id);
            }
        }
        for l in &record.licenses {
            self.merge_license(l, &facility_ids).await?;
        }
        for a in &record.agreements {
            self.merge_agreement(a).await?;
        }
        for p in &record.policies {
            self.merge_policy(p).await?;
        }
        for org_id in std::mem::take(&mut self.mentioned) {
            if self.rereading
                && article_organization::Entity::find_by_id((self.article_id, org_id))
                    .one(self.txn)
                    .await?
                    .is_some()
            {
                continue;
            }
            article_organization::ActiveModel {
                article_id: Set(self.article_id),
                organization_id: Set(org_id),
            }
            .insert(self.txn)
            .await?;
        }
        Ok(())
    }

    async fn find_org(&mut self, key: &str) -> Result<Option<i64>, StoreError> {
        if key.is_empty() {
            return Ok(None);
        }
        if let Some(id) = self.org_cache.get(key) {
            return Ok(Some(*id));
        }
        let found = organization_alias::Entity::find()
            .filter(organization_alias::Column::AliasKey.eq(key))
            .order_by_asc(organization_alias::Column::OrganizationId)
            .one(self.txn)
            .await?
            .map(|a| a.organization_id);
        if let Some(id) = found {
            self.org_cache.insert(key.to_string(), id);
        }
        Ok(found)
    }

    /// An organization whose stored name is nearly the same as `name` (a typo, a spacing
    /// variant), when exactly one such organization exists; uncertain matches are not made.
    async fn fuzzy_org(&mut self, name: &str) -> Result<Option<i64>, StoreError> {
        let key = name_key(name);
        let probe: String = match key.split(' ').max_by_key(|w| w.chars().count()) {
            Some(w) if w.is_ascii() && w.len() >= 4 => w.to_string(),
            Some(w) if !w.is_ascii() && w.chars().count() >= 2 => w.chars().take(2).collect(),
            _ => return Ok(None),
        };
        let rows = organization_alias::Entity::find()
            .filter(organization_alias::Column::AliasKey.contains(probe.as_str()))
            .limit(200)
            .all(self.txn)
            .await?;
        let mut best: HashMap<i64, f64> = HashMap::new();
        for r in rows {
            let score = crate::names::name_similarity(name, &r.alias);
            let e = best.entry(r.organization_id).or_insert(0.0);
            if score > *e {
                *e = score;
            }
        }
        let mut ranked: Vec<(i64, f64)> = best.into_iter().collect();
        ranked.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
        Ok(match ranked.as_slice() {
            [(id, s), rest @ ..]
                if *s >= FUZZY_MATCH && rest.first().is_none_or(|(_, t)| s - t >= FUZZY_MARGIN) =>
            {
                Some(*id)
            }
            _ => None,
        })
    }

    async fn upsert_organization(&mut self, org: &OrganizationRecord) -> Result<i64, StoreError> {
        let names: Vec<String> = std::iter::once(&org.name)
            .chain(&org.aliases)
            .map(|n| clean_display(n))
            .filter(|n| !n.is_empty())
            .collect();
        let mut found = None;
        for n in &names {
            if let Some(id) = self.find_org(&name_key(n)).await? {
                found = Some(id);
                break;
            }
        }
        if found.is_none() {
            for n in &names {
                if let Some(id) = self.fuzzy_org(n).await? {
                    found = Some(id);
                    break;
                }
            }
        }
        let id = match found {
            Some(id) => {
                self.fill_organization(id, org).await?;
                id
            }
            None => {
                self.insert_organization(
                    &clean_display(&org.name),
                    org.kind,
                    org.country.map(|c| c.to_string()),
                    org.region.clone(),
                    org.city.clone(),
                )
                .await?
            }
        };
        self.add_aliases(id, &names).await?;
        self.mentioned.insert(id);
        Ok(id)
    }

    /// Finds an organization by any of its names, creating a bare one of `kind` if unknown.
    async fn resolve(&mut self, name: &str, kind: OrganizationKind) -> Result<i64, StoreError> {
        let name = clean_display(name);
        if name.is_empty() {
            return Err(StoreError::InvalidRecord(
                "an organization name is empty".into(),
            ));
        }
        let known = match self.find_org(&name_key(&name)).await? {
            Some(id) => Some(id),
            None => self.fuzzy_org(&name).await?,
        };
        let id = match known {
            Some(id) => id,
            None => {
                let id = self
                    .insert_organization(&name, kind, None, None, None)
                    .await?;
                self.add_aliases(id, std::slice::from_ref(&name)).await?;
                id
            }
        };
        self.mentioned.insert(id);
        Ok(id)
    }

    async fn insert_organization(
        &mut self,
        name: &str,
        kind: OrganizationKind,
        country: Option<String>,
        region: Option<String>,
        city: Option<String>,
    ) -> Result<i64, StoreError> {
        let key = name_key(name);
        let m = organization::ActiveModel {
            name: Set(name.to_string()),
            name_key: Set(key.clone()),
            kind: Set(kind.as_str().to_string()),
            country: Set(country),
            region: Set(region),
            city: Set(city),
            parent_id: Set(None),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        self.stats.organizations_created += 1;
        self.org_cache.insert(key, m.id);
        Ok(m.id)
    }

    /// Fills what the stored organization lacks; never overwrites a known value (a curator's
    /// or an earlier article's), except a kind of `other` by a specific one.
    async fn fill_organization(
        &mut self,
        id: i64,
        org: &OrganizationRecord,
    ) -> Result<(), StoreError> {
        let Some(existing) = organization::Entity::find_by_id(id).one(self.txn).await? else {
            return Err(StoreError::NotFound(format!("organization {id}")));
        };
        let mut am: organization::ActiveModel = existing.clone().into();
        let mut changed = false;
        if existing.kind == OrganizationKind::Other.as_str() && org.kind != OrganizationKind::Other
        {
            am.kind = Set(org.kind.as_str().to_string());
            changed = true;
        }
        if existing.country.is_none() && org.country.is_some() {
            am.country = Set(org.country.map(|c| c.to_string()));
            changed = true;
        }
        if existing.region.is_none() && org.region.is_some() {
            am.region = Set(org.region.clone());
            changed = true;
        }
        if existing.city.is_none() && org.city.is_some() {
            am.city = Set(org.city.clone());
            changed = true;
        }
        if changed {
            am.updated_at = Set(self.now);
            am.update(self.txn).await?;
        }
        Ok(())
    }

    async fn add_aliases(&mut self, id: i64, names: &[String]) -> Result<(), StoreError> {
        let existing: BTreeSet<String> = organization_alias::Entity::find()
            .filter(organization_alias::Column::OrganizationId.eq(id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|a| a.alias)
            .collect();
        let mut added = BTreeSet::new();
        for n in names {
            let key = name_key(n);
            if key.is_empty() || existing.contains(n) || !added.insert(n.clone()) {
                continue;
            }
            organization_alias::ActiveModel {
                organization_id: Set(id),
                alias: Set(n.clone()),
                alias_key: Set(key.clone()),
                ..Default::default()
            }
            .insert(self.txn)
            .await?;
            self.org_cache.entry(key).or_insert(id);
        }
        Ok(())
    }

    async fn set_parent(&mut self, id: i64, parent_id: i64) -> Result<(), StoreError> {
        let Some(existing) = organization::Entity::find_by_id(id).one(self.txn).await? else {
            return Err(StoreError::NotFound(format!("organization {id}")));
        };
        // A parent set earlier (or by a curator) stands; a cycle is never created.
        if existing.parent_id.is_some() || self.is_ancestor(id, parent_id).await? {
            return Ok(());
        }
        let mut am: organization::ActiveModel = existing.into();
        am.parent_id = Set(Some(parent_id));
        am.updated_at = Set(self.now);
        am.update(self.txn).await?;
        Ok(())
    }

    /// True when `ancestor` is `id` or above `node` in the parent chain starting at `node`.
    async fn is_ancestor(&self, ancestor: i64, node: i64) -> Result<bool, StoreError> {
        let mut current = Some(node);
        let mut steps = 0;
        while let Some(c) = current {
            if c == ancestor {
                return Ok(true);
            }
            steps += 1;
            if steps > 64 {
                return Ok(true);
            }
            current = organization::Entity::find_by_id(c)
                .one(self.txn)
                .await?
                .and_then(|o| o.parent_id);
        }
        Ok(false)
    }

    async fn add_evidence(
        &mut self,
        kind: FactKind,
        fact_id: i64,
        sentence: &str,
        confidence: f64,
    ) -> Result<(), StoreError> {
        self.touched.insert((kind, fact_id));
        let sentence = sentence.trim();
        if self.rereading {
            let col = match kind {
                FactKind::Facility => evidence::Column::FacilityId,
                FactKind::License => evidence::Column::LicenseId,
                FactKind::Agreement => evidence::Column::AgreementId,
                FactKind::Policy => evidence::Column::PolicyId,
            };
            let same = evidence::Entity::find()
                .filter(evidence::Column::ArticleId.eq(self.article_id))
                .filter(col.eq(fact_id))
                .filter(evidence::Column::ExtractorVersion.eq(self.version))
                .filter(evidence::Column::Sentence.eq(sentence))
                .one(self.txn)
                .await?;
            if same.is_some() {
                return Ok(());
            }
        }
        let mut am = evidence::ActiveModel {
            article_id: Set(self.article_id),
            facility_id: Set(None),
            license_id: Set(None),
            agreement_id: Set(None),
            policy_id: Set(None),
            sentence: Set(sentence.to_string()),
            confidence: Set(confidence.clamp(0.0, 1.0)),
            extractor_version: Set(self.version.to_string()),
            created_at: Set(self.now),
            ..Default::default()
        };
        match kind {
            FactKind::Facility => am.facility_id = Set(Some(fact_id)),
            FactKind::License => am.license_id = Set(Some(fact_id)),
            FactKind::Agreement => am.agreement_id = Set(Some(fact_id)),
            FactKind::Policy => am.policy_id = Set(Some(fact_id)),
        }
        am.insert(self.txn).await?;
        self.stats.evidence_added += 1;
        Ok(())
    }

    fn is_newer_report(&self, reported_on: Option<NaiveDate>) -> bool {
        match (self.article_date, reported_on) {
            (_, None) => true,
            (Some(d), Some(r)) => d.first_day() >= r,
            (None, Some(_)) => false,
        }
    }

    async fn merge_facility(&mut self, f: &FacilityRecord) -> Result<(i64, i64), StoreError> {
        let operator_id = self.resolve(&f.operator, OrganizationKind::Other).await?;
        let name = f
            .name
            .as_deref()
            .map(clean_display)
            .filter(|n| !n.is_empty());
        let key = name.as_deref().map(name_key);
        let candidates = facility::Entity::find()
            .filter(facility::Column::OperatorId.eq(operator_id))
            .order_by_asc(facility::Column::Id)
            .all(self.txn)
            .await?;
        let same_city = |c: &facility::Model| match (&c.city, &f.city) {
            (Some(a), Some(b)) => name_key(a) == name_key(b),
            _ => false,
        };
        let matched = match &key {
            Some(k) => candidates
                .iter()
                .find(|c| c.name_key.as_ref() == Some(k))
                .or_else(|| {
                    candidates
                        .iter()
                        .find(|c| c.name_key.is_none() && same_city(c))
                }),
            None => candidates.iter().find(|c| same_city(c)).or(
                if candidates.len() == 1 && f.city.is_none() {
                    candidates.first()
                } else {
                    None
                },
            ),
        };

        let (capacity_date, _) = split_date(self.article_date);
        let id = match matched {
            Some(existing) => {
                let newer = self.is_newer_report(existing.reported_on);
                let mut am: facility::ActiveModel = existing.clone().into();
                if existing.name.is_none() && name.is_some() {
                    am.name = Set(name.clone());
                    am.name_key = Set(key.clone());
                }
                if existing.country.is_none() {
                    am.country = Set(f.country.map(|c| c.to_string()));
                }
                if existing.region.is_none() {
                    am.region = Set(f.region.clone());
                }
                if existing.city.is_none() {
                    am.city = Set(f.city.clone());
                }
                if f.capacity_liters.is_some() && (newer || existing.capacity_liters.is_none()) {
                    am.capacity_liters = Set(f.capacity_liters);
                }
                if f.status.is_some() && (newer || existing.status.is_none()) {
                    am.status = Set(f.status.map(|s| s.as_str().to_string()));
                }
                if newer && (f.capacity_liters.is_some() || f.status.is_some()) {
                    am.reported_on = Set(capacity_date);
                }
                am.updated_at = Set(self.now);
                am.update(self.txn).await?;
                self.stats.facts_merged += 1;
                existing.id
            }
            None => {
                let m = facility::ActiveModel {
                    operator_id: Set(operator_id),
                    name: Set(name.clone()),
                    name_key: Set(key.clone()),
                    country: Set(f.country.map(|c| c.to_string())),
                    region: Set(f.region.clone()),
                    city: Set(f.city.clone()),
                    capacity_liters: Set(f.capacity_liters),
                    status: Set(f.status.map(|s| s.as_str().to_string())),
                    reported_on: Set(capacity_date),
                    created_at: Set(self.now),
                    updated_at: Set(self.now),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
                self.stats.facts_created += 1;
                m.id
            }
        };
        let have: BTreeSet<String> = facility_modality::Entity::find()
            .filter(facility_modality::Column::FacilityId.eq(id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|m| m.modality)
            .collect();
        let wanted: BTreeSet<&str> = f.modalities.iter().map(|m| m.as_str()).collect();
        for m in wanted {
            if !have.contains(m) {
                facility_modality::ActiveModel {
                    facility_id: Set(id),
                    modality: Set(m.to_string()),
                }
                .insert(self.txn)
                .await?;
            }
        }
        self.add_evidence(FactKind::Facility, id, &f.evidence, f.confidence)
            .await?;
        Ok((operator_id, id))
    }

    async fn facility_by_name(
        &mut self,
        operator_id: i64,
        name: &str,
        in_record: &HashMap<(i64, String), i64>,
    ) -> Result<i64, StoreError> {
        let key = name_key(name);
        if let Some(id) = in_record.get(&(operator_id, key.clone())) {
            return Ok(*id);
        }
        if let Some(f) = facility::Entity::find()
            .filter(facility::Column::OperatorId.eq(operator_id))
            .filter(facility::Column::NameKey.eq(key.clone()))
            .one(self.txn)
            .await?
        {
            return Ok(f.id);
        }
        let m = facility::ActiveModel {
            operator_id: Set(operator_id),
            name: Set(Some(clean_display(name))),
            name_key: Set(Some(key)),
            created_at: Set(self.now),
            updated_at: Set(self.now),
            ..Default::default()
        }
        .insert(self.txn)
        .await?;
        Ok(m.id)
    }

    async fn merge_license(
        &mut self,
        l: &LicenseRecord,
        facilities: &HashMap<(i64, String), i64>,
    ) -> Result<(), StoreError> {
        let holder_id = self.resolve(&l.holder, OrganizationKind::Other).await?;
        let authority_id = match &l.authority {
            Some(a) => Some(self.resolve(a, OrganizationKind::Regulator).await?),
            None => None,
        };
        let facility_id = match &l.facility {
            Some(f) => Some(self.facility_by_name(holder_id, f, facilities).await?),
            None => None,
        };
        let candidates = license::Entity::find()
            .filter(license::Column::HolderId.eq(holder_id))
            .filter(license::Column::LicenseType.eq(l.license_type.as_str()))
            .order_by_asc(license::Column::Id)
            .all(self.txn)
            .await?;
        let compatible: Vec<&license::Model> = candidates
            .iter()
            .filter(|c| {
                dates_compatible(stored_date(c.date, c.date_precision.as_deref()), l.date)
                    && match (c.facility_id, facility_id) {
                        (Some(a), Some(b)) => a == b,
                        _ => true,
                    }
            })
            .collect();
        let matched = compatible
            .iter()
            .find(|c| stored_date(c.date, c.date_precision.as_deref()) == l.date)
            .or(compatible.first())
            .copied();
        let id = match matched {
            Some(existing) => {
                let mut am: license::ActiveModel = existing.clone().into();
                let date = refine_date(
                    stored_date(existing.date, existing.date_precision.as_deref()),
                    l.date,
                );
                let (d, p) = split_date(date);
                am.date = Set(d);
                am.date_precision = Set(p);
                if existing.authority_id.is_none() {
                    am.authority_id = Set(authority_id);
                }
                if existing.facility_id.is_none() {
                    am.facility_id = Set(facility_id);
                }
                if existing.country.is_none() {
                    am.country = Set(l.country.map(|c| c.to_string()));
                }
                am.updated_at = Set(self.now);
                am.update(self.txn).await?;
                self.stats.facts_merged += 1;
                existing.id
            }
            None => {
                let (d, p) = split_date(l.date);
                let m = license::ActiveModel {
                    holder_id: Set(holder_id),
                    license_type: Set(l.license_type.as_str().to_string()),
                    authority_id: Set(authority_id),
                    country: Set(l.country.map(|c| c.to_string())),
                    facility_id: Set(facility_id),
                    date: Set(d),
                    date_precision: Set(p),
                    created_at: Set(self.now),
                    updated_at: Set(self.now),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
                self.stats.facts_created += 1;
                m.id
            }
        };
        self.add_evidence(FactKind::License, id, &l.evidence, l.confidence)
            .await
    }

    async fn merge_agreement(&mut self, a: &AgreementRecord) -> Result<(), StoreError> {
        let mut party_ids = BTreeSet::new();
        for p in &a.parties {
            party_ids.insert(self.resolve(p, OrganizationKind::Other).await?);
        }
        if party_ids.is_empty() {
            return Err(StoreError::InvalidRecord(format!(
                "agreement without parties: {}",
                a.evidence
            )));
        }
        let party_key = party_ids
            .iter()
            .map(i64::to_string)
            .collect::<Vec<_>>()
            .join(",");
        let candidates = agreement::Entity::find()
            .filter(agreement::Column::PartyKey.eq(party_key.clone()))
            .order_by_asc(agreement::Column::Id)
            .all(self.txn)
            .await?;
        let matched = candidates.iter().find(|c| {
            let stored = stored_date(c.date, c.date_precision.as_deref());
            if !dates_compatible(stored, a.date) {
                return false;
            }
            let same_type = c.agreement_type == a.agreement_type.as_str()
                || c.agreement_type == AgreementType::Other.as_str()
                || a.agreement_type == AgreementType::Other;
            let both_dated_to_month = matches!((stored, a.date), (Some(x), Some(y))
                if x.precision() >= crate::date::Precision::Month
                    && y.precision() >= crate::date::Precision::Month);
            same_type || both_dated_to_month
        });
        let id = match matched {
            Some(existing) => {
                let mut am: agreement::ActiveModel = existing.clone().into();
                let date = refine_date(
                    stored_date(existing.date, existing.date_precision.as_deref()),
                    a.date,
                );
                let (d, p) = split_date(date);
                am.date = Set(d);
                am.date_precision = Set(p);
                if existing.agreement_type == AgreementType::Other.as_str() {
                    am.agreement_type = Set(a.agreement_type.as_str().to_string());
                }
                if existing.scope.is_none() {
                    am.scope = Set(a.scope.clone());
                }
                if existing.value_usd.is_none() {
                    am.value_usd = Set(a.value_usd);
                }
                am.updated_at = Set(self.now);
                am.update(self.txn).await?;
                self.stats.facts_merged += 1;
                existing.id
            }
            None => {
                let (d, p) = split_date(a.date);
                let m = agreement::ActiveModel {
                    agreement_type: Set(a.agreement_type.as_str().to_string()),
                    scope: Set(a.scope.clone()),
                    date: Set(d),
                    date_precision: Set(p),
                    value_usd: Set(a.value_usd),
                    party_key: Set(party_key),
                    created_at: Set(self.now),
                    updated_at: Set(self.now),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
                for pid in &party_ids {
                    agreement_party::ActiveModel {
                        agreement_id: Set(m.id),
                        organization_id: Set(*pid),
                        role: Set(None),
                    }
                    .insert(self.txn)
                    .await?;
                }
                self.stats.facts_created += 1;
                m.id
            }
        };
        self.add_evidence(FactKind::Agreement, id, &a.evidence, a.confidence)
            .await
    }

    async fn merge_policy(&mut self, p: &PolicyRecord) -> Result<(), StoreError> {
        let mut agency_ids = BTreeSet::new();
        for a in &p.agencies {
            agency_ids.insert(self.resolve(a, OrganizationKind::Government).await?);
        }
        let name = p
            .name
            .as_deref()
            .map(clean_display)
            .filter(|n| !n.is_empty());
        let key = name.as_deref().map(name_key);
        let focus: BTreeSet<&str> = p.focus.iter().map(|f| f.as_str()).collect();

        let candidate_ids: Vec<i64> = if agency_ids.is_empty() {
            Vec::new()
        } else {
            policy_agency::Entity::find()
                .filter(policy_agency::Column::OrganizationId.is_in(agency_ids.iter().copied()))
                .select_only()
                .column(policy_agency::Column::PolicyId)
                .distinct()
                .into_tuple::<i64>()
                .all(self.txn)
                .await?
        };
        let candidates = if candidate_ids.is_empty() {
            Vec::new()
        } else {
            policy::Entity::find()
                .filter(policy::Column::Id.is_in(candidate_ids))
                .order_by_asc(policy::Column::Id)
                .all(self.txn)
                .await?
        };
        let mut matched = None;
        for c in &candidates {
            let same = match (&c.name_key, &key) {
                (Some(a), Some(b)) => a == b,
                _ => {
                    let stored_focus: BTreeSet<String> = policy_focus::Entity::find()
                        .filter(policy_focus::Column::PolicyId.eq(c.id))
                        .all(self.txn)
                        .await?
                        .into_iter()
                        .map(|f| f.focus)
                        .collect();
                    let overlap = stored_focus.is_empty()
                        || focus.is_empty()
                        || stored_focus.iter().any(|f| focus.contains(f.as_str()));
                    overlap
                        && dates_compatible(
                            stored_date(c.date, c.date_precision.as_deref()),
                            p.date,
                        )
                }
            };
            if same {
                matched = Some(c.clone());
                break;
            }
        }
        let id = match matched {
            Some(existing) => {
                let mut am: policy::ActiveModel = existing.clone().into();
                let date = refine_date(
                    stored_date(existing.date, existing.date_precision.as_deref()),
                    p.date,
                );
                let (d, pr) = split_date(date);
                am.date = Set(d);
                am.date_precision = Set(pr);
                if existing.name.is_none() && name.is_some() {
                    am.name = Set(name.clone());
                    am.name_key = Set(key.clone());
                }
                if existing.country.is_none() {
                    am.country = Set(p.country.map(|c| c.to_string()));
                }
                am.updated_at = Set(self.now);
                am.update(self.txn).await?;
                self.stats.facts_merged += 1;
                existing.id
            }
            None => {
                let (d, pr) = split_date(p.date);
                let m = policy::ActiveModel {
                    name: Set(name.clone()),
                    name_key: Set(key.clone()),
                    country: Set(p.country.map(|c| c.to_string())),
                    date: Set(d),
                    date_precision: Set(pr),
                    created_at: Set(self.now),
                    updated_at: Set(self.now),
                    ..Default::default()
                }
                .insert(self.txn)
                .await?;
                self.stats.facts_created += 1;
                m.id
            }
        };
        let have_agencies: BTreeSet<i64> = policy_agency::Entity::find()
            .filter(policy_agency::Column::PolicyId.eq(id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|a| a.organization_id)
            .collect();
        for aid in agency_ids.difference(&have_agencies) {
            policy_agency::ActiveModel {
                policy_id: Set(id),
                organization_id: Set(*aid),
            }
            .insert(self.txn)
            .await?;
        }
        let have_focus: BTreeSet<String> = policy_focus::Entity::find()
            .filter(policy_focus::Column::PolicyId.eq(id))
            .all(self.txn)
            .await?
            .into_iter()
            .map(|f| f.focus)
            .collect();
        for f in focus {
            if !have_focus.contains(f) {
                policy_focus::ActiveModel {
                    policy_id: Set(id),
                    focus: Set(f.to_string()),
                }
                .insert(self.txn)
                .await?;
            }
        }
        self.add_evidence(FactKind::Policy, id, &p.evidence, p.confidence)
            .await
    }
}

/// What re-reading one stored article changed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ReconcileStats {
    pub facts_found: u32,
    pub facts_created: u32,
    pub evidence_added: u32,
    pub evidence_superseded: u32,
    pub facts_retracted: u32,
    pub facts_restored: u32,
}

/// Re-reads stored article `article_id` with a new record from extractor `version`, in one
/// transaction: facts found again gain evidence under `version` (once, however often this
/// runs); evidence from older versions for facts no longer found is marked superseded; a
/// fact left with only superseded evidence is retracted (kept, with the reason), and a
/// retracted fact found again is restored.
pub async fn reconcile_article(
    store: &Store,
    article_id: i64,
    record: &ExtractionRecord,
    version: &str,
) -> Result<ReconcileStats, StoreError> {
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let now = Utc::now();
    let mut merger = Merger {
        txn: &txn,
        now,
        article_id,
        article_date: record.source.published,
        version,
        org_cache: HashMap::new(),
        mentioned: BTreeSet::new(),
        stats: MergeStats::default(),
        touched: HashSet::new(),
        rereading: true,
    };
    merger.merge_record(record).await?;
    let touched = std::mem::take(&mut merger.touched);
    let mut stats = ReconcileStats {
        facts_found: touched.len() as u32,
        facts_created: merger.stats.facts_created,
        evidence_added: merger.stats.evidence_added,
        ..Default::default()
    };

    let old = evidence::Entity::find()
        .filter(evidence::Column::ArticleId.eq(article_id))
        .filter(evidence::Column::ExtractorVersion.ne(version))
        .filter(evidence::Column::SupersededAt.is_null())
        .all(&txn)
        .await?;
    let mut dropped: HashSet<(FactKind, i64)> = HashSet::new();
    for e in old {
        let Some(fact) = fact_of(&e) else { continue };
        if touched.contains(&fact) {
            continue;
        }
        let mut am: evidence::ActiveModel = e.into();
        am.superseded_at = Set(Some(now));
        am.update(&txn).await?;
        stats.evidence_superseded += 1;
        dropped.insert(fact);
    }
    let reason = format!("no longer found by {version} when article {article_id} was re-read");
    for (kind, id) in dropped {
        let col = evidence_column(kind);
        let live = evidence::Entity::find()
            .filter(col.eq(id))
            .filter(evidence::Column::SupersededAt.is_null())
            .count(&txn)
            .await?;
        if live == 0 && set_retracted(&txn, kind, id, Some((now, reason.clone()))).await? {
            stats.facts_retracted += 1;
        }
    }
    for (kind, id) in touched {
        if set_retracted(&txn, kind, id, None).await? {
            stats.facts_restored += 1;
        }
    }
    txn.commit().await?;
    Ok(stats)
}

fn evidence_column(kind: FactKind) -> evidence::Column {
    match kind {
        FactKind::Facility => evidence::Column::FacilityId,
        FactKind::License => evidence::Column::LicenseId,
        FactKind::Agreement => evidence::Column::AgreementId,
        FactKind::Policy => evidence::Column::PolicyId,
    }
}

fn fact_of(e: &evidence::Model) -> Option<(FactKind, i64)> {
    e.facility_id
        .map(|i| (FactKind::Facility, i))
        .or(e.license_id.map(|i| (FactKind::License, i)))
        .or(e.agreement_id.map(|i| (FactKind::Agreement, i)))
        .or(e.policy_id.map(|i| (FactKind::Policy, i)))
}

/// Retracts (`Some`) or restores (`None`) a fact; true when that changed it.
async fn set_retracted(
    txn: &DatabaseTransaction,
    kind: FactKind,
    id: i64,
    retraction: Option<(DateTimeUtc, String)>,
) -> Result<bool, StoreError> {
    macro_rules! apply {
        ($entity:ident) => {{
            let Some(m) = $entity::Entity::find_by_id(id).one(txn).await? else {
                return Ok(false);
            };
            if m.retracted_at.is_some() == retraction.is_some() {
                return Ok(false);
            }
            let mut am: $entity::ActiveModel = m.into();
            match retraction {
                Some((at, why)) => {
                    am.retracted_at = Set(Some(at));
                    am.retraction_reason = Set(Some(why));
                }
                None => {
                    am.retracted_at = Set(None);
                    am.retraction_reason = Set(None);
                }
            }
            am.update(txn).await?;
            Ok(true)
        }};
    }
    match kind {
        FactKind::Facility => apply!(facility),
        FactKind::License => apply!(license),
        FactKind::Agreement => apply!(agreement),
        FactKind::Policy => apply!(policy),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_urls_ignore_case_fragments_tracking_and_trailing_slashes() {
        assert_eq!(
            canonical_url("HTTPS://Example.COM/News/1/?utm_source=x&id=5#top"),
            "https://example.com/News/1?id=5"
        );
        assert_eq!(canonical_url("https://a.org/"), "https://a.org");
    }

    #[test]
    fn content_hash_ignores_rewrapping() {
        assert_eq!(content_hash("a  b\nc "), content_hash("a b c"));
        assert_ne!(content_hash("a b c"), content_hash("a b d"));
    }
}
