//! Facts are never deleted when a better extractor no longer finds them: they are retracted
//! (with when and why), and the evidence that no longer supports them is marked superseded.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

const FACT_TABLES: [&str; 4] = ["facilities", "licenses", "agreements", "policies"];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in FACT_TABLES {
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(timestamp_with_time_zone_null("retracted_at"))
                        .to_owned(),
                )
                .await?;
            manager
                .alter_table(
                    Table::alter()
                        .table(table)
                        .add_column(text_null("retraction_reason"))
                        .to_owned(),
                )
                .await?;
            manager
                .create_index(
                    Index::create()
                        .name(format!("idx_{table}_retracted_at"))
                        .table(table)
                        .col("retracted_at")
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("evidence")
                    .add_column(timestamp_with_time_zone_null("superseded_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_evidence_extractor_version")
                    .table("evidence")
                    .col("extractor_version")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("evidence")
                    .drop_column("superseded_at")
                    .to_owned(),
            )
            .await?;
        for table in FACT_TABLES {
            manager
                .drop_index(
                    Index::drop()
                        .name(format!("idx_{table}_retracted_at"))
                        .table(table)
                        .to_owned(),
                )
                .await?;
            for col in ["retracted_at", "retraction_reason"] {
                manager
                    .alter_table(Table::alter().table(table).drop_column(col).to_owned())
                    .await?;
            }
        }
        Ok(())
    }
}
