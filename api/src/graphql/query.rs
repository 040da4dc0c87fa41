//! The root query: lists with filters and lookups by id or name (trends live in
//! `analytics.rs`).

use async_graphql::{Context, ID, InputObject, Object};
use cdmo_store::query::{self as q, organization_by_name};
use cdmo_store::vocab::{
    AgreementType, FacilityStatus, Language, LicenseType, Modality, OrganizationKind, PolicyFocus,
};
use cdmo_store::{Country, Store};

use super::connection::{self, Conn};
use super::error::{StoreResultExt, bad_input};
use super::ids;
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

/// Which organizations to list.
#[derive(InputObject, Default)]
pub struct OrganizationFilter {
    /// ISO 3166-1 alpha-2 country code.
    pub country: Option<String>,
    pub region: Option<String>,
    pub kind: Option<OrganizationKind>,
    /// Canonical name starts with this text (case-sensitive).
    pub name_prefix: Option<String>,
}

/// Which facilities to list.
#[derive(InputObject, Default)]
pub struct FacilityFilter {
    pub country: Option<String>,
    pub region: Option<String>,
    /// Operator's global id.
    pub operator: Option<ID>,
    pub status: Option<FacilityStatus>,
    pub modality: Option<Modality>,
    /// At least this much bioreactor volume, in litres.
    pub min_capacity_liters: Option<f64>,
}

/// Which licences to list. Dates may be partial: `dateFrom: "2022"` is from 1 January 2022,
/// `dateTo: "2022"` through 31 December 2022.
#[derive(InputObject, Default)]
pub struct LicenseFilter {
    pub country: Option<String>,
    pub license_type: Option<LicenseType>,
    /// Holder's global id.
    pub holder: Option<ID>,
    /// Issuing authority's global id.
    pub authority: Option<ID>,
    pub date_from: Option<PartialDate>,
    pub date_to: Option<PartialDate>,
}

/// Which agreements to list.
#[derive(InputObject, Default)]
pub struct AgreementFilter {
    /// At least one party is of this country (ISO alpha-2).
    pub country: Option<String>,
    pub agreement_type: Option<AgreementType>,
    /// A party's global id.
    pub party: Option<ID>,
    pub date_from: Option<PartialDate>,
    pub date_to: Option<PartialDate>,
}

/// Which policies to list.
#[derive(InputObject, Default)]
pub struct PolicyFilter {
    pub country: Option<String>,
    /// An agency's global id.
    pub agency: Option<ID>,
    pub focus: Option<PolicyFocus>,
    pub date_from: Option<PartialDate>,
    pub date_to: Option<PartialDate>,
}

/// Which articles to list.
#[derive(InputObject, Default)]
pub struct ArticleFilter {
    pub publisher: Option<String>,
    pub language: Option<Language>,
    pub date_from: Option<PartialDate>,
    pub date_to: Option<PartialDate>,
}

/// The core lists and lookups; merged with the other query roots in `schema.rs`.
#[derive(Default)]
pub struct CoreQuery;

#[Object]
impl CoreQuery {
    /// Organizations, in id order.
    async fn organizations(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<OrganizationFilter>,
    ) -> async_graphql::Result<Conn<Organization>> {
        let f = filter.unwrap_or_default();
        let filter = q::OrganizationFilter {
            country: country(f.country)?,
            region: f.region,
            kind: f.kind,
            name_prefix: f.name_prefix,
        };
        connection::organizations(ctx, filter, first, after).await
    }

    /// One organization, by global id or by any of its names (any script, any legal form).
    async fn organization(
        &self,
        ctx: &Context<'_>,
        id: Option<ID>,
        name: Option<String>,
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

    /// Facilities, in id order.
    async fn facilities(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<FacilityFilter>,
    ) -> async_graphql::Result<Conn<Facility>> {
        let f = filter.unwrap_or_default();
        if f.min_capacity_liters
            .is_some_and(|c| !c.is_finite() || c < 0.0)
        {
            return Err(bad_input(
                "`minCapacityLiters` must be a non-negative number",
            ));
        }
        let filter = q::FacilityFilter {
            country: country(f.country)?,
            region: f.region,
            operator_id: opt_id("Organization", f.operator)?,
            status: f.status,
            modality: f.modality,
            min_capacity_liters: f.min_capacity_liters,
        };
        connection::facilities(ctx, filter, first, after).await
    }

    /// Licences, in id order.
    async fn licenses(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<LicenseFilter>,
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
        connection::licenses(ctx, filter, first, after).await
    }

    /// Agreements, in id order.
    async fn agreements(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<AgreementFilter>,
    ) -> async_graphql::Result<Conn<Agreement>> {
        let f = filter.unwrap_or_default();
        let filter = q::AgreementFilter {
            agreement_type: f.agreement_type,
            party_id: opt_id("Organization", f.party)?,
            party_country: country(f.country)?,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        connection::agreements(ctx, filter, first, after).await
    }

    /// Policies, in id order.
    async fn policies(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<PolicyFilter>,
    ) -> async_graphql::Result<Conn<Policy>> {
        let f = filter.unwrap_or_default();
        let filter = q::PolicyFilter {
            country: country(f.country)?,
            agency_id: opt_id("Organization", f.agency)?,
            focus: f.focus,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        connection::policies(ctx, filter, first, after).await
    }

    /// Articles, in id order.
    async fn articles(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        filter: Option<ArticleFilter>,
    ) -> async_graphql::Result<Conn<Article>> {
        let f = filter.unwrap_or_default();
        let filter = q::ArticleFilter {
            publisher: f.publisher,
            language: f.language,
            organization_id: None,
            date_from: from(f.date_from),
            date_to: to(f.date_to),
        };
        connection::articles(ctx, filter, first, after).await
    }

    /// Ingest runs, newest first: what each scheduled or manual run fetched, stored and
    /// failed on.
    async fn ingest_runs(
        &self,
        ctx: &Context<'_>,
        first: Option<i32>,
        after: Option<String>,
        #[graphql(desc = "Only runs of this source id.")] source: Option<String>,
        #[graphql(desc = "Only runs with this status: running, ok, partial, failed, interrupted.")]
        status: Option<String>,
    ) -> async_graphql::Result<Conn<IngestRun>> {
        let filter = q::IngestRunFilter {
            source_id: source,
            status,
        };
        connection::ingest_runs(ctx, filter, first, after).await
    }
}
