//! DataLoaders: every link a nested query follows (holder, authority, evidence, aliases…)
//! is batched per key type, so a page of results costs a bounded number of SQL statements.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::Loader;
use cdmo_store::entities::{
    agreement, agreement_party, article, evidence, facility, ingest_run, license, organization,
    policy,
};
use cdmo_store::query::{
    self, AgreementSort, ArticleSort, Direction, FacilitySort, LicenseSort, LicensesOf, PolicySort,
};
use cdmo_store::vocab::{FactKind, Modality, PolicyFocus};
use cdmo_store::{Store, StoreError};

/// One loader for every key type; each key type is one batched query.
pub struct Loaders {
    pub store: Store,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OrgId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FacilityId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ArticleId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct LicenseId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgreementId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PolicyId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EvidenceId(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct IngestRunId(pub i64);

/// A nested list of an organization or facility, in one order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Nested {
    HeldLicenses(Option<LicenseSort>),
    IssuedLicenses(Option<LicenseSort>),
    FacilityLicenses(Option<LicenseSort>),
    Facilities(Option<FacilitySort>),
    Agreements(Option<AgreementSort>),
    Policies(Option<PolicySort>),
    Articles(Option<ArticleSort>),
}

/// One parent's nested list: keys of one query level share (list, direction) and are
/// loaded in one batch whatever the number of parents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct NestedKey {
    pub list: Nested,
    pub direction: Direction,
    pub parent: i64,
}

/// The rows of one parent's nested list, in order.
#[derive(Debug, Clone)]
pub enum NestedRows {
    Licenses(Vec<license::Model>),
    Facilities(Vec<facility::Model>),
    Agreements(Vec<agreement::Model>),
    Policies(Vec<policy::Model>),
    Articles(Vec<article::Model>),
}
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AliasesOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SubsidiariesOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartiesOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct AgenciesOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FocusOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ModalitiesOf(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct EvidenceOf(pub FactKind, pub i64);

type Res<K, V> = Result<HashMap<K, V>, Arc<StoreError>>;

fn keyed<K: Copy + Eq + std::hash::Hash, V>(
    keys: &[K],
    raw: HashMap<i64, V>,
    id: impl Fn(K) -> i64,
) -> HashMap<K, V> {
    let mut raw = raw;
    keys.iter()
        .filter_map(|k| raw.remove(&id(*k)).map(|v| (*k, v)))
        .collect()
}

fn ids<K: Copy>(keys: &[K], id: impl Fn(K) -> i64) -> Vec<i64> {
    keys.iter().map(|k| id(*k)).collect()
}

impl Loader<OrgId> for Loaders {
    type Value = organization::Model;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[OrgId]) -> Res<OrgId, Self::Value> {
        let raw = query::organizations_by_ids(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

/// Organizations reached through one kind of link. Each link has its own key type so that
/// a query level's lookups through it form one batch whatever the timing of other levels
/// (keys of one type from two levels may or may not share a batch).
pub trait OrgLink: Copy + Eq + std::hash::Hash + Send + Sync + 'static {
    fn new(id: i64) -> Self;
    fn id(self) -> i64;
}

macro_rules! org_link {
    ($($name:ident),+) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub struct $name(pub i64);

        impl OrgLink for $name {
            fn new(id: i64) -> Self {
                $name(id)
            }
            fn id(self) -> i64 {
                self.0
            }
        }

        impl Loader<$name> for Loaders {
            type Value = organization::Model;
            type Error = Arc<StoreError>;
            async fn load(&self, keys: &[$name]) -> Res<$name, Self::Value> {
                let raw = query::organizations_by_ids(&self.store, &ids(keys, |k| k.0)).await?;
                Ok(keyed(keys, raw, |k| k.0))
            }
        }
    )+};
}

org_link!(HolderOrg, AuthorityOrg, OperatorOrg, PartyOrg, ParentOrg);

impl Loader<FacilityId> for Loaders {
    type Value = facility::Model;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[FacilityId]) -> Res<FacilityId, Self::Value> {
        let raw = query::facilities_by_ids(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<ArticleId> for Loaders {
    type Value = article::Model;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[ArticleId]) -> Res<ArticleId, Self::Value> {
        let raw = query::articles_by_ids(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

macro_rules! by_id_loader {
    ($key:ident, $model:path, $query:path) => {
        impl Loader<$key> for Loaders {
            type Value = $model;
            type Error = Arc<StoreError>;
            async fn load(&self, keys: &[$key]) -> Res<$key, Self::Value> {
                let raw = $query(&self.store, &ids(keys, |k| k.0)).await?;
                Ok(keyed(keys, raw, |k| k.0))
            }
        }
    };
}

by_id_loader!(LicenseId, license::Model, query::licenses_by_ids);
by_id_loader!(AgreementId, agreement::Model, query::agreements_by_ids);
by_id_loader!(PolicyId, policy::Model, query::policies_by_ids);
by_id_loader!(EvidenceId, evidence::Model, query::evidence_by_ids);
by_id_loader!(IngestRunId, ingest_run::Model, query::ingest_runs_by_ids);

impl Loader<NestedKey> for Loaders {
    type Value = NestedRows;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[NestedKey]) -> Res<NestedKey, Self::Value> {
        // One store call per distinct (list, order) among the keys, for all their parents.
        let mut groups: HashMap<(Nested, Direction), Vec<i64>> = HashMap::new();
        for k in keys {
            groups
                .entry((k.list, k.direction))
                .or_default()
                .push(k.parent);
        }
        let mut out = HashMap::new();
        for ((list, dir), parents) in groups {
            let s = &self.store;
            let rows: HashMap<i64, NestedRows> = match list {
                Nested::HeldLicenses(o) => wrap(
                    query::licenses_of(s, LicensesOf::Holder, &parents, o, dir).await?,
                    NestedRows::Licenses,
                ),
                Nested::IssuedLicenses(o) => wrap(
                    query::licenses_of(s, LicensesOf::Authority, &parents, o, dir).await?,
                    NestedRows::Licenses,
                ),
                Nested::FacilityLicenses(o) => wrap(
                    query::licenses_of(s, LicensesOf::Facility, &parents, o, dir).await?,
                    NestedRows::Licenses,
                ),
                Nested::Facilities(o) => wrap(
                    query::facilities_of(s, &parents, o, dir).await?,
                    NestedRows::Facilities,
                ),
                Nested::Agreements(o) => wrap(
                    query::agreements_of(s, &parents, o, dir).await?,
                    NestedRows::Agreements,
                ),
                Nested::Policies(o) => wrap(
                    query::policies_of(s, &parents, o, dir).await?,
                    NestedRows::Policies,
                ),
                Nested::Articles(o) => wrap(
                    query::articles_of(s, &parents, o, dir).await?,
                    NestedRows::Articles,
                ),
            };
            for (parent, r) in rows {
                out.insert(
                    NestedKey {
                        list,
                        direction: dir,
                        parent,
                    },
                    r,
                );
            }
        }
        Ok(out)
    }
}

fn wrap<M>(
    rows: HashMap<i64, Vec<M>>,
    variant: fn(Vec<M>) -> NestedRows,
) -> HashMap<i64, NestedRows> {
    rows.into_iter().map(|(k, v)| (k, variant(v))).collect()
}

impl Loader<AliasesOf> for Loaders {
    type Value = Vec<String>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[AliasesOf]) -> Res<AliasesOf, Self::Value> {
        let raw = query::aliases_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<SubsidiariesOf> for Loaders {
    type Value = Vec<organization::Model>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[SubsidiariesOf]) -> Res<SubsidiariesOf, Self::Value> {
        let raw = query::subsidiaries_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<PartiesOf> for Loaders {
    type Value = Vec<agreement_party::Model>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[PartiesOf]) -> Res<PartiesOf, Self::Value> {
        let raw = query::parties_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<AgenciesOf> for Loaders {
    type Value = Vec<i64>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[AgenciesOf]) -> Res<AgenciesOf, Self::Value> {
        let raw = query::agencies_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<FocusOf> for Loaders {
    type Value = Vec<PolicyFocus>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[FocusOf]) -> Res<FocusOf, Self::Value> {
        let raw = query::focus_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<ModalitiesOf> for Loaders {
    type Value = Vec<Modality>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[ModalitiesOf]) -> Res<ModalitiesOf, Self::Value> {
        let raw = query::modalities_of(&self.store, &ids(keys, |k| k.0)).await?;
        Ok(keyed(keys, raw, |k| k.0))
    }
}

impl Loader<EvidenceOf> for Loaders {
    type Value = Vec<evidence::Model>;
    type Error = Arc<StoreError>;
    async fn load(&self, keys: &[EvidenceOf]) -> Res<EvidenceOf, Self::Value> {
        let mut out = HashMap::new();
        for kind in [
            FactKind::Facility,
            FactKind::License,
            FactKind::Agreement,
            FactKind::Policy,
        ] {
            let of_kind: Vec<i64> = keys.iter().filter(|k| k.0 == kind).map(|k| k.1).collect();
            if of_kind.is_empty() {
                continue;
            }
            for (id, rows) in query::evidence_of(&self.store, kind, &of_kind).await? {
                out.insert(EvidenceOf(kind, id), rows);
            }
        }
        Ok(out)
    }
}
