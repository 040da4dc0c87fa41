//! Schema migrations, the same for SQLite and PostgreSQL. They run on every start and
//! with `cdmo-atlas db migrate`; seeds are data, never migrations.

use sea_orm_migration::prelude::*;

mod m20261121_000001_initial;
mod m20261122_000002_retractions;
mod m20261122_000003_web_ingest;
mod m20261122_000004_search;
mod m20261122_000005_curation;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261121_000001_initial::Migration),
            Box::new(m20261122_000002_retractions::Migration),
            Box::new(m20261122_000003_web_ingest::Migration),
            Box::new(m20261122_000004_search::Migration),
            Box::new(m20261122_000005_curation::Migration),
        ]
    }
}
