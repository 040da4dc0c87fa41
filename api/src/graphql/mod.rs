//! The GraphQL API: schema, types, queries, DataLoaders, cursors and error mapping.
//! Store rows are wrapped in view types here; nothing below this module knows GraphQL.

pub mod analytics;
pub mod connection;
pub mod error;
pub mod ids;
pub mod loaders;
pub mod meta;
pub mod mutation;
pub mod node;
pub mod query;
pub mod schema;
pub mod search;
pub mod types;

pub use schema::{AtlasSchema, build_schema, sdl};
