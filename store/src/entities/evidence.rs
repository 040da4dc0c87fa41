//! The sentence of an article a fact was read from. Exactly one of the fact columns is set;
//! foreign keys (not a polymorphic id) keep evidence from outliving its fact.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "evidence")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub article_id: i64,
    pub facility_id: Option<i64>,
    pub license_id: Option<i64>,
    pub agreement_id: Option<i64>,
    pub policy_id: Option<i64>,
    #[sea_orm(column_type = "Text")]
    pub sentence: String,
    #[sea_orm(column_type = "Double")]
    pub confidence: f64,
    pub extractor_version: String,
    pub created_at: DateTimeUtc,
    /// Set when a newer extractor re-read the article and no longer found the fact here.
    pub superseded_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
