//! Document limits the schema's own depth and complexity checks do not cover (aliases, root
//! fields, operations per document), and the per-request state the HTTP layer reads back.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery,
};
use async_graphql::parser::types::{
    ExecutableDocument, FragmentDefinition, OperationType, Selection, SelectionSet,
};
use async_graphql::{Name, Positioned, Response, ServerError, ServerResult, Variables};

/// The `extensions.code` of an error caused by a configured limit.
pub const LIMIT_EXCEEDED: &str = "LIMIT_EXCEEDED";

/// How deep fragment spreads are followed when counting root fields; documents nesting
/// fragments deeper than this are refused by async-graphql's own recursion check anyway.
const MAX_FRAGMENT_NESTING: usize = 32;

/// The configured document limits.
#[derive(Debug, Clone, Copy)]
pub struct DocumentLimits {
    pub max_aliases: usize,
    pub max_root_fields: usize,
    pub max_operations: usize,
}

/// What the HTTP layer needs to learn about one request while the schema runs it; handed
/// to the schema as request data and read back after execution.
#[derive(Debug, Default)]
pub struct RequestState {
    /// The request came as `GET`, where only queries may run.
    pub via_get: bool,
    /// The client's `operationName`, used to pick the operation out of the document.
    pub operation_name: Option<String>,
    executed: AtomicBool,
    mutation_over_get: AtomicBool,
    operation: OnceLock<String>,
}

impl RequestState {
    pub fn new(via_get: bool, operation_name: Option<String>) -> Arc<RequestState> {
        Arc::new(RequestState {
            via_get,
            operation_name,
            ..RequestState::default()
        })
    }

    /// True once the document was parsed, validated and handed to the resolvers; false
    /// means the answer is a request error (HTTP 400 under `graphql-response+json`).
    pub fn executed(&self) -> bool {
        self.executed.load(Ordering::Relaxed)
    }

    /// True when a `GET` request selected a mutation (answered 405).
    pub fn mutation_over_get(&self) -> bool {
        self.mutation_over_get.load(Ordering::Relaxed)
    }

    /// The selected operation's name, when the document names it.
    pub fn operation(&self) -> Option<&str> {
        self.operation.get().map(String::as_str)
    }
}

/// The async-graphql extension enforcing [`DocumentLimits`] and filling [`RequestState`].
pub struct TransportLimits(pub DocumentLimits);

impl ExtensionFactory for TransportLimits {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(TransportLimitsExtension(self.0))
    }
}

struct TransportLimitsExtension(DocumentLimits);

fn limit_error(limit: &str, message: String) -> ServerError {
    let mut e = ServerError::new(message, None);
    let mut ext = async_graphql::ErrorExtensionValues::default();
    ext.set("code", LIMIT_EXCEEDED);
    ext.set("limit", limit);
    e.extensions = Some(ext);
    e
}

#[async_trait::async_trait]
impl Extension for TransportLimitsExtension {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let doc = next.run(ctx, query, variables).await?;
        let state = ctx.data_opt::<Arc<RequestState>>();
        check(&doc, self.0, state.map(Arc::as_ref))?;
        Ok(doc)
    }

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        if let Some(state) = ctx.data_opt::<Arc<RequestState>>() {
            state.executed.store(true, Ordering::Relaxed);
        }
        next.run(ctx, operation_name).await
    }
}

/// Checks a parsed document against the limits and, for `GET`, that it selects a query.
fn check(
    doc: &ExecutableDocument,
    limits: DocumentLimits,
    state: Option<&RequestState>,
) -> ServerResult<()> {
    let operations = doc.operations.iter().count();
    if operations > limits.max_operations {
        return Err(limit_error(
            "max_operations",
            format!(
                "the document contains {operations} operations; the limit (graphql.max_operations) is {}",
                limits.max_operations
            ),
        ));
    }
    let mut aliases = 0;
    for (_, op) in doc.operations.iter() {
        aliases += count_aliases(&op.node.selection_set.node);
    }
    for fragment in doc.fragments.values() {
        aliases += count_aliases(&fragment.node.selection_set.node);
    }
    if aliases > limits.max_aliases {
        return Err(limit_error(
            "max_aliases",
            format!(
                "the document uses {aliases} aliases; the limit (graphql.max_aliases) is {}",
                limits.max_aliases
            ),
        ));
    }
    let wanted = state.and_then(|s| s.operation_name.as_deref());
    // The operation the request runs: the named one, else the only one. When neither
    // exists async-graphql reports it after this hook, with its own message.
    let selected = doc.operations.iter().find(|(name, _)| match wanted {
        Some(w) => name.map(Name::as_str) == Some(w),
        None => operations == 1,
    });
    let Some((name, op)) = selected else {
        return Ok(());
    };
    if let Some(state) = state {
        if let Some(name) = name {
            let _ = state.operation.set(name.to_string());
        }
        if state.via_get && op.node.ty != OperationType::Query {
            state.mutation_over_get.store(true, Ordering::Relaxed);
            return Err(ServerError::new(
                "only queries may be sent with GET; send mutations with POST",
                None,
            ));
        }
    }
    let roots = count_root_fields(&op.node.selection_set.node, &doc.fragments, 0);
    if roots > limits.max_root_fields {
        return Err(limit_error(
            "max_root_fields",
            format!(
                "the operation selects {roots} root fields; the limit (graphql.max_root_fields) is {}",
                limits.max_root_fields
            ),
        ));
    }
    Ok(())
}

/// Aliases written in a selection set and everything below it (fragments are counted
/// where they are defined, once).
fn count_aliases(set: &SelectionSet) -> usize {
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(f) => {
                usize::from(f.node.alias.is_some()) + count_aliases(&f.node.selection_set.node)
            }
            Selection::InlineFragment(i) => count_aliases(&i.node.selection_set.node),
            Selection::FragmentSpread(_) => 0,
        })
        .sum()
}

/// Fields selected at the root, looking through fragments used at the root.
fn count_root_fields(
    set: &SelectionSet,
    fragments: &std::collections::HashMap<Name, Positioned<FragmentDefinition>>,
    nesting: usize,
) -> usize {
    if nesting > MAX_FRAGMENT_NESTING {
        return 0;
    }
    set.items
        .iter()
        .map(|item| match &item.node {
            Selection::Field(_) => 1,
            Selection::InlineFragment(i) => {
                count_root_fields(&i.node.selection_set.node, fragments, nesting + 1)
            }
            Selection::FragmentSpread(s) => {
                fragments.get(&s.node.fragment_name.node).map_or(0, |f| {
                    count_root_fields(&f.node.selection_set.node, fragments, nesting + 1)
                })
            }
        })
        .sum()
}

/// A GraphQL-shaped error body `{"errors":[{message, extensions:{code,…}}]}` for answers
/// given before (or instead of) the schema.
pub fn error_body(
    code: &str,
    message: &str,
    extra: &[(&str, serde_json::Value)],
) -> serde_json::Value {
    let mut ext = serde_json::Map::new();
    ext.insert("code".into(), code.into());
    for (k, v) in extra {
        ext.insert((*k).to_string(), v.clone());
    }
    serde_json::json!({ "errors": [{ "message": message, "extensions": ext }] })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits() -> DocumentLimits {
        DocumentLimits {
            max_aliases: 2,
            max_root_fields: 3,
            max_operations: 2,
        }
    }

    fn run(q: &str, state: Option<&RequestState>) -> Result<(), String> {
        let doc = async_graphql::parser::parse_query(q).unwrap();
        check(&doc, limits(), state).map_err(|e| e.message)
    }

    #[test]
    fn aliases_are_counted_in_operations_and_fragments() {
        assert!(run("{ a: x b: y }", None).is_ok());
        let err = run("{ a: x ...F } fragment F on Q { b: y { c: z } }", None).unwrap_err();
        assert!(
            err.contains("3 aliases") && err.contains("max_aliases"),
            "{err}"
        );
    }

    #[test]
    fn root_fields_look_through_fragments() {
        assert!(run("{ a b c }", None).is_ok());
        let err = run("{ a ...F } fragment F on Q { b ... { c d } }", None).unwrap_err();
        assert!(err.contains("4 root fields"), "{err}");
    }

    #[test]
    fn operations_are_counted() {
        let err = run("query A { a } query B { b } query C { c }", None).unwrap_err();
        assert!(err.contains("3 operations"), "{err}");
    }

    #[test]
    fn get_refuses_the_selected_mutation_only() {
        let state = RequestState::new(true, Some("M".into()));
        assert!(run("query Q { a } mutation M { b }", Some(&state)).is_err());
        assert!(state.mutation_over_get());
        let state = RequestState::new(true, Some("Q".into()));
        assert!(run("query Q { a } mutation M { b }", Some(&state)).is_ok());
        assert_eq!(state.operation(), Some("Q"));
    }
}
