//! One successful curation mutation: who (key id and name, copied), when, what, on which
//! ids, the affected rows before and after as JSON, and the curator's reason.

use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
#[sea_orm(table_name = "audit_log")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i64,
    pub at: DateTimeUtc,
    pub key_id: i64,
    pub key_name: String,
    /// The GraphQL mutation's name, e.g. `retractFact`.
    pub mutation: String,
    /// A JSON array of the global ids the mutation targeted.
    #[sea_orm(column_type = "Text")]
    pub target_ids: String,
    #[sea_orm(column_type = "Text")]
    pub before: String,
    #[sea_orm(column_type = "Text")]
    pub after: String,
    #[sea_orm(column_type = "Text", nullable)]
    pub reason: Option<String>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
