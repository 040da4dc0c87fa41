//! Curation: merging and splitting organizations, aliases, retracting, restoring and
//! correcting facts. Each operation is one transaction that also writes its audit row.
//!
//! Design decisions:
//! - Nothing a curator does deletes evidence: facts move with their evidence (merges update
//!   the organization columns of facts, never the facts' ids), retraction only hides.
//! - A merged-away organization leaves a row in `organization_merges`, so ids held by
//!   clients can be answered with the survivor instead of "not found".
//! - Before/after snapshots are plain JSON of the rows touched, built here, so the audit
//!   trail reads the same whichever engine stored it.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use sea_orm::sea_query::{Expr, Query};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, Set,
    TransactionTrait,
};
use serde_json::{Value, json};

use crate::audit::{self, Actor, AuditEntry};
use crate::date::PartialDate;
use crate::db::Store;
use crate::entities::{
    agreement, agreement_party, article_organization, evidence, facility, license, organization,
    organization_alias, organization_merge, policy, policy_agency,
};
use crate::error::StoreError;
use crate::merge::stored_date;
use crate::names::name_key;
use crate::vocab::{AgreementType, FacilityStatus, FactKind, LicenseType};

#[derive(Debug, thiserror::Error)]
pub enum CurationError {
    #[error("{0} does not exist")]
    NotFound(String),
    #[error("organization {id} was merged into organization {into}; use that one")]
    Merged { id: i64, into: i64 },
    #[error("the alias `{alias}` already belongs to `{owner_name}` (organization {owner_id})")]
    AliasTaken {
        alias: String,
        owner_id: i64,
        owner_name: String,
    },
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<sea_orm::DbErr> for CurationError {
    fn from(e: sea_orm::DbErr) -> Self {
        CurationError::Store(StoreError::Db(e))
    }
}

type Result<T> = std::result::Result<T, CurationError>;

/// A fact by kind and row id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FactRef {
    pub kind: FactKind,
    pub id: i64,
}

/// The GraphQL type name of a fact kind, used in audit target ids.
pub fn kind_name(kind: FactKind) -> &'static str {
    match kind {
        FactKind::Facility => "Facility",
        FactKind::License => "License",
        FactKind::Agreement => "Agreement",
        FactKind::Policy => "Policy",
    }
}

fn target(kind: &str, id: i64) -> String {
    format!("{kind}:{id}")
}

/// A stored fact row of any kind.
#[derive(Debug, Clone, PartialEq)]
pub enum FactRow {
    Facility(facility::Model),
    License(license::Model),
    Agreement(agreement::Model),
    Policy(policy::Model),
}

impl FactRow {
    pub fn retraction(&self) -> (Option<DateTime<Utc>>, Option<&str>) {
        match self {
            FactRow::Facility(m) => (m.retracted_at, m.retraction_reason.as_deref()),
            FactRow::License(m) => (m.retracted_at, m.retraction_reason.as_deref()),
            FactRow::Agreement(m) => (m.retracted_at, m.retraction_reason.as_deref()),
            FactRow::Policy(m) => (m.retracted_at, m.retraction_reason.as_deref()),
        }
    }
}

/// The result of a mutation: what it changed and its audit entry.
#[derive(Debug, Clone)]
pub struct Outcome<T> {
    pub value: T,
    pub audit_id: i64,
}

fn date_json(date: Option<chrono::NaiveDate>, precision: Option<&str>) -> Value {
    stored_date(date, precision).map_or(Value::Null, |d| Value::from(d.to_string()))
}

fn fact_json(row: &FactRow) -> Value {
    match row {
        FactRow::Facility(m) => json!({
            "id": m.id, "operator_id": m.operator_id, "name": m.name, "country": m.country,
            "region": m.region, "city": m.city, "capacity_liters": m.capacity_liters,
            "status": m.status, "retracted_at": m.retracted_at.map(|t| t.to_rfc3339()),
            "retraction_reason": m.retraction_reason,
        }),
        FactRow::License(m) => json!({
            "id": m.id, "holder_id": m.holder_id, "license_type": m.license_type,
            "authority_id": m.authority_id, "country": m.country, "facility_id": m.facility_id,
            "date": date_json(m.date, m.date_precision.as_deref()),
            "retracted_at": m.retracted_at.map(|t| t.to_rfc3339()),
            "retraction_reason": m.retraction_reason,
        }),
        FactRow::Agreement(m) => json!({
            "id": m.id, "agreement_type": m.agreement_type, "scope": m.scope,
            "date": date_json(m.date, m.date_precision.as_deref()), "value_usd": m.value_usd,
            "party_key": m.party_key, "retracted_at": m.retracted_at.map(|t| t.to_rfc3339()),
            "retraction_reason": m.retraction_reason,
        }),
        FactRow::Policy(m) => json!({
            "id": m.id, "name": m.name, "country": m.country,
            "date": date_json(m.date, m.date_precision.as_deref()),
            "retracted_at": m.retracted_at.map(|t| t.to_rfc3339()),
            "retraction_reason": m.retraction_reason,
        }),
    }
}

async fn find_fact<C: sea_orm::ConnectionTrait>(conn: &C, f: FactRef) -> Result<FactRow> {
    let missing = || CurationError::NotFound(format!("{} {}", kind_name(f.kind), f.id));
    Ok(match f.kind {
        FactKind::Facility => FactRow::Facility(
            facility::Entity::find_by_id(f.id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
        FactKind::License => FactRow::License(
            license::Entity::find_by_id(f.id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
        FactKind::Agreement => FactRow::Agreement(
            agreement::Entity::find_by_id(f.id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
        FactKind::Policy => FactRow::Policy(
            policy::Entity::find_by_id(f.id)
                .one(conn)
                .await?
                .ok_or_else(missing)?,
        ),
    })
}

/// One fact, retracted or not (curators see both).
pub async fn fact(store: &Store, f: FactRef) -> Result<FactRow> {
    find_fact(store.conn(), f).await
}

async fn save_fact(txn: &DatabaseTransaction, row: FactRow) -> Result<FactRow> {
    Ok(match row {
        FactRow::Facility(m) => {
            let am: facility::ActiveModel = m.into();
            FactRow::Facility(am.reset_all().update(txn).await?)
        }
        FactRow::License(m) => {
            let am: license::ActiveModel = m.into();
            FactRow::License(am.reset_all().update(txn).await?)
        }
        FactRow::Agreement(m) => {
            let am: agreement::ActiveModel = m.into();
            FactRow::Agreement(am.reset_all().update(txn).await?)
        }
        FactRow::Policy(m) => {
            let am: policy::ActiveModel = m.into();
            FactRow::Policy(am.reset_all().update(txn).await?)
        }
    })
}

fn set_retraction(row: &mut FactRow, at: Option<DateTime<Utc>>, reason: Option<String>) {
    let now = Utc::now();
    macro_rules! set {
        ($m:expr) => {{
            $m.retracted_at = at;
            $m.retraction_reason = reason;
            $m.updated_at = now;
        }};
    }
    match row {
        FactRow::Facility(m) => set!(m),
        FactRow::License(m) => set!(m),
        FactRow::Agreement(m) => set!(m),
        FactRow::Policy(m) => set!(m),
    }
}

/// Hides a fact from every query, keeping it (and its evidence) with `reason`.
pub async fn retract_fact(
    store: &Store,
    actor: &Actor,
    f: FactRef,
    reason: &str,
) -> Result<Outcome<FactRow>> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(CurationError::Invalid(
            "a retraction needs a reason".to_string(),
        ));
    }
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let mut row = find_fact(&txn, f).await?;
    if let (Some(at), why) = row.retraction() {
        return Err(CurationError::Invalid(format!(
            "{} {} is already retracted (since {}: {})",
            kind_name(f.kind),
            f.id,
            at.to_rfc3339(),
            why.unwrap_or("no reason recorded")
        )));
    }
    let before = fact_json(&row);
    set_retraction(&mut row, Some(Utc::now()), Some(reason.to_string()));
    let row = save_fact(&txn, row).await?;
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "retractFact",
            target_ids: vec![target(kind_name(f.kind), f.id)],
            before,
            after: fact_json(&row),
            reason: Some(reason.to_string()),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome {
        value: row,
        audit_id,
    })
}

/// Brings a retracted fact back into the queries.
pub async fn restore_fact(
    store: &Store,
    actor: &Actor,
    f: FactRef,
    reason: Option<&str>,
) -> Result<Outcome<FactRow>> {
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let mut row = find_fact(&txn, f).await?;
    if row.retraction().0.is_none() {
        return Err(CurationError::Invalid(format!(
            "{} {} is not retracted",
            kind_name(f.kind),
            f.id
        )));
    }
    let before = fact_json(&row);
    set_retraction(&mut row, None, None);
    let row = save_fact(&txn, row).await?;
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "restoreFact",
            target_ids: vec![target(kind_name(f.kind), f.id)],
            before,
            after: fact_json(&row),
            reason: reason.map(str::to_string),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome {
        value: row,
        audit_id,
    })
}

/// New values for the fields of one fact; only the given fields change.
#[derive(Debug, Clone)]
pub enum Correction {
    License {
        license_type: Option<LicenseType>,
        date: Option<PartialDate>,
    },
    Facility {
        name: Option<String>,
        capacity_liters: Option<f64>,
        status: Option<FacilityStatus>,
    },
    Agreement {
        agreement_type: Option<AgreementType>,
        date: Option<PartialDate>,
        value_usd: Option<f64>,
    },
    Policy {
        name: Option<String>,
        date: Option<PartialDate>,
    },
}

impl Correction {
    fn kind(&self) -> FactKind {
        match self {
            Correction::License { .. } => FactKind::License,
            Correction::Facility { .. } => FactKind::Facility,
            Correction::Agreement { .. } => FactKind::Agreement,
            Correction::Policy { .. } => FactKind::Policy,
        }
    }

    fn validate(&self) -> Result<()> {
        let invalid = |m: &str| Err(CurationError::Invalid(m.to_string()));
        let amount = |v: Option<f64>| v.is_some_and(|v| !v.is_finite() || v < 0.0);
        let blank = |s: &Option<String>| s.as_ref().is_some_and(|s| s.trim().is_empty());
        match self {
            Correction::License { license_type, date } => {
                if license_type.is_none() && date.is_none() {
                    return invalid("give at least one licence field to correct");
                }
            }
            Correction::Facility {
                name,
                capacity_liters,
                status,
            } => {
                if name.is_none() && capacity_liters.is_none() && status.is_none() {
                    return invalid("give at least one facility field to correct");
                }
                if amount(*capacity_liters) {
                    return invalid("`capacityLiters` must be a non-negative number");
                }
                if blank(name) {
                    return invalid("a facility name cannot be blank");
                }
            }
            Correction::Agreement {
                agreement_type,
                date,
                value_usd,
            } => {
                if agreement_type.is_none() && date.is_none() && value_usd.is_none() {
                    return invalid("give at least one agreement field to correct");
                }
                if amount(*value_usd) {
                    return invalid("`valueUsd` must be a non-negative number");
                }
            }
            Correction::Policy { name, date } => {
                if name.is_none() && date.is_none() {
                    return invalid("give at least one policy field to correct");
                }
                if blank(name) {
                    return invalid("a policy title cannot be blank");
                }
            }
        }
        Ok(())
    }
}

/// Overwrites fields of a fact with a curator's values.
pub async fn correct_fact(
    store: &Store,
    actor: &Actor,
    id: i64,
    correction: Correction,
    reason: Option<&str>,
) -> Result<Outcome<FactRow>> {
    correction.validate()?;
    let f = FactRef {
        kind: correction.kind(),
        id,
    };
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let mut row = find_fact(&txn, f).await?;
    let before = fact_json(&row);
    let now = Utc::now();
    let date_parts = |d: PartialDate| {
        (
            Some(d.first_day()),
            Some(d.precision().as_str().to_string()),
        )
    };
    match (&mut row, correction) {
        (FactRow::License(m), Correction::License { license_type, date }) => {
            if let Some(t) = license_type {
                m.license_type = t.as_str().to_string();
            }
            if let Some(d) = date {
                (m.date, m.date_precision) = date_parts(d);
            }
            m.updated_at = now;
        }
        (
            FactRow::Facility(m),
            Correction::Facility {
                name,
                capacity_liters,
                status,
            },
        ) => {
            if let Some(n) = name {
                let n = n.trim().to_string();
                m.name_key = Some(name_key(&n));
                m.name = Some(n);
            }
            if let Some(c) = capacity_liters {
                m.capacity_liters = Some(c);
            }
            if let Some(s) = status {
                m.status = Some(s.as_str().to_string());
            }
            m.updated_at = now;
        }
        (
            FactRow::Agreement(m),
            Correction::Agreement {
                agreement_type,
                date,
                value_usd,
            },
        ) => {
            if let Some(t) = agreement_type {
                m.agreement_type = t.as_str().to_string();
            }
            if let Some(d) = date {
                (m.date, m.date_precision) = date_parts(d);
            }
            if let Some(v) = value_usd {
                m.value_usd = Some(v);
            }
            m.updated_at = now;
        }
        (FactRow::Policy(m), Correction::Policy { name, date }) => {
            if let Some(n) = name {
                let n = n.trim().to_string();
                m.name_key = Some(name_key(&n));
                m.name = Some(n);
            }
            if let Some(d) = date {
                (m.date, m.date_precision) = date_parts(d);
            }
            m.updated_at = now;
        }
        _ => {
            return Err(CurationError::Invalid(
                "the correction does not match the fact's kind".to_string(),
            ));
        }
    }
    let row = save_fact(&txn, row).await?;
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "correctFact",
            target_ids: vec![target(kind_name(f.kind), f.id)],
            before,
            after: fact_json(&row),
            reason: reason.map(str::to_string),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome {
        value: row,
        audit_id,
    })
}

/// Retracted facts, most recently retracted first, at most `limit` of them.
pub async fn retracted_facts(store: &Store, limit: u64) -> Result<Vec<FactRow>> {
    use sea_orm::QuerySelect;
    let db = store.conn();
    let mut rows: Vec<FactRow> = Vec::new();
    rows.extend(
        facility::Entity::find()
            .filter(facility::Column::RetractedAt.is_not_null())
            .order_by_desc(facility::Column::RetractedAt)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(FactRow::Facility),
    );
    rows.extend(
        license::Entity::find()
            .filter(license::Column::RetractedAt.is_not_null())
            .order_by_desc(license::Column::RetractedAt)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(FactRow::License),
    );
    rows.extend(
        agreement::Entity::find()
            .filter(agreement::Column::RetractedAt.is_not_null())
            .order_by_desc(agreement::Column::RetractedAt)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(FactRow::Agreement),
    );
    rows.extend(
        policy::Entity::find()
            .filter(policy::Column::RetractedAt.is_not_null())
            .order_by_desc(policy::Column::RetractedAt)
            .limit(limit)
            .all(db)
            .await?
            .into_iter()
            .map(FactRow::Policy),
    );
    rows.sort_by_key(|r| std::cmp::Reverse(r.retraction().0));
    rows.truncate(limit as usize);
    Ok(rows)
}

async fn live_org<C: sea_orm::ConnectionTrait>(conn: &C, id: i64) -> Result<organization::Model> {
    if let Some(org) = organization::Entity::find_by_id(id).one(conn).await? {
        return Ok(org);
    }
    if let Some(m) = organization_merge::Entity::find_by_id(id).one(conn).await? {
        return Err(CurationError::Merged {
            id,
            into: m.into_id,
        });
    }
    Err(CurationError::NotFound(format!("organization {id}")))
}

async fn aliases<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org: i64,
) -> Result<Vec<organization_alias::Model>> {
    Ok(organization_alias::Entity::find()
        .filter(organization_alias::Column::OrganizationId.eq(org))
        .order_by_asc(organization_alias::Column::Id)
        .all(conn)
        .await?)
}

async fn org_json<C: sea_orm::ConnectionTrait>(
    conn: &C,
    org: &organization::Model,
) -> Result<Value> {
    let names: Vec<String> = aliases(conn, org.id)
        .await?
        .into_iter()
        .map(|a| a.alias)
        .collect();
    Ok(json!({
        "id": org.id, "name": org.name, "kind": org.kind, "country": org.country,
        "region": org.region, "city": org.city, "parent_id": org.parent_id, "aliases": names,
    }))
}

/// Where a merged-away organization went, if it was merged.
pub async fn merged_into(store: &Store, id: i64) -> Result<Option<organization_merge::Model>> {
    Ok(organization_merge::Entity::find_by_id(id)
        .one(store.conn())
        .await?)
}

/// Merges the organizations `from` into `into`: their facts (with their evidence), aliases,
/// subsidiaries, article links, agreement parties and policy agencies move to `into`;
/// their names become aliases of `into`; their ids are recorded as merged.
pub async fn merge_organizations(
    store: &Store,
    actor: &Actor,
    into: i64,
    from: &[i64],
    reason: Option<&str>,
) -> Result<Outcome<organization::Model>> {
    let from: Vec<i64> = {
        let mut seen = BTreeSet::new();
        from.iter().copied().filter(|i| seen.insert(*i)).collect()
    };
    if from.is_empty() {
        return Err(CurationError::Invalid(
            "give at least one organization to merge".to_string(),
        ));
    }
    if from.contains(&into) {
        return Err(CurationError::Invalid(format!(
            "organization {into} cannot be merged into itself"
        )));
    }
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let mut survivor = live_org(&txn, into).await?;
    let mut merged = Vec::new();
    for id in &from {
        merged.push(live_org(&txn, *id).await?);
    }
    let mut before_orgs = vec![org_json(&txn, &survivor).await?];
    for m in &merged {
        before_orgs.push(org_json(&txn, m).await?);
    }
    let evidence_before = evidence_count(&txn).await?;
    let now = Utc::now();
    let mut touched_agreements = BTreeSet::new();
    for gone in &merged {
        move_organization(&txn, gone, &mut survivor, &mut touched_agreements).await?;
    }
    for a in touched_agreements {
        refresh_party_key(&txn, a).await?;
    }
    let mut am: organization::ActiveModel = survivor.clone().into();
    am = am.reset_all();
    am.updated_at = Set(now);
    let survivor = am.update(&txn).await?;
    for gone in &merged {
        organization::Entity::delete_by_id(gone.id)
            .exec(&txn)
            .await?;
    }
    // Evidence hangs off facts, and facts were only re-pointed, so none may have gone.
    let evidence_after = evidence_count(&txn).await?;
    if evidence_after != evidence_before {
        return Err(CurationError::Invalid(format!(
            "merge aborted: it would have removed {} pieces of evidence",
            evidence_before.saturating_sub(evidence_after)
        )));
    }
    let mut targets = vec![target("Organization", into)];
    targets.extend(from.iter().map(|i| target("Organization", *i)));
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "mergeOrganizations",
            target_ids: targets,
            before: Value::from(before_orgs),
            after: org_json(&txn, &survivor).await?,
            reason: reason.map(str::to_string),
        },
    )
    .await?;
    for gone in &merged {
        // Earlier merges into the one now merged away follow it to the survivor.
        organization_merge::Entity::update_many()
            .col_expr(organization_merge::Column::IntoId, Expr::value(into))
            .filter(organization_merge::Column::IntoId.eq(gone.id))
            .exec(&txn)
            .await?;
        organization_merge::ActiveModel {
            merged_id: Set(gone.id),
            into_id: Set(into),
            merged_name: Set(gone.name.clone()),
            merged_at: Set(now),
            audit_id: Set(audit_id),
        }
        .insert(&txn)
        .await?;
    }
    txn.commit().await?;
    Ok(Outcome {
        value: survivor,
        audit_id,
    })
}

async fn evidence_count(txn: &DatabaseTransaction) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    Ok(evidence::Entity::find().count(txn).await?)
}

/// Re-points everything of `gone` at `survivor` (both rows stay; the caller deletes `gone`).
async fn move_organization(
    txn: &DatabaseTransaction,
    gone: &organization::Model,
    survivor: &mut organization::Model,
    touched_agreements: &mut BTreeSet<i64>,
) -> Result<()> {
    let (g, s) = (gone.id, survivor.id);
    // Names: every alias the survivor lacks moves; the merged-away canonical name is one.
    let have: BTreeSet<String> = aliases(txn, s)
        .await?
        .into_iter()
        .map(|a| a.alias)
        .collect();
    let mut moved_names = have.clone();
    for a in aliases(txn, g).await? {
        if moved_names.contains(&a.alias) {
            organization_alias::Entity::delete_by_id(a.id)
                .exec(txn)
                .await?;
        } else {
            moved_names.insert(a.alias.clone());
            let mut am: organization_alias::ActiveModel = a.into();
            am.organization_id = Set(s);
            am.update(txn).await?;
        }
    }
    if !moved_names.contains(&gone.name) {
        organization_alias::ActiveModel {
            organization_id: Set(s),
            alias: Set(gone.name.clone()),
            alias_key: Set(name_key(&gone.name)),
            ..Default::default()
        }
        .insert(txn)
        .await?;
    }
    // Place and parent: the survivor keeps what it knows and gains what it lacks.
    if survivor.country.is_none() {
        survivor.country = gone.country.clone();
    }
    if survivor.region.is_none() {
        survivor.region = gone.region.clone();
    }
    if survivor.city.is_none() {
        survivor.city = gone.city.clone();
    }
    if survivor.parent_id == Some(g) || survivor.parent_id.is_none() {
        survivor.parent_id = gone.parent_id.filter(|p| *p != s);
    }
    organization::Entity::update_many()
        .col_expr(organization::Column::ParentId, Expr::value(s))
        .filter(organization::Column::ParentId.eq(g))
        .filter(organization::Column::Id.ne(s))
        .exec(txn)
        .await?;
    // Facts: re-pointed, so their ids and evidence stay as they are.
    facility::Entity::update_many()
        .col_expr(facility::Column::OperatorId, Expr::value(s))
        .filter(facility::Column::OperatorId.eq(g))
        .exec(txn)
        .await?;
    license::Entity::update_many()
        .col_expr(license::Column::HolderId, Expr::value(s))
        .filter(license::Column::HolderId.eq(g))
        .exec(txn)
        .await?;
    license::Entity::update_many()
        .col_expr(license::Column::AuthorityId, Expr::value(s))
        .filter(license::Column::AuthorityId.eq(g))
        .exec(txn)
        .await?;
    // Link tables keyed by (x, organization): a row the survivor already has is dropped.
    let parties = agreement_party::Entity::find()
        .filter(agreement_party::Column::OrganizationId.eq(g))
        .all(txn)
        .await?;
    touched_agreements.extend(parties.iter().map(|p| p.agreement_id));
    agreement_party::Entity::update_many()
        .col_expr(agreement_party::Column::OrganizationId, Expr::value(s))
        .filter(agreement_party::Column::OrganizationId.eq(g))
        .filter(
            agreement_party::Column::AgreementId.not_in_subquery(
                Query::select()
                    .column(agreement_party::Column::AgreementId)
                    .from(agreement_party::Entity)
                    .and_where(agreement_party::Column::OrganizationId.eq(s))
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    agreement_party::Entity::delete_many()
        .filter(agreement_party::Column::OrganizationId.eq(g))
        .exec(txn)
        .await?;
    policy_agency::Entity::update_many()
        .col_expr(policy_agency::Column::OrganizationId, Expr::value(s))
        .filter(policy_agency::Column::OrganizationId.eq(g))
        .filter(
            policy_agency::Column::PolicyId.not_in_subquery(
                Query::select()
                    .column(policy_agency::Column::PolicyId)
                    .from(policy_agency::Entity)
                    .and_where(policy_agency::Column::OrganizationId.eq(s))
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    policy_agency::Entity::delete_many()
        .filter(policy_agency::Column::OrganizationId.eq(g))
        .exec(txn)
        .await?;
    article_organization::Entity::update_many()
        .col_expr(article_organization::Column::OrganizationId, Expr::value(s))
        .filter(article_organization::Column::OrganizationId.eq(g))
        .filter(
            article_organization::Column::ArticleId.not_in_subquery(
                Query::select()
                    .column(article_organization::Column::ArticleId)
                    .from(article_organization::Entity)
                    .and_where(article_organization::Column::OrganizationId.eq(s))
                    .to_owned(),
            ),
        )
        .exec(txn)
        .await?;
    article_organization::Entity::delete_many()
        .filter(article_organization::Column::OrganizationId.eq(g))
        .exec(txn)
        .await?;
    Ok(())
}

/// Recomputes an agreement's `party_key` (sorted party ids) after its parties changed, so
/// the same deal read again is still found.
async fn refresh_party_key(txn: &DatabaseTransaction, agreement_id: i64) -> Result<()> {
    let ids: BTreeSet<i64> = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.eq(agreement_id))
        .all(txn)
        .await?
        .into_iter()
        .map(|p| p.organization_id)
        .collect();
    let key = ids.iter().map(i64::to_string).collect::<Vec<_>>().join(",");
    agreement::Entity::update_many()
        .col_expr(agreement::Column::PartyKey, Expr::value(key))
        .filter(agreement::Column::Id.eq(agreement_id))
        .exec(txn)
        .await?;
    Ok(())
}

/// Refuses `alias` when another organization than `except` is known by it.
async fn check_alias_free<C: sea_orm::ConnectionTrait>(
    conn: &C,
    alias: &str,
    except: Option<i64>,
) -> Result<()> {
    let key = name_key(alias);
    let owners = organization_alias::Entity::find()
        .filter(organization_alias::Column::AliasKey.eq(key))
        .order_by_asc(organization_alias::Column::OrganizationId)
        .all(conn)
        .await?;
    if let Some(o) = owners.iter().find(|o| Some(o.organization_id) != except) {
        let owner = organization::Entity::find_by_id(o.organization_id)
            .one(conn)
            .await?;
        return Err(CurationError::AliasTaken {
            alias: alias.to_string(),
            owner_id: o.organization_id,
            owner_name: owner.map_or_else(|| o.alias.clone(), |m| m.name),
        });
    }
    Ok(())
}

/// Adds a name `org` is known by; refused when another organization already has it.
pub async fn add_alias(
    store: &Store,
    actor: &Actor,
    org: i64,
    alias: &str,
    reason: Option<&str>,
) -> Result<Outcome<organization::Model>> {
    let alias = alias.trim();
    if name_key(alias).is_empty() {
        return Err(CurationError::Invalid(format!(
            "`{alias}` has no letters or digits to be a name"
        )));
    }
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let o = live_org(&txn, org).await?;
    check_alias_free(&txn, alias, Some(org)).await?;
    if aliases(&txn, org).await?.iter().any(|a| a.alias == alias) {
        return Err(CurationError::Invalid(format!(
            "`{alias}` is already an alias of `{}`",
            o.name
        )));
    }
    let before = org_json(&txn, &o).await?;
    organization_alias::ActiveModel {
        organization_id: Set(org),
        alias: Set(alias.to_string()),
        alias_key: Set(name_key(alias)),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "addAlias",
            target_ids: vec![target("Organization", org)],
            before,
            after: org_json(&txn, &o).await?,
            reason: reason.map(str::to_string),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome { value: o, audit_id })
}

/// What `split_alias` produced: the organization the alias left, and the new one.
#[derive(Debug, Clone)]
pub struct Split {
    pub original: organization::Model,
    pub created: organization::Model,
}

/// Detaches `alias` (and its other spellings with the same name key) from `org` into a new
/// organization named `new_name` (default: the alias). Facts stay with `org`.
pub async fn split_alias(
    store: &Store,
    actor: &Actor,
    org: i64,
    alias: &str,
    new_name: Option<&str>,
    reason: Option<&str>,
) -> Result<Outcome<Split>> {
    let key = name_key(alias);
    if key.is_empty() {
        return Err(CurationError::Invalid(format!(
            "`{alias}` has no letters or digits to be a name"
        )));
    }
    let _guard = store.write_guard().await;
    let txn = store.conn().begin().await?;
    let o = live_org(&txn, org).await?;
    if o.name_key == key {
        return Err(CurationError::Invalid(format!(
            "`{alias}` is the canonical name of `{}`; split off one of its other names",
            o.name
        )));
    }
    let all = aliases(&txn, org).await?;
    let (detach, _keep): (Vec<_>, Vec<_>) = all.into_iter().partition(|a| a.alias_key == key);
    let Some(first) = detach.first() else {
        return Err(CurationError::NotFound(format!(
            "alias `{alias}` of `{}`",
            o.name
        )));
    };
    let name = new_name
        .map(str::trim)
        .filter(|n| !n.is_empty())
        .unwrap_or(&first.alias)
        .to_string();
    if name_key(&name).is_empty() {
        return Err(CurationError::Invalid(format!(
            "`{name}` has no letters or digits to be a name"
        )));
    }
    if name_key(&name) != key {
        check_alias_free(&txn, &name, None).await?;
    }
    let before = org_json(&txn, &o).await?;
    let now = Utc::now();
    let created = organization::ActiveModel {
        name: Set(name.clone()),
        name_key: Set(name_key(&name)),
        kind: Set(o.kind.clone()),
        country: Set(o.country.clone()),
        region: Set(None),
        city: Set(None),
        parent_id: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        ..Default::default()
    }
    .insert(&txn)
    .await?;
    for a in &detach {
        let mut am: organization_alias::ActiveModel = a.clone().into();
        am.organization_id = Set(created.id);
        am.update(&txn).await?;
    }
    if !detach.iter().any(|a| a.alias == name) {
        organization_alias::ActiveModel {
            organization_id: Set(created.id),
            alias: Set(name.clone()),
            alias_key: Set(name_key(&name)),
            ..Default::default()
        }
        .insert(&txn)
        .await?;
    }
    let audit_id = audit::record(
        &txn,
        actor,
        AuditEntry {
            mutation: "splitAlias",
            target_ids: vec![
                target("Organization", org),
                target("Organization", created.id),
            ],
            before,
            after: json!({
                "original": org_json(&txn, &o).await?,
                "created": org_json(&txn, &created).await?,
            }),
            reason: reason.map(str::to_string),
        },
    )
    .await?;
    txn.commit().await?;
    Ok(Outcome {
        value: Split {
            original: o,
            created,
        },
        audit_id,
    })
}
