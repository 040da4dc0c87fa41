//! Prometheus metrics for `GET /metrics`, hand-written because they are few: HTTP requests by
//! route and status, latency histograms, in-flight requests, and GraphQL operations and errors.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::Mutex;
use std::sync::atomic::{AtomicI64, Ordering};
use std::time::Duration;

/// Histogram bucket upper bounds, in seconds.
const BUCKETS: [f64; 12] = [
    0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];

/// Operation names come from clients; past this many distinct names the rest are counted
/// under `_other` so a client cannot grow the metrics without bound.
const MAX_OPERATION_NAMES: usize = 500;

/// The operation label of requests whose operation has no name.
pub const ANONYMOUS: &str = "_anonymous";

#[derive(Debug, Default, Clone)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        for (i, le) in BUCKETS.iter().enumerate() {
            if seconds <= *le {
                self.counts[i] += 1;
            }
        }
        self.sum += seconds;
        self.count += 1;
    }

    fn render(&self, out: &mut String, name: &str, label: &str, value: &str) {
        for (i, le) in BUCKETS.iter().enumerate() {
            let _ = writeln!(
                out,
                "{name}_bucket{{{label}=\"{value}\",le=\"{le}\"}} {}",
                self.counts[i]
            );
        }
        let _ = writeln!(
            out,
            "{name}_bucket{{{label}=\"{value}\",le=\"+Inf\"}} {}",
            self.count
        );
        let _ = writeln!(out, "{name}_sum{{{label}=\"{value}\"}} {}", self.sum);
        let _ = writeln!(out, "{name}_count{{{label}=\"{value}\"}} {}", self.count);
    }
}

#[derive(Debug, Default)]
struct Operation {
    requests: u64,
    errors: u64,
    latency: Histogram,
}

#[derive(Debug, Default)]
struct Counts {
    http: BTreeMap<(String, u16), u64>,
    http_latency: BTreeMap<String, Histogram>,
    operations: BTreeMap<String, Operation>,
}

/// The process's metrics, shared by all workers.
#[derive(Debug, Default)]
pub struct Metrics {
    counts: Mutex<Counts>,
    in_flight: AtomicI64,
}

/// Decrements the in-flight gauge when the request ends, however it ends.
pub struct InFlight<'a>(&'a Metrics);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Metrics {
    fn counts(&self) -> std::sync::MutexGuard<'_, Counts> {
        // Counters stay meaningful after a panic elsewhere; keep counting.
        self.counts.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Counts a request as in flight until the guard is dropped.
    pub fn start(&self) -> InFlight<'_> {
        self.in_flight.fetch_add(1, Ordering::Relaxed);
        InFlight(self)
    }

    /// Records one answered HTTP request; `route` is a known route or `other`.
    pub fn record_http(&self, route: &str, status: u16, latency: Duration) {
        let mut c = self.counts();
        *c.http.entry((route.to_string(), status)).or_default() += 1;
        c.http_latency
            .entry(route.to_string())
            .or_default()
            .observe(latency.as_secs_f64());
    }

    /// Records one GraphQL operation and whether its response carried errors.
    pub fn record_operation(&self, name: Option<&str>, failed: bool, latency: Duration) {
        let mut c = self.counts();
        let mut label = name.unwrap_or(ANONYMOUS).to_string();
        if !c.operations.contains_key(&label) && c.operations.len() >= MAX_OPERATION_NAMES {
            label = "_other".to_string();
        }
        let op = c.operations.entry(label).or_default();
        op.requests += 1;
        op.errors += u64::from(failed);
        op.latency.observe(latency.as_secs_f64());
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let c = self.counts();
        let mut out = String::new();
        out.push_str("# HELP cdmo_http_requests_total HTTP requests answered, by route and status.\n# TYPE cdmo_http_requests_total counter\n");
        for ((route, status), n) in &c.http {
            let _ = writeln!(
                out,
                "cdmo_http_requests_total{{path=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        out.push_str("# HELP cdmo_http_request_duration_seconds Time to answer HTTP requests, by route.\n# TYPE cdmo_http_request_duration_seconds histogram\n");
        for (route, h) in &c.http_latency {
            h.render(
                &mut out,
                "cdmo_http_request_duration_seconds",
                "path",
                &escape(route),
            );
        }
        out.push_str("# HELP cdmo_http_requests_in_flight HTTP requests being answered now.\n# TYPE cdmo_http_requests_in_flight gauge\n");
        let _ = writeln!(
            out,
            "cdmo_http_requests_in_flight {}",
            self.in_flight.load(Ordering::Relaxed)
        );
        out.push_str("# HELP cdmo_graphql_operations_total GraphQL operations run, by operation name.\n# TYPE cdmo_graphql_operations_total counter\n");
        for (name, op) in &c.operations {
            let _ = writeln!(
                out,
                "cdmo_graphql_operations_total{{operation=\"{}\"}} {}",
                escape(name),
                op.requests
            );
        }
        out.push_str("# HELP cdmo_graphql_operation_errors_total GraphQL operations whose response carried errors, by operation name.\n# TYPE cdmo_graphql_operation_errors_total counter\n");
        for (name, op) in &c.operations {
            let _ = writeln!(
                out,
                "cdmo_graphql_operation_errors_total{{operation=\"{}\"}} {}",
                escape(name),
                op.errors
            );
        }
        out.push_str("# HELP cdmo_graphql_operation_duration_seconds Time to run GraphQL operations, by operation name.\n# TYPE cdmo_graphql_operation_duration_seconds histogram\n");
        for (name, op) in &c.operations {
            op.latency.render(
                &mut out,
                "cdmo_graphql_operation_duration_seconds",
                "operation",
                &escape(name),
            );
        }
        out
    }
}

/// Escapes a label value as the text format requires.
fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_latencies_and_operations_render_as_prometheus_text() {
        let m = Metrics::default();
        m.record_http("/graphql", 200, Duration::from_millis(3));
        m.record_http("/graphql", 200, Duration::from_millis(30));
        m.record_operation(Some("Orgs \"x\""), true, Duration::from_millis(3));
        let guard = m.start();
        let text = m.render();
        drop(guard);
        assert!(text.contains("cdmo_http_requests_total{path=\"/graphql\",status=\"200\"} 2"));
        assert!(text.contains(
            "cdmo_http_request_duration_seconds_bucket{path=\"/graphql\",le=\"0.005\"} 1"
        ));
        assert!(text.contains(
            "cdmo_http_request_duration_seconds_bucket{path=\"/graphql\",le=\"+Inf\"} 2"
        ));
        assert!(text.contains("cdmo_http_requests_in_flight 1"));
        assert!(
            text.contains("cdmo_graphql_operation_errors_total{operation=\"Orgs \\\"x\\\"\"} 1")
        );
        assert!(m.render().contains("cdmo_http_requests_in_flight 0"));
    }
}
