//! An agreement between organizations (parties in `agreement_parties`).
//! `party_key` is the sorted party ids, so the same deal from two articles is found.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "agreements")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub agreement_type: String,
    pub scope: Option<String>,
    pub date: Option<Date>,
    pub date_precision: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub value_usd: Option<f64>,
    pub party_key: String,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when no current evidence supports the fact any more; the fact is kept.
    pub retracted_at: Option<DateTimeUtc>,
    pub retraction_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
