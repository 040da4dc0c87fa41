//! A source document: URL, publisher, publication date (with precision), language, text.
//! `content_hash` and the canonical `url` are both unique: they are how duplicates are found.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "articles")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub url: Option<String>,
    pub publisher: Option<String>,
    pub published: Option<Date>,
    pub published_precision: Option<String>,
    pub language: String,
    pub title: Option<String>,
    #[sea_orm(column_type = "Text")]
    pub text: String,
    pub content_hash: String,
    pub source_id: Option<String>,
    pub ingested_at: DateTimeUtc,
    /// 64-bit simhash of the text (stored signed), for near-duplicate detection.
    pub simhash: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
