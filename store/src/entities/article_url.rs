//! Every URL an article was seen under (its canonical URL, the URL fetched, syndicated
//! copies), so that one story at several addresses stays one article.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "article_urls")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// `canonical`, `fetched`, `same_content` or `near_duplicate`.
    pub relation: String,
    pub first_seen: DateTimeUtc,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
