//! An organization merged into another: its old id, name and the survivor, so that links
//! and ids held by clients resolve (or are reported as merged) instead of vanishing.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "organization_merges")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub merged_id: i64,
    pub into_id: i64,
    pub merged_name: String,
    pub merged_at: DateTimeUtc,
    /// The audit entry of the merge.
    pub audit_id: i64,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
