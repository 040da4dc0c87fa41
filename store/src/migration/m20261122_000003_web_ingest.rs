//! Web ingestion: every URL an article was seen under, the raw page kept compressed for
//! re-reading (in its own table, so article rows stay small to scan), a simhash for
//! near-duplicates, conditional-GET validators and source leases.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table("articles")
                    .add_column(big_integer_null("simhash"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_pages")
                    .col(big_integer("article_id").primary_key())
                    .col(blob("raw_gzip"))
                    .col(text_null("content_type"))
                    .col(timestamp_with_time_zone("fetched_at"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_article_pages_article_id")
                            .from("article_pages", "article_id")
                            .to("articles", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("ingest_runs")
                    .add_column(integer("unchanged").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .alter_table(
                Table::alter()
                    .table("ingest_runs")
                    .add_column(integer("skipped").default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("article_urls")
                    .col(big_pk_auto("id"))
                    .col(big_integer("article_id"))
                    .col(text("url"))
                    .col(string("relation"))
                    .col(timestamp_with_time_zone("first_seen"))
                    .foreign_key(
                        ForeignKey::create()
                            .name("fk_article_urls_article_id")
                            .from("article_urls", "article_id")
                            .to("articles", "id")
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_urls_url")
                    .table("article_urls")
                    .col("url")
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("idx_article_urls_article_id")
                    .table("article_urls")
                    .col("article_id")
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("fetch_validators")
                    .col(text("url").primary_key())
                    .col(text_null("etag"))
                    .col(text_null("last_modified"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table("source_leases")
                    .col(string("source_id").primary_key())
                    .col(string("holder"))
                    .col(timestamp_with_time_zone("acquired_at"))
                    .col(timestamp_with_time_zone("expires_at"))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for t in [
            "source_leases",
            "fetch_validators",
            "article_urls",
            "article_pages",
        ] {
            manager
                .drop_table(Table::drop().table(t).to_owned())
                .await?;
        }
        for c in ["unchanged", "skipped"] {
            manager
                .alter_table(
                    Table::alter()
                        .table("ingest_runs")
                        .drop_column(c)
                        .to_owned(),
                )
                .await?;
        }
        manager
            .alter_table(
                Table::alter()
                    .table("articles")
                    .drop_column("simhash")
                    .to_owned(),
            )
            .await?;
        Ok(())
    }
}
