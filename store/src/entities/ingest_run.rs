//! One run of an ingest job over a source: when, how many documents, and what failed.
//! `errors` is a JSON array of `{ "item": …, "error": … }` as text.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "ingest_runs")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub source_id: String,
    pub started_at: DateTimeUtc,
    pub finished_at: Option<DateTimeUtc>,
    pub status: String,
    pub fetched: i32,
    pub new_articles: i32,
    pub duplicates: i32,
    pub failed: i32,
    /// Pages the server answered 304 Not Modified.
    pub unchanged: i32,
    /// Links not fetched because their URL is already stored.
    pub skipped: i32,
    #[sea_orm(column_type = "Text")]
    pub errors: String,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
