//! Keyset paging in both directions over any sort key (nulls last, ties broken by id), for
//! root lists in SQL and for per-parent lists already loaded in order.

use chrono::{DateTime, NaiveDate, Utc};
use sea_orm::sea_query::{Expr, ExprTrait, NullOrdering, SimpleExpr};
use sea_orm::{
    ColumnTrait, Condition, EntityTrait, Order, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, Select,
};

use crate::db::Store;
use crate::error::StoreError;

/// Which way a list is sorted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Direction {
    #[default]
    Asc,
    Desc,
}

impl Direction {
    fn order(self) -> Order {
        match self {
            Direction::Asc => Order::Asc,
            Direction::Desc => Order::Desc,
        }
    }

    fn reversed(self) -> Direction {
        match self {
            Direction::Asc => Direction::Desc,
            Direction::Desc => Direction::Asc,
        }
    }
}

/// A sort key value of one row, as a cursor carries it.
#[derive(Debug, Clone, PartialEq)]
pub enum SortValue {
    Text(String),
    Float(f64),
    Date(NaiveDate),
    Time(DateTime<Utc>),
}

impl From<SortValue> for sea_orm::Value {
    fn from(v: SortValue) -> Self {
        match v {
            SortValue::Text(s) => s.into(),
            SortValue::Float(f) => f.into(),
            SortValue::Date(d) => d.into(),
            SortValue::Time(t) => t.into(),
        }
    }
}

/// A position in a sorted list: the row's sort key (None when null or when the list is in
/// id order) and its id.
#[derive(Debug, Clone, PartialEq)]
pub struct Cursor {
    pub key: Option<SortValue>,
    pub id: i64,
}

/// Which slice of a list to return. With `last`, the slice ends at `before` (or the end);
/// otherwise it starts after `after` (or the beginning) and holds at most `limit` rows.
#[derive(Debug, Clone, Default)]
pub struct KeysetRequest {
    pub after: Option<Cursor>,
    pub before: Option<Cursor>,
    pub limit: u64,
    /// Take the last `limit` rows of the range instead of the first.
    pub backward: bool,
    pub direction: Direction,
    /// Leave `Page::total` at 0 instead of counting: the count is a second statement over
    /// the whole filtered table, wasted when the client did not ask for it.
    pub skip_count: bool,
}

impl KeysetRequest {
    /// The first `limit` rows in id order.
    pub fn first(limit: u64) -> KeysetRequest {
        KeysetRequest {
            limit,
            ..Default::default()
        }
    }
}

/// A slice of a list, with a cursor per row, whether rows exist on either side, and how
/// many rows match in all.
#[derive(Debug, Clone)]
pub struct Page<T> {
    pub items: Vec<T>,
    pub cursors: Vec<Cursor>,
    pub has_next: bool,
    pub has_previous: bool,
    pub total: u64,
}

impl<T> Page<T> {
    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(f).collect(),
            cursors: self.cursors,
            has_next: self.has_next,
            has_previous: self.has_previous,
            total: self.total,
        }
    }
}

fn gt(e: Expr, v: sea_orm::Value, d: Direction) -> SimpleExpr {
    match d {
        Direction::Asc => e.gt(v),
        Direction::Desc => e.lt(v),
    }
}

/// Rows strictly after `c` in the order (key `d`, nulls last, then id `d`).
fn after_cond<C: ColumnTrait>(key: Option<C>, id: C, c: &Cursor, d: Direction) -> Condition {
    let Some(k) = key else {
        return Condition::all().add(gt(Expr::col(id), c.id.into(), d));
    };
    match &c.key {
        Some(v) => Condition::any()
            .add(
                Condition::all()
                    .add(k.is_not_null())
                    .add(gt(Expr::col(k), v.clone().into(), d)),
            )
            .add(
                Condition::all()
                    .add(k.eq(v.clone()))
                    .add(gt(Expr::col(id), c.id.into(), d)),
            )
            .add(k.is_null()),
        None => Condition::all()
            .add(k.is_null())
            .add(gt(Expr::col(id), c.id.into(), d)),
    }
}

/// Rows strictly before `c` in the same order.
fn before_cond<C: ColumnTrait>(key: Option<C>, id: C, c: &Cursor, d: Direction) -> Condition {
    let r = d.reversed();
    let Some(k) = key else {
        return Condition::all().add(gt(Expr::col(id), c.id.into(), r));
    };
    match &c.key {
        Some(v) => Condition::any()
            .add(
                Condition::all()
                    .add(k.is_not_null())
                    .add(gt(Expr::col(k), v.clone().into(), r)),
            )
            .add(
                Condition::all()
                    .add(k.eq(v.clone()))
                    .add(gt(Expr::col(id), c.id.into(), r)),
            ),
        None => {
            Condition::any()
                .add(k.is_not_null())
                .add(
                    Condition::all()
                        .add(k.is_null())
                        .add(gt(Expr::col(id), c.id.into(), r)),
                )
        }
    }
}

/// Applies the order (key with nulls last, then id) to `select`, reversed when `backward`.
pub fn ordered<E: EntityTrait>(
    select: Select<E>,
    key: Option<E::Column>,
    id: E::Column,
    direction: Direction,
    backward: bool,
) -> Select<E> {
    let d = if backward {
        direction.reversed()
    } else {
        direction
    };
    let nulls = if backward {
        NullOrdering::First
    } else {
        NullOrdering::Last
    };
    let select = match key {
        Some(k) => select.order_by_with_nulls(k, d.order(), nulls),
        None => select,
    };
    select.order_by(id, d.order())
}

/// One keyset page of `select` sorted by `key` (id order when None): two statements, the
/// total and the rows.
pub async fn keyset_page<E>(
    store: &Store,
    select: Select<E>,
    key: Option<E::Column>,
    id: E::Column,
    req: &KeysetRequest,
    cursor_of: impl Fn(&E::Model) -> Cursor,
) -> Result<Page<E::Model>, StoreError>
where
    E: EntityTrait,
    E::Model: Send + Sync,
    E::Column: ColumnTrait,
{
    let db = store.conn();
    let total = if req.skip_count {
        0
    } else {
        select.clone().count(db).await?
    };
    let mut q = select;
    if let Some(c) = &req.after {
        q = q.filter(after_cond(key, id, c, req.direction));
    }
    if let Some(c) = &req.before {
        q = q.filter(before_cond(key, id, c, req.direction));
    }
    let q = ordered(q, key, id, req.direction, req.backward);
    let mut items = q.limit(req.limit + 1).all(db).await?;
    let more = items.len() as u64 > req.limit;
    items.truncate(req.limit as usize);
    if req.backward {
        items.reverse();
    }
    Ok(finish(items, more, req, total, cursor_of))
}

fn finish<M>(
    items: Vec<M>,
    more: bool,
    req: &KeysetRequest,
    total: u64,
    cursor_of: impl Fn(&M) -> Cursor,
) -> Page<M> {
    let cursors = items.iter().map(cursor_of).collect();
    // Relay: the side a page was not fetched from has rows when a cursor bounds it.
    let (has_previous, has_next) = if req.backward {
        (more, req.before.is_some())
    } else {
        (req.after.is_some(), more)
    };
    Page {
        items,
        cursors,
        has_next,
        has_previous,
        total,
    }
}

/// Pages a list already sorted in the request's order (forwards). A cursor is found by its
/// row id, so the SQL order (collation included) is the one followed.
pub fn page_in_memory<M>(
    rows: Vec<M>,
    req: &KeysetRequest,
    cursor_of: impl Fn(&M) -> Cursor,
) -> Page<M> {
    let total = rows.len() as u64;
    let ids: Vec<i64> = rows.iter().map(|r| cursor_of(r).id).collect();
    let pos = |c: &Cursor| ids.iter().position(|i| *i == c.id);
    let start = match &req.after {
        Some(c) => pos(c).map_or(rows.len(), |p| p + 1),
        None => 0,
    };
    let end = match &req.before {
        Some(c) => pos(c).unwrap_or(0),
        None => rows.len(),
    };
    let limit = req.limit as usize;
    let (from, to, more) = if end <= start {
        (start, start, false)
    } else if req.backward {
        let from = end.saturating_sub(limit).max(start);
        (from, end, from > start)
    } else {
        let to = (start + limit).min(end);
        (start, to, to < end)
    };
    let items: Vec<M> = rows.into_iter().skip(from).take(to - from).collect();
    finish(items, more, req, total, cursor_of)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cur(i: &i64) -> Cursor {
        Cursor { key: None, id: *i }
    }

    #[test]
    fn in_memory_pages_go_both_ways() {
        let rows: Vec<i64> = (1..=10).collect();
        let p = page_in_memory(rows.clone(), &KeysetRequest::first(3), cur);
        assert_eq!(p.items, vec![1, 2, 3]);
        assert!(p.has_next && !p.has_previous);
        let req = KeysetRequest {
            before: Some(cur(&8)),
            limit: 3,
            backward: true,
            ..Default::default()
        };
        let p = page_in_memory(rows.clone(), &req, cur);
        assert_eq!(p.items, vec![5, 6, 7]);
        assert!(p.has_next && p.has_previous);
        let req = KeysetRequest {
            after: Some(cur(&8)),
            limit: 5,
            ..Default::default()
        };
        let p = page_in_memory(rows, &req, cur);
        assert_eq!(p.items, vec![9, 10]);
        assert!(!p.has_next && p.has_previous);
        assert_eq!(p.total, 10);
    }
}
