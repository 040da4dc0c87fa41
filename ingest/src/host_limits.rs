//! Per-host politeness: at most N requests in flight to one host, and request starts at
//! least a delay apart, shared by every clone of a `Fetcher`.
//!
//! A host is `host:port`: two servers on one machine (and the test servers on 127.0.0.1)
//! are separate hosts, while pages and robots.txt of one site share one budget. Waiters
//! take their start times in turn, and the delay is also kept after each request ends: a
//! request that went out late (a new connection, a slow handshake) must not let the next
//! one reach the server sooner than the delay after it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::time::Instant;
use url::Url;

struct Host {
    permits: Arc<Semaphore>,
    /// Held by the one request waiting for its start time, so starts are handed out in
    /// turn and each sees the schedule as moved by requests that ended while it waited.
    gate: tokio::sync::Mutex<()>,
    schedule: Mutex<Schedule>,
}

struct Schedule {
    next_start: Instant,
    /// A site's robots.txt `Crawl-delay` when longer than our own delay.
    crawl_delay: Duration,
}

/// Held while a request (body included) is in flight; dropping it frees the host after
/// pushing its next start to at least a delay from now.
pub struct Slot {
    host: Arc<Host>,
    delay: Duration,
    // Dropped after `Drop::drop` has moved the schedule, so a waiter given this permit
    // reserves its start against the updated schedule.
    _permit: Option<OwnedSemaphorePermit>,
}

impl Drop for Slot {
    fn drop(&mut self) {
        let mut schedule = self.host.schedule.lock().unwrap_or_else(|p| p.into_inner());
        let earliest = Instant::now() + self.delay.max(schedule.crawl_delay);
        schedule.next_start = schedule.next_start.max(earliest);
    }
}

pub struct HostLimits {
    concurrency: usize,
    delay: Duration,
    hosts: Mutex<HashMap<String, Arc<Host>>>,
}

impl HostLimits {
    pub fn new(concurrency: usize, delay: Duration) -> HostLimits {
        HostLimits {
            concurrency: concurrency.max(1),
            delay,
            hosts: Mutex::new(HashMap::new()),
        }
    }

    /// The key politeness is counted under.
    pub fn key(url: &Url) -> String {
        let host = url.host_str().unwrap_or_default().to_ascii_lowercase();
        match url.port_or_known_default() {
            Some(port) => format!("{host}:{port}"),
            None => host,
        }
    }

    fn host(&self, key: &str) -> Arc<Host> {
        let mut hosts = self.hosts.lock().unwrap_or_else(|p| p.into_inner());
        let host = hosts.entry(key.to_string()).or_insert_with(|| {
            Arc::new(Host {
                permits: Arc::new(Semaphore::new(self.concurrency)),
                gate: tokio::sync::Mutex::new(()),
                schedule: Mutex::new(Schedule {
                    next_start: Instant::now(),
                    crawl_delay: Duration::ZERO,
                }),
            })
        });
        Arc::clone(host)
    }

    /// Waits until a request to `key` may start: a concurrency permit first, then the
    /// host's next start time.
    pub async fn acquire(&self, key: &str) -> Slot {
        let host = self.host(key);
        // The semaphore is never closed, so an error cannot happen; without a permit the
        // request still honours the delay.
        let permit = Arc::clone(&host.permits).acquire_owned().await.ok();
        let gate = host.gate.lock().await;
        loop {
            let next_start = host
                .schedule
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .next_start;
            if next_start <= Instant::now() {
                break;
            }
            // A request ending meanwhile may move the start later: look again after waking.
            tokio::time::sleep_until(next_start).await;
        }
        {
            let mut schedule = host.schedule.lock().unwrap_or_else(|p| p.into_inner());
            schedule.next_start = Instant::now() + self.delay.max(schedule.crawl_delay);
        }
        drop(gate);
        Slot {
            host,
            delay: self.delay,
            _permit: permit,
        }
    }

    /// Keeps every request to `key` from starting before `until` (a `Retry-After`).
    pub fn defer(&self, key: &str, until: Instant) {
        let host = self.host(key);
        let mut schedule = host.schedule.lock().unwrap_or_else(|p| p.into_inner());
        schedule.next_start = schedule.next_start.max(until);
    }

    /// Applies a site's `Crawl-delay` when it is longer than the configured delay.
    pub fn set_crawl_delay(&self, key: &str, delay: Duration) {
        let host = self.host(key);
        let mut schedule = host.schedule.lock().unwrap_or_else(|p| p.into_inner());
        schedule.crawl_delay = delay;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_host_and_port_with_the_scheme_default() {
        let u = Url::parse("https://Example.org/a").unwrap();
        assert_eq!(HostLimits::key(&u), "example.org:443");
        let u = Url::parse("http://127.0.0.1:8080/a").unwrap();
        assert_eq!(HostLimits::key(&u), "127.0.0.1:8080");
    }

    #[tokio::test]
    async fn starts_to_one_host_are_spaced_by_the_delay_and_other_hosts_are_not_held_up() {
        let limits = HostLimits::new(4, Duration::from_millis(100));
        let t0 = Instant::now();
        drop(limits.acquire("a:80").await);
        drop(limits.acquire("a:80").await);
        let second = Instant::now() - t0;
        drop(limits.acquire("b:80").await);
        let third = Instant::now() - t0;
        assert!(second >= Duration::from_millis(100), "{second:?}");
        assert!(third - second < Duration::from_millis(50), "{third:?}");
    }
}
