//! The GraphQL API: schema, types, queries, DataLoaders, cursors and error mapping.
//! Store rows are wrapped in view types here; nothing below this module knows GraphQL.

pub mod connection;
pub mod error;
pub mod ids;
pub mod loaders;
pub mod node;
pub mod query;
pub mod schema;
pub mod types;

pub use schema::{AtlasSchema, build_schema, sdl};
