//! The fetcher against a real, misbehaving HTTP server on 127.0.0.1: retries, timeouts,
//! limits, robots.txt, politeness, conditional GET, charsets and the private-address guard.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::io::Write;
use std::time::Duration;

use cdmo_ingest::fetch::{FetchError, Fetched, Fetcher, Page, Validators};
use cdmo_ingest::sources::FetchSettings;
use encoding_rs::{EUC_KR, GBK};
use support::http_server::{RecordedRequest, Reply, TestServer};
use tokio::time::Instant;

const KOREAN: &str =
    "삼성바이오로직스는 미국 제약사와 1조원 규모의 위탁생산 계약을 체결했다고 밝혔다.";
const CHINESE: &str = "药明生物宣布与欧洲制药公司签订抗体药物委托生产协议，合同金额约十亿元。";
const USER_AGENT: &str = "cdmo-atlas-test/9.9 (+https://example.org/tests)";

/// Fast settings for tests: private addresses allowed (the server is on 127.0.0.1), no
/// per-host delay, short timeouts and backoff.
fn settings() -> FetchSettings {
    FetchSettings {
        user_agent: USER_AGENT.to_string(),
        allow_private: true,
        per_host_delay_ms: 0,
        per_host_concurrency: 4,
        max_body_bytes: 1_000_000,
        connect_timeout_ms: 1_000,
        timeout_ms: 3_000,
        max_retries: 2,
        retry_base_ms: 10,
        max_retry_after_ms: 5_000,
        max_redirects: 5,
        respect_robots: true,
    }
}

fn fetcher(settings: FetchSettings) -> Fetcher {
    Fetcher::new(&settings).unwrap()
}

fn page(fetched: Fetched) -> Page {
    match fetched {
        Fetched::Page(page) => page,
        Fetched::NotModified { url } => panic!("expected a page, got 304 for {url}"),
    }
}

fn encoded(encoding: &'static encoding_rs::Encoding, text: &str) -> Vec<u8> {
    let (bytes, _, unmappable) = encoding.encode(text);
    assert!(!unmappable);
    bytes.into_owned()
}

fn gap(a: &RecordedRequest, b: &RecordedRequest) -> Duration {
    b.received_at.duration_since(a.received_at)
}

#[tokio::test]
async fn a_404_is_reported_at_once_without_a_retry() {
    let server = TestServer::start().await;
    server.route("/gone", Reply::status(404));
    let err = fetcher(settings())
        .fetch(&server.url("/gone"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 404, .. }),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert_eq!(server.hits("/gone"), 1);
}

#[tokio::test]
async fn a_500_then_200_returns_the_page_after_one_retry() {
    let server = TestServer::start().await;
    server.route_sequence(
        "/flaky",
        vec![Reply::status(500), Reply::html("<p>second time lucky</p>")],
    );
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/flaky"), None)
            .await
            .unwrap(),
    );
    assert_eq!(page.status, 200);
    assert!(page.text.contains("second time lucky"));
    assert_eq!(server.hits("/flaky"), 2);
}

#[tokio::test]
async fn persistent_5xx_gives_up_after_max_retries_with_the_status() {
    let server = TestServer::start().await;
    server.route("/down", Reply::status(503));
    let err = fetcher(settings())
        .fetch(&server.url("/down"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 503, .. }),
        "{err}"
    );
    assert!(err.is_retryable());
    assert_eq!(server.hits("/down"), 3, "the first attempt and two retries");
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried_no_sooner_than_the_header_says() {
    let server = TestServer::start().await;
    server.route_sequence(
        "/busy",
        vec![
            Reply::status(429).header("Retry-After", "1"),
            Reply::html("<p>now</p>"),
        ],
    );
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/busy"), None)
            .await
            .unwrap(),
    );
    assert!(page.text.contains("now"));
    let requests = server.requests_to("/busy");
    assert_eq!(requests.len(), 2);
    let waited = gap(&requests[0], &requests[1]);
    assert!(waited >= Duration::from_secs(1), "retried after {waited:?}");
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_fails_with_the_status_instead_of_waiting() {
    let server = TestServer::start().await;
    server.route("/later", Reply::status(429).header("Retry-After", "3600"));
    let started = Instant::now();
    let err = fetcher(settings())
        .fetch(&server.url("/later"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, FetchError::Status { status: 429, .. }),
        "{err}"
    );
    assert_eq!(server.hits("/later"), 1);
    assert!(started.elapsed() < Duration::from_secs(2));
}

#[tokio::test]
async fn a_server_that_never_answers_times_out_and_is_retried() {
    let server = TestServer::start().await;
    server.route("/stall", Reply::stall());
    let started = Instant::now();
    let err = fetcher(FetchSettings {
        timeout_ms: 300,
        max_retries: 1,
        ..settings()
    })
    .fetch(&server.url("/stall"), None)
    .await
    .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
    assert!(err.is_retryable());
    assert_eq!(server.hits("/stall"), 2);
    assert!(started.elapsed() < Duration::from_secs(3));
}

#[tokio::test]
async fn a_body_that_stops_arriving_times_out_rather_than_hanging() {
    let server = TestServer::start().await;
    server.route("/half", Reply::html(vec![b'x'; 1000]).stall_body());
    let err = fetcher(FetchSettings {
        timeout_ms: 300,
        max_retries: 0,
        ..settings()
    })
    .fetch(&server.url("/half"), None)
    .await
    .unwrap_err();
    assert!(matches!(err, FetchError::Timeout { .. }), "{err}");
}

#[tokio::test]
async fn redirects_are_followed_and_the_final_url_reported() {
    let server = TestServer::start().await;
    server.route("/old", Reply::redirect(301, "/middle"));
    server.route("/middle", Reply::redirect(302, "/new?id=7"));
    server.route("/new", Reply::html("<p>moved here</p>"));
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/old"), None)
            .await
            .unwrap(),
    );
    assert_eq!(page.requested, server.url("/old"));
    assert_eq!(page.url, server.url("/new?id=7"));
    assert!(page.text.contains("moved here"));
}

#[tokio::test]
async fn a_redirect_loop_ends_in_too_many_redirects() {
    let server = TestServer::start().await;
    server.route("/a", Reply::redirect(302, "/b"));
    server.route("/b", Reply::redirect(302, "/a"));
    let err = fetcher(settings())
        .fetch(&server.url("/a"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::TooManyRedirects { .. }), "{err}");
    assert_eq!(
        server.hits("/a") + server.hits("/b"),
        6,
        "max_redirects + 1"
    );
}

#[tokio::test]
async fn a_20_mb_page_is_refused_whether_or_not_it_declares_its_length() {
    let server = TestServer::start().await;
    let huge = vec![b'a'; 20_000_000];
    server.route("/declared", Reply::html(huge.clone()));
    server.route("/chunked", Reply::html(huge.clone()).chunked());
    server.route("/unframed", Reply::html(huge).close_delimited());
    let fetcher = fetcher(settings());
    for path in ["/declared", "/chunked", "/unframed"] {
        let err = fetcher.fetch(&server.url(path), None).await.unwrap_err();
        assert!(
            matches!(
                err,
                FetchError::TooLarge {
                    limit: 1_000_000,
                    ..
                }
            ),
            "{path}: {err}"
        );
        assert!(!err.is_retryable());
        assert_eq!(server.hits(path), 1, "{path} is not retried");
    }
}

#[tokio::test]
async fn a_page_just_under_the_limit_is_returned_whole() {
    let server = TestServer::start().await;
    let body = vec![b'a'; 999_000];
    server.route("/big", Reply::html(body.clone()).chunked());
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/big"), None)
            .await
            .unwrap(),
    );
    assert_eq!(page.body, body);
}

#[tokio::test]
async fn a_gzip_body_is_decompressed() {
    let server = TestServer::start().await;
    let html = format!("<html><body><p>{KOREAN}</p></body></html>");
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(html.as_bytes()).unwrap();
    server.route(
        "/gz",
        Reply::html(gz.finish().unwrap()).header("Content-Encoding", "gzip"),
    );
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/gz"), None)
            .await
            .unwrap(),
    );
    assert_eq!(page.body, html.as_bytes());
    assert!(page.text.contains(KOREAN));
    let accept = server.requests_to("/gz")[0]
        .header("accept-encoding")
        .unwrap()
        .to_string();
    assert!(accept.contains("gzip") && accept.contains("br"), "{accept}");
}

#[tokio::test]
async fn a_page_whose_declared_charset_is_wrong_is_decoded_by_detection() {
    let server = TestServer::start().await;
    let html = format!("<html><head><title>뉴스</title></head><body><p>{KOREAN}</p></body></html>");
    server.route(
        "/mislabelled",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(encoded(EUC_KR, &html)),
    );
    let page = page(
        fetcher(settings())
            .fetch(&server.url("/mislabelled"), None)
            .await
            .unwrap(),
    );
    assert_eq!(page.encoding, "EUC-KR");
    assert!(page.text.contains(KOREAN), "{}", page.text);
}

#[tokio::test]
async fn euc_kr_and_gbk_pages_decode_to_korean_and_chinese() {
    let server = TestServer::start().await;
    server.route(
        "/ko",
        Reply::status(200)
            .header("Content-Type", "text/html; charset=EUC-KR")
            .body(encoded(EUC_KR, &format!("<p>{KOREAN}</p>"))),
    );
    // Declared only in the document, as many Chinese sites do.
    server.route(
        "/zh",
        Reply::status(200)
            .header("Content-Type", "text/html")
            .body(encoded(
                GBK,
                &format!("<html><head><meta charset=\"gbk\"></head><body>{CHINESE}</body></html>"),
            )),
    );
    let fetcher = fetcher(settings());
    let ko = page(fetcher.fetch(&server.url("/ko"), None).await.unwrap());
    assert_eq!(ko.encoding, "EUC-KR");
    assert!(ko.text.contains(KOREAN));
    let zh = page(fetcher.fetch(&server.url("/zh"), None).await.unwrap());
    assert_eq!(zh.encoding, "GBK");
    assert!(zh.text.contains(CHINESE));
}

#[tokio::test]
async fn a_path_disallowed_by_robots_txt_is_never_requested() {
    let server = TestServer::start().await;
    server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nDisallow: /private\n"),
    );
    server.route("/private/report", Reply::html("secret"));
    server.route("/public", Reply::html("open"));
    let fetcher = fetcher(settings());
    let err = fetcher
        .fetch(&server.url("/private/report"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RobotsDisallowed { .. }), "{err}");
    assert_eq!(server.hits("/private/report"), 0);
    fetcher.fetch(&server.url("/public"), None).await.unwrap();
    assert_eq!(
        server.hits("/robots.txt"),
        1,
        "robots.txt is cached per host"
    );
}

#[tokio::test]
async fn robots_txt_rules_for_our_agent_token_apply_to_us() {
    let server = TestServer::start().await;
    server.route(
        "/robots.txt",
        Reply::text("User-agent: *\nAllow: /\n\nUser-agent: cdmo-atlas-test\nDisallow: /\n"),
    );
    let err = fetcher(settings())
        .fetch(&server.url("/anything"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RobotsDisallowed { .. }), "{err}");
}

#[tokio::test]
async fn a_robots_txt_that_errors_disallows_the_site_and_a_missing_one_allows_it() {
    let broken = TestServer::start().await;
    broken.route("/robots.txt", Reply::status(503));
    broken.route("/page", Reply::html("x"));
    let err = fetcher(settings())
        .fetch(&broken.url("/page"), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::RobotsDisallowed { .. }), "{err}");
    assert_eq!(broken.hits("/page"), 0);

    let missing = TestServer::start().await; // unrouted: robots.txt is a 404
    missing.route("/page", Reply::html("x"));
    fetcher(settings())
        .fetch(&missing.url("/page"), None)
        .await
        .unwrap();
    assert_eq!(missing.hits("/robots.txt"), 1);
}

#[tokio::test]
async fn the_configured_user_agent_is_sent_with_every_request() {
    let server = TestServer::start().await;
    server.route("/ua", Reply::html("hi"));
    fetcher(settings())
        .fetch(&server.url("/ua"), None)
        .await
        .unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 2, "robots.txt and the page");
    for request in requests {
        assert_eq!(
            request.header("user-agent"),
            Some(USER_AGENT),
            "{}",
            request.path
        );
    }
}

#[tokio::test]
async fn a_second_fetch_with_the_returned_validators_gets_not_modified() {
    let server = TestServer::start().await;
    server.route_fn("/article", |request| {
        if request.header("if-none-match") == Some("\"v1\"") {
            Reply::status(304)
        } else {
            Reply::html("<p>article</p>")
                .header("ETag", "\"v1\"")
                .header("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
        }
    });
    let fetcher = fetcher(settings());
    let url = server.url("/article");
    let first = page(fetcher.fetch(&url, None).await.unwrap());
    assert_eq!(
        first.validators,
        Validators {
            etag: Some("\"v1\"".to_string()),
            last_modified: Some("Wed, 21 Oct 2015 07:28:00 GMT".to_string()),
        }
    );
    let second = fetcher.fetch(&url, Some(&first.validators)).await.unwrap();
    assert!(matches!(second, Fetched::NotModified { url: ref u } if *u == url));
    let requests = server.requests_to("/article");
    assert_eq!(requests[0].header("if-none-match"), None);
    assert_eq!(requests[1].header("if-none-match"), Some("\"v1\""));
    assert_eq!(
        requests[1].header("if-modified-since"),
        Some("Wed, 21 Oct 2015 07:28:00 GMT")
    );
}

#[tokio::test]
async fn loopback_addresses_are_refused_unless_private_addresses_are_allowed() {
    let server = TestServer::start().await;
    server.route("/", Reply::html("intranet"));
    let guarded = fetcher(FetchSettings {
        allow_private: false,
        ..settings()
    });
    let port = server.addr().port();
    for target in [
        format!("http://127.0.0.1:{port}/"),
        format!("http://localhost:{port}/"),
        format!("http://[::ffff:127.0.0.1]:{port}/"),
    ] {
        let err = guarded
            .fetch(&url::Url::parse(&target).unwrap(), None)
            .await
            .unwrap_err();
        assert!(
            matches!(err, FetchError::PrivateAddress { ref addr, .. } if addr.is_loopback()
                || addr.to_string().contains("127.0.0.1")),
            "{target}: {err}"
        );
        assert!(!err.is_retryable());
    }
    assert!(
        server.requests().is_empty(),
        "not even robots.txt was asked"
    );
}

#[tokio::test]
async fn only_http_and_https_are_fetched() {
    let err = fetcher(settings())
        .fetch(&url::Url::parse("file:///etc/passwd").unwrap(), None)
        .await
        .unwrap_err();
    assert!(matches!(err, FetchError::UnsupportedScheme { .. }), "{err}");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_network_error() {
    let port = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let url = url::Url::parse(&format!("http://127.0.0.1:{port}/")).unwrap();
    let err = fetcher(FetchSettings {
        respect_robots: false,
        ..settings()
    })
    .fetch(&url, None)
    .await
    .unwrap_err();
    assert!(matches!(err, FetchError::Network { .. }), "{err}");
    assert!(err.is_retryable());
}

#[tokio::test]
async fn with_concurrency_one_two_fetches_to_a_host_never_overlap() {
    let server = TestServer::start().await;
    server.route(
        "/slow",
        Reply::html("slow").delay(Duration::from_millis(200)),
    );
    let one = fetcher(FetchSettings {
        per_host_concurrency: 1,
        ..settings()
    });
    let url = server.url("/slow");
    let (a, b) = tokio::join!(one.fetch(&url, None), one.fetch(&url, None));
    a.unwrap();
    b.unwrap();
    assert_eq!(server.hits("/slow"), 2);
    assert_eq!(server.max_in_flight(), 1);

    // The same pair with concurrency 2 does overlap, so the measure can see it.
    let control = TestServer::start().await;
    control.route(
        "/slow",
        Reply::html("slow").delay(Duration::from_millis(200)),
    );
    let two = fetcher(FetchSettings {
        per_host_concurrency: 2,
        ..settings()
    });
    let url = control.url("/slow");
    let (a, b) = tokio::join!(two.fetch(&url, None), two.fetch(&url, None));
    a.unwrap();
    b.unwrap();
    assert_eq!(control.max_in_flight(), 2);
}

#[tokio::test]
async fn requests_to_one_host_start_at_least_the_delay_apart() {
    let server = TestServer::start().await;
    server.route("/p", Reply::html("p"));
    let delay = Duration::from_millis(150);
    let polite = fetcher(FetchSettings {
        per_host_delay_ms: delay.as_millis() as u64,
        ..settings()
    });
    let url = server.url("/p");
    let (a, b) = tokio::join!(polite.fetch(&url, None), polite.fetch(&url, None));
    a.unwrap();
    b.unwrap();
    let requests = server.requests();
    assert_eq!(requests.len(), 3, "robots.txt and two pages");
    for pair in requests.windows(2) {
        let apart = gap(&pair[0], &pair[1]);
        assert!(
            apart >= delay,
            "{} then {}: {apart:?}",
            pair[0].path,
            pair[1].path
        );
    }
}
