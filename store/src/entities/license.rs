//! A licence, permit or certificate held by an organization, issued by an authority.
//! The date is stored as its first day plus a precision (`year | month | day`).

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "licenses")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub holder_id: i64,
    pub license_type: String,
    pub authority_id: Option<i64>,
    pub country: Option<String>,
    pub facility_id: Option<i64>,
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
