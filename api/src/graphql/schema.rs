//! Building the schema once: the root query, the store and DataLoaders as context data,
//! and the depth, complexity and page-size limits from the settings.

use async_graphql::dataloader::DataLoader;
use async_graphql::extensions::apollo_persisted_queries::{
    ApolloPersistedQueries, LruCacheStorage,
};
use async_graphql::{EmptySubscription, MergedObject, Schema};
use cdmo_store::Store;

use super::analytics::AnalyticsQuery;
use super::connection::PageLimits;
use super::loaders::Loaders;
use super::meta::MetaQuery;
use super::mutation::{CurationQuery, IngestTrigger, MutationRoot};
use super::query::CoreQuery;
use super::search::SearchQuery;
use crate::config::{GraphqlSettings, Settings};
use crate::http::limits::{DocumentLimits, TransportLimits};

/// Every query field: each part lives in the module named after what it serves.
#[derive(MergedObject, Default)]
pub struct QueryRoot(
    CoreQuery,
    SearchQuery,
    AnalyticsQuery,
    CurationQuery,
    MetaQuery,
);

pub type AtlasSchema = Schema<QueryRoot, MutationRoot, EmptySubscription>;

/// The schema for a server with these settings (limits, `[auth]`, the sources file).
pub fn build_schema_for(store: Store, settings: &Settings) -> AtlasSchema {
    build(store, &settings.graphql, settings)
}

pub fn build_schema(store: Store, limits: &GraphqlSettings) -> AtlasSchema {
    build(store, limits, &Settings::default())
}

fn build(store: Store, limits: &GraphqlSettings, settings: &Settings) -> AtlasSchema {
    super::connection::set_page_sizes(limits.default_page_size, limits.max_page_size);
    let loaders = DataLoader::new(
        Loaders {
            store: store.clone(),
        },
        tokio::spawn,
    )
    .delay(std::time::Duration::from_millis(limits.loader_delay_ms));
    let mut builder =
        Schema::build(QueryRoot::default(), MutationRoot, EmptySubscription).data(IngestTrigger {
            sources_file: settings.sources_file.clone(),
        });
    if settings.auth.require_key_for_queries {
        builder = builder.extension(crate::auth::QueriesNeedKey);
    }
    builder
        .data(store)
        .data(loaders)
        .data(PageLimits {
            default_page_size: limits.default_page_size,
            max_page_size: limits.max_page_size,
        })
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .extension(TransportLimits(DocumentLimits {
            max_aliases: limits.max_aliases,
            max_root_fields: limits.max_root_fields,
            max_operations: limits.max_operations,
        }))
        // Automatic persisted queries: a client may send only the query's SHA-256 once the
        // server has seen the full text, which makes GET URLs short enough to cache.
        .extension(ApolloPersistedQueries::new(LruCacheStorage::new(
            limits.persisted_query_cache_size.max(1),
        )))
        .finish()
}

/// The schema's SDL, for `cdmo-atlas schema` and the committed `api/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), MutationRoot, EmptySubscription)
        .finish()
        .sdl()
}
