//! A government programme, strategy, funding scheme, regulation or law.
//! Agencies and focus areas live in their own tables.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "policies")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub name: Option<String>,
    pub name_key: Option<String>,
    pub country: Option<String>,
    pub date: Option<Date>,
    pub date_precision: Option<String>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when no current evidence supports the fact any more; the fact is kept.
    pub retracted_at: Option<DateTimeUtc>,
    pub retraction_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
