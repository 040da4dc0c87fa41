//! What a page declares about itself: title, dates, author, publisher, canonical URL and
//! language, from meta tags, JSON-LD and, failing those, visible headings and bylines.

use std::sync::LazyLock;

use cdmo_store::PartialDate;
use regex::Regex;
use scraper::{ElementRef, Html};
use serde_json::Value;

use crate::extract::dates::month_number;

#[derive(Debug, Default)]
pub(crate) struct Meta {
    pub title: Option<String>,
    pub published: Option<PartialDate>,
    pub author: Option<String>,
    pub publisher: Option<String>,
    pub canonical_url: Option<String>,
    pub language: Option<String>,
}

/// What one walk over the page collects; resolved into [`Meta`] by priority afterwards.
#[derive(Default)]
struct Found {
    lang: Option<String>,
    metas: Vec<(String, String)>,
    canonical: Option<String>,
    title_tag: Option<String>,
    h1: Option<String>,
    ld: Vec<Value>,
    time_datetime: Option<String>,
    itemprop_date: Option<String>,
    itemprop_author: Option<String>,
    byline_author: Option<String>,
    byline_dates: Vec<String>,
}

fn clean_text(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(s: String) -> Option<String> {
    if s.is_empty() { None } else { Some(s) }
}

/// Class or id fragments of elements that carry a byline or a dateline.
fn bylineish(class_id: &str) -> (bool, bool) {
    let l = class_id.to_ascii_lowercase();
    let author = l.contains("byline") || l.contains("author") || l.contains("writer");
    let date = l.contains("date")
        || l.contains("time")
        || l.contains("byline")
        || l.contains("publish")
        || l.contains("posted")
        || l.contains("meta")
        || l.contains("info");
    (author, date)
}

fn collect(doc: &Html) -> Found {
    let mut f = Found::default();
    for node in doc.tree.nodes() {
        let Some(el) = ElementRef::wrap(node) else {
            continue;
        };
        let e = el.value();
        match e.name() {
            "html" if f.lang.is_none() => {
                f.lang = e
                    .attr("lang")
                    .or_else(|| e.attr("xml:lang"))
                    .map(str::to_string);
            }
            "meta" => {
                let key = e
                    .attr("property")
                    .or_else(|| e.attr("name"))
                    .or_else(|| e.attr("itemprop"))
                    .or_else(|| e.attr("http-equiv"));
                if let (Some(k), Some(v)) = (key, e.attr("content")) {
                    let v = clean_text(v);
                    if !v.is_empty() {
                        f.metas.push((k.to_ascii_lowercase(), v));
                    }
                }
            }
            "link" => {
                let canonical = e.attr("rel").is_some_and(|r| {
                    r.split_whitespace()
                        .any(|t| t.eq_ignore_ascii_case("canonical"))
                });
                if canonical && f.canonical.is_none() {
                    f.canonical = e.attr("href").map(str::to_string);
                }
            }
            "title" if f.title_tag.is_none() => {
                f.title_tag = non_empty(clean_text(&el.text().collect::<String>()));
            }
            "h1" if f.h1.is_none() => {
                f.h1 = non_empty(clean_text(&el.text().collect::<String>()));
            }
            "script"
                if e.attr("type")
                    .is_some_and(|t| t.eq_ignore_ascii_case("application/ld+json")) =>
            {
                let raw: String = el.text().collect();
                let raw = raw
                    .trim()
                    .trim_start_matches("<!--")
                    .trim_end_matches("-->");
                if let Ok(v) = serde_json::from_str::<Value>(raw.trim()) {
                    f.ld.push(v);
                }
            }
            "time" if f.time_datetime.is_none() => {
                f.time_datetime = e.attr("datetime").map(str::to_string);
            }
            _ => {}
        }
        if let Some(prop) = e.attr("itemprop") {
            if prop.contains("datePublished") && f.itemprop_date.is_none() {
                f.itemprop_date = e
                    .attr("content")
                    .or_else(|| e.attr("datetime"))
                    .map(str::to_string)
                    .or_else(|| short_text(el, 120));
            }
            if prop == "author" && f.itemprop_author.is_none() && e.name() != "meta" {
                f.itemprop_author = NAME_PROP
                    .as_ref()
                    .and_then(|sel| el.select(sel).next())
                    .and_then(|n| short_text(n, 120))
                    .or_else(|| short_text(el, 120));
            }
        }
        let class_id = format!(
            "{} {}",
            e.attr("class").unwrap_or_default(),
            e.attr("id").unwrap_or_default()
        );
        if class_id.len() > 1 && e.name() != "body" && e.name() != "html" {
            let (author, date) = bylineish(&class_id);
            if (author || date)
                && let Some(text) = short_text(el, 120)
            {
                // The tightest byline element names the author with the least around it.
                if author
                    && f.byline_author
                        .as_ref()
                        .is_none_or(|b| b.len() > text.len())
                {
                    f.byline_author = Some(text.clone());
                }
                if date && f.byline_dates.len() < 40 {
                    f.byline_dates.push(text);
                }
            }
        }
    }
    f
}

static NAME_PROP: LazyLock<Option<scraper::Selector>> =
    LazyLock::new(|| scraper::Selector::parse(r#"[itemprop="name"]"#).ok());

/// The text of an element if it is short (a byline, a date), without walking all of a
/// large subtree.
fn short_text(el: ElementRef<'_>, max: usize) -> Option<String> {
    let mut out = String::new();
    for t in el.text() {
        out.push_str(t);
        if out.len() > max * 4 {
            return None;
        }
    }
    let out = clean_text(&out);
    (!out.is_empty() && out.chars().count() <= max).then_some(out)
}

fn meta<'a>(f: &'a Found, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| {
        f.metas
            .iter()
            .find(|(mk, _)| mk == k)
            .map(|(_, v)| v.as_str())
    })
}

const ARTICLE_TYPES: &[&str] = &[
    "NewsArticle",
    "Article",
    "BlogPosting",
    "ReportageNews",
    "AnalysisNewsArticle",
    "PressRelease",
    "TechArticle",
    "ScholarlyArticle",
    "Report",
    "LiveBlogPosting",
    "OpinionNewsArticle",
    "BackgroundNewsArticle",
];

fn is_article(v: &Value) -> bool {
    match v.get("@type") {
        Some(Value::String(t)) => ARTICLE_TYPES.contains(&t.as_str()),
        Some(Value::Array(ts)) => ts
            .iter()
            .any(|t| t.as_str().is_some_and(|t| ARTICLE_TYPES.contains(&t))),
        _ => false,
    }
}

/// The JSON-LD objects of the page, `@graph` and arrays unfolded, articles first.
fn ld_objects(f: &Found) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack: Vec<&Value> = f.ld.iter().rev().collect();
    while let Some(v) = stack.pop() {
        match v {
            Value::Array(items) => stack.extend(items.iter().rev()),
            Value::Object(o) => {
                if let Some(g) = o.get("@graph") {
                    stack.push(g);
                }
                out.push(v);
            }
            _ => {}
        }
    }
    out.sort_by_key(|v| !is_article(v));
    out
}

fn ld_name(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(clean_text(s)),
        Value::Object(o) => o.get("name").and_then(ld_name),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(ld_name).collect();
            non_empty(names.join(", "))
        }
        _ => None,
    }
}

fn ld_str<'a>(objs: &[&'a Value], key: &str) -> Option<&'a str> {
    objs.iter()
        .find_map(|o| o.get(key).and_then(Value::as_str))
        .filter(|s| !s.trim().is_empty())
}

static SEPARATOR: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"\s+(?:\||-|–|—|::|«|»|·|:)\s+|\s*_\s*").ok());

/// A title without the " | Site name" (or "_Section_Site") its page appends.
fn strip_site_suffix(title: &str, publisher: Option<&str>) -> String {
    let once = strip_one_suffix(&clean_text(title), publisher);
    strip_one_suffix(&once, publisher)
}

fn strip_one_suffix(title: &str, publisher: Option<&str>) -> String {
    let title = title.to_string();
    let Some(sep) = SEPARATOR.as_ref() else {
        return title;
    };
    let Some(last) = sep.find_iter(&title).last() else {
        return title;
    };
    let (head, tail) = (&title[..last.start()], &title[last.end()..]);
    let tail_n = tail.to_lowercase().replace(' ', "");
    let names_site = publisher.is_some_and(|p| {
        let p = p.to_lowercase().replace(' ', "");
        !p.is_empty() && (tail_n.contains(&p) || p.contains(&tail_n))
    });
    let short_tail =
        tail.split_whitespace().count() <= 4 && head.chars().count() > tail.chars().count();
    if !head.is_empty() && (names_site || short_tail) {
        head.trim().to_string()
    } else {
        title
    }
}

/// Tracking parameters that never change what a URL names.
fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "yclid"
                | "mc_cid"
                | "mc_eid"
                | "ref"
                | "ref_src"
                | "from"
                | "igshid"
                | "_ga"
                | "spm"
                | "cmpid"
                | "ocid"
                | "sr_share"
        )
}

/// An absolute URL without fragment or tracking parameters; `None` if it is not http(s).
pub fn clean_url(u: &url::Url) -> Option<String> {
    if !matches!(u.scheme(), "http" | "https") {
        return None;
    }
    let mut u = u.clone();
    u.set_fragment(None);
    if u.query().is_some() {
        let kept: Vec<(String, String)> = u
            .query_pairs()
            .filter(|(k, _)| !is_tracking(k))
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        if kept.is_empty() {
            u.set_query(None);
        } else {
            u.query_pairs_mut().clear().extend_pairs(kept);
        }
    }
    Some(u.to_string())
}

fn resolve(href: &str, base: Option<&url::Url>) -> Option<String> {
    let href = href.trim();
    if href.is_empty() {
        return None;
    }
    let u = match base {
        Some(b) => b.join(href).ok()?,
        None => url::Url::parse(href).ok()?,
    };
    clean_url(&u)
}

fn primary_language(tag: &str) -> Option<String> {
    let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
    let ok = (2..=3).contains(&primary.len()) && primary.bytes().all(|b| b.is_ascii_lowercase());
    ok.then_some(primary)
}

static DATE_PATTERNS: LazyLock<Vec<(Regex, &'static str)>> = LazyLock::new(|| {
    let month = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?";
    [
        (
            r"(\d{4})\s*[년年]\s*(\d{1,2})\s*[월月]\s*(\d{1,2})\s*[일日]?".to_string(),
            "ymd",
        ),
        (
            r"(?:^|\D)(\d{4})[-./](\d{1,2})[-./](\d{1,2})(?:\D|$)".to_string(),
            "ymd",
        ),
        (
            format!(r"(?i)\b{month}\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b"),
            "mdy",
        ),
        (
            format!(r"(?i)\b(\d{{1,2}})(?:st|nd|rd|th)?\s+{month},?\s+(\d{{4}})\b"),
            "dmy",
        ),
        (r"(\d{4})\s*[년年]\s*(\d{1,2})\s*[월月]".to_string(), "ym"),
        (format!(r"(?i)\b{month},?\s+(\d{{4}})\b"), "my"),
    ]
    .into_iter()
    .filter_map(|(p, k)| Regex::new(&p).ok().map(|r| (r, k)))
    .collect()
});

/// The first date a short text states: "2024-03-17", "2024-03-17T09:00:00+09:00",
/// "March 17, 2024", "17 Mar 2024", "2024.03.17", "2024년 3월 17일", "2024年3月17日",
/// "March 2024" (month precision).
pub fn parse_date_text(s: &str) -> Option<PartialDate> {
    let s = s.trim();
    // A bare ISO year-month or year, as JSON-LD and meta tags sometimes give.
    if let Some((y, m)) = s.split_once('-')
        && s.len() == 7
        && let (Ok(y), Ok(m)) = (y.parse(), m.parse())
    {
        return PartialDate::month(y, m).ok();
    }
    if s.len() == 4 {
        return s.parse().ok().and_then(|y| PartialDate::year(y).ok());
    }
    for (re, kind) in DATE_PATTERNS.iter() {
        let Some(c) = re.captures(s) else { continue };
        let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i32>().ok());
        let mon = |i: usize| c.get(i).and_then(|m| month_number(m.as_str()));
        let date = match *kind {
            "ymd" => PartialDate::day(num(1)?, num(2)? as u32, num(3)? as u32),
            "mdy" => PartialDate::day(num(3)?, mon(1)?, num(2)? as u32),
            "dmy" => PartialDate::day(num(3)?, mon(2)?, num(1)? as u32),
            "ym" => PartialDate::month(num(1)?, num(2)? as u32),
            _ => PartialDate::month(num(2)?, mon(1)?),
        };
        if let Ok(d) = date {
            return Some(d);
        }
    }
    None
}

/// Reads what the page declares about itself.
pub(crate) fn read(doc: &Html, page_url: Option<&url::Url>) -> Meta {
    let f = collect(doc);
    let ld = ld_objects(&f);
    let articles: Vec<&Value> = ld.iter().copied().filter(|v| is_article(v)).collect();
    let ld_pref: &[&Value] = if articles.is_empty() { &ld } else { &articles };

    let publisher = meta(&f, &["og:site_name", "sitename"])
        .map(clean_text)
        .or_else(|| {
            ld_pref
                .iter()
                .find_map(|o| o.get("publisher").and_then(ld_name))
        })
        .or_else(|| meta(&f, &["application-name"]).map(clean_text));

    let title = meta(&f, &["og:title", "twitter:title"])
        .map(str::to_string)
        .or_else(|| ld_str(ld_pref, "headline").map(str::to_string))
        .or_else(|| f.h1.clone())
        .or_else(|| f.title_tag.clone())
        .map(|t| strip_site_suffix(&t, publisher.as_deref()))
        .and_then(non_empty);

    let published = ld_str(ld_pref, "datePublished")
        .and_then(parse_date_text)
        .or_else(|| {
            meta(
                &f,
                &[
                    "article:published_time",
                    "datepublished",
                    "og:published_time",
                    "published_time",
                    "pubdate",
                    "publishdate",
                    "publish-date",
                    "date",
                    "dc.date.issued",
                    "dc.date",
                    "dcterms.date",
                    "citation_publication_date",
                    "sailthru.date",
                    "parsely-pub-date",
                ],
            )
            .and_then(parse_date_text)
        })
        .or_else(|| f.itemprop_date.as_deref().and_then(parse_date_text))
        .or_else(|| f.time_datetime.as_deref().and_then(parse_date_text))
        .or_else(|| f.byline_dates.iter().find_map(|t| parse_date_text(t)));

    let author = ld_pref
        .iter()
        .find_map(|o| o.get("author").and_then(ld_name))
        .or_else(|| {
            meta(&f, &["author", "article:author", "byl", "dc.creator"])
                .filter(|a| !a.starts_with("http"))
                .map(|a| {
                    a.trim_start_matches("By ")
                        .trim_start_matches("by ")
                        .to_string()
                })
        })
        .or_else(|| f.itemprop_author.clone())
        .or_else(|| f.byline_author.as_deref().map(byline_name))
        .and_then(non_empty);

    let canonical_url = f
        .canonical
        .as_deref()
        .and_then(|c| resolve(c, page_url))
        .or_else(|| meta(&f, &["og:url"]).and_then(|c| resolve(c, page_url)));

    let language = f
        .lang
        .as_deref()
        .and_then(primary_language)
        .or_else(|| {
            meta(&f, &["content-language", "language", "dc.language"]).and_then(primary_language)
        })
        .or_else(|| meta(&f, &["og:locale"]).and_then(primary_language));

    Meta {
        title,
        published,
        author,
        publisher,
        canonical_url,
        language,
    }
}

/// The name in a byline: "By Kim Ji-hoon | March 17, 2024" → "Kim Ji-hoon",
/// "이수진 기자" → "이수진", "作者：王晓明" → "王晓明".
fn byline_name(text: &str) -> String {
    let t = text.trim();
    let t = [
        "By ",
        "by ",
        "BY ",
        "Written by ",
        "作者：",
        "作者:",
        "记者：",
        "记者 ",
        "文/",
    ]
    .iter()
    .find_map(|p| t.strip_prefix(p))
    .unwrap_or(t);
    let t = t.split(" 기자").next().unwrap_or(t);
    let end = t.find(['|', '·', '•', '\n', ',']).unwrap_or(t.len());
    let name = t[..end].trim();
    // A date after the name without a separator: cut at the first digit.
    let name = match name.find(|c: char| c.is_ascii_digit()) {
        Some(i) if i > 0 => name[..i].trim(),
        _ => name,
    };
    name.to_string()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_read_in_the_shapes_bylines_use() {
        let d = |y, m, dd| Some(PartialDate::day(y, m, dd).unwrap());
        assert_eq!(parse_date_text("2024-03-17"), d(2024, 3, 17));
        assert_eq!(parse_date_text("2024-03-17T09:30:00+09:00"), d(2024, 3, 17));
        assert_eq!(
            parse_date_text("Posted March 17, 2024 09:00"),
            d(2024, 3, 17)
        );
        assert_eq!(parse_date_text("Mar. 17, 2024"), d(2024, 3, 17));
        assert_eq!(parse_date_text("17 Mar 2024"), d(2024, 3, 17));
        assert_eq!(parse_date_text("2024.03.17 14:05"), d(2024, 3, 17));
        assert_eq!(
            parse_date_text("입력 2024년 3월 17일 10:21"),
            d(2024, 3, 17)
        );
        assert_eq!(parse_date_text("发布时间：2024年3月17日"), d(2024, 3, 17));
        assert_eq!(parse_date_text("2024/3/7"), d(2024, 3, 7));
        assert_eq!(
            parse_date_text("March 2024"),
            Some(PartialDate::month(2024, 3).unwrap())
        );
        assert_eq!(parse_date_text("2024-02-30"), None);
        assert_eq!(parse_date_text("no date here"), None);
    }

    #[test]
    fn site_suffix_is_cut_from_titles() {
        assert_eq!(
            strip_site_suffix(
                "Samsung Biologics wins $1.2bn deal | Korea Biomedical Review",
                None
            ),
            "Samsung Biologics wins $1.2bn deal"
        );
        assert_eq!(
            strip_site_suffix(
                "Lonza - the long road to Visp - A history",
                Some("Pharma Times")
            ),
            "Lonza - the long road to Visp"
        );
        assert_eq!(strip_site_suffix("Plain title", None), "Plain title");
        assert_eq!(
            strip_site_suffix(
                "关于加强委托生产监督管理的通知_通知公告_某省药品监督管理局",
                None
            ),
            "关于加强委托生产监督管理的通知"
        );
    }

    #[test]
    fn tracking_parameters_and_fragments_are_dropped_from_urls() {
        let u = url::Url::parse("https://x.org/a?id=3&utm_source=tw&fbclid=9#top").unwrap();
        assert_eq!(clean_url(&u).unwrap(), "https://x.org/a?id=3");
        let u = url::Url::parse("https://x.org/a?utm_medium=e&ref=home").unwrap();
        assert_eq!(clean_url(&u).unwrap(), "https://x.org/a");
    }

    #[test]
    fn bylines_give_the_name_only() {
        assert_eq!(
            byline_name("By Kim Ji-hoon | March 17, 2024"),
            "Kim Ji-hoon"
        );
        assert_eq!(byline_name("By Jane Doe 2024-03-17"), "Jane Doe");
        assert_eq!(byline_name("이수진 기자"), "이수진");
        assert_eq!(byline_name("作者：王晓明"), "王晓明");
    }
}
