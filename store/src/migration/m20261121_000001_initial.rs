//! The initial schema: the graph (organizations, facilities, licences, agreements, policies),
//! articles with evidence, sources and ingest runs, with an index on every filter and join.

use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn fk(
    from_table: &'static str,
    from_col: &'static str,
    to_table: &'static str,
    on_delete: ForeignKeyAction,
) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{from_table}_{from_col}"))
        .from(from_table, from_col)
        .to(to_table, "id")
        .on_delete(on_delete)
        .to_owned()
}

async fn index(
    manager: &SchemaManager<'_>,
    table: &'static str,
    cols: &[&'static str],
    unique: bool,
) -> Result<(), DbErr> {
    let mut stmt = Index::create();
    stmt.name(format!("idx_{table}_{}", cols.join("_")))
        .table(table);
    for c in cols {
        stmt.col(*c);
    }
    if unique {
        stmt.unique();
    }
    manager.create_index(stmt.to_owned()).await
}

const CASCADE: ForeignKeyAction = ForeignKeyAction::Cascade;
const SET_NULL: ForeignKeyAction = ForeignKeyAction::SetNull;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table("organizations")
                    .col(big_pk_auto("id"))
                    .col(string("name"))
                    .col(string("name_key"))
                    .col(string("kind"))
                    .col(string_null("country"))
                    .col(string_null("region"))
                    .col(string_null("city"))
                    .col(big_integer_null("parent_id"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "organizations",
                        "parent_id",
                        "organizations",
                        SET_NULL,
                    ))
                    .to_owned(),
            )
            .await?;
        for cols in [
            &["name_key"][..],
            &["name"],
            &["kind"],
            &["country", "region"],
            &["parent_id"],
        ] {
            index(manager, "organizations", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("organization_aliases")
                    .col(big_pk_auto("id"))
                    .col(big_integer("organization_id"))
                    .col(string("alias"))
                    .col(string("alias_key"))
                    .foreign_key(&mut fk(
                        "organization_aliases",
                        "organization_id",
                        "organizations",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "organization_aliases", &["alias_key"], false).await?;
        index(
            manager,
            "organization_aliases",
            &["organization_id", "alias"],
            true,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("facilities")
                    .col(big_pk_auto("id"))
                    .col(big_integer("operator_id"))
                    .col(string_null("name"))
                    .col(string_null("name_key"))
                    .col(string_null("country"))
                    .col(string_null("region"))
                    .col(string_null("city"))
                    .col(double_null("capacity_liters"))
                    .col(string_null("status"))
                    .col(date_null("reported_on"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk(
                        "facilities",
                        "operator_id",
                        "organizations",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        for cols in [
            &["operator_id"][..],
            &["country", "region"],
            &["status"],
            &["capacity_liters"],
        ] {
            index(manager, "facilities", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("facility_modalities")
                    .col(big_integer("facility_id"))
                    .col(string("modality"))
                    .primary_key(Index::create().col("facility_id").col("modality"))
                    .foreign_key(&mut fk(
                        "facility_modalities",
                        "facility_id",
                        "facilities",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "facility_modalities", &["modality"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("licenses")
                    .col(big_pk_auto("id"))
                    .col(big_integer("holder_id"))
                    .col(string("license_type"))
                    .col(big_integer_null("authority_id"))
                    .col(string_null("country"))
                    .col(big_integer_null("facility_id"))
                    .col(date_null("date"))
                    .col(string_null("date_precision"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .foreign_key(&mut fk("licenses", "holder_id", "organizations", CASCADE))
                    .foreign_key(&mut fk(
                        "licenses",
                        "authority_id",
                        "organizations",
                        SET_NULL,
                    ))
                    .foreign_key(&mut fk("licenses", "facility_id", "facilities", SET_NULL))
                    .to_owned(),
            )
            .await?;
        for cols in [
            &["holder_id"][..],
            &["license_type"],
            &["authority_id"],
            &["country"],
            &["facility_id"],
            &["date"],
        ] {
            index(manager, "licenses", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("agreements")
                    .col(big_pk_auto("id"))
                    .col(string("agreement_type"))
                    .col(string_null("scope"))
                    .col(date_null("date"))
                    .col(string_null("date_precision"))
                    .col(double_null("value_usd"))
                    .col(string("party_key"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for cols in [&["agreement_type"][..], &["date"], &["party_key"]] {
            index(manager, "agreements", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("agreement_parties")
                    .col(big_integer("agreement_id"))
                    .col(big_integer("organization_id"))
                    .col(string_null("role"))
                    .primary_key(Index::create().col("agreement_id").col("organization_id"))
                    .foreign_key(&mut fk(
                        "agreement_parties",
                        "agreement_id",
                        "agreements",
                        CASCADE,
                    ))
                    .foreign_key(&mut fk(
                        "agreement_parties",
                        "organization_id",
                        "organizations",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "agreement_parties", &["organization_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("policies")
                    .col(big_pk_auto("id"))
                    .col(string_null("name"))
                    .col(string_null("name_key"))
                    .col(string_null("country"))
                    .col(date_null("date"))
                    .col(string_null("date_precision"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;
        for cols in [&["country"][..], &["date"], &["name_key"]] {
            index(manager, "policies", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("policy_agencies")
                    .col(big_integer("policy_id"))
                    .col(big_integer("organization_id"))
                    .primary_key(Index::create().col("policy_id").col("organization_id"))
                    .foreign_key(&mut fk("policy_agencies", "policy_id", "policies", CASCADE))
                    .foreign_key(&mut fk(
                        "policy_agencies",
                        "organization_id",
                        "organizations",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        index(manager, "policy_agencies", &["organization_id"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("policy_focus")
                    .col(big_integer("policy_id"))
                    .col(string("focus"))
                    .primary_key(Index::create().col("policy_id").col("focus"))
                    .foreign_key(&mut fk("policy_focus", "policy_id", "policies", CASCADE))
                    .to_owned(),
            )
            .await?;
        index(manager, "policy_focus", &["focus"], false).await?;

        manager
            .create_table(
                Table::create()
                    .table("sources")
                    .col(string("id").primary_key())
                    .col(string("kind"))
                    .col(string_null("url"))
                    .col(string_null("language"))
                    .col(string_null("country"))
                    .col(string_null("schedule"))
                    .col(text("config"))
                    .col(timestamp_with_time_zone("created_at"))
                    .col(timestamp_with_time_zone("updated_at"))
                    .to_owned(),
            )
            .await?;

        manager
            .create_table(
                Table::create()
                    .table("articles")
                    .col(big_pk_auto("id"))
                    .col(string_null("url"))
                    .col(string_null("publisher"))
                    .col(date_null("published"))
                    .col(string_null("published_precision"))
                    .col(string("language"))
                    .col(text_null("title"))
                    .col(text("text"))
                    .col(string("content_hash"))
                    .col(string_null("source_id"))
                    .col(timestamp_with_time_zone("ingested_at"))
                    .to_owned(),
            )
            .await?;
        index(manager, "articles", &["url"], true).await?;
        index(manager, "articles", &["content_hash"], true).await?;
        for cols in [
            &["publisher"][..],
            &["published"],
            &["language"],
            &["source_id"],
        ] {
            index(manager, "articles", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("article_organizations")
                    .col(big_integer("article_id"))
                    .col(big_integer("organization_id"))
                    .primary_key(Index::create().col("article_id").col("organization_id"))
                    .foreign_key(&mut fk(
                        "article_organizations",
                        "article_id",
                        "articles",
                        CASCADE,
                    ))
                    .foreign_key(&mut fk(
                        "article_organizations",
                        "organization_id",
                        "organizations",
                        CASCADE,
                    ))
                    .to_owned(),
            )
            .await?;
        index(
            manager,
            "article_organizations",
            &["organization_id"],
            false,
        )
        .await?;

        manager
            .create_table(
                Table::create()
                    .table("evidence")
                    .col(big_pk_auto("id"))
                    .col(big_integer("article_id"))
                    .col(big_integer_null("facility_id"))
                    .col(big_integer_null("license_id"))
                    .col(big_integer_null("agreement_id"))
                    .col(big_integer_null("policy_id"))
                    .col(text("sentence"))
                    .col(double("confidence"))
                    .col(string("extractor_version"))
                    .col(timestamp_with_time_zone("created_at"))
                    .foreign_key(&mut fk("evidence", "article_id", "articles", CASCADE))
                    .foreign_key(&mut fk("evidence", "facility_id", "facilities", CASCADE))
                    .foreign_key(&mut fk("evidence", "license_id", "licenses", CASCADE))
                    .foreign_key(&mut fk("evidence", "agreement_id", "agreements", CASCADE))
                    .foreign_key(&mut fk("evidence", "policy_id", "policies", CASCADE))
                    .to_owned(),
            )
            .await?;
        for cols in [
            &["article_id"][..],
            &["facility_id"],
            &["license_id"],
            &["agreement_id"],
            &["policy_id"],
        ] {
            index(manager, "evidence", cols, false).await?;
        }

        manager
            .create_table(
                Table::create()
                    .table("ingest_runs")
                    .col(big_pk_auto("id"))
                    .col(string("source_id"))
                    .col(timestamp_with_time_zone("started_at"))
                    .col(timestamp_with_time_zone_null("finished_at"))
                    .col(string("status"))
                    .col(integer("fetched"))
                    .col(integer("new_articles"))
                    .col(integer("duplicates"))
                    .col(integer("failed"))
                    .col(text("errors"))
                    .to_owned(),
            )
            .await?;
        index(manager, "ingest_runs", &["source_id", "started_at"], false).await?;
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in [
            "ingest_runs",
            "evidence",
            "article_organizations",
            "articles",
            "sources",
            "policy_focus",
            "policy_agencies",
            "policies",
            "agreement_parties",
            "agreements",
            "licenses",
            "facility_modalities",
            "facilities",
            "organization_aliases",
            "organizations",
        ] {
            manager
                .drop_table(Table::drop().table(table).to_owned())
                .await?;
        }
        Ok(())
    }
}
