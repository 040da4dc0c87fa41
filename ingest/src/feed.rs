//! Article links from what an outlet publishes: RSS and Atom feeds, sitemaps (Google News
//! sitemaps included) and HTML listing pages found with CSS selectors. Pure functions of bytes.

use std::borrow::Cow;
use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, Utc};
use quick_xml::events::Event;
use scraper::{ElementRef, Html, Selector};
use url::Url;

/// One article found on a feed, sitemap or listing page.
#[derive(Debug, Clone, PartialEq)]
pub struct Link {
    /// Absolute http(s) URL, fragment removed.
    pub url: Url,
    pub title: Option<String>,
    pub published: Option<DateTime<Utc>>,
    /// Plain text (HTML tags removed).
    pub summary: Option<String>,
}

/// One sitemap file: article links (`<urlset>`) or further sitemaps (`<sitemapindex>`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SitemapPage {
    /// `<url><loc>`; `published` is `news:publication_date`, else `lastmod`.
    pub links: Vec<Link>,
    /// `<sitemap><loc>` of a sitemap index.
    pub sitemaps: Vec<Url>,
}

/// One listing page: the article links on it and the next page.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Listing {
    pub links: Vec<Link>,
    pub next: Option<Url>,
}

#[derive(Debug, thiserror::Error)]
pub enum FeedError {
    #[error("not an RSS or Atom feed: {0}")]
    NotAFeed(String),
    #[error("not a sitemap: {0}")]
    NotASitemap(String),
    #[error("invalid CSS selector `{selector}`: {message}")]
    Selector { selector: String, message: String },
}

/// The items of an RSS (0.9x, 1.0, 2.0) or Atom feed that have a link. Relative links are
/// resolved against `base` (the feed's URL); an item without a link is skipped, except
/// that an RSS `guid` which is itself an http(s) URL stands in for a missing `<link>`.
pub fn feed_links(bytes: &[u8], base: &Url) -> Result<Vec<Link>, FeedError> {
    let text = xml_text(bytes);
    if text.trim().is_empty() {
        return Err(FeedError::NotAFeed("the document is empty".into()));
    }
    let is_json = text.trim_start().starts_with('{');
    if !is_json {
        match root_name(&text) {
            Some(root) if matches!(root.as_str(), "rss" | "feed" | "rdf" | "entry") => {}
            Some(root) => {
                return Err(FeedError::NotAFeed(format!(
                    "the document is <{root}>, not <rss>, <feed> or <rdf:RDF>"
                )));
            }
            None => return Err(FeedError::NotAFeed("no root element".into())),
        }
        // feed-rs reads what it can of a cut-off document; a truncated feed must not pass
        // for a short one, so well-formedness is checked first.
        check_well_formed(&text).map_err(FeedError::NotAFeed)?;
    }
    let parser = feed_rs::parser::Builder::new()
        .base_uri(Some(base.as_str()))
        .build();
    let feed = parser
        .parse(text.as_bytes())
        .map_err(|e| FeedError::NotAFeed(e.to_string()))?;

    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for entry in feed.entries {
        let href = entry
            .links
            .iter()
            .find(|l| matches!(l.rel.as_deref(), None | Some("alternate")))
            .or_else(|| {
                entry.links.iter().find(|l| {
                    !matches!(
                        l.rel.as_deref(),
                        Some("self" | "enclosure" | "edit" | "replies" | "via")
                    )
                })
            })
            .map(|l| l.href.as_str())
            .or_else(|| Some(entry.id.as_str()).filter(|id| id.starts_with("http")));
        let Some(url) = href.and_then(|h| article_url(base, h)) else {
            continue;
        };
        if !seen.insert(url.clone()) {
            continue;
        }
        links.push(Link {
            url,
            title: entry
                .title
                .map(|t| plain_text(&t.content))
                .filter(|t| !t.is_empty()),
            published: entry.published.or(entry.updated),
            summary: entry
                .summary
                .map(|t| plain_text(&t.content))
                .filter(|t| !t.is_empty()),
        });
    }
    Ok(links)
}

/// The URLs of a sitemap (`<urlset>`, Google News sitemaps included) or the child sitemaps
/// of a `<sitemapindex>`. Namespaces and prefixes are ignored: elements are matched by local
/// name and position. Decompressing `.xml.gz` is the caller's job.
pub fn sitemap_links(bytes: &[u8], base: &Url) -> Result<SitemapPage, FeedError> {
    let text = xml_text(bytes);
    let mut reader = quick_xml::Reader::from_str(&text);
    let mut page = SitemapPage::default();
    // Local names of the open elements, root first.
    let mut open: Vec<String> = Vec::new();
    let mut root_seen = false;
    // The fields of the `<url>` or `<sitemap>` being read.
    let mut entry = SitemapEntry::default();
    // Where text goes, if anywhere.
    let mut capture: Option<Field> = None;
    let mut buf = String::new();

    loop {
        let event = reader
            .read_event()
            .map_err(|e| FeedError::NotASitemap(malformed(&e, reader.error_position())))?;
        match event {
            Event::Start(start) => {
                let name = local_name(start.local_name().as_ref());
                if !root_seen {
                    root_seen = true;
                    if name != "urlset" && name != "sitemapindex" {
                        return Err(FeedError::NotASitemap(format!(
                            "the root element is <{name}>, not <urlset> or <sitemapindex>"
                        )));
                    }
                }
                let parent = open.last().map(String::as_str);
                capture = Field::of(parent, &name);
                buf.clear();
                if matches!((open.len(), name.as_str()), (1, "url") | (1, "sitemap")) {
                    entry = SitemapEntry::default();
                }
                open.push(name);
            }
            Event::Empty(start) => {
                if !root_seen {
                    let name = local_name(start.local_name().as_ref());
                    return Err(FeedError::NotASitemap(format!(
                        "the root element is an empty <{name}/>"
                    )));
                }
            }
            Event::Text(t) => {
                if capture.is_some() {
                    buf.push_str(&t.xml10_content().unwrap_or_default());
                } else if !root_seen && !t.xml10_content().unwrap_or_default().trim().is_empty() {
                    return Err(FeedError::NotASitemap(
                        "text before the root element".into(),
                    ));
                }
            }
            Event::CData(t) => {
                if capture.is_some() {
                    buf.push_str(&t.decode().unwrap_or_default());
                }
            }
            Event::GeneralRef(r) => {
                if capture.is_some() {
                    if let Ok(Some(c)) = r.resolve_char_ref() {
                        buf.push(c);
                    } else {
                        let name = r.decode().unwrap_or_default();
                        match quick_xml::escape::resolve_predefined_entity(&name) {
                            Some(s) => buf.push_str(s),
                            None => {
                                buf.push('&');
                                buf.push_str(&name);
                                buf.push(';');
                            }
                        }
                    }
                }
            }
            Event::End(_) => {
                let name = open.pop().unwrap_or_default();
                if let Some(field) = capture.take() {
                    entry.set(field, buf.trim());
                    buf.clear();
                }
                if open.len() == 1 {
                    match name.as_str() {
                        "url" => {
                            if let Some(link) = entry.link(base) {
                                page.links.push(link);
                            }
                        }
                        "sitemap" => {
                            if let Some(url) = entry.loc.as_deref().and_then(|l| base.join(l).ok())
                                && matches!(url.scheme(), "http" | "https")
                            {
                                page.sitemaps.push(url);
                            }
                        }
                        _ => {}
                    }
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !root_seen {
        return Err(FeedError::NotASitemap(if text.trim().is_empty() {
            "the document is empty".into()
        } else {
            "no root element".into()
        }));
    }
    if let Some(root) = open.first() {
        return Err(FeedError::NotASitemap(format!(
            "the document ends before </{root}> (truncated?)"
        )));
    }
    Ok(page)
}

/// Article links on a listing page: the elements `link_selector` matches (an `<a href>`, or
/// an element holding one), resolved against `base` and the page's `<base href>`, kept in
/// page order without repeats. Only http(s) links count; fragments are removed; the listing
/// page itself and `javascript:` links are left out. `next_selector` finds the next page.
pub fn listing_links(
    html: &str,
    base: &Url,
    link_selector: &str,
    next_selector: Option<&str>,
) -> Result<Listing, FeedError> {
    let links_sel = parse_selector(link_selector)?;
    let next_sel = next_selector.map(parse_selector).transpose()?;
    let doc = Html::parse_document(html);

    let page_url = without_fragment(base.clone());
    let base_href = Selector::parse("base[href]")
        .ok()
        .and_then(|s| doc.select(&s).next())
        .and_then(|b| b.value().attr("href"))
        .and_then(|h| base.join(h.trim()).ok());
    let resolve_base = base_href.as_ref().unwrap_or(base);

    let mut seen = HashSet::new();
    let mut links = Vec::new();
    for el in doc.select(&links_sel) {
        let Some(anchor) = anchor_of(el) else {
            continue;
        };
        let Some(href) = anchor.value().attr("href") else {
            continue;
        };
        let Some(url) = article_url(resolve_base, href) else {
            continue;
        };
        if url == page_url || !seen.insert(url.clone()) {
            continue;
        }
        let text = plain_text(&anchor.text().collect::<String>());
        let title = if text.is_empty() {
            anchor.value().attr("title").map(plain_text)
        } else {
            Some(text)
        };
        links.push(Link {
            url,
            title: title.filter(|t| !t.is_empty()),
            published: None,
            summary: None,
        });
    }

    let next = next_sel.and_then(|sel| {
        doc.select(&sel)
            .filter_map(anchor_of)
            .filter_map(|a| a.value().attr("href"))
            .filter_map(|h| article_url(resolve_base, h))
            .find(|u| *u != page_url)
    });
    Ok(Listing { links, next })
}

fn parse_selector(selector: &str) -> Result<Selector, FeedError> {
    Selector::parse(selector).map_err(|e| FeedError::Selector {
        selector: selector.to_string(),
        message: e.to_string(),
    })
}

/// The element itself when it is a link, else the first link inside it.
fn anchor_of(el: ElementRef<'_>) -> Option<ElementRef<'_>> {
    if el.value().attr("href").is_some() {
        return Some(el);
    }
    let a = Selector::parse("a[href]").ok()?;
    el.select(&a).next()
}

/// `href` resolved against `base`, if it is an http(s) URL; the fragment is dropped.
fn article_url(base: &Url, href: &str) -> Option<Url> {
    let href = href.trim();
    if href.is_empty() || href.starts_with('#') {
        return None;
    }
    let scheme = href
        .split(':')
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    if scheme == "javascript" || scheme == "mailto" || scheme == "data" {
        return None;
    }
    let url = base.join(href).ok()?;
    if !matches!(url.scheme(), "http" | "https") || !url.has_host() {
        return None;
    }
    Some(without_fragment(url))
}

fn without_fragment(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}

/// Text with HTML tags removed and whitespace collapsed.
fn plain_text(s: &str) -> String {
    let text: Cow<'_, str> = if s.contains('<') {
        Cow::Owned(
            Html::parse_fragment(s)
                .root_element()
                .text()
                .collect::<Vec<_>>()
                .join(" "),
        )
    } else {
        Cow::Borrowed(s)
    };
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn local_name(raw: &[u8]) -> String {
    String::from_utf8_lossy(raw).to_ascii_lowercase()
}

/// The sitemap fields read from an element, by its local name and its parent's.
#[derive(Debug, Clone, Copy)]
enum Field {
    Loc,
    LastMod,
    NewsDate,
    NewsTitle,
}

impl Field {
    fn of(parent: Option<&str>, name: &str) -> Option<Field> {
        // `<image:loc>` and `<image:title>` sit one level deeper and are not the article's.
        match (parent?, name) {
            ("url" | "sitemap", "loc") => Some(Field::Loc),
            ("url" | "sitemap", "lastmod") => Some(Field::LastMod),
            ("news", "publication_date") => Some(Field::NewsDate),
            ("news", "title") => Some(Field::NewsTitle),
            _ => None,
        }
    }
}

#[derive(Debug, Default)]
struct SitemapEntry {
    loc: Option<String>,
    lastmod: Option<String>,
    news_date: Option<String>,
    news_title: Option<String>,
}

impl SitemapEntry {
    fn set(&mut self, field: Field, value: &str) {
        if value.is_empty() {
            return;
        }
        let slot = match field {
            Field::Loc => &mut self.loc,
            Field::LastMod => &mut self.lastmod,
            Field::NewsDate => &mut self.news_date,
            Field::NewsTitle => &mut self.news_title,
        };
        *slot = Some(value.to_string());
    }

    fn link(&self, base: &Url) -> Option<Link> {
        let url = article_url(base, self.loc.as_deref()?)?;
        let published = self
            .news_date
            .as_deref()
            .and_then(w3c_datetime)
            .or_else(|| self.lastmod.as_deref().and_then(w3c_datetime));
        Some(Link {
            url,
            title: self
                .news_title
                .as_deref()
                .map(plain_text)
                .filter(|t| !t.is_empty()),
            published,
            summary: None,
        })
    }
}

/// A W3C datetime as sitemaps use it: a date, or a date and time with a zone.
fn w3c_datetime(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    // Minutes without seconds ("2024-05-01T09:30+09:00") are allowed by the W3C profile.
    for fmt in [
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%dT%H:%MZ",
        "%Y-%m-%dT%H:%M:%S%.fZ",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
        if let Ok(t) = chrono::NaiveDateTime::parse_from_str(s, fmt) {
            return Some(t.and_utc());
        }
    }
    NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
}

/// The document as UTF-8 text with any `encoding="…"` in its XML declaration rewritten to
/// UTF-8, so that XML readers do not decode it a second time. The encoding comes from a
/// byte-order mark, else the declaration, else a guess when the bytes are not UTF-8 (Korean
/// and Chinese outlets still serve EUC-KR and GB2312 feeds).
fn xml_text(bytes: &[u8]) -> Cow<'_, str> {
    let (encoding, body) = match encoding_rs::Encoding::for_bom(bytes) {
        Some((enc, bom_len)) => (Some(enc), &bytes[bom_len..]),
        None => (declared_encoding(bytes), bytes),
    };
    let encoding = encoding.unwrap_or_else(|| {
        if std::str::from_utf8(body).is_ok() {
            encoding_rs::UTF_8
        } else {
            let mut detector = chardetng::EncodingDetector::new();
            detector.feed(body, true);
            detector.guess(None, true)
        }
    });
    let (text, _) = encoding.decode_without_bom_handling(body);
    match declaration_encoding_value(&text) {
        Some(range) if !text[range.clone()].eq_ignore_ascii_case("utf-8") => {
            let mut fixed = String::with_capacity(text.len());
            fixed.push_str(&text[..range.start]);
            fixed.push_str("UTF-8");
            fixed.push_str(&text[range.end..]);
            Cow::Owned(fixed)
        }
        _ => text,
    }
}

/// The encoding named in the XML declaration, read from the raw bytes (the declaration is
/// ASCII in every encoding a feed uses, UTF-16 aside, which has a BOM).
fn declared_encoding(bytes: &[u8]) -> Option<&'static encoding_rs::Encoding> {
    let head = &bytes[..bytes.len().min(512)];
    let head = String::from_utf8_lossy(head);
    let range = declaration_encoding_value(&head)?;
    let enc = encoding_rs::Encoding::for_label(head[range].trim().as_bytes())?;
    // A UTF-16 label without a BOM is almost always a lie told by the server's template.
    (enc != encoding_rs::UTF_16LE && enc != encoding_rs::UTF_16BE).then_some(enc)
}

/// Byte range of the value of `encoding=` inside a leading `<?xml … ?>` declaration.
fn declaration_encoding_value(text: &str) -> Option<std::ops::Range<usize>> {
    let start = text.len() - text.trim_start().len();
    let rest = &text[start..];
    if !rest.starts_with("<?xml") {
        return None;
    }
    let decl_end = start + rest.find("?>")?;
    let decl = &text[start..decl_end];
    let at = decl.find("encoding")? + start + "encoding".len();
    let after = &text[at..decl_end];
    let eq = after.find('=')?;
    let value = after[eq + 1..].trim_start();
    let quote = value.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value_start = decl_end - value.len() + 1;
    let len = text[value_start..decl_end].find(quote)?;
    Some(value_start..value_start + len)
}

/// Reads the whole document and fails on malformed markup or a document that ends with
/// elements still open.
fn check_well_formed(text: &str) -> Result<(), String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut open: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Ok(Event::Start(s)) => open.push(local_name(s.name().as_ref())),
            Ok(Event::End(_)) => {
                open.pop();
            }
            Ok(Event::Eof) => break,
            Ok(_) => {}
            Err(e) => return Err(malformed(&e, reader.error_position())),
        }
    }
    match open.first() {
        Some(root) => Err(format!("the document ends before </{root}> (truncated?)")),
        None => Ok(()),
    }
}

fn malformed(e: &quick_xml::Error, at: u64) -> String {
    let message = e.to_string();
    // A document cut off inside a tag, comment or CDATA section.
    let hint = if message.contains("end of input") {
        " (truncated?)"
    } else {
        ""
    };
    format!("malformed XML at byte {at}: {message}{hint}")
}

/// The document's root element name, for messages.
fn root_name(text: &str) -> Option<String> {
    let mut reader = quick_xml::Reader::from_str(text);
    loop {
        match reader.read_event().ok()? {
            Event::Start(s) | Event::Empty(s) => {
                return Some(local_name(s.local_name().as_ref()));
            }
            Event::Eof => return None,
            _ => {}
        }
    }
}
