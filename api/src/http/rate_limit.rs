//! Per-client rate limiting: a token bucket per API key (a hash of the bearer token) or, for
//! anonymous callers, per IP address; idle buckets are evicted so the map stays small.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Every this many decisions, buckets idle long enough to be full again are forgotten.
const EVICT_EVERY: usize = 1024;

/// Token buckets keyed by client.
#[derive(Debug)]
pub struct RateLimiter {
    per_second: f64,
    burst: f64,
    buckets: Mutex<Buckets>,
}

#[derive(Debug, Default)]
struct Buckets {
    map: HashMap<String, Bucket>,
    /// Decisions since the last eviction sweep.
    since_sweep: usize,
}

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

/// The answer for one request.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Decision {
    Allow,
    /// Refused; a token will be available after this long.
    Refuse {
        retry_after: Duration,
    },
}

impl RateLimiter {
    /// A limiter allowing `per_second` sustained and `burst` at once; None when off
    /// (`per_second` is 0).
    pub fn new(per_second: f64, burst: u32) -> Option<RateLimiter> {
        (per_second > 0.0 && burst > 0).then(|| RateLimiter {
            per_second,
            burst: f64::from(burst),
            buckets: Mutex::new(Buckets::default()),
        })
    }

    /// Takes one token from `client`'s bucket, if it has one.
    pub fn check(&self, client: &str) -> Decision {
        self.check_at(client, Instant::now())
    }

    fn check_at(&self, client: &str, now: Instant) -> Decision {
        // A poisoned lock only means another request panicked mid-update; the counts are
        // still usable, so keep limiting rather than failing open or closed.
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        buckets.since_sweep += 1;
        if buckets.since_sweep >= EVICT_EVERY {
            buckets.since_sweep = 0;
            let full_after = Duration::from_secs_f64(self.burst / self.per_second);
            buckets
                .map
                .retain(|_, b| now.saturating_duration_since(b.updated) < full_after);
        }
        let bucket = buckets.map.entry(client.to_string()).or_insert(Bucket {
            tokens: self.burst,
            updated: now,
        });
        let elapsed = now.saturating_duration_since(bucket.updated).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * self.per_second).min(self.burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Decision::Allow
        } else {
            let wait = (1.0 - bucket.tokens) / self.per_second;
            Decision::Refuse {
                retry_after: Duration::from_secs_f64(wait),
            }
        }
    }

    /// Clients currently tracked (for tests of eviction).
    #[cfg(test)]
    fn tracked(&self) -> usize {
        self.buckets.lock().map(|b| b.map.len()).unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_is_allowed_then_refused_until_tokens_refill() {
        let l = RateLimiter::new(2.0, 3).unwrap();
        let t = Instant::now();
        for _ in 0..3 {
            assert_eq!(l.check_at("a", t), Decision::Allow);
        }
        let Decision::Refuse { retry_after } = l.check_at("a", t) else {
            panic!("fourth request allowed");
        };
        assert_eq!(retry_after, Duration::from_millis(500));
        assert_eq!(l.check_at("b", t), Decision::Allow, "clients are separate");
        assert_eq!(
            l.check_at("a", t + Duration::from_millis(500)),
            Decision::Allow
        );
    }

    #[test]
    fn zero_rate_is_off_and_idle_buckets_are_evicted() {
        assert!(RateLimiter::new(0.0, 10).is_none());
        let l = RateLimiter::new(1000.0, 1).unwrap();
        let t = Instant::now();
        for i in 0..EVICT_EVERY - 1 {
            l.check_at(&format!("c{i}"), t);
        }
        assert_eq!(l.tracked(), EVICT_EVERY - 1);
        l.check_at("late", t + Duration::from_secs(1));
        assert_eq!(l.tracked(), 1);
    }
}
