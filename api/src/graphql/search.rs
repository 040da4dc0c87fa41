//! The `search` query: one box that finds organizations (by any name, in any script),
//! facilities and articles, ranked, with the text that matched.

use async_graphql::{Context, Enum, Object, SimpleObject, Union};
use cdmo_store::Store;
use cdmo_store::search::{self as s, SearchKind, SearchText};

use super::connection::PageLimits;
use super::error::{StoreResultExt, bad_input};
use super::types::{Article, Facility, Organization};

/// A kind of thing `search` can find.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SearchType {
    /// Companies, hospitals, universities, ministries and regulators, by canonical name or
    /// any alias (English, Hangul, Hanzi, abbreviations).
    Organization,
    /// Manufacturing facilities, by name.
    Facility,
    /// Source articles, by title or text.
    Article,
}

impl From<SearchType> for SearchKind {
    fn from(t: SearchType) -> SearchKind {
        match t {
            SearchType::Organization => SearchKind::Organization,
            SearchType::Facility => SearchKind::Facility,
            SearchType::Article => SearchKind::Article,
        }
    }
}

/// Which text of a hit matched the query.
#[derive(Enum, Copy, Clone, Eq, PartialEq, Debug)]
pub enum SearchField {
    /// An organization's canonical name or a facility's name.
    Name,
    /// Another name of an organization, in any script.
    Alias,
    /// An article's title.
    Title,
    /// An article's text (`matchedText` is a snippet around the first match).
    Text,
}

impl From<s::MatchField> for SearchField {
    fn from(f: s::MatchField) -> SearchField {
        match f {
            s::MatchField::Name => SearchField::Name,
            s::MatchField::Alias => SearchField::Alias,
            s::MatchField::Title => SearchField::Title,
            s::MatchField::Text => SearchField::Text,
        }
    }
}

/// What a search hit is: an organization, a facility or an article.
#[derive(Union)]
pub enum SearchNode {
    Organization(Organization),
    Facility(Facility),
    Article(Article),
}

/// One search result.
#[derive(SimpleObject)]
pub struct SearchHit {
    /// Relevance, higher is better: 3–4 for an exact name or alias match (ignoring case,
    /// legal forms such as "Co., Ltd." and word order), 2–3 when a name, alias or title
    /// starts with the query, 1–2 when it contains it elsewhere, below 1 for a match in an
    /// article's text only. Within a band, closer trigram similarity scores higher.
    pub score: f64,
    /// The name, alias or title that matched, or a snippet of article text around the match.
    pub matched_text: String,
    /// Which of the node's texts matched.
    pub matched_field: SearchField,
    /// The organization, facility or article found.
    pub node: SearchNode,
}

/// Search results, best first.
#[derive(SimpleObject)]
pub struct SearchResults {
    /// The hits, best first; equal scores list organizations, then facilities, then
    /// articles, each in id order.
    pub hits: Vec<SearchHit>,
    /// True when more matches were found than `first` allowed.
    pub has_more: bool,
}

/// The `search` field; merged into the root query in `schema.rs`.
#[derive(Default)]
pub struct SearchQuery;

#[Object]
impl SearchQuery {
    /// Full-text search across organization names and aliases (any script), facility names,
    /// and article titles and texts. Matches parts of words too ("셀트" finds 셀트리온,
    /// "药明" finds 药明生物); every word of the query must match. Ranked: exact name or
    /// alias first, then prefix, then other matches, then article text.
    async fn search(
        &self,
        ctx: &Context<'_>,
        #[graphql(
            desc = "What to look for: a name, alias, or words (1 to 200 characters, not only whitespace)."
        )]
        query: String,
        #[graphql(desc = "Only these kinds of things; all kinds when omitted or empty.")]
        types: Option<Vec<SearchType>>,
        #[graphql(
            desc = "At most this many hits: 20 by default (the configured default page size), at most the maximum page size (100 by default)."
        )]
        first: Option<i32>,
    ) -> async_graphql::Result<SearchResults> {
        let text = SearchText::parse(&query).map_err(|e| bad_input(e.to_string()))?;
        let limits = ctx.data_unchecked::<PageLimits>();
        let limit = match first {
            None => limits.default_page_size,
            Some(n) if n >= 0 && (n as usize) <= limits.max_page_size => n as usize,
            Some(n) => {
                return Err(bad_input(format!(
                    "`first` must be between 0 and {} (got {n})",
                    limits.max_page_size
                )));
            }
        };
        let kinds: Vec<SearchKind> = types
            .unwrap_or_default()
            .into_iter()
            .map(SearchKind::from)
            .collect();
        let found = s::search(ctx.data_unchecked::<Store>(), &text, &kinds, limit)
            .await
            .gql()?;
        Ok(SearchResults {
            has_more: found.has_more,
            hits: found
                .hits
                .into_iter()
                .map(|h| SearchHit {
                    score: h.score,
                    matched_text: h.matched_text,
                    matched_field: h.field.into(),
                    node: match h.node {
                        s::SearchNode::Organization(o) => SearchNode::Organization(Organization(o)),
                        s::SearchNode::Facility(f) => SearchNode::Facility(Facility(f)),
                        s::SearchNode::Article(a) => SearchNode::Article(Article(a)),
                    },
                })
                .collect(),
        })
    }
}
