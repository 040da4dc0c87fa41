//! Curation over GraphQL: mutations that merge, split, alias, retract, restore and correct,
//! and start ingest runs; plus the curator-only queries (audit log, retracted facts).
//!
//! Every mutation needs an API key and answers with the changed objects and the id of the
//! audit entry written in the same transaction as the change.

use std::path::PathBuf;
use std::time::Duration;

use async_graphql::{Context, ErrorExtensions, ID, InputObject, Json, Object};
use cdmo_store::Store;
use cdmo_store::audit::{self, AuditEntry as StoreAuditEntry};
use cdmo_store::curation::{self as cur, Correction, CurationError, FactRef, FactRow};
use cdmo_store::entities::{audit_log, ingest_run};
use cdmo_store::vocab::{AgreementType, FacilityStatus, FactKind, LicenseType};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

use super::connection::{self, Conn, PageArgs, PageLimits};
use super::error::{BAD_USER_INPUT, StoreResultExt, bad_input, from_store};
use super::ids;
use super::node::{Fact, FactType};
use super::types::{
    Agreement, Facility, IngestRun, License, Organization, PartialDate, Policy, load_org,
};
use crate::auth::require_key;
use cdmo_store::query::Direction;

/// Where `triggerIngest` finds its sources (schema data, from the settings).
#[derive(Debug, Clone)]
pub struct IngestTrigger {
    pub sources_file: PathBuf,
}

/// The `extensions.code` of a `triggerIngest` for a source whose run is going.
pub const ALREADY_RUNNING: &str = "ALREADY_RUNNING";
/// The `extensions.code` when the server's sources file cannot be used.
pub const SOURCES_UNAVAILABLE: &str = "SOURCES_UNAVAILABLE";

fn coded(message: String, code: &'static str) -> async_graphql::Error {
    async_graphql::Error::new(message).extend_with(|_, e| e.set("code", code))
}

fn curation_error(e: CurationError) -> async_graphql::Error {
    match e {
        CurationError::Store(s) => from_store(&s),
        other => {
            let code = match other {
                CurationError::NotFound(_) => "NOT_FOUND",
                CurationError::AliasTaken { .. } => "CONFLICT",
                _ => BAD_USER_INPUT,
            };
            coded(other.to_string(), code)
        }
    }
}

fn store<'a>(ctx: &'a Context<'_>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

fn org_id(id: &ID) -> async_graphql::Result<i64> {
    ids::decode("Organization", id)
}

fn fact_ref(id: &ID) -> async_graphql::Result<FactRef> {
    let (t, n) = ids::decode_any(id)?;
    let kind = match t.as_str() {
        "Facility" => FactKind::Facility,
        "License" => FactKind::License,
        "Agreement" => FactKind::Agreement,
        "Policy" => FactKind::Policy,
        _ => {
            return Err(bad_input(format!(
                "`{}` is a {t} id, not the id of a fact (licence, facility, agreement or policy)",
                id.as_str()
            )));
        }
    };
    Ok(FactRef { kind, id: n })
}

fn audit_id(id: i64) -> ID {
    ids::encode("AuditEntry", id)
}

impl From<FactRow> for Fact {
    fn from(r: FactRow) -> Fact {
        match r {
            FactRow::Facility(m) => Fact::Facility(Facility(m)),
            FactRow::License(m) => Fact::License(License(m)),
            FactRow::Agreement(m) => Fact::Agreement(Agreement(m)),
            FactRow::Policy(m) => Fact::Policy(Policy(m)),
        }
    }
}

/// A fact with its retraction state, as curators see it.
pub struct CuratedFact(FactRow);

/// A fact with its retraction state, as curators see it.
#[Object]
impl CuratedFact {
    /// The fact's global id.
    async fn id(&self) -> ID {
        let (kind, id) = match &self.0 {
            FactRow::Facility(m) => ("Facility", m.id),
            FactRow::License(m) => ("License", m.id),
            FactRow::Agreement(m) => ("Agreement", m.id),
            FactRow::Policy(m) => ("Policy", m.id),
        };
        ids::encode(kind, id)
    }
    /// What kind of fact it is.
    async fn kind(&self) -> FactType {
        match &self.0 {
            FactRow::Facility(_) => FactType::Facility,
            FactRow::License(_) => FactType::License,
            FactRow::Agreement(_) => FactType::Agreement,
            FactRow::Policy(_) => FactType::Policy,
        }
    }
    /// The fact itself (its fields as they are now).
    async fn fact(&self) -> Fact {
        self.0.clone().into()
    }
    /// When it was retracted; null when it is shown in queries.
    async fn retracted_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.retraction().0
    }
    /// Why it was retracted (a curator's reason, or the extractor that stopped finding it).
    async fn retraction_reason(&self) -> Option<String> {
        self.0.retraction().1.map(str::to_string)
    }
}

/// The result of a mutation on one fact.
pub struct FactPayload {
    fact: FactRow,
    audit_id: i64,
}

/// The result of a mutation on one fact.
#[Object]
impl FactPayload {
    /// The fact after the change, with its retraction state.
    async fn fact(&self) -> CuratedFact {
        CuratedFact(self.fact.clone())
    }
    /// The audit entry recording the change.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.audit_id)
    }
}

/// The result of a mutation on one organization.
pub struct OrganizationPayload {
    organization: i64,
    audit_id: i64,
}

/// The result of a mutation on one organization.
#[Object]
impl OrganizationPayload {
    /// The organization after the change.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.organization).await
    }
    /// The audit entry recording the change.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.audit_id)
    }
}

/// The result of `mergeOrganizations`.
pub struct MergePayload {
    organization: i64,
    merged: Vec<i64>,
    audit_id: i64,
}

/// The result of `mergeOrganizations`.
#[Object]
impl MergePayload {
    /// The surviving organization, with everything of the merged ones.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.organization).await
    }
    /// The ids merged away; `organizationMerge(id:)` reports where each went.
    async fn merged_ids(&self) -> Vec<ID> {
        self.merged
            .iter()
            .map(|i| ids::encode("Organization", *i))
            .collect()
    }
    /// The audit entry recording the merge.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.audit_id)
    }
}

/// The result of `splitAlias`.
pub struct SplitPayload {
    organization: i64,
    created: i64,
    audit_id: i64,
}

/// The result of `splitAlias`.
#[Object]
impl SplitPayload {
    /// The organization the alias was detached from (its facts stay with it).
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.organization).await
    }
    /// The new organization known by the detached alias.
    async fn new_organization(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.created).await
    }
    /// The audit entry recording the split.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.audit_id)
    }
}

/// The result of `triggerIngest`.
pub struct TriggerIngestPayload {
    run: ingest_run::Model,
    audit_id: i64,
}

/// The result of `triggerIngest`.
#[Object]
impl TriggerIngestPayload {
    /// The run, as it was when it started; follow it with `ingestRuns(source:)`.
    async fn run(&self) -> IngestRun {
        IngestRun(self.run.clone())
    }
    /// The run's global id.
    async fn run_id(&self) -> ID {
        ids::encode("IngestRun", self.run.id)
    }
    /// The audit entry recording who started it.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.audit_id)
    }
}

/// Merge organizations that are the same body into one.
#[derive(InputObject)]
pub struct MergeOrganizationsInput {
    /// The organization that survives.
    pub into: ID,
    /// The organizations merged into it (their names become its aliases).
    pub from: Vec<ID>,
    /// Why, for the audit log.
    pub reason: Option<String>,
}

/// Add a name an organization is known by.
#[derive(InputObject)]
pub struct AddAliasInput {
    /// The organization.
    pub organization: ID,
    /// The name, in any script.
    pub alias: String,
    /// Why, for the audit log.
    pub reason: Option<String>,
}

/// Detach a name wrongly attached to an organization into a new organization.
#[derive(InputObject)]
pub struct SplitAliasInput {
    /// The organization the name is attached to.
    pub organization: ID,
    /// The name to detach (spellings with the same normalised form go with it).
    pub alias: String,
    /// The new organization's canonical name; default: the alias.
    pub new_name: Option<String>,
    /// Why, for the audit log.
    pub reason: Option<String>,
}

/// Retract a fact: it is kept, with the reason, but hidden from every query.
#[derive(InputObject)]
pub struct RetractFactInput {
    /// The global id of a licence, facility, agreement or policy.
    pub id: ID,
    /// Why it is wrong (required; shown to curators in `retractedFacts`).
    pub reason: String,
}

/// Bring a retracted fact back.
#[derive(InputObject)]
pub struct RestoreFactInput {
    /// The global id of a retracted licence, facility, agreement or policy.
    pub id: ID,
    /// Why, for the audit log.
    pub reason: Option<String>,
}

/// New values for a licence; omitted fields are unchanged.
#[derive(InputObject, Default)]
pub struct LicenseCorrection {
    /// The licence type.
    pub license_type: Option<LicenseType>,
    /// The grant date, as precisely as known.
    pub date: Option<PartialDate>,
}

/// New values for a facility; omitted fields are unchanged.
#[derive(InputObject, Default)]
pub struct FacilityCorrection {
    /// The facility's name.
    pub name: Option<String>,
    /// Total bioreactor volume in litres (non-negative).
    pub capacity_liters: Option<f64>,
    /// Lifecycle state.
    pub status: Option<FacilityStatus>,
}

/// New values for an agreement; omitted fields are unchanged.
#[derive(InputObject, Default)]
pub struct AgreementCorrection {
    /// The agreement type.
    pub agreement_type: Option<AgreementType>,
    /// When it was made, as precisely as known.
    pub date: Option<PartialDate>,
    /// Value in US dollars (non-negative).
    pub value_usd: Option<f64>,
}

/// New values for a policy; omitted fields are unchanged.
#[derive(InputObject, Default)]
pub struct PolicyCorrection {
    /// The policy's title.
    pub title: Option<String>,
    /// When it was launched or took effect, as precisely as known.
    pub date: Option<PartialDate>,
}

/// Correct fields of a fact: give the id and exactly one correction, of the id's kind.
#[derive(InputObject)]
pub struct CorrectFactInput {
    /// The global id of a licence, facility, agreement or policy.
    pub id: ID,
    /// For a licence id.
    pub license: Option<LicenseCorrection>,
    /// For a facility id.
    pub facility: Option<FacilityCorrection>,
    /// For an agreement id.
    pub agreement: Option<AgreementCorrection>,
    /// For a policy id.
    pub policy: Option<PolicyCorrection>,
    /// Why, for the audit log.
    pub reason: Option<String>,
}

/// Start an ingest run of one configured source.
#[derive(InputObject)]
pub struct TriggerIngestInput {
    /// The source's id in the server's sources file.
    pub source_id: String,
}

fn correction(input: CorrectFactInput, kind: FactKind) -> async_graphql::Result<Correction> {
    let given = [
        input.license.is_some(),
        input.facility.is_some(),
        input.agreement.is_some(),
        input.policy.is_some(),
    ]
    .iter()
    .filter(|g| **g)
    .count();
    if given != 1 {
        return Err(bad_input(
            "give exactly one of `license`, `facility`, `agreement` and `policy`",
        ));
    }
    let wrong = |given: &str| {
        bad_input(format!(
            "the id is a {}, but the correction is for a {given}",
            cur::kind_name(kind)
        ))
    };
    match kind {
        FactKind::License => {
            let c = input.license.ok_or_else(|| wrong("different kind"))?;
            Ok(Correction::License {
                license_type: c.license_type,
                date: c.date.map(|d| d.0),
            })
        }
        FactKind::Facility => {
            let c = input.facility.ok_or_else(|| wrong("different kind"))?;
            Ok(Correction::Facility {
                name: c.name,
                capacity_liters: c.capacity_liters,
                status: c.status,
            })
        }
        FactKind::Agreement => {
            let c = input.agreement.ok_or_else(|| wrong("different kind"))?;
            Ok(Correction::Agreement {
                agreement_type: c.agreement_type,
                date: c.date.map(|d| d.0),
                value_usd: c.value_usd,
            })
        }
        FactKind::Policy => {
            let c = input.policy.ok_or_else(|| wrong("different kind"))?;
            Ok(Correction::Policy {
                name: c.title,
                date: c.date.map(|d| d.0),
            })
        }
    }
}

/// Curation mutations; each needs an API key and is recorded in the audit log.
#[derive(Default)]
pub struct MutationRoot;

/// Curation mutations; each needs an API key and is recorded in the audit log.
#[Object]
impl MutationRoot {
    /// Merge organizations into one: facts (with evidence), aliases, subsidiaries and article
    /// links move to `into`; the merged names become its aliases.
    async fn merge_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: MergeOrganizationsInput,
    ) -> async_graphql::Result<MergePayload> {
        let actor = require_key(ctx, "mergeOrganizations")?;
        let into = org_id(&input.into)?;
        let from = input
            .from
            .iter()
            .map(org_id)
            .collect::<async_graphql::Result<Vec<_>>>()?;
        let out =
            cur::merge_organizations(store(ctx), &actor, into, &from, input.reason.as_deref())
                .await
                .map_err(curation_error)?;
        Ok(MergePayload {
            organization: out.value.id,
            merged: from,
            audit_id: out.audit_id,
        })
    }

    /// Add a name an organization is known by; refused when another organization has it.
    async fn add_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")] input: AddAliasInput,
    ) -> async_graphql::Result<OrganizationPayload> {
        let actor = require_key(ctx, "addAlias")?;
        let org = org_id(&input.organization)?;
        let out = cur::add_alias(
            store(ctx),
            &actor,
            org,
            &input.alias,
            input.reason.as_deref(),
        )
        .await
        .map_err(curation_error)?;
        Ok(OrganizationPayload {
            organization: out.value.id,
            audit_id: out.audit_id,
        })
    }

    /// Detach an alias into its own new organization; facts stay with the original.
    async fn split_alias(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: SplitAliasInput,
    ) -> async_graphql::Result<SplitPayload> {
        let actor = require_key(ctx, "splitAlias")?;
        let org = org_id(&input.organization)?;
        let out = cur::split_alias(
            store(ctx),
            &actor,
            org,
            &input.alias,
            input.new_name.as_deref(),
            input.reason.as_deref(),
        )
        .await
        .map_err(curation_error)?;
        Ok(SplitPayload {
            organization: out.value.original.id,
            created: out.value.created.id,
            audit_id: out.audit_id,
        })
    }

    /// Retract a fact: kept with its reason, hidden from every list and organization page.
    async fn retract_fact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: RetractFactInput,
    ) -> async_graphql::Result<FactPayload> {
        let actor = require_key(ctx, "retractFact")?;
        let f = fact_ref(&input.id)?;
        let out = cur::retract_fact(store(ctx), &actor, f, &input.reason)
            .await
            .map_err(curation_error)?;
        Ok(FactPayload {
            fact: out.value,
            audit_id: out.audit_id,
        })
    }

    /// Restore a retracted fact.
    async fn restore_fact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: RestoreFactInput,
    ) -> async_graphql::Result<FactPayload> {
        let actor = require_key(ctx, "restoreFact")?;
        let f = fact_ref(&input.id)?;
        let out = cur::restore_fact(store(ctx), &actor, f, input.reason.as_deref())
            .await
            .map_err(curation_error)?;
        Ok(FactPayload {
            fact: out.value,
            audit_id: out.audit_id,
        })
    }

    /// Correct fields of a fact (typed and validated; omitted fields are unchanged).
    async fn correct_fact(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: CorrectFactInput,
    ) -> async_graphql::Result<FactPayload> {
        let actor = require_key(ctx, "correctFact")?;
        let f = fact_ref(&input.id)?;
        let reason = input.reason.clone();
        let c = correction(input, f.kind)?;
        let out = cur::correct_fact(store(ctx), &actor, f.id, c, reason.as_deref())
            .await
            .map_err(curation_error)?;
        Ok(FactPayload {
            fact: out.value,
            audit_id: out.audit_id,
        })
    }

    /// Start an ingest run of a configured source in the background; returns the run as it
    /// starts. Refused for an unknown source or one whose run is going (held lease).
    async fn trigger_ingest(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What to change: see the fields of the input type.")]
        input: TriggerIngestInput,
    ) -> async_graphql::Result<TriggerIngestPayload> {
        let actor = require_key(ctx, "triggerIngest")?;
        let trigger = ctx.data_unchecked::<IngestTrigger>();
        let run = start_ingest(store(ctx), &trigger.sources_file, &input.source_id).await?;
        let audit_id = audit::record_alone(
            store(ctx),
            &actor,
            StoreAuditEntry {
                mutation: "triggerIngest",
                target_ids: vec![format!("IngestRun:{}", run.id)],
                before: serde_json::Value::Null,
                after: serde_json::json!({ "source": run.source_id, "run_id": run.id }),
                reason: None,
            },
        )
        .await
        .gql()?;
        Ok(TriggerIngestPayload { run, audit_id })
    }
}

async fn newest_run(
    store: &Store,
    source: &str,
) -> async_graphql::Result<Option<ingest_run::Model>> {
    ingest_run::Entity::find()
        .filter(ingest_run::Column::SourceId.eq(source))
        .order_by_desc(ingest_run::Column::Id)
        .one(store.conn())
        .await
        .map_err(|e| from_store(&e.into()))
}

/// Starts `source_id` of the sources file through the ingest crate's runner on a task of
/// its own, and returns the run row once the runner has recorded it (it does so right
/// after claiming the source's lease, before fetching anything).
async fn start_ingest(
    store: &Store,
    sources_file: &std::path::Path,
    source_id: &str,
) -> async_graphql::Result<ingest_run::Model> {
    let file = cdmo_ingest::sources::load_sources(sources_file).map_err(|e| {
        coded(
            format!("the server's sources file cannot be used: {e}"),
            SOURCES_UNAVAILABLE,
        )
    })?;
    if file.get(source_id).is_none() {
        let known: Vec<&str> = file.sources.iter().map(|s| s.id.as_str()).collect();
        return Err(bad_input(format!(
            "unknown source `{source_id}`; the sources file has: {}",
            known.join(", ")
        )));
    }
    if let Some((holder, until)) = cdmo_store::leases::lease_holder(store, source_id)
        .await
        .gql()?
        .filter(|(_, until)| *until > chrono::Utc::now())
    {
        return Err(coded(
            format!(
                "source `{source_id}` is already being ingested by {holder} (lease until {})",
                until.format("%Y-%m-%d %H:%M:%S UTC")
            ),
            ALREADY_RUNNING,
        ));
    }
    let before = newest_run(store, source_id).await?.map_or(0, |r| r.id);
    let extractor = cdmo_ingest::Extractor::embedded().map_err(|e| super::error::internal(&e))?;
    let base_dir = sources_file
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let task_store = store.clone();
    let only = vec![source_id.to_string()];
    let task = tokio::spawn(async move {
        let options = cdmo_ingest::web::RunOptions::default();
        let result = cdmo_ingest::web::run_sources(
            &task_store,
            &extractor,
            &file,
            &base_dir,
            &only,
            &options,
            &mut |_| {},
        )
        .await;
        if let Err(e) = &result {
            tracing::warn!("triggered ingest failed: {e}");
        }
        result
    });
    // The runner reports its run id only when done, so the row is looked for instead; the
    // wait is bounded by claiming a lease and inserting a row.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Some(run) = newest_run(store, source_id)
            .await?
            .filter(|r| r.id > before)
        {
            return Ok(run);
        }
        if task.is_finished() {
            let runs = task
                .await
                .map_err(|e| super::error::internal(&e))?
                .map_err(|e| bad_input(format!("the ingest of `{source_id}` failed: {e}")))?;
            if let Some(reason) = runs.first().and_then(|r| r.skipped.clone()) {
                return Err(coded(
                    format!("source `{source_id}` was not run: {reason}"),
                    ALREADY_RUNNING,
                ));
            }
            if let Some(run) = newest_run(store, source_id)
                .await?
                .filter(|r| r.id > before)
            {
                return Ok(run);
            }
            return Err(super::error::internal(&format!(
                "the ingest of `{source_id}` ended without recording a run"
            )));
        }
        if tokio::time::Instant::now() > deadline {
            return Err(super::error::internal(&format!(
                "the ingest of `{source_id}` did not record its run within 30 s"
            )));
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// One recorded curation mutation.
#[derive(Clone)]
pub struct AuditEntry(audit_log::Model);

/// One recorded curation mutation.
#[Object]
impl AuditEntry {
    /// Global id.
    async fn id(&self) -> ID {
        audit_id(self.0.id)
    }
    /// When the change was committed.
    async fn at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.at
    }
    /// The name of the API key that made it (kept after the key is revoked).
    async fn key_name(&self) -> &str {
        &self.0.key_name
    }
    /// The numeric id of that key, as `cdmo-atlas apikey list` shows it.
    async fn key_id(&self) -> i64 {
        self.0.key_id
    }
    /// The mutation, e.g. `retractFact`.
    async fn mutation(&self) -> &str {
        &self.0.mutation
    }
    /// Global ids of what it targeted.
    async fn target_ids(&self) -> Vec<ID> {
        serde_json::from_str::<Vec<String>>(&self.0.target_ids)
            .unwrap_or_default()
            .iter()
            .filter_map(|t| {
                let (kind, id) = t.split_once(':')?;
                Some(ids::encode(kind, id.parse().ok()?))
            })
            .collect()
    }
    /// The affected rows before the change, as JSON (null when nothing existed).
    async fn before(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.before).unwrap_or(serde_json::Value::Null))
    }
    /// The affected rows after the change, as JSON.
    async fn after(&self) -> Json<serde_json::Value> {
        Json(serde_json::from_str(&self.0.after).unwrap_or(serde_json::Value::Null))
    }
    /// The curator's reason, if given.
    async fn reason(&self) -> Option<&str> {
        self.0.reason.as_deref()
    }
}

/// Where a merged-away organization went.
pub struct OrganizationMerge(cdmo_store::entities::organization_merge::Model);

/// Where a merged-away organization went.
#[Object]
impl OrganizationMerge {
    /// The id that was merged away.
    async fn merged_id(&self) -> ID {
        ids::encode("Organization", self.0.merged_id)
    }
    /// Its canonical name at the time (now an alias of the survivor).
    async fn merged_name(&self) -> &str {
        &self.0.merged_name
    }
    /// The organization it is now part of.
    async fn into(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.0.into_id).await
    }
    /// When it was merged.
    async fn merged_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.merged_at
    }
    /// The audit entry of the merge.
    async fn audit_entry_id(&self) -> ID {
        audit_id(self.0.audit_id)
    }
}

/// Curation queries; merged into the root query in `schema.rs`.
#[derive(Default)]
pub struct CurationQuery;

#[Object]
impl CurationQuery {
    /// The audit log of curation mutations, newest first. Needs an API key.
    async fn audit_log(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many entries from the newest (default: the server's default page size)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return entries after (older than) this cursor.")] after: Option<String>,
        #[graphql(
            desc = "Return at most this many entries from the oldest end; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(desc = "Return entries before (newer than) this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<AuditEntry>> {
        require_key(ctx, "auditLog")?;
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        let req = connection::request(ctx, &args, "ID", Direction::Desc)?;
        let page = audit::list_audit(store(ctx), &req).await.gql()?;
        Ok(connection::build(page, "ID", Direction::Desc, AuditEntry))
    }

    /// Retracted facts with their reasons, most recently retracted first. Needs an API key.
    async fn retracted_facts(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "At most this many (default 20, at most the maximum page size).")]
        first: Option<i32>,
    ) -> async_graphql::Result<Vec<CuratedFact>> {
        require_key(ctx, "retractedFacts")?;
        let limits = ctx.data_unchecked::<PageLimits>();
        let n = first.map_or(limits.default_page_size, |n| n.max(0) as usize);
        if n > limits.max_page_size {
            return Err(bad_input(format!(
                "`first` must be between 0 and {}",
                limits.max_page_size
            )));
        }
        Ok(cur::retracted_facts(store(ctx), n as u64)
            .await
            .map_err(curation_error)?
            .into_iter()
            .map(CuratedFact)
            .collect())
    }

    /// Where an organization id that was merged away went; null for an id never merged.
    async fn organization_merge(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The global id of the organization merged away.")] id: ID,
    ) -> async_graphql::Result<Option<OrganizationMerge>> {
        let id = org_id(&id)?;
        Ok(cur::merged_into(store(ctx), id)
            .await
            .map_err(curation_error)?
            .map(OrganizationMerge))
    }
}
