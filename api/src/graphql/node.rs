//! The `Node` interface and `node`/`nodes` lookups by global id, the `Fact` union, and an
//! organization's timeline and partners, all read through the batching DataLoaders.

use std::collections::HashMap;

use async_graphql::futures_util::future::try_join_all;
use async_graphql::{Context, Enum, ID, Interface, SimpleObject, Union};
use cdmo_store::query::{Cursor, Direction};

use super::connection::{self, Conn, PageArgs, PageLimits};
use super::error::{StoreResultExt, bad_input};
use super::ids;
use super::loaders::{
    AgreementId, ArticleId, EvidenceId, FacilityId, IngestRunId, LicenseId, Nested, NestedKey,
    NestedRows, OrgId, PartiesOf, PolicyId,
};
use super::types::{
    Agreement, Article, Evidence, Facility, IngestRun, License, Organization, PartialDate, Policy,
    loader,
};

/// Any object with a global id, fetchable with `node(id:)`.
#[derive(Interface)]
#[graphql(field(
    name = "id",
    ty = "ID",
    desc = "Global id: opaque, stable, unique across types."
))]
pub enum Node {
    Organization(Organization),
    Facility(Facility),
    License(License),
    Agreement(Agreement),
    Policy(Policy),
    Article(Article),
    Evidence(Evidence),
    IngestRun(IngestRun),
}

/// A fact about organizations, each with its evidence.
#[derive(Union, Clone)]
pub enum Fact {
    License(License),
    Facility(Facility),
    Agreement(Agreement),
    Policy(Policy),
}

/// What kind of fact a timeline entry is.
#[derive(Enum, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FactType {
    /// A licence it holds (dated by its grant).
    License,
    /// A facility it operates (dated by the latest report on it).
    Facility,
    /// An agreement it is a party to (dated when made).
    Agreement,
    /// A policy it is an agency of (dated when launched or in force).
    Policy,
}

/// One fact on an organization's timeline.
#[derive(SimpleObject, Clone)]
pub struct TimelineEntry {
    /// When it happened, as precisely as known; null for undated facts (listed last).
    pub date: Option<PartialDate>,
    /// What kind of fact it is.
    pub kind: FactType,
    /// The fact, with its evidence.
    pub fact: Fact,
}

/// An organization another has agreements with, and those agreements.
#[derive(SimpleObject)]
pub struct Partner {
    /// The partner.
    pub organization: Organization,
    /// How many agreements the two share.
    pub agreement_count: u64,
    /// The agreements between the two, oldest first (undated last).
    pub agreements: Vec<Agreement>,
}

fn visible<T>(row: Option<T>, retracted: impl Fn(&T) -> bool) -> Option<T> {
    row.filter(|r| !retracted(r))
}

/// The object behind a global id, or None; a malformed id or unknown type is an input error.
pub async fn load_node(ctx: &Context<'_>, id: &ID) -> async_graphql::Result<Option<Node>> {
    let (type_name, n) = ids::decode_any(id)?;
    let l = loader(ctx);
    Ok(match type_name.as_str() {
        "Organization" => l
            .load_one(OrgId(n))
            .await
            .gql()?
            .map(|m| Node::Organization(Organization(m))),
        "Facility" => visible(l.load_one(FacilityId(n)).await.gql()?, |m| {
            m.retracted_at.is_some()
        })
        .map(|m| Node::Facility(Facility(m))),
        "License" => visible(l.load_one(LicenseId(n)).await.gql()?, |m| {
            m.retracted_at.is_some()
        })
        .map(|m| Node::License(License(m))),
        "Agreement" => visible(l.load_one(AgreementId(n)).await.gql()?, |m| {
            m.retracted_at.is_some()
        })
        .map(|m| Node::Agreement(Agreement(m))),
        "Policy" => visible(l.load_one(PolicyId(n)).await.gql()?, |m| {
            m.retracted_at.is_some()
        })
        .map(|m| Node::Policy(Policy(m))),
        "Article" => l
            .load_one(ArticleId(n))
            .await
            .gql()?
            .map(|m| Node::Article(Article(m))),
        "Evidence" => visible(l.load_one(EvidenceId(n)).await.gql()?, |m| {
            m.superseded_at.is_some()
        })
        .map(|m| Node::Evidence(Evidence(m))),
        "IngestRun" => l
            .load_one(IngestRunId(n))
            .await
            .gql()?
            .map(|m| Node::IngestRun(IngestRun(m))),
        _ => return Err(bad_input(format!("`{}` is not a valid id", id.as_str()))),
    })
}

/// Several nodes at once; the lookups of one type share one batched statement.
pub async fn load_nodes(ctx: &Context<'_>, ids: &[ID]) -> async_graphql::Result<Vec<Option<Node>>> {
    let max = ctx.data_unchecked::<PageLimits>().max_page_size;
    if ids.len() > max {
        return Err(bad_input(format!(
            "`ids` may hold at most {max} ids (got {})",
            ids.len()
        )));
    }
    try_join_all(ids.iter().map(|id| load_node(ctx, id))).await
}

async fn nested(
    ctx: &Context<'_>,
    list: Nested,
    parent: i64,
) -> async_graphql::Result<Option<NestedRows>> {
    loader(ctx)
        .load_one(NestedKey {
            list,
            direction: Direction::Asc,
            parent,
        })
        .await
        .gql()
}

struct Entry {
    date: Option<chrono::NaiveDate>,
    shown: Option<PartialDate>,
    kind: FactType,
    id: i64,
    fact: Fact,
}

fn date_of(d: Option<chrono::NaiveDate>, p: Option<&str>) -> Option<PartialDate> {
    cdmo_store::merge::stored_date(d, p).map(PartialDate)
}

/// Every fact about an organization in date order (undated last), paged.
pub async fn timeline(
    ctx: &Context<'_>,
    org: i64,
    args: PageArgs,
) -> async_graphql::Result<Conn<TimelineEntry>> {
    let req = connection::request(ctx, &args, "TIMELINE", Direction::Asc)?;
    let (licences, facilities, agreements, policies) = async_graphql::futures_util::try_join!(
        nested(ctx, Nested::HeldLicenses(None), org),
        nested(ctx, Nested::Facilities(None), org),
        nested(ctx, Nested::Agreements(None), org),
        nested(ctx, Nested::Policies(None), org),
    )?;
    let mut entries: Vec<Entry> = Vec::new();
    for rows in [licences, facilities, agreements, policies]
        .into_iter()
        .flatten()
    {
        match rows {
            NestedRows::Licenses(v) => entries.extend(v.into_iter().map(|m| Entry {
                date: m.date,
                shown: date_of(m.date, m.date_precision.as_deref()),
                kind: FactType::License,
                id: m.id,
                fact: Fact::License(License(m)),
            })),
            NestedRows::Facilities(v) => entries.extend(v.into_iter().map(|m| {
                Entry {
                    date: m.reported_on,
                    shown: m
                        .reported_on
                        .map(|d| PartialDate(cdmo_store::PartialDate::from_naive(d))),
                    kind: FactType::Facility,
                    id: m.id,
                    fact: Fact::Facility(Facility(m)),
                }
            })),
            NestedRows::Agreements(v) => entries.extend(v.into_iter().map(|m| Entry {
                date: m.date,
                shown: date_of(m.date, m.date_precision.as_deref()),
                kind: FactType::Agreement,
                id: m.id,
                fact: Fact::Agreement(Agreement(m)),
            })),
            NestedRows::Policies(v) => entries.extend(v.into_iter().map(|m| Entry {
                date: m.date,
                shown: date_of(m.date, m.date_precision.as_deref()),
                kind: FactType::Policy,
                id: m.id,
                fact: Fact::Policy(Policy(m)),
            })),
            NestedRows::Articles(_) => {}
        }
    }
    entries.sort_by_key(|e| (e.date.is_none(), e.date, e.kind, e.id));
    // One position per (kind, id): the kind is folded into the cursor's id.
    let position = |e: &Entry| Cursor {
        key: None,
        id: e.id * 4 + e.kind as i64,
    };
    let page = cdmo_store::paging::page_in_memory(entries, &req, position);
    Ok(connection::build(page, "TIMELINE", Direction::Asc, |e| {
        TimelineEntry {
            date: e.shown,
            kind: e.kind,
            fact: e.fact,
        }
    }))
}

/// Organizations that share agreements with `org`: most shared agreements first, then by
/// name.
pub async fn partners(ctx: &Context<'_>, org: i64) -> async_graphql::Result<Vec<Partner>> {
    let agreements = match nested(ctx, Nested::Agreements(None), org).await? {
        Some(NestedRows::Agreements(v)) => v,
        _ => return Ok(Vec::new()),
    };
    let l = loader(ctx);
    let parties = l
        .load_many(agreements.iter().map(|a| PartiesOf(a.id)))
        .await
        .gql()?;
    let mut with: HashMap<i64, Vec<cdmo_store::entities::agreement::Model>> = HashMap::new();
    for a in &agreements {
        for p in parties.get(&PartiesOf(a.id)).into_iter().flatten() {
            if p.organization_id != org {
                let list = with.entry(p.organization_id).or_default();
                if !list.iter().any(|x| x.id == a.id) {
                    list.push(a.clone());
                }
            }
        }
    }
    let orgs = l.load_many(with.keys().map(|k| OrgId(*k))).await.gql()?;
    let mut out: Vec<Partner> = with
        .into_iter()
        .filter_map(|(id, mut list)| {
            let o = orgs.get(&OrgId(id))?.clone();
            list.sort_by_key(|a| (a.date.is_none(), a.date, a.id));
            Some(Partner {
                organization: Organization(o),
                agreement_count: list.len() as u64,
                agreements: list.into_iter().map(Agreement).collect(),
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.agreement_count
            .cmp(&a.agreement_count)
            .then_with(|| a.organization.0.name.cmp(&b.organization.0.name))
            .then_with(|| a.organization.0.id.cmp(&b.organization.0.id))
    });
    Ok(out)
}
