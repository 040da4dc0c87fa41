//! Building the schema once: the root query, the store and DataLoaders as context data,
//! and the depth, complexity and page-size limits from the settings.

use async_graphql::dataloader::DataLoader;
use async_graphql::{EmptyMutation, EmptySubscription, MergedObject, Schema};
use cdmo_store::Store;

use super::connection::PageLimits;
use super::loaders::Loaders;
use super::query::CoreQuery;
use crate::config::GraphqlSettings;

/// Every query field: each part lives in the module named after what it serves.
#[derive(MergedObject, Default)]
pub struct QueryRoot(CoreQuery);

pub type AtlasSchema = Schema<QueryRoot, EmptyMutation, EmptySubscription>;

pub fn build_schema(store: Store, limits: &GraphqlSettings) -> AtlasSchema {
    super::connection::set_page_sizes(limits.default_page_size, limits.max_page_size);
    let loaders = DataLoader::new(
        Loaders {
            store: store.clone(),
        },
        tokio::spawn,
    )
    .delay(std::time::Duration::from_millis(limits.loader_delay_ms));
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .data(store)
        .data(loaders)
        .data(PageLimits {
            default_page_size: limits.default_page_size,
            max_page_size: limits.max_page_size,
        })
        .limit_depth(limits.max_depth)
        .limit_complexity(limits.max_complexity)
        .finish()
}

/// The schema's SDL, for `cdmo-atlas schema` and the committed `api/schema.graphql`.
pub fn sdl() -> String {
    Schema::build(QueryRoot::default(), EmptyMutation, EmptySubscription)
        .finish()
        .sdl()
}
