//! The GraphQL view of the graph: organizations, facilities, licences, agreements, policies,
//! articles and evidence, each a thin wrapper over a store row with documented fields.

use async_graphql::dataloader::DataLoader;
use async_graphql::{
    ComplexObject, Context, ID, InputValueError, InputValueResult, Object, Scalar, ScalarType,
    SimpleObject, Value,
};
use cdmo_store::entities::{agreement, article, evidence, facility, license, organization, policy};
use cdmo_store::merge::stored_date;
use cdmo_store::vocab::{
    AgreementType, FacilityStatus, FactKind, Language, LicenseType, Modality, OrganizationKind,
    PolicyFocus,
};

use super::connection::{self, Conn, PageArgs, connection_cost};
use super::error::{StoreResultExt, internal};
use super::ids;
use super::loaders::{
    AgenciesOf, AliasesOf, ArticleId, AuthorityOrg, EvidenceOf, FacilityId, FocusOf, HolderOrg,
    Loaders, ModalitiesOf, Nested, OperatorOrg, OrgId, OrgLink, ParentOrg, PartiesOf, PartyOrg,
    SubsidiariesOf,
};

/// A date as precise as the source states it: `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PartialDate(pub cdmo_store::PartialDate);

/// A date as precise as the source states it: `YYYY-MM-DD`, `YYYY-MM` or `YYYY` (a bare
/// year number is accepted as input too).
#[Scalar(name = "PartialDate")]
impl ScalarType for PartialDate {
    fn parse(value: Value) -> InputValueResult<Self> {
        match &value {
            Value::String(s) => s
                .parse::<cdmo_store::PartialDate>()
                .map(PartialDate)
                .map_err(|e| InputValueError::custom(e.to_string())),
            Value::Number(n) => n
                .as_i64()
                .and_then(|y| cdmo_store::PartialDate::year(y as i32).ok())
                .map(PartialDate)
                .ok_or_else(|| InputValueError::custom("a year must be a four-digit number")),
            _ => Err(InputValueError::expected_type(value)),
        }
    }

    fn to_value(&self) -> Value {
        Value::String(self.0.to_string())
    }
}

fn date_of(date: Option<chrono::NaiveDate>, precision: Option<&str>) -> Option<PartialDate> {
    stored_date(date, precision).map(PartialDate)
}

fn vocab<T: std::str::FromStr>(value: &str, what: &str) -> async_graphql::Result<T>
where
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e: T::Err| internal(&format!("stored {what} `{value}`: {e}")))
}

pub(crate) fn loader<'a>(ctx: &'a Context<'_>) -> &'a DataLoader<Loaders> {
    ctx.data_unchecked::<DataLoader<Loaders>>()
}

/// The organization at the end of one kind of link (see [`OrgLink`]).
async fn linked_org<K: OrgLink>(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<Organization>>
where
    Loaders: async_graphql::dataloader::Loader<
            K,
            Value = cdmo_store::entities::organization::Model,
            Error = std::sync::Arc<cdmo_store::StoreError>,
        >,
{
    Ok(loader(ctx)
        .load_one(K::new(id))
        .await
        .gql()?
        .map(Organization))
}

pub(crate) async fn load_org(
    ctx: &Context<'_>,
    id: i64,
) -> async_graphql::Result<Option<Organization>> {
    Ok(loader(ctx)
        .load_one(OrgId(id))
        .await
        .gql()?
        .map(Organization))
}

async fn evidence_for(
    ctx: &Context<'_>,
    kind: FactKind,
    id: i64,
) -> async_graphql::Result<Vec<Evidence>> {
    Ok(loader(ctx)
        .load_one(EvidenceOf(kind, id))
        .await
        .gql()?
        .unwrap_or_default()
        .into_iter()
        .map(Evidence)
        .collect())
}

/// A company, hospital, university, ministry or regulator, resolved across names and scripts.
#[derive(Clone)]
pub struct Organization(pub organization::Model);

/// A company, hospital, university, ministry or regulator, resolved across names and scripts.
#[Object]
impl Organization {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Organization", self.0.id)
    }
    /// Canonical name (English where one is known).
    async fn name(&self) -> &str {
        &self.0.name
    }
    /// What kind of body it is.
    async fn kind(&self) -> async_graphql::Result<OrganizationKind> {
        vocab(&self.0.kind, "organization kind")
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// Province or metropolitan region.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// City, when known.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Every name it is known by, in any script (the canonical name included).
    async fn aliases(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<String>> {
        Ok(loader(ctx)
            .load_one(AliasesOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default())
    }
    /// The organization that owns it, if known.
    async fn parent(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.parent_id {
            Some(p) => linked_org::<ParentOrg>(ctx, p).await,
            None => Ok(None),
        }
    }
    /// Organizations it owns directly.
    async fn subsidiaries(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organization>> {
        Ok(loader(ctx)
            .load_one(SubsidiariesOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default()
            .into_iter()
            .map(Organization)
            .collect())
    }
    /// Licences it holds.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::LicenseOrder,
        >,
    ) -> async_graphql::Result<Conn<License>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_licenses(ctx, Nested::HeldLicenses, self.0.id, args, order_by).await
    }
    /// Licences it issued (for regulators).
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn licenses_issued(
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::LicenseOrder,
        >,
    ) -> async_graphql::Result<Conn<License>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_licenses(ctx, Nested::IssuedLicenses, self.0.id, args, order_by).await
    }
    /// Facilities it operates.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::FacilityOrder,
        >,
    ) -> async_graphql::Result<Conn<Facility>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_facilities(ctx, Nested::Facilities, self.0.id, args, order_by).await
    }
    /// Agreements it is a party to.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::AgreementOrder,
        >,
    ) -> async_graphql::Result<Conn<Agreement>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_agreements(ctx, Nested::Agreements, self.0.id, args, order_by).await
    }
    /// Policies it is an agency of.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::PolicyOrder,
        >,
    ) -> async_graphql::Result<Conn<Policy>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_policies(ctx, Nested::Policies, self.0.id, args, order_by).await
    }
    /// Every fact about it (licences held, facilities operated, agreements it is a party
    /// to, policies it is an agency of) in date order, undated facts last.
    #[graphql(complexity = "connection_cost(first, last, child_complexity)")]
    async fn timeline(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "Return at most this many entries from the start (default: the server's default page size)."
        )]
        first: Option<i32>,
        #[graphql(desc = "Return entries after this cursor.")] after: Option<String>,
        #[graphql(desc = "Return at most this many entries from the end; not with `first`.")]
        last: Option<i32>,
        #[graphql(desc = "Return entries before this cursor.")] before: Option<String>,
    ) -> async_graphql::Result<Conn<super::node::TimelineEntry>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        super::node::timeline(ctx, self.0.id, args).await
    }
    /// Organizations it has agreements with, each with the agreements between the two:
    /// most shared agreements first, then by name.
    async fn partners(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Vec<super::node::Partner>> {
        super::node::partners(ctx, self.0.id).await
    }
    /// Articles that name it.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::ArticleOrder,
        >,
    ) -> async_graphql::Result<Conn<Article>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_articles(ctx, Nested::Articles, self.0.id, args, order_by).await
    }
}

/// A manufacturing facility.
#[derive(Clone)]
pub struct Facility(pub facility::Model);

/// A manufacturing facility.
#[Object]
impl Facility {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Facility", self.0.id)
    }
    /// Its name, when the sources give one.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// The organization that operates it.
    async fn operator(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        linked_org::<OperatorOrg>(ctx, self.0.operator_id).await
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// Province or metropolitan region.
    async fn region(&self) -> Option<&str> {
        self.0.region.as_deref()
    }
    /// City, when known.
    async fn city(&self) -> Option<&str> {
        self.0.city.as_deref()
    }
    /// Modalities it makes.
    async fn modalities(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Modality>> {
        Ok(loader(ctx)
            .load_one(ModalitiesOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default())
    }
    /// Total bioreactor volume in litres, as last reported.
    async fn capacity_liters(&self) -> Option<f64> {
        self.0.capacity_liters
    }
    /// Lifecycle state, as last reported.
    async fn status(&self) -> async_graphql::Result<Option<FacilityStatus>> {
        self.0
            .status
            .as_deref()
            .map(|s| vocab(s, "facility status"))
            .transpose()
    }
    /// Licences held for this facility.
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
        #[graphql(desc = "Sort order; id order when omitted.")] order_by: Option<
            connection::LicenseOrder,
        >,
    ) -> async_graphql::Result<Conn<License>> {
        let args = PageArgs {
            first,
            after,
            last,
            before,
        };
        connection::nested_licenses(ctx, Nested::FacilityLicenses, self.0.id, args, order_by).await
    }
    /// The sentences this facility was read from.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Evidence>> {
        evidence_for(ctx, FactKind::Facility, self.0.id).await
    }
}

/// A licence, permit or certificate granted to an organization.
#[derive(Clone)]
pub struct License(pub license::Model);

/// A licence, permit or certificate granted to an organization.
#[Object]
impl License {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("License", self.0.id)
    }
    /// What kind of authorisation it is.
    async fn license_type(&self) -> async_graphql::Result<LicenseType> {
        vocab(&self.0.license_type, "licence type")
    }
    /// The organization holding it.
    async fn holder(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        linked_org::<HolderOrg>(ctx, self.0.holder_id).await
    }
    /// The body that issued it.
    async fn authority(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        match self.0.authority_id {
            Some(a) => linked_org::<AuthorityOrg>(ctx, a).await,
            None => Ok(None),
        }
    }
    /// Country whose law it is granted under.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// The facility it covers, when stated.
    async fn facility(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Facility>> {
        match self.0.facility_id {
            Some(f) => Ok(loader(ctx)
                .load_one(FacilityId(f))
                .await
                .gql()?
                .map(Facility)),
            None => Ok(None),
        }
    }
    /// When it was granted, as precisely as known.
    async fn date(&self) -> Option<PartialDate> {
        date_of(self.0.date, self.0.date_precision.as_deref())
    }
    /// The sentences this licence was read from.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Evidence>> {
        evidence_for(ctx, FactKind::License, self.0.id).await
    }
}

/// A party to an agreement.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct AgreementParty {
    #[graphql(skip)]
    pub organization_id: i64,
    /// Its role, where the text states one (buyer, seller, licensor…).
    pub role: Option<String>,
}

#[ComplexObject]
impl AgreementParty {
    /// The organization.
    async fn organization(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Organization>> {
        linked_org::<PartyOrg>(ctx, self.organization_id).await
    }
}

/// An agreement between organizations.
#[derive(Clone)]
pub struct Agreement(pub agreement::Model);

/// An agreement between organizations.
#[Object]
impl Agreement {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Agreement", self.0.id)
    }
    /// What kind of agreement it is.
    async fn agreement_type(&self) -> async_graphql::Result<AgreementType> {
        vocab(&self.0.agreement_type, "agreement type")
    }
    /// The organizations that entered it.
    async fn parties(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<AgreementParty>> {
        Ok(loader(ctx)
            .load_one(PartiesOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default()
            .into_iter()
            .map(|p| AgreementParty {
                organization_id: p.organization_id,
                role: p.role,
            })
            .collect())
    }
    /// What it covers, in a short phrase.
    async fn scope(&self) -> Option<&str> {
        self.0.scope.as_deref()
    }
    /// When it was made.
    async fn date(&self) -> Option<PartialDate> {
        date_of(self.0.date, self.0.date_precision.as_deref())
    }
    /// Stated value converted to US dollars at fixed rates.
    async fn value_usd(&self) -> Option<f64> {
        self.0.value_usd
    }
    /// The sentences this agreement was read from.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Evidence>> {
        evidence_for(ctx, FactKind::Agreement, self.0.id).await
    }
}

/// A government programme, strategy, funding scheme, regulation or law.
#[derive(Clone)]
pub struct Policy(pub policy::Model);

/// A government programme, strategy, funding scheme, regulation or law.
#[Object]
impl Policy {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Policy", self.0.id)
    }
    /// Its name, when the sources give one.
    async fn name(&self) -> Option<&str> {
        self.0.name.as_deref()
    }
    /// The government bodies behind it.
    async fn agencies(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Organization>> {
        let ids = loader(ctx)
            .load_one(AgenciesOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default();
        let orgs = loader(ctx)
            .load_many(ids.iter().map(|i| OrgId(*i)))
            .await
            .gql()?;
        Ok(ids
            .iter()
            .filter_map(|i| orgs.get(&OrgId(*i)).cloned().map(Organization))
            .collect())
    }
    /// ISO 3166-1 alpha-2 country code.
    async fn country(&self) -> Option<&str> {
        self.0.country.as_deref()
    }
    /// What it targets.
    async fn focus(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<PolicyFocus>> {
        Ok(loader(ctx)
            .load_one(FocusOf(self.0.id))
            .await
            .gql()?
            .unwrap_or_default())
    }
    /// When it was launched, adopted or took effect.
    async fn date(&self) -> Option<PartialDate> {
        date_of(self.0.date, self.0.date_precision.as_deref())
    }
    /// The sentences this policy was read from.
    async fn evidence(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Evidence>> {
        evidence_for(ctx, FactKind::Policy, self.0.id).await
    }
}

/// A source document.
#[derive(Clone)]
pub struct Article(pub article::Model);

/// A source document.
#[Object]
impl Article {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Article", self.0.id)
    }
    /// Canonical URL, when known.
    async fn url(&self) -> Option<&str> {
        self.0.url.as_deref()
    }
    /// Publisher (site or outlet) name.
    async fn publisher(&self) -> Option<&str> {
        self.0.publisher.as_deref()
    }
    /// Publication date, as precisely as known.
    async fn published(&self) -> Option<PartialDate> {
        date_of(self.0.published, self.0.published_precision.as_deref())
    }
    /// Detected or stated language.
    async fn language(&self) -> async_graphql::Result<Language> {
        vocab(&self.0.language, "language")
    }
    /// Headline, when known.
    async fn title(&self) -> Option<&str> {
        self.0.title.as_deref()
    }
    /// Full text as stored.
    async fn text(&self) -> &str {
        &self.0.text
    }
    /// SHA-256 of the whitespace-normalised text; how copies are recognised.
    async fn content_hash(&self) -> &str {
        &self.0.content_hash
    }
    /// When it was ingested.
    async fn ingested_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.ingested_at
    }
}

/// The sentence of an article a fact was read from.
#[derive(Clone)]
pub struct Evidence(pub evidence::Model);

/// The sentence of an article a fact was read from.
#[Object]
impl Evidence {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("Evidence", self.0.id)
    }
    /// The sentence, verbatim.
    async fn sentence(&self) -> &str {
        &self.0.sentence
    }
    /// The extractor's confidence, 0–1.
    async fn confidence(&self) -> f64 {
        self.0.confidence
    }
    /// Version of the extractor that read it.
    async fn extractor_version(&self) -> &str {
        &self.0.extractor_version
    }
    /// The article it is from.
    async fn article(&self, ctx: &Context<'_>) -> async_graphql::Result<Option<Article>> {
        Ok(loader(ctx)
            .load_one(ArticleId(self.0.article_id))
            .await
            .gql()?
            .map(Article))
    }
}

/// Licences granted in one year in one country.
#[derive(SimpleObject)]
pub struct YearCount {
    /// Calendar year.
    pub year: i32,
    /// ISO country code; null for licences whose country is unknown.
    pub country: Option<String>,
    /// Licences granted.
    pub count: u64,
}

/// One run of an ingest job over a source: when, what it fetched, and what failed.
#[derive(Clone)]
pub struct IngestRun(pub cdmo_store::entities::ingest_run::Model);

/// An item a run could not ingest, and why.
#[derive(SimpleObject)]
pub struct IngestRunError {
    /// The URL or file.
    pub item: String,
    /// What went wrong.
    pub error: String,
}

/// One run of an ingest job over a source: when, what it fetched, and what failed.
#[Object]
impl IngestRun {
    /// Global id.
    pub(crate) async fn id(&self) -> ID {
        ids::encode("IngestRun", self.0.id)
    }
    /// The source's id in `sources.toml` (`files` for `ingest files`).
    async fn source(&self) -> &str {
        &self.0.source_id
    }
    /// When it started.
    async fn started_at(&self) -> chrono::DateTime<chrono::Utc> {
        self.0.started_at
    }
    /// Null while the run is going (or when its process died before finishing).
    async fn finished_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        self.0.finished_at
    }
    /// `running`, `ok` (nothing failed), `partial` (some items failed), `failed` (nothing
    /// succeeded) or `interrupted` (its process stopped before the end).
    async fn status(&self) -> &str {
        &self.0.status
    }
    /// Pages fetched (feeds and listings included) or files read.
    async fn fetched(&self) -> i32 {
        self.0.fetched
    }
    /// Articles stored for the first time.
    async fn new_articles(&self) -> i32 {
        self.0.new_articles
    }
    /// Pages recognised as an article already stored (same URL, same text, or a
    /// syndicated near-copy).
    async fn duplicates(&self) -> i32 {
        self.0.duplicates
    }
    /// Pages the server answered 304 Not Modified.
    async fn unchanged(&self) -> i32 {
        self.0.unchanged
    }
    /// Links not fetched because their URL was already stored.
    async fn skipped(&self) -> i32 {
        self.0.skipped
    }
    /// Items that could not be fetched or stored.
    async fn failed(&self) -> i32 {
        self.0.failed
    }
    /// Every failed item with its reason.
    async fn errors(&self) -> Vec<IngestRunError> {
        serde_json::from_str::<Vec<serde_json::Value>>(&self.0.errors)
            .unwrap_or_default()
            .into_iter()
            .map(|e| IngestRunError {
                item: e["item"].as_str().unwrap_or_default().to_string(),
                error: e["error"].as_str().unwrap_or_default().to_string(),
            })
            .collect()
    }
}
