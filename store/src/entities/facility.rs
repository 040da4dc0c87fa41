//! A manufacturing facility with its operator, place, capacity (litres) and status.
//! Capacity and status are the latest reported values; `reported_on` dates them.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "facilities")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub operator_id: i64,
    pub name: Option<String>,
    pub name_key: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub city: Option<String>,
    #[sea_orm(column_type = "Double", nullable)]
    pub capacity_liters: Option<f64>,
    pub status: Option<String>,
    pub reported_on: Option<Date>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    /// Set when no current evidence supports the fact any more; the fact is kept.
    pub retracted_at: Option<DateTimeUtc>,
    pub retraction_reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
