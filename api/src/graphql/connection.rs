//! Relay cursor connections over the store's keyset pages: `first`/`after` checked against
//! the configured page sizes, opaque cursors, `pageInfo` and `totalCount`.

use async_graphql::connection::{Connection, CursorType, Edge, EmptyFields, OpaqueCursor};
use async_graphql::{Context, OutputType, SimpleObject};
use cdmo_store::Store;
use cdmo_store::query::{self, Page, PageRequest};

use super::error::{StoreResultExt, bad_input};
use super::types::{Agreement, Article, Facility, IngestRun, License, Organization, Policy};

/// Fields every connection has besides edges and pageInfo.
#[derive(SimpleObject)]
pub struct TotalCount {
    /// How many items match, over all pages.
    pub total_count: u64,
}

pub type Conn<T> = Connection<OpaqueCursor<i64>, T, TotalCount, EmptyFields>;

/// Page sizes allowed on every connection.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    pub default_page_size: usize,
    pub max_page_size: usize,
}

fn request(
    ctx: &Context<'_>,
    first: Option<i32>,
    after: Option<String>,
) -> async_graphql::Result<PageRequest> {
    let limits = ctx.data_unchecked::<PageLimits>();
    let limit = match first {
        None => limits.default_page_size,
        Some(n) if n >= 0 && (n as usize) <= limits.max_page_size => n as usize,
        Some(n) => {
            return Err(bad_input(format!(
                "`first` must be between 0 and {} (got {n})",
                limits.max_page_size
            )));
        }
    };
    let after = match after {
        Some(c) => Some(
            OpaqueCursor::<i64>::decode_cursor(&c)
                .map_err(|_| bad_input(format!("`after` cursor `{c}` is not valid")))?
                .0,
        ),
        None => None,
    };
    Ok(PageRequest {
        after,
        limit: limit as u64,
    })
}

fn build<M, T: OutputType>(
    page: Page<M>,
    has_previous: bool,
    id: impl Fn(&M) -> i64,
    wrap: impl Fn(M) -> T,
) -> Conn<T> {
    let mut conn = Connection::with_additional_fields(
        has_previous,
        page.has_next,
        TotalCount {
            total_count: page.total,
        },
    );
    conn.edges.extend(
        page.items
            .into_iter()
            .map(|m| Edge::new(OpaqueCursor(id(&m)), wrap(m))),
    );
    conn
}

fn store<'a>(ctx: &'a Context<'_>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

macro_rules! list {
    ($fn_name:ident, $filter:ty, $query:path, $ty:ident) => {
        pub async fn $fn_name(
            ctx: &Context<'_>,
            filter: $filter,
            first: Option<i32>,
            after: Option<String>,
        ) -> async_graphql::Result<Conn<$ty>> {
            let req = request(ctx, first, after)?;
            let page = $query(store(ctx), &filter, req).await.gql()?;
            Ok(build(page, req.after.is_some(), |m| m.id, $ty))
        }
    };
}

list!(
    organizations,
    query::OrganizationFilter,
    query::list_organizations,
    Organization
);
list!(
    facilities,
    query::FacilityFilter,
    query::list_facilities,
    Facility
);
list!(
    licenses,
    query::LicenseFilter,
    query::list_licenses,
    License
);
list!(
    agreements,
    query::AgreementFilter,
    query::list_agreements,
    Agreement
);
list!(policies, query::PolicyFilter, query::list_policies, Policy);
list!(
    articles,
    query::ArticleFilter,
    query::list_articles,
    Article
);
list!(
    ingest_runs,
    query::IngestRunFilter,
    query::list_ingest_runs,
    IngestRun
);
