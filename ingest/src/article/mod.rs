//! The HTML → article step of web ingestion: what a page says about itself (title, date,
//! author, publisher, canonical URL, language) and its main text, as pure functions of `&str`.
//!
//! Design decisions:
//! - The page is parsed once (scraper/html5ever) and flattened in one iterative pass into an
//!   arena with text statistics (`dom`); the main text is chosen from that arena by general
//!   signals (`main_text`), so extraction costs about as much as parsing.
//! - Metadata (`page_meta`) prefers what the page declares for machines (Open Graph, JSON-LD,
//!   `<link rel=canonical>`) over what it shows people (headings, bylines).
//! - Nothing here fetches or decodes bytes: callers hand in text.

mod dom;
mod main_text;
mod page_meta;

use cdmo_store::PartialDate;
use scraper::Html;

pub use page_meta::{clean_url, parse_date_text};

/// What a web page says about itself and its main text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlArticle {
    /// og:title, JSON-LD headline, the first `<h1>` or `<title>` without its " | Site" suffix.
    pub title: Option<String>,
    /// The main text: paragraphs (and headings and list items inside it) separated by "\n\n".
    pub text: String,
    /// When the page says it was published (JSON-LD, meta tags, `<time>`, a byline date).
    pub published: Option<PartialDate>,
    pub author: Option<String>,
    /// og:site_name, JSON-LD publisher.name or application-name.
    pub publisher: Option<String>,
    /// `<link rel=canonical>` or og:url, absolute, without tracking parameters or fragment.
    pub canonical_url: Option<String>,
    /// The primary language subtag, lowercase ("en", "ko", "zh").
    pub language: Option<String>,
}

/// Reads a page: its metadata and main text. `page_url` resolves relative links.
pub fn read_html(html: &str, page_url: Option<&url::Url>) -> HtmlArticle {
    let doc = Html::parse_document(html);
    let page = dom::flatten(&doc);
    let text = main_text::extract(&page);
    let meta = page_meta::read(&doc, page_url);
    HtmlArticle {
        title: meta.title,
        text,
        published: meta.published,
        author: meta.author,
        publisher: meta.publisher,
        canonical_url: meta.canonical_url,
        language: meta.language,
    }
}

/// The main text only: paragraphs separated by blank lines, without the page's chrome.
pub fn main_text(html: &str) -> String {
    let doc = Html::parse_document(html);
    let page = dom::flatten(&doc);
    main_text::extract(&page)
}
