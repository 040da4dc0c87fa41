//! The root query: lists with filters and lookups by id or name (trends live in
//! `analytics.rs`).

use async_graphql::{Context, ID, InputObject, Object};
use cdmo_store::query::{self as q, organization_by_name};
use cdmo_store::vocab::{
    AgreementType, FacilityStatus, Language, LicenseType, Modality, OrganizationKind, PolicyFocus,
};
use cdmo_store::{Country, Store};

use super::connection::{self, Conn, OrderDirection, PageArgs, connection_cost};
use super::error::{StoreResultExt, bad_input};
use super::ids;
use super::node::{self, Node};
use super::types::{
    Agreement, Article, Facility, IngestRun, License, Organization, PartialDate, Policy, load_org,
};

fn country(c: Option<String>) -> async_graphql::Result<Option<String>> {
    c.map(|c| {
        c.parse::<Country>()
            .map(|c| c.to_string())
            .map_err(|e| bad_input(e.to_string()))
    })
    .transpose()
}

fn from(d: Option<PartialDate>) -> Option<chrono::NaiveDate> {
    d.map(|d| d.0.first_day())
}

fn to(d: Option<PartialDate>) -> Option<chrono::NaiveDate> {
    d.map(|d| d.0.last_day())
}

fn opt_id(type_name: &str, id: Option<ID>) -> async_graphql::Result<Option<i64>> {
    id.map(|i| ids::decode(type_name, &i)).transpose()
}

/// Which organizations to list; all conditions must hold.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// ISO 3166-1 alpha-2 country code (e.g. `KR`).
    pub country: Option<String>,
    /// Province or metropolitan region, as stored (e.g. `Gyeonggi`).
    pub region: Option<String>,
    /// What kind of body it is.
    pub kind: Option<OrganizationKind>,
    /// Holds at least one licence of this type.
    pub has_license_type: Option<LicenseType>,
    /// Operates at least one facility making this modality.
    pub modality: Option<Modality>,
    /// Canonical name starts with this text (case-sensitive).
    pub name_prefix: Option<String>,
}

/// Which facilities to list; all conditions must hold.
#[derive(InputObject, Default)]
pub struct FacilityFilter {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// Province or metropolitan region, as stored.
    pub region: Option<String>,
    /// Operator's global id.
    pub operator: Option<ID>,
    /// Lifecycle state.
    pub status: Option<FacilityStatus>,
    /// Makes this modality.
    pub modality: Option<Modality>,
    /// At least this much bioreactor volume, in litres.
    pub min_capacity_liters: Option<f64>,
}

/// Which licences to list. Dates may be partial: `dateFrom: "2022"` is from 1 January 2022,
/// `dateTo: "2022"` through 31 December 2022.
#[derive(InputObject, Default)]
pub struct LicenseFilter {
    /// ISO 3166-1 alpha-2 country code of the granting law.
    pub country: Option<String>,
    /// What kind of authorisation.
    pub license_type: Option<LicenseType>,
    /// Holder's global id.
    pub holder: Option<ID>,
    /// Issuing authority's global id.
    pub authority: Option<ID>,
    /// Granted on or after this date.
    pub date_from: Option<PartialDate>,
    /// Granted on or before this date.
    pub date_to: Option<PartialDate>,
}

/// Which agreements to list; all conditions must hold.
#[derive(InputObject, Default)]
pub struct AgreementFilter {
    /// At least one party is of this country (ISO alpha-2).
    pub country: Option<String>,
    /// What kind of agreement.
    pub agreement_type: Option<AgreementType>,
    /// A party's global id.
    pub party: Option<ID>,
    /// Only agreements whose parties are of two or more countries.
    #[graphql(default)]
    pub cross_border_only: bool,
    /// Made on or after this date.
    pub date_from: Option<PartialDate>,
    /// Made on or before this date.
    pub date_to: Option<PartialDate>,
    /// Stated value of at least this many US dollars.
    pub min_value_usd: Option<f64>,
}

/// Which policies to list; all conditions must hold.
#[derive(InputObject, Default)]
pub struct PolicyFilter {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    /// An agency's global id.
    pub agency: Option<ID>,
    /// Targets this.
    pub focus: Option<PolicyFocus>,
    /// Dated on or after this date.
    pub date_from: Option<PartialDate>,
    /// Dated on or before this date.
    pub date_to: Option<PartialDate>,
}

/// Which articles to list; all conditions must hold.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    /// Publisher name, as stored.
    pub publisher: Option<String>,
    /// Language of the text.
    pub language: Option<Language>,
    /// Published on or after this date.
    pub date_from: Option<PartialDate>,
    /// Published on or before this date.
    pub date_to: Option<PartialDate>,
}

fn non_negative(name: &str, v: Option<f64>) -> async_graphql::Result<()> {
    if v.is_some_and(|c| !c.is_finite() || c < 0.0) {
        return Err(bad_input(format!("`{name}` must be a non-negative number")));
    }
    Ok(())
}

/// The core lists and lookups; merged with the other query roots in `schema.rs`.
#[derive(Default)]
pub struct CoreQuery;

// A resolver's parameters are its GraphQL arguments: Relay paging alone takes four.
#[allow(clippy::too_many_arguments)]
#[Object]
impl CoreQuery {
    /// Organizations: companies, hospitals, universities, ministries and regulators.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<
            OrganizationFilter,
        >,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::OrganizationOrder,
        >,
    ) -> async_graphql::Result<Conn<Organization>> {
        let f = filter.unwrap_or_default();
        let filter = q::OrganizationFilter {
            country: country(f.country)?,
            region: f.region,
            kind: f.kind,
            name_prefix: f.name_prefix,
            has_license_type: f.has_license_type,
            modality: f.modality,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::organizations(ctx, filter, args, order_by).await
    }

    /// One organization, by global id or by any of its names (any script, any legal form).
    async fn organization(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Its global id.")] id: Option<ID>,
        #[graphql(desc = "Any of its names or aliases.")] name: Option<String>,
    ) -> async_graphql::Result<Option<Organization>> {
        match (id, name) {
            (Some(id), None) => load_org(ctx, ids::decode("Organization", &id)?).await,
            (None, Some(name)) => Ok(organization_by_name(ctx.data_unchecked::<Store>(), &name)
                .await
                .gql()?
                .map(Organization)),
            _ => Err(bad_input("give exactly one of `id` and `name`")),
        }
    }

    /// Any object by its global id; null when it does not exist (or was retracted).
    async fn node(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "A global id, as returned in any `id` field.")] id: ID,
    ) -> async_graphql::Result<Option<Node>> {
        node::load_node(ctx, &id).await
    }

    /// Several objects by global id, in the order asked (null for each that does not exist);
    /// at most the maximum page size at once.
    #[graphql(complexity = "ids.len().max(1) * child_complexity")]
    async fn nodes(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Global ids, as returned in any `id` field.")] ids: Vec<ID>,
    ) -> async_graphql::Result<Vec<Option<Node>>> {
        node::load_nodes(ctx, &ids).await
    }

    /// Manufacturing facilities.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn facilities(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<FacilityFilter>,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::FacilityOrder,
        >,
    ) -> async_graphql::Result<Conn<Facility>> {
        let f = filter.unwrap_or_default();
        non_negative("minCapacityLiters", f.min_capacity_liters)?;
        let filter = q::FacilityFilter {
            country: country(f.country)?,
            region: f.region,
            operator_id: opt_id("Organization", f.operator)?,
            status: f.status,
            modality: f.modality,
            min_capacity_liters: f.min_capacity_liters,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::facilities(ctx, filter, args, order_by).await
    }

    /// Licences, permits and certificates.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn licenses(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<LicenseFilter>,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::LicenseOrder,
        >,
    ) -> async_graphql::Result<Conn<License>> {
        let f = filter.unwrap_or_default();
        let filter = q::LicenseFilter {
            country: country(f.country)?,
            license_type: f.license_type,
            holder_id: opt_id("Organization", f.holder)?,
            authority_id: opt_id("Organization", f.authority)?,
            facility_id: None,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::licenses(ctx, filter, args, order_by).await
    }

    /// Agreements between organizations (supply, CDMO, licensing, investment…).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<AgreementFilter>,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::AgreementOrder,
        >,
    ) -> async_graphql::Result<Conn<Agreement>> {
        let f = filter.unwrap_or_default();
        non_negative("minValueUsd", f.min_value_usd)?;
        let filter = q::AgreementFilter {
            agreement_type: f.agreement_type,
            party_id: opt_id("Organization", f.party)?,
            party_country: country(f.country)?,
            cross_border_only: f.cross_border_only,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
            min_value_usd: f.min_value_usd,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::agreements(ctx, filter, args, order_by).await
    }

    /// Government programmes, strategies, funding schemes, regulations and laws.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn policies(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<PolicyFilter>,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::PolicyOrder,
        >,
    ) -> async_graphql::Result<Conn<Policy>> {
        let f = filter.unwrap_or_default();
        let filter = q::PolicyFilter {
            country: country(f.country)?,
            agency_id: opt_id("Organization", f.agency)?,
            focus: f.focus,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::policies(ctx, filter, args, order_by).await
    }

    /// Source articles.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn articles(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Which items to list; all when omitted.")] filter: Option<ArticleFilter>,
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::ArticleOrder,
        >,
    ) -> async_graphql::Result<Conn<Article>> {
        let f = filter.unwrap_or_default();
        let filter = q::ArticleFilter {
            publisher: f.publisher,
            language: f.language,
            organization_id: None,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::articles(ctx, filter, args, order_by).await
    }

    /// Ingest runs, newest first: what each scheduled or manual run fetched, stored and
    /// failed on.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn ingest_runs(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many items from the start of the range (default: the server's default page size; at most its maximum)."
        )]
        first: Option<i32>,
        #[graphql(
            desc = "Return items after this cursor (from `edges.cursor` or `pageInfo.endCursor`)."
        )]
        after: Option<String>,
        #[graphql(
            desc = "Return at most this many items from the end of the range; not with `first`."
        )]
        last: Option<i32>,
        #[graphql(
            desc = "Return items before this cursor (from `edges.cursor` or `pageInfo.startCursor`)."
        )]
        before: Option<String>,
        #[graphql(desc = "Only runs of this source id.")] source: Option<String>,
        #[graphql(desc = "Only runs with this status: running, ok, partial, failed, interrupted.")]
        status: Option<String>,
        #[graphql(
            desc = "Id order: DESC (newest first, the default) or ASC.",
            default_with = "OrderDirection::Desc"
        )]
        direction: OrderDirection,
    ) -> async_graphql::Result<Conn<IngestRun>> {
        let filter = q::IngestRunFilter {
            source_id: source,
            status,
        };
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::ingest_runs(ctx, filter, args, direction).await
    }
}
