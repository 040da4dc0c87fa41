//! Freshness for clients: `meta` (data version, last ingest, extractor version) and
//! `sources` (configured sources with their last run), read from the store.

use async_graphql::{Context, Object};
use cdmo_store::Store;
use cdmo_store::entities::{ingest_run, source};

use super::error::StoreResultExt;
use super::types::IngestRun;

/// The `meta` and `sources` root fields.
#[derive(Default)]
pub struct MetaQuery;

#[Object]
impl MetaQuery {
    /// How fresh the data behind every answer is; cache answers by `dataVersion`.
    async fn meta(&self) -> Meta {
        Meta
    }

    /// The configured web sources (as recorded by their last `ingest run`), by id, each
    /// with its newest ingest run.
    async fn sources(&self, ctx: &Context<'_>) -> async_graphql::Result<Vec<Source>> {
        let store = ctx.data::<Store>()?;
        let rows = cdmo_store::meta::sources_with_last_run(store).await.gql()?;
        Ok(rows
            .into_iter()
            .map(|(source, last_run)| Source { source, last_run })
            .collect())
    }
}

/// Facts about the data set as a whole.
pub struct Meta;

/// Facts about the data set as a whole.
#[Object]
impl Meta {
    /// An opaque string that changes whenever the graph changes (organizations, aliases,
    /// facts, articles, evidence, retractions, corrections) and stays the same otherwise:
    /// two answers carrying the same `dataVersion` were computed from the same data.
    async fn data_version(&self, ctx: &Context<'_>) -> async_graphql::Result<String> {
        let store = ctx.data::<Store>()?;
        cdmo_store::meta::data_version(store).await.gql()
    }

    /// When the most recent ingest run that stored anything (`ok` or `partial`) finished;
    /// null before the first.
    async fn last_ingest_at(
        &self,
        ctx: &Context<'_>,
    ) -> async_graphql::Result<Option<chrono::DateTime<chrono::Utc>>> {
        let store = ctx.data::<Store>()?;
        cdmo_store::meta::last_ingest_at(store).await.gql()
    }

    /// The version of the extraction rules this server ingests with; evidence records the
    /// version that produced it.
    async fn extractor_version(&self) -> &'static str {
        cdmo_ingest::EXTRACTOR_VERSION
    }
}

/// A configured source of articles (an entry of `sources.toml`).
pub struct Source {
    source: source::Model,
    last_run: Option<ingest_run::Model>,
}

/// A configured source of articles (an entry of `sources.toml`).
#[Object]
impl Source {
    /// The source's id in `sources.toml`.
    async fn id(&self) -> &str {
        &self.source.id
    }
    /// `rss`, `atom`, `html_list`, `sitemap`, `urls` or `files`.
    async fn kind(&self) -> &str {
        &self.source.kind
    }
    /// The feed, listing page or sitemap URL (null for URL lists and files).
    async fn url(&self) -> Option<&str> {
        self.source.url.as_deref()
    }
    /// The configured language hint (`en`, `ko`, `zh`); the detected language decides.
    async fn language(&self) -> Option<&str> {
        self.source.language.as_deref()
    }
    /// ISO 3166-1 alpha-2 country the outlet covers.
    async fn country(&self) -> Option<&str> {
        self.source.country.as_deref()
    }
    /// Five-field cron expression (UTC) the scheduler runs it on; null when run by hand.
    async fn schedule(&self) -> Option<&str> {
        self.source.schedule.as_deref()
    }
    /// False when `enabled = false` in `sources.toml`: skipped by runs and the scheduler.
    async fn enabled(&self) -> bool {
        serde_json::from_str::<serde_json::Value>(&self.source.config)
            .ok()
            .and_then(|c| c.get("enabled").and_then(serde_json::Value::as_bool))
            .unwrap_or(true)
    }
    /// Its newest ingest run; null when it never ran.
    async fn last_run(&self) -> Option<IngestRun> {
        self.last_run.clone().map(IngestRun)
    }
}
