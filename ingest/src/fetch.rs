//! The polite HTTP fetcher: one GET with robots.txt, per-host limits, retries, size and
//! time limits, conditional requests, charset decoding and a guard against private addresses.
//!
//! Design decisions:
//! - Redirects are followed here, not by reqwest, so each hop is checked like the first
//!   URL (scheme, literal private IPs, robots.txt, per-host limits) and counted.
//! - Private addresses are refused after DNS resolution by a resolver that drops them, and
//!   literal IP hosts (which never reach a resolver) are checked before sending. Proxies
//!   are disabled: through a proxy the resolver would only ever see the proxy's name.
//! - Retries (network errors, timeouts, 429, 5xx) back off exponentially with jitter; a
//!   `Retry-After` is honoured, and also holds back every other request to that host. One
//!   longer than `max_retry_after_ms` ends the fetch with the status instead of waiting.
//! - `timeout_ms` bounds each attempt including its body; the body is counted as it
//!   streams (after decompression), so a large page is refused, never truncated.
//! - Remembering validators is the caller's job: `fetch` takes them and returns new ones.

use std::error::Error as _;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::header::{self, HeaderMap, HeaderValue};
use tokio::time::Instant;
use url::{Host, Url};

use crate::charset::decode_html;
use crate::host_limits::HostLimits;
use crate::robots::{self, RobotsCache, RobotsPolicy};
use crate::sources::FetchSettings;

/// Sent as `Accept`: pages and feeds first, anything else accepted.
const ACCEPT: &str = "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,\
    application/xml;q=0.9,text/xml;q=0.9,*/*;q=0.8";
/// Longest backoff between two retries, before jitter.
const MAX_BACKOFF: Duration = Duration::from_secs(60);
/// Longest `Crawl-delay` we accept from a robots.txt; a site asking for more is still
/// fetched, an hour apart at worst.
const MAX_CRAWL_DELAY: Duration = Duration::from_secs(3600);

/// Conditional-request validators of a page, as last returned by its server.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Validators {
    pub fn is_empty(&self) -> bool {
        self.etag.is_none() && self.last_modified.is_none()
    }
}

#[derive(Clone, Debug)]
#[expect(
    clippy::large_enum_variant,
    reason = "one value per network request, moved once; boxing would only add an allocation"
)]
pub enum Fetched {
    /// The server answered 304 to a conditional GET: the caller's copy is current.
    /// `url` is the URL that answered (after any redirects).
    NotModified {
        url: Url,
    },
    Page(Page),
}

#[derive(Clone, Debug)]
pub struct Page {
    /// The URL asked for.
    pub requested: Url,
    /// The URL that answered, after redirects.
    pub url: Url,
    pub status: u16,
    pub content_type: Option<String>,
    /// The body, decompressed (gzip, brotli) but not decoded.
    pub body: Vec<u8>,
    /// The body decoded to text (see `charset::decode_html`).
    pub text: String,
    /// The name of the encoding `text` was decoded from, e.g. `EUC-KR`.
    pub encoding: &'static str,
    /// The page's `ETag` and `Last-Modified`, for the next conditional GET.
    pub validators: Validators,
    pub fetched_at: DateTime<Utc>,
}

#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    #[error("invalid URL {url:?}: {message}")]
    InvalidUrl { url: String, message: String },
    #[error("{url}: only http and https URLs are fetched")]
    UnsupportedScheme { url: Url },
    #[error(
        "{url}: refused, the host resolves to the non-public address {addr} (set `allow_private = true` under [fetch], or pass --allow-private, to allow it)"
    )]
    PrivateAddress { url: Url, addr: IpAddr },
    #[error("{url}: disallowed by the site's robots.txt")]
    RobotsDisallowed { url: Url },
    #[error("{url}: HTTP status {status}")]
    Status { url: Url, status: u16 },
    #[error("{url}: the response is larger than the {limit}-byte limit")]
    TooLarge { url: Url, limit: usize },
    #[error("{url}: timed out")]
    Timeout { url: Url },
    #[error("{url}: too many redirects")]
    TooManyRedirects { url: Url },
    #[error("{url}: {message}")]
    Network { url: Url, message: String },
    #[error("HTTP client: {0}")]
    Client(String),
}

impl FetchError {
    /// Whether trying again later may succeed: network failures, timeouts, 429 and 5xx.
    pub fn is_retryable(&self) -> bool {
        match self {
            FetchError::Network { .. } | FetchError::Timeout { .. } => true,
            FetchError::Status { status, .. } => is_retryable_status(*status),
            _ => false,
        }
    }
}

fn is_retryable_status(status: u16) -> bool {
    status == 429 || (500..=599).contains(&status)
}

/// Fetches pages politely. Clones share one connection pool, the per-host limits and the
/// robots.txt cache, so one `Fetcher` should serve a whole run.
#[derive(Clone)]
pub struct Fetcher {
    inner: Arc<Inner>,
}

struct Inner {
    client: reqwest::Client,
    settings: FetchSettings,
    robots_agent: String,
    hosts: HostLimits,
    robots: RobotsCache,
}

impl std::fmt::Debug for Fetcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Fetcher")
            .field("settings", &self.inner.settings)
            .finish_non_exhaustive()
    }
}

/// What one HTTP exchange came to, before retries and redirects are decided on.
enum Exchange {
    Redirect(String),
    NotModified,
    Retryable {
        status: u16,
        retry_after: Option<Duration>,
    },
    Done {
        status: u16,
        headers: HeaderMap,
        body: Vec<u8>,
    },
}

/// What to do with a body over the limit: pages are refused, robots.txt is cut short.
#[derive(Clone, Copy)]
enum Oversize {
    Refuse,
    Truncate,
}

impl Fetcher {
    pub fn new(settings: &FetchSettings) -> Result<Fetcher, FetchError> {
        let mut defaults = HeaderMap::new();
        defaults.insert(header::ACCEPT, HeaderValue::from_static(ACCEPT));
        let client = reqwest::Client::builder()
            .user_agent(settings.user_agent.as_str())
            .default_headers(defaults)
            .connect_timeout(Duration::from_millis(settings.connect_timeout_ms))
            .timeout(Duration::from_millis(settings.timeout_ms))
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .gzip(true)
            .brotli(true)
            .dns_resolver(PublicOnlyResolver {
                allow_private: settings.allow_private,
            })
            .build()
            .map_err(|e| FetchError::Client(error_chain(&e)))?;
        Ok(Fetcher {
            inner: Arc::new(Inner {
                client,
                robots_agent: robots::agent_token(&settings.user_agent),
                hosts: HostLimits::new(
                    settings.per_host_concurrency,
                    Duration::from_millis(settings.per_host_delay_ms),
                ),
                robots: RobotsCache::default(),
                settings: settings.clone(),
            }),
        })
    }

    pub fn settings(&self) -> &FetchSettings {
        &self.inner.settings
    }

    /// GET with politeness, robots, retries; `validators` turns it into a conditional GET.
    pub async fn fetch(
        &self,
        url: &Url,
        validators: Option<&Validators>,
    ) -> Result<Fetched, FetchError> {
        let settings = &self.inner.settings;
        let validators = validators.filter(|v| !v.is_empty());
        self.check_target(url)?;
        let mut current = url.clone();
        let mut redirects = 0usize;
        loop {
            if settings.respect_robots && !self.robots_allow(&current).await? {
                return Err(FetchError::RobotsDisallowed { url: current });
            }
            match self
                .exchange_with_retries(&current, validators, settings.max_body_bytes)
                .await?
            {
                Exchange::Redirect(location) => {
                    redirects += 1;
                    if redirects > settings.max_redirects {
                        return Err(FetchError::TooManyRedirects { url: url.clone() });
                    }
                    current = self.redirect_target(&current, &location)?;
                }
                Exchange::NotModified => return Ok(Fetched::NotModified { url: current }),
                Exchange::Retryable { status, .. } => {
                    return Err(FetchError::Status {
                        url: current,
                        status,
                    });
                }
                Exchange::Done {
                    status,
                    headers,
                    body,
                } => {
                    return Ok(Fetched::Page(page(url, current, status, &headers, body)));
                }
            }
        }
    }

    /// Refuses non-HTTP schemes and, unless allowed, literal private IPs (which a DNS
    /// resolver never sees).
    fn check_target(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::UnsupportedScheme { url: url.clone() });
        }
        let ip = match url.host() {
            Some(Host::Ipv4(ip)) => IpAddr::V4(ip),
            Some(Host::Ipv6(ip)) => IpAddr::V6(ip),
            Some(Host::Domain(_)) => return Ok(()),
            None => {
                return Err(FetchError::InvalidUrl {
                    url: url.to_string(),
                    message: "no host".to_string(),
                });
            }
        };
        if self.inner.settings.allow_private || is_public_address(ip) {
            Ok(())
        } else {
            Err(FetchError::PrivateAddress {
                url: url.clone(),
                addr: ip,
            })
        }
    }

    fn redirect_target(&self, from: &Url, location: &str) -> Result<Url, FetchError> {
        let mut next = from.join(location).map_err(|e| FetchError::InvalidUrl {
            url: location.to_string(),
            message: format!("redirect from {from}: {e}"),
        })?;
        next.set_fragment(None);
        self.check_target(&next)?;
        Ok(next)
    }

    async fn robots_allow(&self, url: &Url) -> Result<bool, FetchError> {
        let Some(robots_url) = robots::robots_url(url) else {
            return Ok(true);
        };
        let origin = robots::origin_key(url);
        let policy = self
            .inner
            .robots
            .get_or_load(&origin, || self.load_robots(robots_url))
            .await?;
        if let Some(delay) = policy.crawl_delay() {
            self.inner
                .hosts
                .set_crawl_delay(&HostLimits::key(url), delay.min(MAX_CRAWL_DELAY));
        }
        Ok(policy.allows(url))
    }

    /// Reads a robots.txt: one attempt per hop (an unreachable file is cached briefly, not
    /// retried now), redirects followed. Only a refused private address is an error: the
    /// page behind it would be refused anyway, and saying why helps more.
    async fn load_robots(&self, robots_url: Url) -> Result<RobotsPolicy, FetchError> {
        let agent = &self.inner.robots_agent;
        let mut current = robots_url;
        for _ in 0..=robots::MAX_ROBOTS_REDIRECTS {
            let outcome = self
                .exchange(&current, None, robots::MAX_ROBOTS_BYTES, Oversize::Truncate)
                .await;
            let next = match outcome {
                Ok(Exchange::Redirect(location)) => self.redirect_target(&current, &location),
                Ok(Exchange::Done { status, body, .. }) => {
                    return Ok(RobotsPolicy::from_response(agent, Some(status), &body));
                }
                Ok(Exchange::Retryable { status, .. }) => {
                    return Ok(RobotsPolicy::from_response(agent, Some(status), b""));
                }
                Ok(Exchange::NotModified) => Err(FetchError::Status {
                    url: current.clone(),
                    status: 304,
                }),
                Err(e) => Err(e),
            };
            match next {
                Ok(next) => current = next,
                Err(e @ FetchError::PrivateAddress { .. }) => return Err(e),
                Err(e) => {
                    tracing::debug!(url = %current, error = %e, "robots.txt unreachable");
                    return Ok(RobotsPolicy::Unreachable);
                }
            }
        }
        Ok(RobotsPolicy::Unreachable)
    }

    async fn exchange_with_retries(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        max_bytes: usize,
    ) -> Result<Exchange, FetchError> {
        let settings = &self.inner.settings;
        let max_retry_after = Duration::from_millis(settings.max_retry_after_ms);
        let mut retry = 0u32;
        loop {
            let (error, retry_after) = match self
                .exchange(url, validators, max_bytes, Oversize::Refuse)
                .await
            {
                Ok(Exchange::Retryable {
                    status,
                    retry_after,
                }) => (
                    FetchError::Status {
                        url: url.clone(),
                        status,
                    },
                    retry_after,
                ),
                Ok(done) => return Ok(done),
                Err(e) if e.is_retryable() => (e, None),
                Err(e) => return Err(e),
            };
            if retry >= settings.max_retries {
                return Err(error);
            }
            let wait = match retry_after {
                Some(wait) if wait > max_retry_after => {
                    tracing::debug!(%url, ?wait, "Retry-After beyond the cap; giving up");
                    return Err(error);
                }
                Some(wait) => {
                    self.inner
                        .hosts
                        .defer(&HostLimits::key(url), Instant::now() + wait);
                    wait
                }
                None => backoff(settings.retry_base_ms, retry),
            };
            tracing::debug!(%url, error = %error, ?wait, retry = retry + 1, "retrying");
            tokio::time::sleep(wait).await;
            retry += 1;
        }
    }

    /// One request under the host's limits, with its body read when it is a success.
    async fn exchange(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        max_bytes: usize,
        oversize: Oversize,
    ) -> Result<Exchange, FetchError> {
        let _slot = self.inner.hosts.acquire(&HostLimits::key(url)).await;
        let started = Instant::now();
        let result = self.send(url, validators, max_bytes, oversize).await;
        let ms = started.elapsed().as_millis() as u64;
        match &result {
            Ok((status, bytes, _)) => {
                tracing::debug!(%url, status, bytes, ms, "GET");
            }
            Err(e) => tracing::debug!(%url, error = %e, ms, "GET failed"),
        }
        result.map(|(_, _, exchange)| exchange)
    }

    async fn send(
        &self,
        url: &Url,
        validators: Option<&Validators>,
        max_bytes: usize,
        oversize: Oversize,
    ) -> Result<(u16, usize, Exchange), FetchError> {
        let mut request = self.inner.client.get(url.clone());
        if let Some(v) = validators {
            if let Some(etag) = &v.etag {
                request = request.header(header::IF_NONE_MATCH, etag.as_str());
            }
            if let Some(date) = &v.last_modified {
                request = request.header(header::IF_MODIFIED_SINCE, date.as_str());
            }
        }
        let mut response = request.send().await.map_err(|e| network_error(url, &e))?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();

        if response.status().is_redirection() {
            if status == 304 {
                return Ok((status, 0, Exchange::NotModified));
            }
            let location = headers
                .get(header::LOCATION)
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            return match location {
                Some(location) if matches!(status, 301 | 302 | 303 | 307 | 308) => {
                    Ok((status, 0, Exchange::Redirect(location)))
                }
                _ => Err(FetchError::Status {
                    url: url.clone(),
                    status,
                }),
            };
        }
        if is_retryable_status(status) {
            let retry_after = headers
                .get(header::RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, Utc::now()));
            return Ok((
                status,
                0,
                Exchange::Retryable {
                    status,
                    retry_after,
                },
            ));
        }
        if !response.status().is_success() {
            // A robots.txt 4xx is an answer (allow all), so it is returned, not an error.
            return match oversize {
                Oversize::Truncate => Ok((
                    status,
                    0,
                    Exchange::Done {
                        status,
                        headers,
                        body: Vec::new(),
                    },
                )),
                Oversize::Refuse => Err(FetchError::Status {
                    url: url.clone(),
                    status,
                }),
            };
        }

        let too_large = || FetchError::TooLarge {
            url: url.clone(),
            limit: max_bytes,
        };
        if let (Oversize::Refuse, Some(length)) = (oversize, response.content_length())
            && length > max_bytes as u64
        {
            return Err(too_large());
        }
        let mut body = Vec::new();
        while let Some(chunk) = response.chunk().await.map_err(|e| network_error(url, &e))? {
            if body.len() + chunk.len() > max_bytes {
                match oversize {
                    Oversize::Refuse => return Err(too_large()),
                    Oversize::Truncate => {
                        let room = max_bytes - body.len();
                        body.extend_from_slice(chunk.get(..room).unwrap_or_default());
                        break;
                    }
                }
            }
            body.extend_from_slice(&chunk);
        }
        let bytes = body.len();
        Ok((
            status,
            bytes,
            Exchange::Done {
                status,
                headers,
                body,
            },
        ))
    }
}

fn page(requested: &Url, url: Url, status: u16, headers: &HeaderMap, body: Vec<u8>) -> Page {
    let header_text = |name: header::HeaderName| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let content_type = header_text(header::CONTENT_TYPE);
    let (text, encoding) = decode_html(&body, content_type.as_deref());
    Page {
        requested: requested.clone(),
        url,
        status,
        validators: Validators {
            etag: header_text(header::ETAG),
            last_modified: header_text(header::LAST_MODIFIED),
        },
        content_type,
        body,
        text,
        encoding: encoding.name(),
        fetched_at: Utc::now(),
    }
}

/// Exponential backoff with "equal jitter": half the doubled delay fixed, half random, so
/// clients that failed together do not retry together.
fn backoff(base_ms: u64, retry: u32) -> Duration {
    let doubled = base_ms.saturating_mul(1u64 << retry.min(20));
    let capped = doubled.min(MAX_BACKOFF.as_millis() as u64);
    let half = capped / 2;
    Duration::from_millis(half + fastrand::u64(0..=capped - half))
}

/// A `Retry-After` value: delay-seconds or an HTTP-date (a date in the past means now).
pub fn parse_retry_after(value: &str, now: DateTime<Utc>) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let date = DateTime::parse_from_rfc2822(value).ok()?;
    let wait = date.with_timezone(&Utc) - now;
    Some(wait.to_std().unwrap_or(Duration::ZERO))
}

/// Maps a reqwest error, recognising our resolver's refusal and timeouts.
fn network_error(url: &Url, error: &reqwest::Error) -> FetchError {
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(blocked) = e.downcast_ref::<BlockedAddress>() {
            return FetchError::PrivateAddress {
                url: url.clone(),
                addr: blocked.addr,
            };
        }
        source = e.source();
    }
    if error.is_timeout() {
        return FetchError::Timeout { url: url.clone() };
    }
    FetchError::Network {
        url: url.clone(),
        message: error_chain(error),
    }
}

/// An error and its causes on one line ("error sending request: … : connection refused").
fn error_chain(error: &dyn std::error::Error) -> String {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        let text = e.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = e.source();
    }
    message
}

/// Whether an address is on the public internet: not loopback, private (RFC 1918, unique
/// local), link-local, unspecified, multicast, broadcast, shared (CGNAT 100.64/10),
/// documentation or reserved space. IPv4 inside IPv6 (mapped, NAT64) is judged as IPv4.
pub fn is_public_address(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => is_public_v4(v4),
        IpAddr::V6(v6) => is_public_v6(v6),
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_multicast()
        || ip.is_broadcast()
        || ip.is_documentation()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (b == 18 || b == 19))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    if let Some(v4) = ip.to_ipv4_mapped() {
        return is_public_v4(v4);
    }
    let segments = ip.segments();
    // NAT64 (64:ff9b::/96) reaches the IPv4 address in its low 32 bits.
    if segments[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
        let [.., hi, lo] = segments;
        return is_public_v4(Ipv4Addr::from((u32::from(hi) << 16) | u32::from(lo)));
    }
    let first = segments[0];
    !(ip.is_loopback()
        || ip.is_unspecified()
        || ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local fc00::/7
        || (first & 0xffc0) == 0xfe80 // link-local fe80::/10
        || (first & 0xffc0) == 0xfec0 // deprecated site-local fec0::/10
        || (first == 0x2001 && segments[1] == 0x0db8) // documentation
        || segments[..6] == [0, 0, 0, 0, 0, 0]) // IPv4-compatible (deprecated)
}

/// The resolver's refusal, found again in reqwest's error chain to report PrivateAddress.
#[derive(Debug, thiserror::Error)]
#[error("{host} resolves only to non-public addresses (e.g. {addr})")]
struct BlockedAddress {
    host: String,
    addr: IpAddr,
}

/// Resolves with the system resolver and drops non-public addresses, so a public name
/// pointing into an intranet (or at localhost) is never connected to.
struct PublicOnlyResolver {
    allow_private: bool,
}

impl Resolve for PublicOnlyResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let host = name.as_str().to_string();
        let allow_private = self.allow_private;
        Box::pin(async move {
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let public: Vec<SocketAddr> = resolved
                .iter()
                .copied()
                .filter(|a| allow_private || is_public_address(a.ip()))
                .collect();
            match (public.is_empty(), resolved.first()) {
                (true, Some(first)) => Err(Box::new(BlockedAddress {
                    host,
                    addr: first.ip(),
                })
                    as Box<dyn std::error::Error + Send + Sync>),
                _ => Ok(Box::new(public.into_iter()) as Addrs),
            }
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn private_loopback_link_local_cgnat_and_multicast_addresses_are_not_public() {
        for s in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "100.127.255.255",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fc00::1",
            "fd12:3456::1",
            "fe80::1",
            "ff02::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a9fe:a9fe",
        ] {
            assert!(!is_public_address(ip(s)), "{s} must be refused");
        }
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "100.63.255.255",
            "100.128.0.1",
            "172.32.0.1",
            "2606:4700:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(is_public_address(ip(s)), "{s} is public");
        }
    }

    #[test]
    fn a_redirect_to_a_private_address_or_another_scheme_is_refused() {
        let fetcher = Fetcher::new(&FetchSettings::default()).unwrap();
        let from = Url::parse("https://news.example.org/a").unwrap();
        for (location, private) in [
            ("http://127.0.0.1/admin", true),
            ("http://169.254.169.254/latest/meta-data/", true),
            ("http://[fd00::1]:8080/", true),
            ("http://0x7f.1/", true),
            ("file:///etc/passwd", false),
        ] {
            let err = fetcher.redirect_target(&from, location).unwrap_err();
            if private {
                assert!(
                    matches!(err, FetchError::PrivateAddress { .. }),
                    "{location}: {err}"
                );
            } else {
                assert!(
                    matches!(err, FetchError::UnsupportedScheme { .. }),
                    "{location}: {err}"
                );
            }
        }
        let next = fetcher.redirect_target(&from, "/b#top").unwrap();
        assert_eq!(next.as_str(), "https://news.example.org/b");
    }

    #[test]
    fn retry_after_is_read_as_seconds_or_as_an_http_date() {
        let now = DateTime::parse_from_rfc3339("2015-10-21T07:27:00Z")
            .unwrap()
            .with_timezone(&Utc);
        assert_eq!(
            parse_retry_after("120", now),
            Some(Duration::from_secs(120))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(parse_retry_after("soon", now), None);
        assert_eq!(parse_retry_after("-5", now), None);
    }

    #[test]
    fn backoff_doubles_within_its_jitter_band_and_is_capped() {
        for retry in 0..4 {
            let full = 100u64 << retry;
            let d = backoff(100, retry).as_millis() as u64;
            assert!((full / 2..=full).contains(&d), "retry {retry}: {d}");
        }
        assert!(backoff(u64::MAX, 40) <= MAX_BACKOFF);
    }

    #[test]
    fn only_network_failures_timeouts_429_and_5xx_are_retryable() {
        let url = Url::parse("https://example.org/").unwrap();
        let status = |status| FetchError::Status {
            url: url.clone(),
            status,
        };
        assert!(status(429).is_retryable());
        assert!(status(503).is_retryable());
        assert!(!status(404).is_retryable());
        assert!(!status(403).is_retryable());
        assert!(FetchError::Timeout { url: url.clone() }.is_retryable());
        assert!(!FetchError::RobotsDisallowed { url }.is_retryable());
    }
}
