//! Links from feeds, sitemaps and listing pages, read from fixtures shaped like the real
//! outlets (tests/fixtures/feeds/); malformed input gives an error, never a panic.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use cdmo_ingest::feed::{FeedError, feed_links, listing_links, sitemap_links};
use chrono::{TimeZone, Utc};
use url::Url;

fn fixture(name: &str) -> Vec<u8> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/fixtures/feeds")
        .join(name);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn fixture_str(name: &str) -> String {
    String::from_utf8(fixture(name)).unwrap()
}

fn url(s: &str) -> Url {
    Url::parse(s).unwrap()
}

#[test]
fn an_rss_feed_gives_every_linked_item_with_title_date_and_plain_summary() {
    let base = url("https://www.koreabiomed.com/rss/allArticle.xml");
    let links = feed_links(&fixture("kbr_rss.xml"), &base).unwrap();
    // 50 items, one without a link.
    assert_eq!(links.len(), 49);

    let first = &links[0];
    assert_eq!(
        first.url.as_str(),
        "https://www.koreabiomed.com/news/articleView.html?idxno=25100"
    );
    assert_eq!(
        first.title.as_deref(),
        Some("Samsung Biologics signs CDMO deal worth 2 billion won with US biotech")
    );
    // pubDate "Mon, 02 Jun 2025 18:00:00 +0900".
    assert_eq!(
        first.published,
        Some(Utc.with_ymd_and_hms(2025, 6, 2, 9, 0, 0).unwrap())
    );
    let summary = first.summary.as_deref().unwrap();
    assert!(
        summary.starts_with("Samsung Biologics said on June 02"),
        "{summary}"
    );
    assert!(!summary.contains('<'), "tags removed: {summary}");

    // A relative <link> is resolved against the feed's URL.
    assert_eq!(
        links[1].url.as_str(),
        "https://www.koreabiomed.com/news/articleView.html?idxno=25099"
    );
    // CDATA keeps a bare ampersand.
    assert!(
        links[3]
            .title
            .as_deref()
            .unwrap()
            .ends_with("5 liters & others")
    );
    // A fragment is dropped.
    assert!(links.iter().all(|l| l.url.fragment().is_none()));
    assert!(
        links
            .iter()
            .any(|l| l.url.as_str().ends_with("idxno=25088"))
    );
    // The item without a link (idxno 25093) is skipped, not given the feed's URL.
    assert!(!links.iter().any(|l| l.url == base));
}

#[test]
fn an_atom_feed_resolves_xml_base_and_skips_entries_without_an_article_link() {
    let base = url("https://pharma.example.com/atom.xml");
    let links = feed_links(&fixture("cdmo_atom.xml"), &base).unwrap();
    let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://pharma.example.com/news/2025/06/lonza-visp",
            "https://pharma.example.com/news/2025/06/fujifilm-holly-springs",
        ]
    );
    assert_eq!(
        links[0].title.as_deref(),
        Some("Lonza expands Visp bioconjugates capacity")
    );
    assert_eq!(
        links[0].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 3, 5, 30, 0).unwrap())
    );
    assert_eq!(
        links[0].summary.as_deref(),
        Some("Lonza will add two bioconjugation suites.")
    );
    // No <published>: the entry's <updated> stands in.
    assert_eq!(
        links[1].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 2, 12, 0, 0).unwrap())
    );
}

#[test]
fn a_euc_kr_feed_declared_in_its_prolog_reads_as_korean() {
    let bytes = fixture("yakup_euckr.xml");
    assert!(
        std::str::from_utf8(&bytes).is_err(),
        "the fixture is EUC-KR"
    );
    let base = url("https://www.yakup.com/rss/");
    let links = feed_links(&bytes, &base).unwrap();
    assert_eq!(links.len(), 2);
    assert_eq!(
        links[0].title.as_deref(),
        Some("삼성바이오로직스, 5공장 가동…CDMO 수주 확대")
    );
    assert_eq!(
        links[1].url.as_str(),
        "https://www.yakup.com/news/index.html?mode=view&nid=300002"
    );
    assert_eq!(
        links[1].summary.as_deref(),
        Some("에스티팜이 글로벌 제약사와 계약을 맺었다.")
    );
}

#[test]
fn a_gb2312_feed_declared_in_its_prolog_reads_as_chinese() {
    let base = url("http://news.yyjjb.com.cn/rss.xml");
    let links = feed_links(&fixture("yyjjb_gb2312.xml"), &base).unwrap();
    let titles: Vec<&str> = links.iter().filter_map(|l| l.title.as_deref()).collect();
    assert_eq!(
        titles,
        [
            "药明生物无锡基地通过欧盟GMP检查",
            "浙江省药监局发布药品生产许可证变更公告"
        ]
    );
    assert_eq!(
        links[0].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 3, 2, 0, 0).unwrap())
    );
}

#[test]
fn malformed_feeds_are_errors_that_say_what_was_found() {
    let base = url("https://www.koreabiomed.com/rss/allArticle.xml");
    let whole = fixture("kbr_rss.xml");

    let truncated = &whole[..whole.len() / 2];
    let err = feed_links(truncated, &base).unwrap_err();
    assert!(matches!(err, FeedError::NotAFeed(_)));
    assert!(err.to_string().contains("truncated"), "{err}");

    let html = fixture("thebio_list.html");
    let err = feed_links(&html, &base).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not an RSS or Atom feed: the document is <html>, not <rss>, <feed> or <rdf:RDF>"
    );

    for empty in [&b""[..], b"   \n", b"\xEF\xBB\xBF"] {
        let err = feed_links(empty, &base).unwrap_err();
        assert_eq!(
            err.to_string(),
            "not an RSS or Atom feed: the document is empty"
        );
    }
    let err = feed_links(
        b"<rss version=\"2.0\"><channel><title>x</titl></channel></rss>",
        &base,
    )
    .unwrap_err();
    assert!(
        err.to_string()
            .starts_with("not an RSS or Atom feed: malformed XML"),
        "{err}"
    );
}

#[test]
fn every_prefix_of_a_feed_or_sitemap_is_read_or_refused_without_panicking() {
    let base = url("https://example.org/");
    for name in [
        "kbr_rss.xml",
        "cdmo_atom.xml",
        "yakup_euckr.xml",
        "google_news_sitemap.xml",
        "sitemap_urlset.xml",
    ] {
        let bytes = fixture(name);
        for cut in (0..bytes.len()).step_by(97) {
            let _ = feed_links(&bytes[..cut], &base);
            let _ = sitemap_links(&bytes[..cut], &base);
        }
    }
}

#[test]
fn a_sitemap_index_lists_its_child_sitemaps() {
    let base = url("https://www.fiercepharma.example/sitemap.xml");
    let page = sitemap_links(&fixture("sitemap_index.xml"), &base).unwrap();
    assert!(page.links.is_empty());
    let sitemaps: Vec<&str> = page.sitemaps.iter().map(Url::as_str).collect();
    assert_eq!(
        sitemaps,
        [
            "https://www.fiercepharma.example/sitemap.xml?page=1",
            "https://www.fiercepharma.example/sitemap.xml?page=2&type=article",
            "https://www.fiercepharma.example/sitemap-news.xml",
        ]
    );
}

#[test]
fn a_urlset_gives_page_urls_with_lastmod_and_ignores_image_locations() {
    let base = url("https://www.fiercepharma.example/sitemap.xml?page=1");
    let page = sitemap_links(&fixture("sitemap_urlset.xml"), &base).unwrap();
    assert!(page.sitemaps.is_empty());
    let urls: Vec<&str> = page.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://www.fiercepharma.example/manufacturing/samsung-biologics-plant-5",
            "https://www.fiercepharma.example/manufacturing/lonza-visp?utm=a&b=c",
            "https://www.fiercepharma.example/pharma/catalent-novo",
        ]
    );
    assert_eq!(
        page.links[0].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 2, 0, 0, 0).unwrap())
    );
    // "2025-06-01T09:30+09:00": minutes without seconds, as the W3C profile allows.
    assert_eq!(
        page.links[1].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 1, 0, 30, 0).unwrap())
    );
    assert_eq!(page.links[2].published, None);
    assert!(page.links.iter().all(|l| l.title.is_none()));
}

#[test]
fn a_google_news_sitemap_gives_titles_and_publication_dates_whatever_the_prefixes() {
    let base = url("https://www.hitnews.co.kr/sitemap-news.xml");
    let page = sitemap_links(&fixture("google_news_sitemap.xml"), &base).unwrap();
    assert_eq!(page.links.len(), 2);
    assert_eq!(
        page.links[0].title.as_deref(),
        Some("롯데바이오로직스, 송도 바이오캠퍼스 1공장 준공")
    );
    assert_eq!(
        page.links[0].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 3, 0, 15, 0).unwrap())
    );
    // news:publication_date wins over lastmod.
    assert_eq!(
        page.links[1].published,
        Some(Utc.with_ymd_and_hms(2025, 6, 2, 0, 0, 0).unwrap())
    );
    assert_eq!(
        page.links[1].title.as_deref(),
        Some("셀트리온 & 삼성바이오에피스, 유럽 허가")
    );
}

#[test]
fn malformed_sitemaps_are_errors_that_say_what_was_found() {
    let base = url("https://example.org/sitemap.xml");
    let err = sitemap_links(&fixture("zj_mpa_list_1.html"), &base).unwrap_err();
    assert_eq!(
        err.to_string(),
        "not a sitemap: the root element is <html>, not <urlset> or <sitemapindex>"
    );
    let err = sitemap_links(&fixture("kbr_rss.xml"), &base).unwrap_err();
    assert!(err.to_string().contains("<rss>"), "{err}");

    let whole = fixture("sitemap_urlset.xml");
    let err = sitemap_links(&whole[..whole.len() - 40], &base).unwrap_err();
    assert!(err.to_string().contains("truncated"), "{err}");

    let err = sitemap_links(b"", &base).unwrap_err();
    assert_eq!(err.to_string(), "not a sitemap: the document is empty");
    let err = sitemap_links(b"<urlset><url><loc>x</lo></url></urlset>", &base).unwrap_err();
    assert!(
        err.to_string().starts_with("not a sitemap: malformed XML"),
        "{err}"
    );
}

#[test]
fn a_provincial_mpa_list_gives_notices_in_order_and_the_next_page() {
    let page = url("https://mpa.zj.gov.cn/col/col1229009999/index.html");
    let listing = listing_links(
        &fixture_str("zj_mpa_list_1.html"),
        &page,
        "ul.list li a",
        Some("a.next"),
    )
    .unwrap();
    // 15 notices; the repeat (with #top), the column's own page and mailto: are left out.
    assert_eq!(listing.links.len(), 15);
    assert_eq!(
        listing.links[0].url.as_str(),
        "https://mpa.zj.gov.cn/art/2025/6/1/art_12290000_59000100.html"
    );
    assert_eq!(
        listing.links[0].title.as_deref(),
        Some("关于药品生产许可证核发的公告（2025年第10号）")
    );
    assert_eq!(
        listing.links[14].url.as_str(),
        "https://mpa.zj.gov.cn/art/2025/6/1/art_12290014_59000114.html"
    );
    assert_eq!(
        listing.next.as_ref().map(Url::as_str),
        Some("https://mpa.zj.gov.cn/col/col1229009999/index.html?uid=7543749&pageNum=2")
    );
}

#[test]
fn the_last_page_of_a_list_has_no_next_page_when_next_is_a_javascript_link() {
    let page = url("https://mpa.zj.gov.cn/col/col1229009999/index.html?uid=7543749&pageNum=3");
    let listing = listing_links(
        &fixture_str("zj_mpa_list_3.html"),
        &page,
        "ul.list li a",
        Some("a.next"),
    )
    .unwrap();
    // Four notices, and the link to the column's first page, which is not this page.
    assert_eq!(listing.links.len(), 5);
    assert_eq!(
        listing.links[4].url.as_str(),
        "https://mpa.zj.gov.cn/col/col1229009999/index.html"
    );
    assert_eq!(listing.next, None);
}

#[test]
fn a_korean_outlet_list_resolves_relative_links_without_base_href() {
    let page = url("https://www.thebio.co.kr/news/articleList.html?sc_section_code=S1N1");
    let listing = listing_links(
        &fixture_str("thebio_list.html"),
        &page,
        "#section-list li",
        Some(".pagination li.pagination-next a"),
    )
    .unwrap();
    // `li` elements hold the link: the first link inside each is taken, once.
    assert_eq!(listing.links.len(), 8);
    assert_eq!(
        listing.links[0].url.as_str(),
        "https://www.thebio.co.kr/news/articleView.html?idxno=31000"
    );
    assert_eq!(
        listing.links[0].title.as_deref(),
        Some("삼성바이오로직스, 글로벌 제약사와 1조원 규모 CMO 계약")
    );
    assert_eq!(
        listing.next.as_ref().map(Url::as_str),
        Some("https://www.thebio.co.kr/news/articleList.html?page=2&sc_section_code=S1N1")
    );

    // A broader selector finds each article twice (headline and lead) and the sidebar link:
    // the repeats go, page order stays.
    let broad = listing_links(
        &fixture_str("thebio_list.html"),
        &page,
        "a[href*='articleView']",
        None,
    )
    .unwrap();
    assert_eq!(broad.links.len(), 9);
    assert_eq!(broad.links[0].url, listing.links[0].url);
    assert!(broad.links[8].url.as_str().ends_with("idxno=30000"));
}

#[test]
fn a_listing_never_includes_itself_javascript_or_non_http_links() {
    let page = url("https://news.example.cn/list/index.html");
    let html = r##"<html><body><div class="l">
        <a href="javascript:openWin('1')">弹窗</a>
        <a href=" JavaScript:void(0) ">空</a>
        <a href="#">顶部</a>
        <a href="index.html#main">本页</a>
        <a href="ftp://files.example.cn/a.pdf">附件</a>
        <a href="data:text/html,hi">数据</a>
        <a>无链接</a>
        <a href="//cdn.example.cn/news/1.html" title="协议相对"></a>
        <a href="HTTPS://NEWS.EXAMPLE.CN/news/2.html">大写</a>
    </div></body></html>"##;
    let listing = listing_links(html, &page, "div.l a", None).unwrap();
    let urls: Vec<&str> = listing.links.iter().map(|l| l.url.as_str()).collect();
    assert_eq!(
        urls,
        [
            "https://cdn.example.cn/news/1.html",
            "https://news.example.cn/news/2.html"
        ]
    );
    // An empty anchor falls back to its title attribute.
    assert_eq!(listing.links[0].title.as_deref(), Some("协议相对"));
}

#[test]
fn an_invalid_selector_is_an_error_naming_it() {
    let page = url("https://example.org/");
    let err = listing_links("<html></html>", &page, "ul..list a", None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("invalid CSS selector `ul..list a`: "),
        "{err}"
    );
    let err = listing_links("<html></html>", &page, "a", Some("a:no-such-pseudo")).unwrap_err();
    assert!(
        matches!(err, FeedError::Selector { ref selector, .. } if selector == "a:no-such-pseudo")
    );
}
