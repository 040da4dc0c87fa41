//! Trend, regional and partner-finder fields, served by the analytics crate: series of
//! licences, capacity and agreements by period and group, regional summaries, ranked partners.

use std::collections::HashMap;
use std::sync::Arc;

use async_graphql::dataloader::{DataLoader, Loader};
use async_graphql::{Context, Enum, ID, InputObject, Object, SimpleObject, Union};
use cdmo_analytics as an;
use cdmo_store::entities::{agreement, license, policy};
use cdmo_store::vocab::{FacilityStatus, LicenseType, Modality, OrganizationKind};
use cdmo_store::{Country, Store, StoreError, query};

use super::error::{StoreResultExt, bad_input, from_store, internal};
use super::ids;
use super::loaders::{ArticleId, FacilityId, Loaders};
use super::types::{
    Agreement, Article, Facility, License, Organization, PartialDate, Policy, YearCount, load_org,
};

// ---- loaders for facts by id (batched like the others in loaders.rs) ----

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct LicenseById(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct AgreementById(pub i64);
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PolicyById(pub i64);

macro_rules! by_id_loader {
    ($key:ident, $model:ty, $fetch:path) => {
        impl Loader<$key> for Loaders {
            type Value = $model;
            type Error = Arc<StoreError>;
            async fn load(&self, keys: &[$key]) -> Result<HashMap<$key, $model>, Arc<StoreError>> {
                let ids: Vec<i64> = keys.iter().map(|k| k.0).collect();
                let mut raw = $fetch(&self.store, &ids).await?;
                Ok(keys
                    .iter()
                    .filter_map(|k| raw.remove(&k.0).map(|v| (*k, v)))
                    .collect())
            }
        }
    };
}

by_id_loader!(LicenseById, license::Model, query::licenses_by_ids);
by_id_loader!(AgreementById, agreement::Model, query::agreements_by_ids);
by_id_loader!(PolicyById, policy::Model, query::policies_by_ids);

fn loader<'a>(ctx: &'a Context<'_>) -> &'a DataLoader<Loaders> {
    ctx.data_unchecked::<DataLoader<Loaders>>()
}

pub(crate) async fn load_license(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<License>> {
    Ok(loader(ctx)
        .load_one(LicenseById(id))
        .await
        .gql()?
        .map(License))
}

pub(crate) async fn load_facility(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<Facility>> {
    Ok(loader(ctx)
        .load_one(FacilityId(id))
        .await
        .gql()?
        .map(Facility))
}

fn analytics_error(e: an::AnalyticsError) -> async_graphql::Error {
    match e {
        an::AnalyticsError::InvalidArgument(m) => bad_input(m),
        an::AnalyticsError::Store(s) => from_store(&s),
        other => internal(&other),
    }
}

fn country(c: Option<String>) -> async_graphql::Result<Option<String>> {
    c.map(|c| {
        c.parse::<Country>()
            .map(|c| c.to_string())
            .map_err(|e| bad_input(e.to_string()))
    })
    .transpose()
}

// ---- arguments ----

/// The length of a series' periods. A fact dated only by year counts in YEAR series and in
/// no MONTH or QUARTER bucket; a fact dated by month counts in MONTH and QUARTER too.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Default)]
pub enum Period {
    /// Calendar months, labelled `2024-03`.
    Month,
    /// Calendar quarters, labelled `2024-Q1`.
    Quarter,
    /// Calendar years, labelled `2024`.
    #[default]
    Year,
}

impl From<Period> for an::Period {
    fn from(p: Period) -> Self {
        match p {
            Period::Month => an::Period::Month,
            Period::Quarter => an::Period::Quarter,
            Period::Year => an::Period::Year,
        }
    }
}

/// What a licence series is split by (omit for one total series).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum LicenseGroupBy {
    /// The licence's country (ISO alpha-2).
    Country,
    /// The holder's region.
    Region,
    /// The licence type code.
    LicenseType,
    /// The issuing authority's name.
    Authority,
}

/// What a capacity series is split by (omit for one total series).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum CapacityGroupBy {
    /// The facility's country (ISO alpha-2).
    Country,
    /// The facility's region.
    Region,
    /// The facility's status code (planned, under_construction, operational).
    Status,
    /// The modality code; a facility making two modalities counts in both groups.
    Modality,
}

/// What an agreement series is split by (omit for one total series).
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum AgreementGroupBy {
    /// The agreement type code.
    AgreementType,
    /// A party's country: an agreement counts once in each of its parties' countries.
    Country,
    /// A pair of different party countries, e.g. `CN-KR` (cross-border agreements only).
    CountryPair,
}

/// Which facts a trend counts. Dates may be partial and compare with the fact's first day:
/// `dateFrom: "2022"` is from 1 January 2022, `dateTo: "2022"` through 31 December 2022.
#[derive(InputObject, Default)]
pub struct TrendFilter {
    /// ISO 3166-1 alpha-2 country code (licences: their country; agreements: a party's).
    pub country: Option<String>,
    /// Region name (licences: the holder's; facilities: their own; agreements: a party's).
    pub region: Option<String>,
    /// Facts dated on or after this date.
    pub date_from: Option<PartialDate>,
    /// Facts dated on or before this date.
    pub date_to: Option<PartialDate>,
}

impl TrendFilter {
    fn into_analytics(self) -> async_graphql::Result<an::TrendFilter> {
        Ok(an::TrendFilter {
            country: country(self.country)?,
            region: self.region,
            from: self.date_from.map(|d| d.0.first_day()),
            to: self.date_to.map(|d| d.0.last_day()),
        })
    }
}

/// Which facilities a capacity trend counts. A facility counts once, with its latest
/// reported capacity, in the period of that report.
#[derive(InputObject, Default)]
pub struct CapacityTrendFilter {
    /// ISO 3166-1 alpha-2 country code of the facility.
    pub country: Option<String>,
    /// Region of the facility.
    pub region: Option<String>,
    /// Reported on or after this date.
    pub date_from: Option<PartialDate>,
    /// Reported on or before this date.
    pub date_to: Option<PartialDate>,
    /// Only facilities of this status (OPERATIONAL with `cumulative` gives cumulative
    /// operational capacity).
    pub status: Option<FacilityStatus>,
    /// Only facilities making this modality.
    pub modality: Option<Modality>,
}

impl CapacityTrendFilter {
    fn into_analytics(self) -> async_graphql::Result<an::CapacityFilter> {
        Ok(an::CapacityFilter {
            common: TrendFilter {
                country: self.country,
                region: self.region,
                date_from: self.date_from,
                date_to: self.date_to,
            }
            .into_analytics()?,
            status: self.status.map(|s| s.as_str().to_string()),
            modality: self.modality.map(|m| m.as_str().to_string()),
        })
    }
}

/// What a partner must offer. Every stated criterion adds to the score (see
/// `PartnerCandidate.score`); at least one must be stated.
#[derive(InputObject, Default)]
pub struct PartnerNeed {
    /// Modalities to be made at one of its facilities.
    pub modalities: Option<Vec<Modality>>,
    /// ISO alpha-2 countries where it or one of its facilities is.
    pub countries: Option<Vec<String>>,
    /// Regions where it or one of its facilities is.
    pub regions: Option<Vec<String>>,
    /// Licence types it holds.
    pub license_types: Option<Vec<LicenseType>>,
    /// Bioreactor volume (litres) one of its facilities reaches.
    pub min_capacity_liters: Option<f64>,
    /// Organizations (global ids) never to propose, e.g. your own.
    pub exclude_organizations: Option<Vec<ID>>,
    /// Recency: an article published on or after this date supports one of its licences or
    /// facilities.
    pub evidence_since: Option<PartialDate>,
}

// ---- results ----

/// One point of a series.
#[derive(SimpleObject)]
pub struct SeriesPoint {
    /// The period: `2024`, `2024-Q1` or `2024-03`.
    pub period: String,
    /// The group (country code, region, type code, authority name, country pair…); null in
    /// an ungrouped series or for facts whose group is unknown.
    pub group: Option<String>,
    /// Count of facts (licences, agreements) or litres (capacity) in this period.
    pub value: f64,
    /// Running total of this group through this period.
    pub cumulative: f64,
    /// Change from the same period a year earlier (0.5 = +50 %); null when that period has
    /// no value in this group.
    pub growth: Option<f64>,
}

impl From<an::SeriesPoint> for SeriesPoint {
    fn from(p: an::SeriesPoint) -> Self {
        SeriesPoint {
            period: p.period,
            group: p.group,
            value: p.value,
            cumulative: p.cumulative,
            growth: p.growth,
        }
    }
}

fn series(points: Vec<an::SeriesPoint>) -> Vec<SeriesPoint> {
    points.into_iter().map(SeriesPoint::from).collect()
}

/// A facility's capacity, with the articles that report it.
pub struct CapacityAddition(an::CapacityAddition);

/// A facility's capacity, with the articles that report it.
#[Object]
impl CapacityAddition {
    /// The facility.
    async fn facility(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Facility>> {
        load_facility(ctx, self.0.facility_id).await
    }
    /// Its latest reported bioreactor volume, litres.
    async fn capacity_liters(&self) -> f64 {
        self.0.capacity_liters
    }
    /// The date of the article that reported it.
    async fn reported_on(&self) -> Option<chrono::NaiveDate> {
        self.0.reported_on
    }
    /// The articles that report the facility (its sources).
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Article>> {
        let keys: Vec<ArticleId> = self.0.article_ids.iter().map(|a| ArticleId(*a)).collect();
        let found = loader(ctx).load_many(keys.iter().copied()).await.gql()?;
        Ok(keys
            .iter()
            .filter_map(|k| found.get(k).cloned().map(Article))
            .collect())
    }
}

/// Agreements between two countries.
#[derive(SimpleObject)]
pub struct CountryPairShare {
    /// The two ISO alpha-2 countries, sorted.
    pub countries: Vec<String>,
    /// Agreements with parties in both.
    pub agreements: u64,
    /// `agreements` over all classifiable agreements (0–1).
    pub share: f64,
}

/// How many agreements cross borders.
#[derive(SimpleObject)]
pub struct CrossBorderShare {
    /// Agreements with two or more parties whose countries are all known.
    pub classifiable: u64,
    /// Of those, agreements whose parties' countries differ.
    pub cross_border: u64,
    /// `crossBorder / classifiable` (0–1; 0 when nothing is classifiable).
    pub share: f64,
    /// By country pair, most agreements first; an agreement of three countries counts in
    /// each of its pairs.
    pub pairs: Vec<CountryPairShare>,
}

/// An organization's place in the agreement network.
pub struct Connectedness(an::Connectedness);

/// An organization's place in the agreement network.
#[Object]
impl Connectedness {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.0.organization_id).await
    }
    /// Distinct organizations it has agreements with.
    async fn degree(&self) -> u64 {
        self.0.degree
    }
    /// Partners whose (known) country differs from its own.
    async fn foreign_partners(&self) -> u64 {
        self.0.foreign_partners
    }
    /// Agreements it is a party to.
    async fn agreements(&self) -> u64 {
        self.0.agreements
    }
}

/// Organizations of one kind in a place.
#[derive(SimpleObject)]
pub struct KindCount {
    /// The kind.
    pub kind: OrganizationKind,
    /// How many.
    pub count: u64,
}

/// Licences of one type in a place.
#[derive(SimpleObject)]
pub struct LicenseTypeCount {
    /// The licence type.
    pub license_type: LicenseType,
    /// How many.
    pub count: u64,
}

/// A fact shown as a regional event.
#[derive(Union)]
pub enum RegionalFact {
    /// A licence granted there.
    License(License),
    /// A facility there (dated by its latest report).
    Facility(Facility),
    /// An agreement with a party there.
    Agreement(Agreement),
    /// A policy of the country.
    Policy(Policy),
}

/// A recent dated fact in a place.
pub struct RegionalEvent(an::RegionalEvent);

/// A recent dated fact in a place.
#[Object]
impl RegionalEvent {
    /// First day of the fact's date (a facility's: of its latest report).
    async fn date(&self) -> chrono::NaiveDate {
        self.0.date
    }
    /// The fact.
    async fn fact(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<RegionalFact>> {
        let id = self.0.id;
        Ok(match self.0.kind {
            an::EventKind::License => load_license(ctx, id).await?.map(RegionalFact::License),
            an::EventKind::Facility => load_facility(ctx, id).await?.map(RegionalFact::Facility),
            an::EventKind::Agreement => loader(ctx)
                .load_one(AgreementById(id))
                .await
                .gql()?
                .map(|a| RegionalFact::Agreement(Agreement(a))),
            an::EventKind::Policy => loader(ctx)
                .load_one(PolicyById(id))
                .await
                .gql()?
                .map(|p| RegionalFact::Policy(Policy(p))),
        })
    }
}

/// What is known about a country, or a region of it. Policies are national: a region's
/// summary counts its country's policies.
pub struct RegionalSummary(an::RegionalSummary);

/// What is known about a country, or a region of it. Policies are national: a region's
/// summary counts its country's policies.
#[Object]
impl RegionalSummary {
    /// ISO alpha-2 country code.
    async fn country(&self) -> &str {
        &self.0.country
    }
    /// The region; null for the whole country.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// Organizations there, by kind.
    async fn organizations_by_kind(&self) -> Vec<KindCount> {
        self.0
            .organizations_by_kind
            .iter()
            .filter_map(|(k, n)| k.parse().ok().map(|kind| KindCount { kind, count: *n }))
            .collect()
    }
    /// Licences granted there, by type.
    async fn licenses_by_type(&self) -> Vec<LicenseTypeCount> {
        self.0
            .licenses_by_type
            .iter()
            .filter_map(|(t, n)| {
                t.parse().ok().map(|license_type| LicenseTypeCount {
                    license_type,
                    count: *n,
                })
            })
            .collect()
    }
    /// Facilities there.
    async fn facilities(&self) -> u64 {
        self.0.facilities
    }
    /// Latest reported capacity of operational facilities, litres.
    async fn operational_capacity_liters(&self) -> f64 {
        self.0.operational_capacity_liters
    }
    /// Latest reported capacity of planned and under-construction facilities, litres.
    async fn planned_capacity_liters(&self) -> f64 {
        self.0.planned_capacity_liters
    }
    /// Agreements with at least one party there.
    async fn agreements(&self) -> u64 {
        self.0.agreements
    }
    /// Policies of the country.
    async fn policies(&self) -> u64 {
        self.0.policies
    }
    /// The five most recent dated facts, newest first.
    async fn latest_events(&self) -> Vec<RegionalEvent> {
        self.0
            .latest_events
            .iter()
            .cloned()
            .map(RegionalEvent)
            .collect()
    }
}

/// A criterion of a partner need.
#[derive(Enum, Copy, Clone, Eq, PartialEq)]
pub enum PartnerCriterion {
    /// Makes the wanted modalities (weight 3; fraction = share of them made).
    Modalities,
    /// Holds the wanted licence types (weight 3; fraction = share of them held).
    LicenseTypes,
    /// Is, or has a facility, in a wanted country (weight 2).
    Countries,
    /// Is, or has a facility, in a wanted region (weight 2).
    Regions,
    /// Has a facility of at least the capacity (weight 2; 1 if operational, 0.5 otherwise).
    MinCapacity,
    /// Recent evidence supports one of its facts (weight 1).
    Recency,
}

impl From<an::Criterion> for PartnerCriterion {
    fn from(c: an::Criterion) -> Self {
        match c {
            an::Criterion::Modalities => PartnerCriterion::Modalities,
            an::Criterion::LicenseTypes => PartnerCriterion::LicenseTypes,
            an::Criterion::Countries => PartnerCriterion::Countries,
            an::Criterion::Regions => PartnerCriterion::Regions,
            an::Criterion::MinCapacity => PartnerCriterion::MinCapacity,
            an::Criterion::Recency => PartnerCriterion::Recency,
        }
    }
}

/// A fact that meets a criterion; each carries its evidence.
#[derive(Union)]
pub enum MatchedFact {
    /// A licence it holds.
    License(License),
    /// A facility it operates.
    Facility(Facility),
}

/// How a candidate meets one criterion, with the facts that show it.
pub struct CriterionMatch(an::CriterionMatch);

/// How a candidate meets one criterion, with the facts that show it.
#[Object]
impl CriterionMatch {
    /// The criterion.
    async fn criterion(&self) -> PartnerCriterion {
        self.0.criterion.into()
    }
    /// Whether it is met at all.
    async fn matched(&self) -> bool {
        self.0.matched
    }
    /// The fraction met, 0–1.
    async fn fraction(&self) -> f64 {
        self.0.fraction
    }
    /// The criterion's weight in the score.
    async fn weight(&self) -> f64 {
        self.0.weight
    }
    /// The wanted values it meets (modality, licence type, country or region codes).
    async fn matched_values(&self) -> &[String] {
        &self.0.matched_values
    }
    /// The licences and facilities that meet it, with their evidence.
    async fn facts(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<MatchedFact>> {
        let mut out = Vec::with_capacity(self.0.facts.len());
        for f in &self.0.facts {
            match *f {
                an::FactRef::License(id) => {
                    out.extend(load_license(ctx, id).await?.map(MatchedFact::License));
                }
                an::FactRef::Facility(id) => {
                    out.extend(load_facility(ctx, id).await?.map(MatchedFact::Facility));
                }
            }
        }
        Ok(out)
    }
}

/// A ranked partner candidate.
pub struct PartnerCandidate(an::PartnerCandidate);

/// A ranked partner candidate.
#[Object]
impl PartnerCandidate {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        load_org(ctx, self.0.organization_id).await
    }
    /// `Σ weight·fraction / Σ weight` over the stated criteria, 0–1 (6 decimals). Ties are
    /// ordered by name, then id.
    async fn score(&self) -> f64 {
        self.0.score
    }
    /// One entry per stated criterion.
    async fn criteria(&self) -> Vec<CriterionMatch> {
        self.0
            .criteria
            .iter()
            .cloned()
            .map(CriterionMatch)
            .collect()
    }
}

fn first(n: Option<i32>, default: usize) -> async_graphql::Result<usize> {
    match n {
        None => Ok(default),
        Some(n) if (1..=100).contains(&n) => Ok(n as usize),
        Some(_) => Err(bad_input("`first` must be between 1 and 100")),
    }
}

/// Trend, regional and partner-finder fields; merged into the root query in `schema.rs`.
#[derive(Default)]
pub struct AnalyticsQuery;

#[Object]
impl AnalyticsQuery {
    /// Licences granted per period, each licence once however many articles report it
    /// (undated licences are not counted).
    async fn license_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period length.", default)] period: Period,
        #[graphql(desc = "What to split the series by; omit for one total series.")]
        group_by: Option<LicenseGroupBy>,
        #[graphql(desc = "Which licences to count.")] filter: Option<TrendFilter>,
    ) -> async_graphql::Result<Vec<SeriesPoint>> {
        let g = group_by.map(|g| match g {
            LicenseGroupBy::Country => an::LicenseGroupBy::Country,
            LicenseGroupBy::Region => an::LicenseGroupBy::Region,
            LicenseGroupBy::LicenseType => an::LicenseGroupBy::LicenseType,
            LicenseGroupBy::Authority => an::LicenseGroupBy::Authority,
        });
        let f = filter.unwrap_or_default().into_analytics()?;
        an::service::license_trend(ctx.data_unchecked::<Store>(), period.into(), g, f)
            .await
            .map(series)
            .map_err(analytics_error)
    }

    /// Organizations whose first dated licence falls in each year ("new entrants").
    async fn license_new_entrants(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Split by the holder's country.", default)] by_country: bool,
        #[graphql(desc = "Which licences count (before the first is taken).")] filter: Option<
            TrendFilter,
        >,
    ) -> async_graphql::Result<Vec<SeriesPoint>> {
        let f = filter.unwrap_or_default().into_analytics()?;
        an::service::new_entrants(ctx.data_unchecked::<Store>(), by_country, f)
            .await
            .map(series)
            .map_err(analytics_error)
    }

    /// Announced bioreactor capacity (litres) per period: each facility once, with its latest
    /// reported capacity, in the period of that report.
    async fn capacity_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period length.", default)] period: Period,
        #[graphql(desc = "What to split the series by; omit for one total series.")]
        group_by: Option<CapacityGroupBy>,
        #[graphql(desc = "Which facilities to count.")] filter: Option<CapacityTrendFilter>,
    ) -> async_graphql::Result<Vec<SeriesPoint>> {
        let g = group_by.map(|g| match g {
            CapacityGroupBy::Country => an::CapacityGroupBy::Country,
            CapacityGroupBy::Region => an::CapacityGroupBy::Region,
            CapacityGroupBy::Status => an::CapacityGroupBy::Status,
            CapacityGroupBy::Modality => an::CapacityGroupBy::Modality,
        });
        let f = filter.unwrap_or_default().into_analytics()?;
        an::service::capacity_trend(ctx.data_unchecked::<Store>(), period.into(), g, f)
            .await
            .map(series)
            .map_err(analytics_error)
    }

    /// The largest facilities by latest reported capacity, with their sources.
    async fn largest_capacity_additions(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1–100, default 10).")] first: Option<i32>,
        #[graphql(desc = "Which facilities to consider.")] filter: Option<CapacityTrendFilter>,
    ) -> async_graphql::Result<Vec<CapacityAddition>> {
        let n = self::first(first, 10)?;
        let f = filter.unwrap_or_default().into_analytics()?;
        an::service::largest_capacity_additions(ctx.data_unchecked::<Store>(), f, n)
            .await
            .map(|v| v.into_iter().map(CapacityAddition).collect())
            .map_err(analytics_error)
    }

    /// Agreements per period, each agreement once however many articles report it.
    async fn agreement_trend(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "The period length.", default)] period: Period,
        #[graphql(desc = "What to split the series by; omit for one total series.")]
        group_by: Option<AgreementGroupBy>,
        #[graphql(desc = "Which agreements to count (country/region: of a party).")] filter: Option<
            TrendFilter,
        >,
    ) -> async_graphql::Result<Vec<SeriesPoint>> {
        let g = group_by.map(|g| match g {
            AgreementGroupBy::AgreementType => an::AgreementGroupBy::AgreementType,
            AgreementGroupBy::Country => an::AgreementGroupBy::Country,
            AgreementGroupBy::CountryPair => an::AgreementGroupBy::CountryPair,
        });
        let f = filter.unwrap_or_default().into_analytics()?;
        an::service::agreement_trend(ctx.data_unchecked::<Store>(), period.into(), g, f)
            .await
            .map(series)
            .map_err(analytics_error)
    }

    /// The share of cross-border agreements (parties' countries differ), by country pair.
    async fn cross_border_agreements(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "Dates, and `country`: only agreements with a party there.")]
        filter: Option<TrendFilter>,
    ) -> async_graphql::Result<CrossBorderShare> {
        let f = filter.unwrap_or_default().into_analytics()?;
        let c = an::service::cross_border_agreements(ctx.data_unchecked::<Store>(), f)
            .await
            .map_err(analytics_error)?;
        Ok(CrossBorderShare {
            classifiable: c.classifiable,
            cross_border: c.cross_border,
            share: c.share,
            pairs: c
                .pairs
                .into_iter()
                .map(|p| CountryPairShare {
                    countries: vec![p.countries.0, p.countries.1],
                    agreements: p.agreements,
                    share: p.share,
                })
                .collect(),
        })
    }

    /// The most-connected organizations of the agreement network: most partners first, then
    /// most foreign partners, then name.
    async fn most_connected_organizations(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "How many (1–100, default 10).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<Connectedness>> {
        let n = self::first(first, 10)?;
        an::service::most_connected(ctx.data_unchecked::<Store>(), n)
            .await
            .map(|v| v.into_iter().map(Connectedness).collect())
            .map_err(analytics_error)
    }

    /// What is known about a country, or one of its regions; null when nothing is.
    async fn regional_summary(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 country code.")] country: String,
        #[graphql(desc = "A region of the country; omit for the whole country.")] region: Option<
            String,
        >,
    ) -> async_graphql::Result<Option<RegionalSummary>> {
        let c = self::country(Some(country))?.unwrap_or_default();
        an::service::regional_summary(ctx.data_unchecked::<Store>(), &c, region.as_deref())
            .await
            .map(|s| s.map(RegionalSummary))
            .map_err(analytics_error)
    }

    /// Summaries of every country with known facts, each followed by its regions.
    async fn regional_summaries(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<RegionalSummary>> {
        an::service::regional_summaries(ctx.data_unchecked::<Store>())
            .await
            .map(|v| v.into_iter().map(RegionalSummary).collect())
            .map_err(analytics_error)
    }

    /// CDMOs (and other companies operating facilities) ranked for a need, best first, each
    /// with the facts that met every criterion.
    async fn partner_candidates(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "What the partner must offer.")] need: PartnerNeed,
        #[graphql(desc = "How many (1–100, default 10).")] first: Option<i32>,
    ) -> async_graphql::Result<Vec<PartnerCandidate>> {
        let n = self::first(first, 10)?;
        let exclude = need
            .exclude_organizations
            .unwrap_or_default()
            .iter()
            .map(|id| ids::decode("Organization", id))
            .collect::<async_graphql::Result<Vec<i64>>>()?;
        let countries = need
            .countries
            .unwrap_or_default()
            .into_iter()
            .map(|c| country(Some(c)).map(Option::unwrap_or_default))
            .collect::<async_graphql::Result<Vec<String>>>()?;
        let need = an::PartnerNeed {
            modalities: need
                .modalities
                .unwrap_or_default()
                .iter()
                .map(|m| m.as_str().to_string())
                .collect(),
            countries,
            regions: need.regions.unwrap_or_default(),
            license_types: need
                .license_types
                .unwrap_or_default()
                .iter()
                .map(|t| t.as_str().to_string())
                .collect(),
            min_capacity_liters: need.min_capacity_liters,
            exclude_organizations: exclude,
            evidence_since: need.evidence_since.map(|d| d.0.first_day()),
        };
        let mut ranked = an::service::rank_partners(ctx.data_unchecked::<Store>(), need)
            .await
            .map_err(analytics_error)?;
        ranked.truncate(n);
        Ok(ranked.into_iter().map(PartnerCandidate).collect())
    }

    /// Licences granted per year, by country (undated licences are not counted); restrict
    /// to one `country` (ISO alpha-2) if given.
    #[graphql(deprecation = "use licenseTrend")]
    async fn license_counts_by_year(
        &self,
        ctx: &Context<'_>,
        #[graphql(desc = "ISO 3166-1 alpha-2 country code.")] country: Option<String>,
    ) -> async_graphql::Result<Vec<YearCount>> {
        let c = self::country(country)?;
        let rows = an::license_counts_by_year(ctx.data_unchecked::<Store>(), c.as_deref())
            .await
            .map_err(analytics_error)?;
        Ok(rows
            .into_iter()
            .map(|r| YearCount {
                year: r.year,
                country: r.country,
                count: r.count,
            })
            .collect())
    }
}
