//! robots.txt for the fetcher: what a fetched (or unfetchable) robots.txt means, and a
//! per-origin cache so that each site's file is read once a day, not once per article.
//!
//! Outcomes follow RFC 9309: a 2xx file is parsed for our product token (falling back to
//! `*`); a 4xx (404 included) means no rules, so everything is allowed; a 5xx, a 429, a
//! timeout or a network failure means the file is "unreachable" and the site is treated
//! as fully disallowed. That last answer is cached only briefly, so a site that was down
//! for a minute is retried on the next run rather than shunned for a day.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use texting_robots::Robot;
use url::Url;

/// How long a fetched robots.txt (or a 4xx) stays valid; RFC 9309 asks for no more than a day.
pub const FRESH_FOR: Duration = Duration::from_secs(24 * 60 * 60);
/// How long an unreachable robots.txt keeps its site disallowed before we ask again.
pub const UNREACHABLE_FOR: Duration = Duration::from_secs(5 * 60);
/// robots.txt bytes parsed at most (RFC 9309 requires at least 500 KiB); the rest is ignored.
pub const MAX_ROBOTS_BYTES: usize = 512 * 1024;
/// Redirects followed when fetching robots.txt (RFC 9309: at least five).
pub const MAX_ROBOTS_REDIRECTS: usize = 5;

/// What a site's robots.txt lets us do.
pub enum RobotsPolicy {
    /// No usable file (a 4xx): everything allowed.
    AllowAll,
    /// The file could not be read (5xx, 429, network failure): nothing allowed.
    Unreachable,
    /// Rules parsed for our agent.
    Rules(Box<Robot>),
}

impl std::fmt::Debug for RobotsPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RobotsPolicy::AllowAll => f.write_str("AllowAll"),
            RobotsPolicy::Unreachable => f.write_str("Unreachable"),
            RobotsPolicy::Rules(robot) => write!(f, "Rules(crawl delay {:?})", robot.delay),
        }
    }
}

impl RobotsPolicy {
    /// The policy a robots.txt response gives: `status` is `None` when no response came.
    pub fn from_response(agent: &str, status: Option<u16>, body: &[u8]) -> RobotsPolicy {
        match status {
            Some(200..=299) => match Robot::new(agent, body) {
                Ok(robot) => RobotsPolicy::Rules(Box::new(robot)),
                // texting_robots' parser accepts nearly anything; a file it still rejects
                // carries no rule we could read, which RFC 9309 treats as no rules.
                Err(_) => RobotsPolicy::AllowAll,
            },
            Some(429) => RobotsPolicy::Unreachable,
            Some(400..=499) => RobotsPolicy::AllowAll,
            _ => RobotsPolicy::Unreachable,
        }
    }

    pub fn allows(&self, url: &Url) -> bool {
        match self {
            RobotsPolicy::AllowAll => true,
            RobotsPolicy::Unreachable => false,
            RobotsPolicy::Rules(robot) => robot.allowed(url.as_str()),
        }
    }

    /// The site's `Crawl-delay`, if it sets a usable one.
    pub fn crawl_delay(&self) -> Option<Duration> {
        match self {
            RobotsPolicy::Rules(robot) => robot
                .delay
                .filter(|d| d.is_finite() && *d > 0.0)
                .map(|d| Duration::from_secs_f64(f64::from(d).min(3600.0))),
            _ => None,
        }
    }

    fn fresh_for(&self) -> Duration {
        match self {
            RobotsPolicy::Unreachable => UNREACHABLE_FOR,
            _ => FRESH_FOR,
        }
    }
}

/// The robots.txt URL governing `url` (same scheme, host and port).
pub fn robots_url(url: &Url) -> Option<Url> {
    let mut robots = url.join("/robots.txt").ok()?;
    robots.set_query(None);
    robots.set_fragment(None);
    // Credentials in a page URL must not leak into the robots request.
    let _ = robots.set_username("");
    let _ = robots.set_password(None);
    Some(robots)
}

/// The product token robots.txt groups are matched against: `cdmo-atlas` for a
/// User-Agent of `cdmo-atlas/0.1 (+https://…)`.
pub fn agent_token(user_agent: &str) -> String {
    let token: String = user_agent
        .trim()
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    if token.is_empty() {
        "*".to_string()
    } else {
        token
    }
}

/// The key a robots.txt applies to: scheme, host and port.
pub fn origin_key(url: &Url) -> String {
    url.origin().ascii_serialization()
}

struct Cached {
    policy: Arc<RobotsPolicy>,
    until: Instant,
}

/// Per-origin robots policies. Each origin has its own async lock, so concurrent fetches to
/// one site wait for a single robots.txt request instead of each sending their own.
#[derive(Default)]
pub struct RobotsCache {
    origins: Mutex<HashMap<String, Arc<tokio::sync::Mutex<Option<Cached>>>>>,
}

impl RobotsCache {
    /// The cached policy for `origin`, fetching it with `load` when absent or stale.
    pub async fn get_or_load<F, Fut, E>(
        &self,
        origin: &str,
        load: F,
    ) -> Result<Arc<RobotsPolicy>, E>
    where
        F: FnOnce() -> Fut,
        Fut: std::future::Future<Output = Result<RobotsPolicy, E>>,
    {
        let slot = {
            let mut origins = self.origins.lock().unwrap_or_else(|p| p.into_inner());
            Arc::clone(origins.entry(origin.to_string()).or_default())
        };
        let mut cached = slot.lock().await;
        if let Some(c) = cached.as_ref().filter(|c| c.until > Instant::now()) {
            return Ok(Arc::clone(&c.policy));
        }
        let policy = Arc::new(load().await?);
        *cached = Some(Cached {
            policy: Arc::clone(&policy),
            until: Instant::now() + policy.fresh_for(),
        });
        Ok(policy)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    #[test]
    fn a_404_allows_everything_and_a_5xx_or_no_answer_allows_nothing() {
        let page = url("https://example.org/news/1");
        assert!(RobotsPolicy::from_response("bot", Some(404), b"").allows(&page));
        assert!(RobotsPolicy::from_response("bot", Some(403), b"").allows(&page));
        assert!(!RobotsPolicy::from_response("bot", Some(503), b"").allows(&page));
        assert!(!RobotsPolicy::from_response("bot", Some(429), b"").allows(&page));
        assert!(!RobotsPolicy::from_response("bot", None, b"").allows(&page));
    }

    #[test]
    fn rules_for_our_token_beat_the_wildcard_group() {
        let txt = b"User-agent: *\nDisallow: /\n\nUser-agent: cdmo-atlas\nDisallow: /private\nCrawl-delay: 2\n";
        let ours = RobotsPolicy::from_response("cdmo-atlas", Some(200), txt);
        assert!(ours.allows(&url("https://example.org/news/1")));
        assert!(!ours.allows(&url("https://example.org/private/x")));
        assert_eq!(ours.crawl_delay(), Some(Duration::from_secs(2)));
        let other = RobotsPolicy::from_response("otherbot", Some(200), txt);
        assert!(!other.allows(&url("https://example.org/news/1")));
    }

    #[test]
    fn the_agent_token_is_the_product_name_of_the_user_agent() {
        assert_eq!(
            agent_token("cdmo-atlas/0.1 (+https://example.org)"),
            "cdmo-atlas"
        );
        assert_eq!(agent_token("  "), "*");
    }

    #[test]
    fn the_robots_url_keeps_scheme_host_and_port_only() {
        let r = robots_url(&url("http://user:pw@example.org:8080/a/b?q=1#f")).unwrap();
        assert_eq!(r.as_str(), "http://example.org:8080/robots.txt");
    }
}
