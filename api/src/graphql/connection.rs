//! Relay cursor connections over the store's keyset pages: `first`/`after`/`last`/`before`
//! checked against the configured page sizes, `orderBy`, opaque cursors, `pageInfo`, totals.

use std::sync::atomic::{AtomicUsize, Ordering};

use async_graphql::{Context, Enum, InputObject, OutputType, SimpleObject};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use cdmo_store::Store;
use cdmo_store::query::{
    self, AgreementSort, ArticleSort, Cursor, Direction, FacilitySort, KeysetRequest, LicenseSort,
    OrganizationSort, Page, PolicySort, SortValue,
};

use super::error::{StoreResultExt, bad_input};
use super::loaders::{Nested, NestedKey, NestedRows};
use super::types::{Agreement, Article, Facility, IngestRun, License, Organization, Policy};

/// A page of a list: its edges, how to move on, and how many items match in all.
#[derive(SimpleObject)]
#[graphql(concrete(name = "OrganizationConnection", params(Organization)))]
#[graphql(concrete(name = "FacilityConnection", params(Facility)))]
#[graphql(concrete(name = "LicenseConnection", params(License)))]
#[graphql(concrete(name = "AgreementConnection", params(Agreement)))]
#[graphql(concrete(name = "PolicyConnection", params(Policy)))]
#[graphql(concrete(name = "ArticleConnection", params(Article)))]
#[graphql(concrete(name = "IngestRunConnection", params(IngestRun)))]
#[graphql(concrete(name = "TimelineConnection", params(super::node::TimelineEntry)))]
#[graphql(concrete(name = "AuditEntryConnection", params(super::mutation::AuditEntry)))]
pub struct Conn<T: OutputType>
where
    Edge<T>: OutputType,
{
    /// The items of this page with their cursors, in order.
    pub edges: Vec<Edge<T>>,
    /// The items of this page, in order, without cursors (the same as `edges { node }`).
    pub nodes: Vec<T>,
    /// Cursors and whether more items lie before or after this page.
    pub page_info: PageInfo,
    /// How many items match, over all pages.
    pub total_count: u64,
}

/// One item of a page and the cursor pointing at it.
#[derive(SimpleObject)]
#[graphql(concrete(name = "OrganizationEdge", params(Organization)))]
#[graphql(concrete(name = "FacilityEdge", params(Facility)))]
#[graphql(concrete(name = "LicenseEdge", params(License)))]
#[graphql(concrete(name = "AgreementEdge", params(Agreement)))]
#[graphql(concrete(name = "PolicyEdge", params(Policy)))]
#[graphql(concrete(name = "ArticleEdge", params(Article)))]
#[graphql(concrete(name = "IngestRunEdge", params(IngestRun)))]
#[graphql(concrete(name = "TimelineEdge", params(super::node::TimelineEntry)))]
#[graphql(concrete(name = "AuditEntryEdge", params(super::mutation::AuditEntry)))]
pub struct Edge<T: OutputType> {
    /// Opaque position of this item; pass it as `after` or `before`.
    pub cursor: String,
    /// The item.
    pub node: T,
}

/// Where a page sits in its list (Relay `PageInfo`).
#[derive(SimpleObject)]
pub struct PageInfo {
    /// Whether items exist after this page (when paging forwards), or after `before`.
    pub has_next_page: bool,
    /// Whether items exist before this page (when paging backwards), or before `after`.
    pub has_previous_page: bool,
    /// Cursor of the first item of the page.
    pub start_cursor: Option<String>,
    /// Cursor of the last item of the page.
    pub end_cursor: Option<String>,
}

/// Which way to sort.
#[derive(Enum, Clone, Copy, PartialEq, Eq, Default)]
pub enum OrderDirection {
    /// Smallest first (oldest, A to Z); unknown values last.
    #[default]
    Asc,
    /// Largest first (newest, Z to A); unknown values last.
    Desc,
}

impl From<OrderDirection> for Direction {
    fn from(d: OrderDirection) -> Direction {
        match d {
            OrderDirection::Asc => Direction::Asc,
            OrderDirection::Desc => Direction::Desc,
        }
    }
}

macro_rules! order_input {
    ($name:ident, $field:ty, $what:literal) => {
        #[doc = concat!("How to sort ", $what, ": a field and a direction; ties are broken by id.")]
        #[derive(InputObject, Clone, Copy)]
        pub struct $name {
            /// The field to sort by.
            pub field: $field,
            /// Ascending (default) or descending.
            #[graphql(default)]
            pub direction: OrderDirection,
        }
    };
}

order_input!(OrganizationOrder, OrganizationSort, "organizations");
order_input!(FacilityOrder, FacilitySort, "facilities");
order_input!(LicenseOrder, LicenseSort, "licences");
order_input!(AgreementOrder, AgreementSort, "agreements");
order_input!(PolicyOrder, PolicySort, "policies");
order_input!(ArticleOrder, ArticleSort, "articles");

/// The Relay paging arguments of one connection field.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Page sizes allowed on every connection.
#[derive(Debug, Clone, Copy)]
pub struct PageLimits {
    pub default_page_size: usize,
    pub max_page_size: usize,
}

/// The page sizes, for complexity estimates (they run without request data).
static DEFAULT_PAGE_SIZE: AtomicUsize = AtomicUsize::new(20);
static MAX_PAGE_SIZE: AtomicUsize = AtomicUsize::new(100);

pub fn set_page_sizes(default: usize, max: usize) {
    DEFAULT_PAGE_SIZE.store(default, Ordering::Relaxed);
    MAX_PAGE_SIZE.store(max, Ordering::Relaxed);
}

/// Cost of a connection field: its page size times the cost of one item, so nested
/// connections multiply (100 × 100 rows costs 10,000 × the item's fields). A size over the
/// maximum counts as the maximum, so that the clearer page-size error is the one reported.
pub fn connection_cost(first: Option<i32>, last: Option<i32>, child_complexity: usize) -> usize {
    let n = first
        .or(last)
        .map(|n| n.max(0) as usize)
        .unwrap_or_else(|| DEFAULT_PAGE_SIZE.load(Ordering::Relaxed))
        .clamp(1, MAX_PAGE_SIZE.load(Ordering::Relaxed).max(1));
    n.saturating_mul(child_complexity.max(1)).saturating_add(1)
}

/// Writes a cursor: the order it belongs to, the row's sort key and its id.
fn encode_cursor(order: &str, dir: Direction, c: &Cursor) -> String {
    let d = match dir {
        Direction::Asc => "a",
        Direction::Desc => "d",
    };
    let key = match &c.key {
        None => "n".to_string(),
        Some(SortValue::Text(s)) => format!("t{s}"),
        Some(SortValue::Float(f)) => format!("f{f}"),
        Some(SortValue::Date(x)) => format!("d{x}"),
        Some(SortValue::Time(t)) => format!("s{}", t.to_rfc3339()),
    };
    URL_SAFE_NO_PAD.encode(format!("{order}:{d}:{}:{key}", c.id))
}

fn decode_cursor(
    arg: &str,
    cursor: &str,
    order: &str,
    dir: Direction,
) -> async_graphql::Result<Cursor> {
    let bad = |why: &str| bad_input(format!("`{arg}` cursor `{cursor}` is not valid: {why}"));
    let raw = URL_SAFE_NO_PAD
        .decode(cursor)
        .map_err(|_| bad("not a cursor from this API"))?;
    let text = String::from_utf8(raw).map_err(|_| bad("not a cursor from this API"))?;
    let mut parts = text.splitn(4, ':');
    let (Some(o), Some(d), Some(id), Some(key)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Err(bad("not a cursor from this API"));
    };
    let want_d = match dir {
        Direction::Asc => "a",
        Direction::Desc => "d",
    };
    if o != order || d != want_d {
        return Err(bad(
            "it belongs to another order; use cursors from a page in the same `orderBy`",
        ));
    }
    let id: i64 = id.parse().map_err(|_| bad("not a cursor from this API"))?;
    let (kind, value) = key.split_at(key.len().min(1));
    let key = match kind {
        "n" => None,
        "t" => Some(SortValue::Text(value.to_string())),
        "f" => Some(SortValue::Float(
            value.parse().map_err(|_| bad("bad number"))?,
        )),
        "d" => Some(SortValue::Date(value.parse().map_err(|_| bad("bad date"))?)),
        "s" => Some(SortValue::Time(
            chrono::DateTime::parse_from_rfc3339(value)
                .map_err(|_| bad("bad time"))?
                .with_timezone(&chrono::Utc),
        )),
        _ => return Err(bad("not a cursor from this API")),
    };
    // A key-less cursor is only valid in id order, a keyed one only in a keyed order.
    if order == "ID" && key.is_some() {
        return Err(bad("not a cursor from this API"));
    }
    Ok(Cursor { key, id })
}

fn size(arg: &str, n: i32, limits: &PageLimits) -> async_graphql::Result<u64> {
    if n < 0 || n as usize > limits.max_page_size {
        return Err(bad_input(format!(
            "`{arg}` must be between 0 and {} (got {n})",
            limits.max_page_size
        )));
    }
    Ok(n as u64)
}

/// Checks the paging arguments and turns them into a store request for one order.
pub fn request(
    ctx: &Context<'_>,
    args: &PageArgs,
    order: &str,
    direction: Direction,
) -> async_graphql::Result<KeysetRequest> {
    let limits = ctx.data_unchecked::<PageLimits>();
    let (limit, backward) = match (args.first, args.last) {
        (Some(_), Some(_)) => {
            return Err(bad_input(
                "give `first` or `last`, not both: `first` pages forwards, `last` backwards",
            ));
        }
        (Some(n), None) => (size("first", n, limits)?, false),
        (None, Some(n)) => (size("last", n, limits)?, true),
        (None, None) => (limits.default_page_size as u64, false),
    };
    let after = args
        .after
        .as_deref()
        .map(|c| decode_cursor("after", c, order, direction))
        .transpose()?;
    let before = args
        .before
        .as_deref()
        .map(|c| decode_cursor("before", c, order, direction))
        .transpose()?;
    Ok(KeysetRequest {
        after,
        before,
        limit,
        backward,
        direction,
        skip_count: !ctx.look_ahead().field("totalCount").exists(),
    })
}

/// A connection from a store page, its cursors written for `order`.
pub fn build<M, T: OutputType + Clone>(
    page: Page<M>,
    order: &str,
    direction: Direction,
    wrap: impl Fn(M) -> T,
) -> Conn<T>
where
    Edge<T>: OutputType,
{
    let edges: Vec<Edge<T>> = page
        .items
        .into_iter()
        .zip(page.cursors.iter())
        .map(|(m, c)| Edge {
            cursor: encode_cursor(order, direction, c),
            node: wrap(m),
        })
        .collect();
    let nodes = edges.iter().map(|e| e.node.clone()).collect();
    Conn {
        nodes,
        page_info: PageInfo {
            has_next_page: page.has_next,
            has_previous_page: page.has_previous,
            start_cursor: edges.first().map(|e| e.cursor.clone()),
            end_cursor: edges.last().map(|e| e.cursor.clone()),
        },
        edges,
        total_count: page.total,
    }
}

fn store<'a>(ctx: &'a Context<'_>) -> &'a Store {
    ctx.data_unchecked::<Store>()
}

macro_rules! list {
    ($fn_name:ident, $filter:ty, $query:path, $sort:ident, $order:ident, $ty:ident) => {
        pub async fn $fn_name(
            ctx: &Context<'_>,
            filter: $filter,
            args: PageArgs,
            order_by: Option<$order>,
        ) -> async_graphql::Result<Conn<$ty>> {
            let sort = order_by.map(|o| o.field);
            let dir: Direction = order_by.map(|o| o.direction).unwrap_or_default().into();
            let code = $sort::code(sort);
            let req = request(ctx, &args, code, dir)?;
            let page = $query(store(ctx), &filter, sort, &req).await.gql()?;
            Ok(build(page, code, dir, $ty))
        }
    };
}

list!(
    organizations,
    query::OrganizationFilter,
    query::page_organizations,
    OrganizationSort,
    OrganizationOrder,
    Organization
);
list!(
    facilities,
    query::FacilityFilter,
    query::page_facilities,
    FacilitySort,
    FacilityOrder,
    Facility
);
list!(
    licenses,
    query::LicenseFilter,
    query::page_licenses,
    LicenseSort,
    LicenseOrder,
    License
);
list!(
    agreements,
    query::AgreementFilter,
    query::page_agreements,
    AgreementSort,
    AgreementOrder,
    Agreement
);
list!(
    policies,
    query::PolicyFilter,
    query::page_policies,
    PolicySort,
    PolicyOrder,
    Policy
);
list!(
    articles,
    query::ArticleFilter,
    query::page_articles,
    ArticleSort,
    ArticleOrder,
    Article
);

/// Ingest runs in id order, newest first unless `direction` says otherwise.
pub async fn ingest_runs(
    ctx: &Context<'_>,
    filter: query::IngestRunFilter,
    args: PageArgs,
    direction: OrderDirection,
) -> async_graphql::Result<Conn<IngestRun>> {
    let dir: Direction = direction.into();
    let req = request(ctx, &args, "ID", dir)?;
    let page = query::page_ingest_runs(store(ctx), &filter, &req)
        .await
        .gql()?;
    Ok(build(page, "ID", dir, IngestRun))
}

/// The full ordered list of one parent's nested list, through the batching loader.
async fn nested_rows(
    ctx: &Context<'_>,
    list: Nested,
    direction: Direction,
    parent: i64,
) -> async_graphql::Result<Option<NestedRows>> {
    super::types::loader(ctx)
        .load_one(NestedKey {
            list,
            direction,
            parent,
        })
        .await
        .gql()
}

macro_rules! nested {
    ($fn_name:ident, $sort:ident, $order:ident, $ty:ident, $variant:ident, [$($list:ident),+]) => {
        /// One page of a parent's nested list: the list is loaded for all parents of the
        /// query level in one batch, then paged here.
        pub async fn $fn_name(
            ctx: &Context<'_>,
            list: fn(Option<$sort>) -> Nested,
            parent: i64,
            args: PageArgs,
            order_by: Option<$order>,
        ) -> async_graphql::Result<Conn<$ty>> {
            let sort = order_by.map(|o| o.field);
            let dir: Direction = order_by.map(|o| o.direction).unwrap_or_default().into();
            let code = $sort::code(sort);
            let req = request(ctx, &args, code, dir)?;
            let rows = match nested_rows(ctx, list(sort), dir, parent).await? {
                Some(NestedRows::$variant(rows)) => rows,
                _ => Vec::new(),
            };
            let page = cdmo_store::paging::page_in_memory(rows, &req, |m| $sort::cursor(sort, m));
            Ok(build(page, code, dir, $ty))
        }
    };
}

nested!(
    nested_licenses,
    LicenseSort,
    LicenseOrder,
    License,
    Licenses,
    [HeldLicenses]
);
nested!(
    nested_facilities,
    FacilitySort,
    FacilityOrder,
    Facility,
    Facilities,
    [Facilities]
);
nested!(
    nested_agreements,
    AgreementSort,
    AgreementOrder,
    Agreement,
    Agreements,
    [Agreements]
);
nested!(
    nested_policies,
    PolicySort,
    PolicyOrder,
    Policy,
    Policies,
    [Policies]
);
nested!(
    nested_articles,
    ArticleSort,
    ArticleOrder,
    Article,
    Articles,
    [Articles]
);
