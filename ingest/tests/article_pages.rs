//! The HTML → article step on saved pages shaped like the outlets cdmo-atlas reads
//! (`tests/fixtures/pages/NAME.html` with `NAME.expected.txt`), and on malformed input.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::collections::HashMap;
use std::path::PathBuf;

use cdmo_ingest::article::{main_text, read_html};
use cdmo_store::PartialDate;

fn pages_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures/pages")
}

fn page(name: &str) -> (String, String) {
    let dir = pages_dir();
    let html = std::fs::read_to_string(dir.join(format!("{name}.html"))).unwrap();
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.txt"))).unwrap();
    (html, expected)
}

/// 4-token shingles of `\w+` tokens, as the Article Extraction Benchmark scores text.
fn shingles(text: &str) -> HashMap<String, usize> {
    let tokens: Vec<&str> = text
        .split(|c: char| !(c.is_alphanumeric() || c == '_'))
        .filter(|t| !t.is_empty())
        .collect();
    let mut out = HashMap::new();
    for w in tokens.windows(4.min(tokens.len().max(1))) {
        *out.entry(w.join(" ")).or_insert(0) += 1;
    }
    out
}

/// (precision, recall) of a text against the expected one.
fn precision_recall(expected: &str, got: &str) -> (f64, f64) {
    let (e, g) = (shingles(expected), shingles(got));
    let tp: usize = g
        .iter()
        .map(|(k, n)| (*n).min(e.get(k).copied().unwrap_or(0)))
        .sum();
    let (ne, ng): (usize, usize) = (e.values().sum(), g.values().sum());
    if ne == 0 || ng == 0 {
        return (0.0, 0.0);
    }
    (tp as f64 / ng as f64, tp as f64 / ne as f64)
}

struct Case {
    name: &'static str,
    page_url: &'static str,
    title: &'static str,
    published: (i32, u32, u32),
    author: Option<&'static str>,
    publisher: Option<&'static str>,
    canonical: Option<&'static str>,
    language: &'static str,
    /// Page chrome that must not reach the text.
    chrome: &'static [&'static str],
}

const CASES: &[Case] = &[
    Case {
        name: "kbr_hanbit_order",
        page_url: "https://www.koreabiomed.com/news/articleView.html?idxno=23811&utm_source=rss",
        title: "Hanbit Biologics wins $309 million antibody manufacturing order",
        published: (2024, 3, 18),
        author: Some("Kim Ji-hoon"),
        publisher: Some("Korea Biomedical Review"),
        canonical: Some("https://www.koreabiomed.com/news/articleView.html?idxno=23811"),
        language: "en",
        chrome: &[
            "cookies",
            "Related articles",
            "Subscribe",
            "Songdo cluster adds",
            "real question is whether",
            "Confidentiality clauses again",
            "Share on",
            "Courtesy of",
            "Advertisement",
            "All rights reserved",
            "Most Viewed",
        ],
    },
    Case {
        name: "businesskorea_solum_invest",
        page_url: "https://www.businesskorea.co.kr/news/articleView.html?idxno=213456",
        title: "Solum Pharmteco to Invest US$260 Million in Cell and Gene Therapy Capacity",
        published: (2024, 3, 12),
        author: None,
        publisher: Some("BusinessKorea"),
        canonical: Some("https://www.businesskorea.co.kr/news/articleView.html?idxno=213456"),
        language: "en",
        chrome: &[
            "Popular News",
            "Editor's Picks",
            "Be the first to leave a comment",
            "Unauthorized reproduction",
            "url copy",
            "Sign up",
        ],
    },
    Case {
        name: "mpa_notice_zhejiang",
        page_url: "https://mpa.zj.example/art/2024/3/15/art_1229.html",
        title: "关于进一步加强生物制品委托生产监督管理的通知",
        published: (2024, 3, 15),
        author: None,
        publisher: Some("浙江省药品监督管理局"),
        canonical: None,
        language: "zh",
        chrome: &[
            "当前位置",
            "浏览次数",
            "打印本页",
            "关闭窗口",
            "网站标识码",
            "关于开展2024年药品安全专项整治的通知",
            "附件",
        ],
    },
    Case {
        name: "wire_norvale_licence",
        page_url: "https://www.prnewswire.com/news-releases/norvale-biosciences-licenses-kestrel-302093344.html",
        title: "Norvale Biosciences Licenses Kestrel Therapeutics' Site-Specific Conjugation Technology",
        published: (2024, 3, 20),
        author: Some("Norvale Biosciences"),
        publisher: Some("PR Newswire"),
        canonical: Some(
            "https://www.prnewswire.com/news-releases/norvale-biosciences-licenses-kestrel-302093344.html?tc=eml_cleartime",
        ),
        language: "en",
        chrome: &[
            "This website uses cookies",
            "Share this article",
            "Also from this source",
            "Completes Leiden Site Expansion",
            "Terms of Use",
            "News provided by",
        ],
    },
    Case {
        name: "fiercepharma_alpenrose_plant",
        page_url: "https://www.fiercepharma.com/manufacturing/swiss-cdmo-alpenrose-bets-chf-600m",
        title: "Swiss CDMO Alpenrose bets CHF 600M on obesity fill-finish boom",
        published: (2024, 3, 19),
        author: Some("Dana Whitfield"),
        publisher: Some("Fierce Pharma"),
        canonical: Some(
            "https://www.fiercepharma.com/manufacturing/swiss-cdmo-alpenrose-bets-chf-600m",
        ),
        language: "en",
        chrome: &[
            "cookies",
            "Get the free newsletter",
            "Subscribe to Fierce Pharma",
            "California biologics plant",
            "Six hundred million for fill-finish alone",
            "Trending",
            "Advertisement",
            "Reproduction in whole",
            "Topics",
        ],
    },
    Case {
        name: "korean_news_hanbit_cmo",
        page_url: "https://www.bioecon.example/news/articleView.html?idxno=98765",
        title: "한빛바이오로직스, 1조2천억 원 규모 위탁생산 계약 체결",
        published: (2024, 3, 17),
        author: Some("이수진"),
        publisher: Some("바이오경제신문"),
        canonical: Some("https://www.bioecon.example/news/articleView.html?idxno=98765"),
        language: "ko",
        chrome: &[
            "본문 바로가기",
            "관련기사",
            "대한셀텍",
            "5공장이 가동되면 수주가 더",
            "고객사 이름은 언제쯤",
            "많이 본 뉴스",
            "무단전재",
            "카카오톡 공유",
            "회원가입",
        ],
    },
    Case {
        name: "chinese_news_huafeng_bispecific",
        page_url: "https://www.yyjc.example/news/2024/0317/12345.html",
        title: "华峰生物签署最高4.5亿美元双抗生产合作协议",
        published: (2024, 3, 17),
        author: Some("王晓明"),
        publisher: Some("医药财经网"),
        canonical: None,
        language: "zh",
        chrome: &[
            "分享到",
            "相关阅读",
            "网友评论",
            "期待新加坡基地早日投产",
            "热门文章",
            "扫码关注",
            "版权所有",
            "不构成投资建议",
        ],
    },
    Case {
        name: "newsroom_meridian_center",
        page_url: "https://www.meridiancellworks.example/newsroom/2024/rtp-center-opening",
        title: "Meridian Cell Works opens cell therapy manufacturing center in North Carolina",
        published: (2024, 3, 14),
        author: Some("Meridian Cell Works"),
        publisher: Some("Meridian Cell Works"),
        canonical: Some("https://www.meridiancellworks.example/newsroom/2024/rtp-center-opening"),
        language: "en",
        chrome: &[
            "Skip to content",
            "cookies",
            "More news",
            "completes acquisition of Ohio",
            "Stay informed",
            "Sign up to receive",
            "Cookie policy",
            "Press Releases",
        ],
    },
];

#[test]
fn every_saved_page_yields_its_body_text_and_nothing_of_its_chrome() {
    for case in CASES {
        let (html, expected) = page(case.name);
        let text = main_text(&html);
        let (p, r) = precision_recall(&expected, &text);
        assert!(
            p >= 0.95 && r >= 0.9,
            "{}: precision {p:.3}, recall {r:.3}\n--- got ---\n{text}",
            case.name
        );
        for chrome in case.chrome {
            assert!(
                !text.contains(chrome),
                "{}: chrome {chrome:?} leaked into the text:\n{text}",
                case.name
            );
        }
        // Paragraphs stay apart, as the pipeline splits on blank lines.
        let first = expected.split("\n\n").next().unwrap().trim();
        assert!(
            text.split("\n\n").any(|b| b == first),
            "{}: first paragraph not a block of its own",
            case.name
        );
    }
}

#[test]
fn every_saved_page_reports_its_title_date_publisher_canonical_url_and_language() {
    for case in CASES {
        let (html, _) = page(case.name);
        let url = url::Url::parse(case.page_url).unwrap();
        let a = read_html(&html, Some(&url));
        let (y, m, d) = case.published;
        assert_eq!(a.title.as_deref(), Some(case.title), "{}: title", case.name);
        assert_eq!(
            a.published,
            Some(PartialDate::day(y, m, d).unwrap()),
            "{}: published",
            case.name
        );
        if case.author.is_some() {
            assert_eq!(a.author.as_deref(), case.author, "{}: author", case.name);
        }
        assert_eq!(
            a.publisher.as_deref(),
            case.publisher,
            "{}: publisher",
            case.name
        );
        assert_eq!(
            a.canonical_url.as_deref(),
            case.canonical,
            "{}: canonical",
            case.name
        );
        assert_eq!(
            a.language.as_deref(),
            Some(case.language),
            "{}: language",
            case.name
        );
        assert_eq!(
            a.text,
            main_text(&html),
            "{}: same text both ways",
            case.name
        );
    }
}

#[test]
fn without_a_page_url_a_relative_canonical_link_gives_way_to_an_absolute_og_url() {
    let (html, _) = page("kbr_hanbit_order");
    let a = read_html(&html, None);
    // The link is relative and og:url is absolute: og:url is the one that can be used.
    assert_eq!(
        a.canonical_url.as_deref(),
        Some("https://www.koreabiomed.com/news/articleView.html?idxno=23811")
    );
}

#[test]
fn a_byline_date_is_used_when_the_page_declares_none() {
    let html = r#"<html><body><article>
        <div class="byline">By Jane Roe | 17 Mar 2024</div>
        <p>Contract manufacturer Vexa Bio said it will add two 15,000-liter bioreactors to its plant in Ireland, doubling antibody capacity by 2026, with funding from a long-term customer.</p>
        </article></body></html>"#;
    let a = read_html(html, None);
    assert_eq!(a.published, Some(PartialDate::day(2024, 3, 17).unwrap()));
    assert_eq!(a.author.as_deref(), Some("Jane Roe"));
    assert!(a.text.starts_with("Contract manufacturer Vexa Bio"));
    assert!(!a.text.contains("Jane Roe"));
}

#[test]
fn malformed_html_returns_text_without_panicking() {
    // Unclosed tags everywhere.
    let unclosed = "<html><body><div class=story><p>First paragraph about a new fill-finish line in Incheon, opened this spring after two years of work.<p>Second paragraph, still unclosed, about the plant's 40 million syringes a year, which is a lot.<div><span><b><i>";
    let text = main_text(unclosed);
    assert!(text.contains("First paragraph"), "{text}");
    assert!(text.contains("Second paragraph"), "{text}");

    // Bytes that were not text, decoded lossily.
    let garbage =
        String::from_utf8_lossy(&[0xff, 0xfe, 0x00, 0x3c, 0x70, 0x3e, 0x80, 0x81, 0x00, 0x3c]);
    let _ = main_text(&garbage);
    let _ = read_html(&garbage, None);

    // Nothing at all.
    assert_eq!(main_text(""), "");
    let empty = read_html("", None);
    assert_eq!(empty.text, "");
    assert_eq!(empty.title, None);

    // A 1 MB single line of text and tags.
    let line = "<p>word, another word, and a third word in a very long line. ".repeat(17_000);
    let text = main_text(&line);
    assert!(text.len() > 500_000);

    // Deep nesting (html5ever's tree builder is quadratic in depth, so 5 000 levels keep
    // the test quick; the walk itself is iterative).
    let deep = format!(
        "{}<p>Deep text inside many divs, still readable.</p>",
        "<div>".repeat(5_000)
    );
    assert!(main_text(&deep).contains("Deep text"));

    // Broken JSON-LD and meta tags.
    let broken = r#"<html lang="--"><head><script type="application/ld+json">{"@type": "NewsArticle", "datePublished": </script><meta property="og:url" content="javascript:alert(1)"></head><body><p>Body text that is long enough to count as a paragraph here.</p></body></html>"#;
    let a = read_html(broken, None);
    assert_eq!(a.published, None);
    assert_eq!(a.canonical_url, None);
    assert_eq!(a.language, None);
}
