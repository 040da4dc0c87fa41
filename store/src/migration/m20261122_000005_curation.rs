//! Curation: API keys (only their SHA-256 hashes), the audit log of every mutation, and
//! where merged-away organizations went, so their old ids still resolve.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("api_keys")
                    .col(big_pk_auto("id"))
                    .col(string("name"))
                    .col(string("key_hash"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone_null("revoked_at"))
                    .col(timestamp_with_time_zone_null("last_used_at"))
                    .to_owned(),
            )
            .await?;
        for (name, col) in [
            ("idx_api_keys_name", "name"),
            ("idx_api_keys_key_hash", "key_hash"),
        ] {
            manager
                .create_index(
                    Index::create()
                        .name(name)
                        .table("api_keys")
                        .col(col)
                        .unique()
                        .to_owned(),
                )
                .await?;
        }
        // Key id and name are copied, not foreign keys: the trail must outlive its keys.
        manager
            .create_table(
                Table::create()
                    .table("audit_log")
                    .col(big_pk_auto("id"))
                    .col(timestamp_with_time_zone("at"))
                    .col(big_integer("key_id"))
                    .col(string("key_name"))
                    .col(string("mutation"))
                    .col(text("target_ids"))
                    .col(text("before"))
                    .col(text("after"))
                    .col(text_null("reason"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_audit_log_at")
                    .table("audit_log")
                    .col("at")
                    .to_owned(),
            )
            .await?;
        // No foreign key to organizations: the merged-away row is gone by design.
        manager
            .create_table(
                Table::create()
                    .table("organization_merges")
                    .col(big_integer("merged_id").primary_key())
                    .col(big_integer("into_id"))
                    .col(string("merged_name"))
                    .col(timestamp_with_time_zone("merged_at"))
                    .col(big_integer("audit_id"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_organization_merges_into_id")
                    .table("organization_merges")
                    .col("into_id")
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in ["organization_merges", "audit_log", "api_keys"] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
