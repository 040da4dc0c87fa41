//! Read queries: filtered, keyset-paginated lists with totals, and batch loads by id (for the
//! API's DataLoaders), each a bounded number of SQL statements built with sea-query.

use std::collections::HashMap;

use chrono::NaiveDate;
use sea_orm::sea_query::{Expr, ExprTrait, Query};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect,
};

use crate::db::Store;
use crate::entities::{
    agreement, agreement_party, article, article_organization, evidence, facility,
    facility_modality, ingest_run, license, organization, organization_alias, policy,
    policy_agency, policy_focus, source,
};
use crate::error::StoreError;
use crate::names::name_key;
use crate::vocab::{
    AgreementType, FacilityStatus, FactKind, Language, LicenseType, Modality, OrganizationKind,
    PolicyFocus,
};

pub use crate::paging::{Cursor, Direction, KeysetRequest, Page, SortValue};

/// The first `limit` rows after id `after`, in each list's default order (id; newest first
/// for ingest runs). The API uses [`KeysetRequest`] for any order and both directions.
#[derive(Debug, Clone, Copy)]
pub struct PageRequest {
    pub after: Option<i64>,
    pub limit: u64,
}

impl PageRequest {
    fn keyset(self, direction: Direction) -> KeysetRequest {
        KeysetRequest {
            after: self.after.map(|id| Cursor { key: None, id }),
            limit: self.limit,
            direction,
            ..Default::default()
        }
    }
}

/// Facilities in id order (see [`page_facilities`] for other orders).
pub async fn list_facilities(
    store: &Store,
    f: &FacilityFilter,
    req: PageRequest,
) -> Result<Page<facility::Model>, StoreError> {
    page_facilities(store, f, None, &req.keyset(Direction::Asc)).await
}

/// Licences in id order (see [`page_licenses`] for other orders).
pub async fn list_licenses(
    store: &Store,
    f: &LicenseFilter,
    req: PageRequest,
) -> Result<Page<license::Model>, StoreError> {
    page_licenses(store, f, None, &req.keyset(Direction::Asc)).await
}

use crate::paging::{keyset_page, ordered};

/// Declares the sortable fields of one list: the enum (a GraphQL enum with the `graphql`
/// feature), the column each sorts on and how a row's cursor is made.
macro_rules! sort_fields {
    (
        $(#[doc = $doc:literal])*
        $name:ident ($gql:literal) for $entity:ident {
            $( $(#[doc = $vdoc:literal])* $variant:ident => $col:ident, |$m:ident| $value:expr ),+ $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        #[cfg_attr(feature = "graphql", graphql(name = $gql))]
        pub enum $name {
            $( $(#[doc = $vdoc])* $variant ),+
        }

        impl $name {
            /// The sort column (None: id order).
            pub fn column(sort: Option<$name>) -> Option<$entity::Column> {
                sort.map(|s| match s { $($name::$variant => $entity::Column::$col),+ })
            }

            /// The cursor of `m` in the order of `sort`.
            pub fn cursor(sort: Option<$name>, m: &$entity::Model) -> Cursor {
                let key = match sort {
                    None => None,
                    $(Some($name::$variant) => { let $m = m; $value }),+
                };
                Cursor { key, id: m.id }
            }

            /// Stable name of the field, written into cursors so that a cursor of one order
            /// is refused in another.
            pub fn code(sort: Option<$name>) -> &'static str {
                match sort { None => "ID", $(Some($name::$variant) => stringify!($variant)),+ }
            }
        }
    };
}

sort_fields! {
    /// Fields organizations can be sorted by (ties are broken by id).
    OrganizationSort ("OrganizationOrderField") for organization {
        /// Canonical name.
        Name => Name, |m| Some(SortValue::Text(m.name.clone())),
        /// When it was first stored.
        CreatedAt => CreatedAt, |m| Some(SortValue::Time(m.created_at)),
    }
}

sort_fields! {
    /// Fields facilities can be sorted by (ties are broken by id, unknown values last).
    FacilitySort ("FacilityOrderField") for facility {
        /// Bioreactor volume in litres.
        Capacity => CapacityLiters, |m| m.capacity_liters.map(SortValue::Float),
        /// Facility name.
        Name => Name, |m| m.name.clone().map(SortValue::Text),
        /// Date of the latest report of its capacity or status.
        ReportedOn => ReportedOn, |m| m.reported_on.map(SortValue::Date),
    }
}

sort_fields! {
    /// Fields licences can be sorted by (ties are broken by id, undated last).
    LicenseSort ("LicenseOrderField") for license {
        /// Date granted.
        Date => Date, |m| m.date.map(SortValue::Date),
    }
}

sort_fields! {
    /// Fields agreements can be sorted by (ties are broken by id, unknown values last).
    AgreementSort ("AgreementOrderField") for agreement {
        /// Date made.
        Date => Date, |m| m.date.map(SortValue::Date),
        /// Value in US dollars.
        Value => ValueUsd, |m| m.value_usd.map(SortValue::Float),
    }
}

sort_fields! {
    /// Fields policies can be sorted by (ties are broken by id, undated last).
    PolicySort ("PolicyOrderField") for policy {
        /// Date launched, adopted or in force.
        Date => Date, |m| m.date.map(SortValue::Date),
    }
}

sort_fields! {
    /// Fields articles can be sorted by (ties are broken by id, undated last).
    ArticleSort ("ArticleOrderField") for article {
        /// Publication date.
        PublishedAt => Published, |m| m.published.map(SortValue::Date),
    }
}

#[derive(Debug, Clone, Default)]
pub struct OrganizationFilter {
    pub country: Option<String>,
    pub region: Option<String>,
    pub kind: Option<OrganizationKind>,
    pub name_prefix: Option<String>,
    /// Holds at least one (unretracted) licence of this type.
    pub has_license_type: Option<LicenseType>,
    /// Operates at least one (unretracted) facility making this modality.
    pub modality: Option<Modality>,
}

pub async fn page_organizations(
    store: &Store,
    f: &OrganizationFilter,
    sort: Option<OrganizationSort>,
    req: &KeysetRequest,
) -> Result<Page<organization::Model>, StoreError> {
    let mut c = Condition::all();
    if let Some(v) = &f.country {
        c = c.add(organization::Column::Country.eq(v.to_ascii_uppercase()));
    }
    if let Some(v) = &f.region {
        c = c.add(organization::Column::Region.eq(v.clone()));
    }
    if let Some(v) = f.kind {
        c = c.add(organization::Column::Kind.eq(v.as_str()));
    }
    if let Some(v) = &f.name_prefix {
        c = c.add(organization::Column::Name.starts_with(v.clone()));
    }
    if let Some(t) = f.has_license_type {
        c = c.add(
            organization::Column::Id.in_subquery(
                Query::select()
                    .column(license::Column::HolderId)
                    .from(license::Entity)
                    .and_where(license::Column::LicenseType.eq(t.as_str()))
                    .and_where(license::Column::RetractedAt.is_null())
                    .to_owned(),
            ),
        );
    }
    if let Some(m) = f.modality {
        c = c.add(
            organization::Column::Id.in_subquery(
                Query::select()
                    .column(facility::Column::OperatorId)
                    .from(facility::Entity)
                    .and_where(facility::Column::RetractedAt.is_null())
                    .and_where(facility::Column::Id.in_subquery(modality_facilities(m)))
                    .to_owned(),
            ),
        );
    }
    keyset_page(
        store,
        organization::Entity::find().filter(c),
        OrganizationSort::column(sort),
        organization::Column::Id,
        req,
        |m| OrganizationSort::cursor(sort, m),
    )
    .await
}

fn modality_facilities(m: Modality) -> sea_orm::sea_query::SelectStatement {
    Query::select()
        .column(facility_modality::Column::FacilityId)
        .from(facility_modality::Entity)
        .and_where(facility_modality::Column::Modality.eq(m.as_str()))
        .to_owned()
}

/// The organization known by `name` (any alias, any legal form, any word order).
pub async fn organization_by_name(
    store: &Store,
    name: &str,
) -> Result<Option<organization::Model>, StoreError> {
    let key = name_key(name);
    if key.is_empty() {
        return Ok(None);
    }
    let Some(alias) = organization_alias::Entity::find()
        .filter(organization_alias::Column::AliasKey.eq(key))
        .order_by_asc(organization_alias::Column::OrganizationId)
        .one(store.conn())
        .await?
    else {
        return Ok(None);
    };
    Ok(organization::Entity::find_by_id(alias.organization_id)
        .one(store.conn())
        .await?)
}

#[derive(Debug, Clone, Default)]
pub struct FacilityFilter {
    pub country: Option<String>,
    pub region: Option<String>,
    pub operator_id: Option<i64>,
    pub status: Option<FacilityStatus>,
    pub modality: Option<Modality>,
    pub min_capacity_liters: Option<f64>,
}

fn facility_cond(f: &FacilityFilter) -> Condition {
    // Retracted facts are kept for history but not listed.
    let mut c = Condition::all().add(facility::Column::RetractedAt.is_null());
    if let Some(v) = &f.country {
        c = c.add(facility::Column::Country.eq(v.to_ascii_uppercase()));
    }
    if let Some(v) = &f.region {
        c = c.add(facility::Column::Region.eq(v.clone()));
    }
    if let Some(v) = f.operator_id {
        c = c.add(facility::Column::OperatorId.eq(v));
    }
    if let Some(v) = f.status {
        c = c.add(facility::Column::Status.eq(v.as_str()));
    }
    if let Some(v) = f.min_capacity_liters {
        c = c.add(facility::Column::CapacityLiters.gte(v));
    }
    if let Some(m) = f.modality {
        c = c.add(facility::Column::Id.in_subquery(modality_facilities(m)));
    }
    c
}

pub async fn page_facilities(
    store: &Store,
    f: &FacilityFilter,
    sort: Option<FacilitySort>,
    req: &KeysetRequest,
) -> Result<Page<facility::Model>, StoreError> {
    keyset_page(
        store,
        facility::Entity::find().filter(facility_cond(f)),
        FacilitySort::column(sort),
        facility::Column::Id,
        req,
        |m| FacilitySort::cursor(sort, m),
    )
    .await
}

#[derive(Debug, Clone, Default)]
pub struct LicenseFilter {
    pub country: Option<String>,
    pub license_type: Option<LicenseType>,
    pub holder_id: Option<i64>,
    pub authority_id: Option<i64>,
    pub facility_id: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

fn license_cond(f: &LicenseFilter) -> Condition {
    // Retracted facts are kept for history but not listed.
    let mut c = Condition::all().add(license::Column::RetractedAt.is_null());
    if let Some(v) = &f.country {
        c = c.add(license::Column::Country.eq(v.to_ascii_uppercase()));
    }
    if let Some(v) = f.license_type {
        c = c.add(license::Column::LicenseType.eq(v.as_str()));
    }
    if let Some(v) = f.holder_id {
        c = c.add(license::Column::HolderId.eq(v));
    }
    if let Some(v) = f.authority_id {
        c = c.add(license::Column::AuthorityId.eq(v));
    }
    if let Some(v) = f.facility_id {
        c = c.add(license::Column::FacilityId.eq(v));
    }
    if let Some(v) = f.date_from {
        c = c.add(license::Column::Date.gte(v));
    }
    if let Some(v) = f.date_to {
        c = c.add(license::Column::Date.lte(v));
    }
    c
}

pub async fn page_licenses(
    store: &Store,
    f: &LicenseFilter,
    sort: Option<LicenseSort>,
    req: &KeysetRequest,
) -> Result<Page<license::Model>, StoreError> {
    keyset_page(
        store,
        license::Entity::find().filter(license_cond(f)),
        LicenseSort::column(sort),
        license::Column::Id,
        req,
        |m| LicenseSort::cursor(sort, m),
    )
    .await
}

#[derive(Debug, Clone, Default)]
pub struct AgreementFilter {
    pub agreement_type: Option<AgreementType>,
    pub party_id: Option<i64>,
    /// Agreements with at least one party of this country.
    pub party_country: Option<String>,
    /// Only agreements whose parties are of at least two countries.
    pub cross_border_only: bool,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
    pub min_value_usd: Option<f64>,
}

fn agreement_cond(f: &AgreementFilter) -> Condition {
    // Retracted facts are kept for history but not listed.
    let mut c = Condition::all().add(agreement::Column::RetractedAt.is_null());
    if let Some(v) = f.agreement_type {
        c = c.add(agreement::Column::AgreementType.eq(v.as_str()));
    }
    if let Some(p) = f.party_id {
        c = c.add(
            agreement::Column::Id.in_subquery(
                Query::select()
                    .column(agreement_party::Column::AgreementId)
                    .from(agreement_party::Entity)
                    .and_where(agreement_party::Column::OrganizationId.eq(p))
                    .to_owned(),
            ),
        );
    }
    if let Some(country) = &f.party_country {
        c = c.add(
            agreement::Column::Id.in_subquery(
                Query::select()
                    .column(agreement_party::Column::AgreementId)
                    .from(agreement_party::Entity)
                    .and_where(
                        agreement_party::Column::OrganizationId.in_subquery(
                            Query::select()
                                .column(organization::Column::Id)
                                .from(organization::Entity)
                                .and_where(
                                    organization::Column::Country.eq(country.to_ascii_uppercase()),
                                )
                                .to_owned(),
                        ),
                    )
                    .to_owned(),
            ),
        );
    }
    if f.cross_border_only {
        // Parties of two or more known countries; COUNT(DISTINCT) skips unknown ones.
        c = c.add(
            agreement::Column::Id.in_subquery(
                Query::select()
                    .column((
                        agreement_party::Entity,
                        agreement_party::Column::AgreementId,
                    ))
                    .from(agreement_party::Entity)
                    .inner_join(
                        organization::Entity,
                        Expr::col((organization::Entity, organization::Column::Id)).equals((
                            agreement_party::Entity,
                            agreement_party::Column::OrganizationId,
                        )),
                    )
                    .group_by_col((
                        agreement_party::Entity,
                        agreement_party::Column::AgreementId,
                    ))
                    .and_having(Expr::cust("COUNT(DISTINCT organizations.country) > 1"))
                    .to_owned(),
            ),
        );
    }
    if let Some(v) = f.date_from {
        c = c.add(agreement::Column::Date.gte(v));
    }
    if let Some(v) = f.date_to {
        c = c.add(agreement::Column::Date.lte(v));
    }
    if let Some(v) = f.min_value_usd {
        c = c.add(agreement::Column::ValueUsd.gte(v));
    }
    c
}

pub async fn page_agreements(
    store: &Store,
    f: &AgreementFilter,
    sort: Option<AgreementSort>,
    req: &KeysetRequest,
) -> Result<Page<agreement::Model>, StoreError> {
    keyset_page(
        store,
        agreement::Entity::find().filter(agreement_cond(f)),
        AgreementSort::column(sort),
        agreement::Column::Id,
        req,
        |m| AgreementSort::cursor(sort, m),
    )
    .await
}

#[derive(Debug, Clone, Default)]
pub struct PolicyFilter {
    pub country: Option<String>,
    pub agency_id: Option<i64>,
    pub focus: Option<PolicyFocus>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

fn policy_cond(f: &PolicyFilter) -> Condition {
    // Retracted facts are kept for history but not listed.
    let mut c = Condition::all().add(policy::Column::RetractedAt.is_null());
    if let Some(v) = &f.country {
        c = c.add(policy::Column::Country.eq(v.to_ascii_uppercase()));
    }
    if let Some(a) = f.agency_id {
        c = c.add(
            policy::Column::Id.in_subquery(
                Query::select()
                    .column(policy_agency::Column::PolicyId)
                    .from(policy_agency::Entity)
                    .and_where(policy_agency::Column::OrganizationId.eq(a))
                    .to_owned(),
            ),
        );
    }
    if let Some(fc) = f.focus {
        c = c.add(
            policy::Column::Id.in_subquery(
                Query::select()
                    .column(policy_focus::Column::PolicyId)
                    .from(policy_focus::Entity)
                    .and_where(policy_focus::Column::Focus.eq(fc.as_str()))
                    .to_owned(),
            ),
        );
    }
    if let Some(v) = f.date_from {
        c = c.add(policy::Column::Date.gte(v));
    }
    if let Some(v) = f.date_to {
        c = c.add(policy::Column::Date.lte(v));
    }
    c
}

pub async fn page_policies(
    store: &Store,
    f: &PolicyFilter,
    sort: Option<PolicySort>,
    req: &KeysetRequest,
) -> Result<Page<policy::Model>, StoreError> {
    keyset_page(
        store,
        policy::Entity::find().filter(policy_cond(f)),
        PolicySort::column(sort),
        policy::Column::Id,
        req,
        |m| PolicySort::cursor(sort, m),
    )
    .await
}

#[derive(Debug, Clone, Default)]
pub struct ArticleFilter {
    pub publisher: Option<String>,
    pub language: Option<Language>,
    pub organization_id: Option<i64>,
    pub date_from: Option<NaiveDate>,
    pub date_to: Option<NaiveDate>,
}

fn article_cond(f: &ArticleFilter) -> Condition {
    let mut c = Condition::all();
    if let Some(v) = &f.publisher {
        c = c.add(article::Column::Publisher.eq(v.clone()));
    }
    if let Some(v) = f.language {
        c = c.add(article::Column::Language.eq(v.as_str()));
    }
    if let Some(o) = f.organization_id {
        c = c.add(
            article::Column::Id.in_subquery(
                Query::select()
                    .column(article_organization::Column::ArticleId)
                    .from(article_organization::Entity)
                    .and_where(article_organization::Column::OrganizationId.eq(o))
                    .to_owned(),
            ),
        );
    }
    if let Some(v) = f.date_from {
        c = c.add(article::Column::Published.gte(v));
    }
    if let Some(v) = f.date_to {
        c = c.add(article::Column::Published.lte(v));
    }
    c
}

pub async fn page_articles(
    store: &Store,
    f: &ArticleFilter,
    sort: Option<ArticleSort>,
    req: &KeysetRequest,
) -> Result<Page<article::Model>, StoreError> {
    keyset_page(
        store,
        article::Entity::find().filter(article_cond(f)),
        ArticleSort::column(sort),
        article::Column::Id,
        req,
        |m| ArticleSort::cursor(sort, m),
    )
    .await
}

// ---- per-parent lists for nested connections (one or two statements per batch) ----

/// Which list of an organization or facility a nested connection shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum LicensesOf {
    Holder,
    Authority,
    Facility,
}

/// Every visible licence of each parent, in the order asked for.
pub async fn licenses_of(
    store: &Store,
    rel: LicensesOf,
    parents: &[i64],
    sort: Option<LicenseSort>,
    direction: Direction,
) -> Result<HashMap<i64, Vec<license::Model>>, StoreError> {
    let col = match rel {
        LicensesOf::Holder => license::Column::HolderId,
        LicensesOf::Authority => license::Column::AuthorityId,
        LicensesOf::Facility => license::Column::FacilityId,
    };
    let select = license::Entity::find()
        .filter(license_cond(&LicenseFilter::default()))
        .filter(col.is_in(parents.iter().copied()));
    let rows = ordered(
        select,
        LicenseSort::column(sort),
        license::Column::Id,
        direction,
        false,
    )
    .all(store.conn())
    .await?;
    let mut out: HashMap<i64, Vec<license::Model>> = HashMap::new();
    for r in rows {
        let parent = match rel {
            LicensesOf::Holder => Some(r.holder_id),
            LicensesOf::Authority => r.authority_id,
            LicensesOf::Facility => r.facility_id,
        };
        if let Some(p) = parent {
            out.entry(p).or_default().push(r);
        }
    }
    Ok(out)
}

/// Every visible facility operated by each organization, in the order asked for.
pub async fn facilities_of(
    store: &Store,
    operators: &[i64],
    sort: Option<FacilitySort>,
    direction: Direction,
) -> Result<HashMap<i64, Vec<facility::Model>>, StoreError> {
    let select = facility::Entity::find()
        .filter(facility_cond(&FacilityFilter::default()))
        .filter(facility::Column::OperatorId.is_in(operators.iter().copied()));
    let rows = ordered(
        select,
        FacilitySort::column(sort),
        facility::Column::Id,
        direction,
        false,
    )
    .all(store.conn())
    .await?;
    let mut out: HashMap<i64, Vec<facility::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.operator_id).or_default().push(r);
    }
    Ok(out)
}

/// Spreads rows loaded in order over their parents through a (parent, row id) link list.
fn spread<M: Clone>(
    links: Vec<(i64, i64)>,
    rows: Vec<M>,
    id: impl Fn(&M) -> i64,
) -> HashMap<i64, Vec<M>> {
    let mut parents_of: HashMap<i64, Vec<i64>> = HashMap::new();
    for (parent, row) in links {
        parents_of.entry(row).or_default().push(parent);
    }
    let mut out: HashMap<i64, Vec<M>> = HashMap::new();
    for r in rows {
        for p in parents_of.get(&id(&r)).into_iter().flatten() {
            out.entry(*p).or_default().push(r.clone());
        }
    }
    out
}

/// Every visible agreement each organization is a party to, in the order asked for.
pub async fn agreements_of(
    store: &Store,
    parties: &[i64],
    sort: Option<AgreementSort>,
    direction: Direction,
) -> Result<HashMap<i64, Vec<agreement::Model>>, StoreError> {
    let links: Vec<(i64, i64)> = agreement_party::Entity::find()
        .filter(agreement_party::Column::OrganizationId.is_in(parties.iter().copied()))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|l| (l.organization_id, l.agreement_id))
        .collect();
    let select = agreement::Entity::find()
        .filter(agreement_cond(&AgreementFilter::default()))
        .filter(agreement::Column::Id.is_in(links.iter().map(|l| l.1)));
    let rows = ordered(
        select,
        AgreementSort::column(sort),
        agreement::Column::Id,
        direction,
        false,
    )
    .all(store.conn())
    .await?;
    Ok(spread(links, rows, |r| r.id))
}

/// Every visible policy each organization is an agency of, in the order asked for.
pub async fn policies_of(
    store: &Store,
    agencies: &[i64],
    sort: Option<PolicySort>,
    direction: Direction,
) -> Result<HashMap<i64, Vec<policy::Model>>, StoreError> {
    let links: Vec<(i64, i64)> = policy_agency::Entity::find()
        .filter(policy_agency::Column::OrganizationId.is_in(agencies.iter().copied()))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|l| (l.organization_id, l.policy_id))
        .collect();
    let select = policy::Entity::find()
        .filter(policy_cond(&PolicyFilter::default()))
        .filter(policy::Column::Id.is_in(links.iter().map(|l| l.1)));
    let rows = ordered(
        select,
        PolicySort::column(sort),
        policy::Column::Id,
        direction,
        false,
    )
    .all(store.conn())
    .await?;
    Ok(spread(links, rows, |r| r.id))
}

/// Every article naming each organization, in the order asked for.
pub async fn articles_of(
    store: &Store,
    organizations: &[i64],
    sort: Option<ArticleSort>,
    direction: Direction,
) -> Result<HashMap<i64, Vec<article::Model>>, StoreError> {
    let links: Vec<(i64, i64)> = article_organization::Entity::find()
        .filter(article_organization::Column::OrganizationId.is_in(organizations.iter().copied()))
        .all(store.conn())
        .await?
        .into_iter()
        .map(|l| (l.organization_id, l.article_id))
        .collect();
    let select =
        article::Entity::find().filter(article::Column::Id.is_in(links.iter().map(|l| l.1)));
    let rows = ordered(
        select,
        ArticleSort::column(sort),
        article::Column::Id,
        direction,
        false,
    )
    .all(store.conn())
    .await?;
    Ok(spread(links, rows, |r| r.id))
}

// ---- batch loads by id (one statement each) ----

macro_rules! by_ids {
    ($fn_name:ident, $entity:ident) => {
        pub async fn $fn_name(
            store: &Store,
            ids: &[i64],
        ) -> Result<HashMap<i64, $entity::Model>, StoreError> {
            let rows = $entity::Entity::find()
                .filter($entity::Column::Id.is_in(ids.iter().copied()))
                .all(store.conn())
                .await?;
            Ok(rows.into_iter().map(|r| (r.id, r)).collect())
        }
    };
}

by_ids!(organizations_by_ids, organization);
by_ids!(facilities_by_ids, facility);
by_ids!(licenses_by_ids, license);
by_ids!(agreements_by_ids, agreement);
by_ids!(policies_by_ids, policy);
by_ids!(articles_by_ids, article);
by_ids!(evidence_by_ids, evidence);
by_ids!(ingest_runs_by_ids, ingest_run);

/// Aliases of each organization (its canonical name included), sorted.
pub async fn aliases_of(
    store: &Store,
    org_ids: &[i64],
) -> Result<HashMap<i64, Vec<String>>, StoreError> {
    let rows = organization_alias::Entity::find()
        .filter(organization_alias::Column::OrganizationId.is_in(org_ids.iter().copied()))
        .order_by_asc(organization_alias::Column::Alias)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<String>> = HashMap::new();
    for r in rows {
        out.entry(r.organization_id).or_default().push(r.alias);
    }
    Ok(out)
}

/// Direct subsidiaries of each organization.
pub async fn subsidiaries_of(
    store: &Store,
    parent_ids: &[i64],
) -> Result<HashMap<i64, Vec<organization::Model>>, StoreError> {
    let rows = organization::Entity::find()
        .filter(organization::Column::ParentId.is_in(parent_ids.iter().copied()))
        .order_by_asc(organization::Column::Id)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<organization::Model>> = HashMap::new();
    for r in rows {
        if let Some(p) = r.parent_id {
            out.entry(p).or_default().push(r);
        }
    }
    Ok(out)
}

/// Parties of each agreement, in organization id order.
pub async fn parties_of(
    store: &Store,
    agreement_ids: &[i64],
) -> Result<HashMap<i64, Vec<agreement_party::Model>>, StoreError> {
    let rows = agreement_party::Entity::find()
        .filter(agreement_party::Column::AgreementId.is_in(agreement_ids.iter().copied()))
        .order_by_asc(agreement_party::Column::OrganizationId)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<agreement_party::Model>> = HashMap::new();
    for r in rows {
        out.entry(r.agreement_id).or_default().push(r);
    }
    Ok(out)
}

/// Agency organization ids of each policy.
pub async fn agencies_of(
    store: &Store,
    policy_ids: &[i64],
) -> Result<HashMap<i64, Vec<i64>>, StoreError> {
    let rows = policy_agency::Entity::find()
        .filter(policy_agency::Column::PolicyId.is_in(policy_ids.iter().copied()))
        .order_by_asc(policy_agency::Column::OrganizationId)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<i64>> = HashMap::new();
    for r in rows {
        out.entry(r.policy_id).or_default().push(r.organization_id);
    }
    Ok(out)
}

/// Focus codes of each policy; a stored code that is not in the vocabulary is an error.
pub async fn focus_of(
    store: &Store,
    policy_ids: &[i64],
) -> Result<HashMap<i64, Vec<PolicyFocus>>, StoreError> {
    let rows = policy_focus::Entity::find()
        .filter(policy_focus::Column::PolicyId.is_in(policy_ids.iter().copied()))
        .order_by_asc(policy_focus::Column::Focus)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<PolicyFocus>> = HashMap::new();
    for r in rows {
        let f = r
            .focus
            .parse()
            .map_err(
                |e: crate::vocab::VocabularyError| StoreError::InvalidStoredValue {
                    table: "policy_focus",
                    column: "focus",
                    value: r.focus.clone(),
                    reason: e.to_string(),
                },
            )?;
        out.entry(r.policy_id).or_default().push(f);
    }
    Ok(out)
}

/// Modalities of each facility.
pub async fn modalities_of(
    store: &Store,
    facility_ids: &[i64],
) -> Result<HashMap<i64, Vec<Modality>>, StoreError> {
    let rows = facility_modality::Entity::find()
        .filter(facility_modality::Column::FacilityId.is_in(facility_ids.iter().copied()))
        .order_by_asc(facility_modality::Column::Modality)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<Modality>> = HashMap::new();
    for r in rows {
        let m = r
            .modality
            .parse()
            .map_err(
                |e: crate::vocab::VocabularyError| StoreError::InvalidStoredValue {
                    table: "facility_modalities",
                    column: "modality",
                    value: r.modality.clone(),
                    reason: e.to_string(),
                },
            )?;
        out.entry(r.facility_id).or_default().push(m);
    }
    Ok(out)
}

/// Evidence of each fact of one kind, oldest first.
pub async fn evidence_of(
    store: &Store,
    kind: FactKind,
    fact_ids: &[i64],
) -> Result<HashMap<i64, Vec<evidence::Model>>, StoreError> {
    let ids = fact_ids.iter().copied();
    let col = match kind {
        FactKind::Facility => evidence::Column::FacilityId,
        FactKind::License => evidence::Column::LicenseId,
        FactKind::Agreement => evidence::Column::AgreementId,
        FactKind::Policy => evidence::Column::PolicyId,
    };
    let rows = evidence::Entity::find()
        .filter(col.is_in(ids))
        .filter(evidence::Column::SupersededAt.is_null())
        .order_by_asc(evidence::Column::Id)
        .all(store.conn())
        .await?;
    let mut out: HashMap<i64, Vec<evidence::Model>> = HashMap::new();
    for r in rows {
        let key = match kind {
            FactKind::Facility => r.facility_id,
            FactKind::License => r.license_id,
            FactKind::Agreement => r.agreement_id,
            FactKind::Policy => r.policy_id,
        };
        if let Some(k) = key {
            out.entry(k).or_default().push(r);
        }
    }
    Ok(out)
}

/// One licence as the analytics need it: when, where and what.
#[derive(Debug, Clone, PartialEq)]
pub struct LicenseFact {
    pub id: i64,
    pub license_type: String,
    pub country: Option<String>,
    pub date: Option<NaiveDate>,
    pub date_precision: Option<String>,
}

/// Every licence, for analytics (one statement).
pub async fn license_facts(store: &Store) -> Result<Vec<LicenseFact>, StoreError> {
    Ok(license::Entity::find()
        .filter(license::Column::RetractedAt.is_null())
        .order_by_asc(license::Column::Id)
        .all(store.conn())
        .await?
        .into_iter()
        .map(|l| LicenseFact {
            id: l.id,
            license_type: l.license_type,
            country: l.country,
            date: l.date,
            date_precision: l.date_precision,
        })
        .collect())
}

/// Row counts of every table, for status output and tests.
pub async fn table_counts(store: &Store) -> Result<Vec<(&'static str, u64)>, StoreError> {
    let db = store.conn();
    Ok(vec![
        (
            "organizations",
            organization::Entity::find().count(db).await?,
        ),
        (
            "organization_aliases",
            organization_alias::Entity::find().count(db).await?,
        ),
        ("facilities", facility::Entity::find().count(db).await?),
        (
            "facility_modalities",
            facility_modality::Entity::find().count(db).await?,
        ),
        ("licenses", license::Entity::find().count(db).await?),
        ("agreements", agreement::Entity::find().count(db).await?),
        (
            "agreement_parties",
            agreement_party::Entity::find().count(db).await?,
        ),
        ("policies", policy::Entity::find().count(db).await?),
        (
            "policy_agencies",
            policy_agency::Entity::find().count(db).await?,
        ),
        (
            "policy_focus",
            policy_focus::Entity::find().count(db).await?,
        ),
        ("articles", article::Entity::find().count(db).await?),
        (
            "article_organizations",
            article_organization::Entity::find().count(db).await?,
        ),
        ("evidence", evidence::Entity::find().count(db).await?),
        ("sources", source::Entity::find().count(db).await?),
        ("ingest_runs", ingest_run::Entity::find().count(db).await?),
    ])
}

/// Which ingest runs to list.
#[derive(Debug, Clone, Default)]
pub struct IngestRunFilter {
    pub source_id: Option<String>,
    /// `running`, `ok`, `partial`, `failed` or `interrupted`.
    pub status: Option<String>,
}

/// Ingest runs, newest first (the cursor pages backwards through ids).
pub async fn list_ingest_runs(
    store: &Store,
    f: &IngestRunFilter,
    req: PageRequest,
) -> Result<Page<ingest_run::Model>, StoreError> {
    page_ingest_runs(store, f, &req.keyset(Direction::Desc)).await
}

/// Ingest runs in id order in `req.direction`.
pub async fn page_ingest_runs(
    store: &Store,
    f: &IngestRunFilter,
    req: &KeysetRequest,
) -> Result<Page<ingest_run::Model>, StoreError> {
    let mut select = ingest_run::Entity::find();
    if let Some(v) = &f.source_id {
        select = select.filter(ingest_run::Column::SourceId.eq(v.clone()));
    }
    if let Some(v) = &f.status {
        select = select.filter(ingest_run::Column::Status.eq(v.clone()));
    }
    keyset_page(store, select, None, ingest_run::Column::Id, req, |m| {
        Cursor {
            key: None,
            id: m.id,
        }
    })
    .await
}

/// Checks that the database answers.
pub async fn ping(store: &Store) -> Result<(), StoreError> {
    store.conn().ping().await.map_err(StoreError::from)
}

/// Articles published on or after `since` (or, when their publication date is unknown,
/// ingested on or after it); every article when `since` is None.
fn articles_since(since: Option<NaiveDate>) -> Condition {
    let Some(d) = since else {
        return Condition::all();
    };
    let mut c = Condition::any().add(article::Column::Published.gte(d));
    if let Some(t) = d.and_hms_opt(0, 0, 0).map(|t| t.and_utc()) {
        c = c.add(
            Condition::all()
                .add(article::Column::Published.is_null())
                .add(article::Column::IngestedAt.gte(t)),
        );
    }
    c
}

/// How many articles `articles_since_page` will walk through.
pub async fn count_articles_since(
    store: &Store,
    since: Option<NaiveDate>,
) -> Result<u64, StoreError> {
    Ok(article::Entity::find()
        .filter(articles_since(since))
        .count(store.conn())
        .await?)
}

/// The next `limit` articles after id `after` among those selected by `since`, by id.
pub async fn articles_since_page(
    store: &Store,
    since: Option<NaiveDate>,
    after: i64,
    limit: u64,
) -> Result<Vec<article::Model>, StoreError> {
    Ok(article::Entity::find()
        .filter(articles_since(since))
        .filter(article::Column::Id.gt(after))
        .order_by_asc(article::Column::Id)
        .limit(std::cmp::max(limit, 1))
        .all(store.conn())
        .await?)
}
