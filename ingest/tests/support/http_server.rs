//! A scripted HTTP/1.1 server on 127.0.0.1 for tests: routes by path to canned replies or
//! sequences of them, and records every request it receives.
//!
//! It is hand-written on tokio's TcpListener so that it can misbehave on purpose: stall
//! before answering or in the middle of a body, lie in Content-Length, send chunked or
//! close-delimited bodies. Unrouted paths get 404 (so robots.txt allows everything unless
//! a test routes it). Each server records, per request, the path, the headers and when it
//! arrived, and tracks how many requests were being handled at once.
//!
//! ```ignore
//! let server = TestServer::start().await;
//! server.route_sequence("/a", vec![Reply::status(500), Reply::html("<p>ok</p>")]);
//! let url = server.url("/a");
//! // … fetch …
//! assert_eq!(server.hits("/a"), 2);
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::AbortHandle;
use tokio::time::Instant;

/// How a reply's body is framed on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// `Content-Length` (unless the reply sets its own, possibly lying, header).
    ContentLength,
    /// `Transfer-Encoding: chunked`, in chunks of this many bytes; no length up front.
    Chunked(usize),
    /// No length: the body ends when the server closes the connection.
    CloseDelimited,
}

/// What the server does with a request routed to a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Respond,
    /// Accepts the request and never answers.
    Stall,
    /// Sends the status line and headers, then never the body.
    StallBody,
}

/// A scripted response.
#[derive(Clone, Debug)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub framing: Framing,
    /// Waited before answering, as a slow handler would.
    pub delay: Duration,
    pub behaviour: Behaviour,
}

impl Reply {
    /// A reply with this status and an empty body.
    pub fn status(status: u16) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: Vec::new(),
            framing: Framing::ContentLength,
            delay: Duration::ZERO,
            behaviour: Behaviour::Respond,
        }
    }

    /// 200 `text/html; charset=utf-8`.
    pub fn html(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", "text/html; charset=utf-8")
            .body(body)
    }

    /// 200 `text/plain`.
    pub fn text(body: impl Into<Vec<u8>>) -> Reply {
        Reply::status(200)
            .header("Content-Type", "text/plain")
            .body(body)
    }

    /// A redirect (301, 302, 303, 307, 308) to `location`.
    pub fn redirect(status: u16, location: &str) -> Reply {
        Reply::status(status).header("Location", location)
    }

    /// Accepts the request and never answers.
    pub fn stall() -> Reply {
        Reply {
            behaviour: Behaviour::Stall,
            ..Reply::status(200)
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    pub fn body(mut self, body: impl Into<Vec<u8>>) -> Reply {
        self.body = body.into();
        self
    }

    /// Sends the body chunked (no Content-Length).
    pub fn chunked(mut self) -> Reply {
        self.framing = Framing::Chunked(64 * 1024);
        self
    }

    /// Sends the body without a length, closing the connection after it.
    pub fn close_delimited(mut self) -> Reply {
        self.framing = Framing::CloseDelimited;
        self
    }

    /// Answers only after `delay` (a slow handler).
    pub fn delay(mut self, delay: Duration) -> Reply {
        self.delay = delay;
        self
    }

    /// Sends the headers, then stalls before the body.
    pub fn stall_body(mut self) -> Reply {
        self.behaviour = Behaviour::StallBody;
        self
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|(n, _)| n.eq_ignore_ascii_case(name))
    }
}

/// A request as the server received it.
#[derive(Clone, Debug)]
pub struct RecordedRequest {
    pub method: String,
    /// The request target, query included.
    pub target: String,
    /// The path alone, as routes are matched.
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    /// When the request head had been read.
    pub received_at: Instant,
}

impl RecordedRequest {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

type Handler = Arc<dyn Fn(&RecordedRequest) -> Reply + Send + Sync>;

enum Route {
    /// Replies in order; the last one repeats.
    Sequence {
        replies: Vec<Reply>,
        next: usize,
    },
    Handler(Handler),
}

#[derive(Default)]
struct State {
    routes: HashMap<String, Route>,
    requests: Vec<RecordedRequest>,
    in_flight: usize,
    max_in_flight: usize,
    connections: Vec<AbortHandle>,
}

struct Shared {
    state: Mutex<State>,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// The running server; dropping it stops it and every open connection.
pub struct TestServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    accept_loop: AbortHandle,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.accept_loop.abort();
        for connection in self.shared.lock().connections.drain(..) {
            connection.abort();
        }
    }
}

impl TestServer {
    /// Binds 127.0.0.1 on a free port and starts serving.
    pub async fn start() -> TestServer {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
        });
        let accept_shared = Arc::clone(&shared);
        let accept_loop = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let conn_shared = Arc::clone(&accept_shared);
                let handle = tokio::spawn(serve_connection(stream, conn_shared));
                accept_shared.lock().connections.push(handle.abort_handle());
            }
        })
        .abort_handle();
        TestServer {
            addr,
            shared,
            accept_loop,
        }
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT` followed by `path_and_query`.
    pub fn url(&self, path_and_query: &str) -> url::Url {
        url::Url::parse(&format!("http://{}{}", self.addr, path_and_query))
            .expect("a valid test URL")
    }

    /// Answers every request to `path` with `reply`.
    pub fn route(&self, path: &str, reply: Reply) -> &TestServer {
        self.route_sequence(path, vec![reply])
    }

    /// Answers successive requests to `path` with `replies` in order; the last repeats.
    pub fn route_sequence(&self, path: &str, replies: Vec<Reply>) -> &TestServer {
        assert!(!replies.is_empty(), "a route needs at least one reply");
        self.shared
            .lock()
            .routes
            .insert(path.to_string(), Route::Sequence { replies, next: 0 });
        self
    }

    /// Answers requests to `path` with whatever `handler` makes of each request.
    pub fn route_fn(
        &self,
        path: &str,
        handler: impl Fn(&RecordedRequest) -> Reply + Send + Sync + 'static,
    ) -> &TestServer {
        self.shared
            .lock()
            .routes
            .insert(path.to_string(), Route::Handler(Arc::new(handler)));
        self
    }

    /// Requests received for `path` (query ignored).
    pub fn hits(&self, path: &str) -> usize {
        self.shared
            .lock()
            .requests
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    /// Every request received, in arrival order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.shared.lock().requests.clone()
    }

    /// The requests received for `path`, in arrival order.
    pub fn requests_to(&self, path: &str) -> Vec<RecordedRequest> {
        self.requests()
            .into_iter()
            .filter(|r| r.path == path)
            .collect()
    }

    /// The most requests that were being handled at the same time.
    pub fn max_in_flight(&self) -> usize {
        self.shared.lock().max_in_flight
    }
}

async fn serve_connection(mut stream: TcpStream, shared: Arc<Shared>) {
    let mut buffer = Vec::new();
    loop {
        let Some(request) = read_request(&mut stream, &mut buffer).await else {
            return;
        };
        let reply = {
            let mut state = shared.lock();
            state.in_flight += 1;
            state.max_in_flight = state.max_in_flight.max(state.in_flight);
            state.requests.push(request.clone());
            pick_reply(&mut state, &request)
        };
        if !reply.delay.is_zero() {
            tokio::time::sleep(reply.delay).await;
        }
        if reply.behaviour == Behaviour::Stall {
            std::future::pending::<()>().await;
        }
        // Counted as finished before the bytes leave, so a client that waits for this
        // response before sending the next request can never appear to overlap with it.
        shared.lock().in_flight -= 1;
        let keep_open = match write_reply(&mut stream, &request, &reply).await {
            Ok(keep_open) => keep_open,
            Err(_) => return,
        };
        if reply.behaviour == Behaviour::StallBody {
            std::future::pending::<()>().await;
        }
        if !keep_open {
            let _ = stream.shutdown().await;
            return;
        }
    }
}

fn pick_reply(state: &mut State, request: &RecordedRequest) -> Reply {
    match state.routes.get_mut(&request.path) {
        Some(Route::Sequence { replies, next }) => {
            let index = (*next).min(replies.len() - 1);
            *next += 1;
            replies[index].clone()
        }
        Some(Route::Handler(handler)) => handler(request),
        None => Reply::status(404)
            .header("Content-Type", "text/plain")
            .body("not found"),
    }
}

/// Reads one request head (and discards any body); `None` at end of stream or on garbage.
async fn read_request(stream: &mut TcpStream, buffer: &mut Vec<u8>) -> Option<RecordedRequest> {
    let head_end = loop {
        if let Some(at) = find(buffer, b"\r\n\r\n") {
            break at;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    };
    let received_at = Instant::now();
    let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
    buffer.drain(..head_end + 4);

    let mut lines = head.split("\r\n");
    let mut request_line = lines.next()?.split_whitespace();
    let method = request_line.next()?.to_string();
    let target = request_line.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let body_len = headers
        .iter()
        .find(|(n, _)| n == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    while buffer.len() < body_len {
        let mut chunk = [0u8; 8192];
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..n]);
    }
    buffer.drain(..body_len);

    let path = target.split(['?', '#']).next().unwrap_or("/").to_string();
    Some(RecordedRequest {
        method,
        target,
        path,
        headers,
        received_at,
    })
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Writes the reply; returns whether the connection may serve another request.
async fn write_reply(
    stream: &mut TcpStream,
    request: &RecordedRequest,
    reply: &Reply,
) -> std::io::Result<bool> {
    let bodiless = request.method.eq_ignore_ascii_case("HEAD")
        || matches!(reply.status, 100..=199 | 204 | 304);
    let mut head = format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status));
    for (name, value) in &reply.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    let mut keep_open = !request
        .header("connection")
        .is_some_and(|v| v.eq_ignore_ascii_case("close"));
    if !bodiless {
        match reply.framing {
            Framing::ContentLength if !reply.has_header("content-length") => {
                head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
            }
            Framing::ContentLength => {}
            Framing::Chunked(_) => head.push_str("Transfer-Encoding: chunked\r\n"),
            Framing::CloseDelimited => {
                head.push_str("Connection: close\r\n");
                keep_open = false;
            }
        }
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).await?;
    if bodiless || reply.behaviour == Behaviour::StallBody {
        stream.flush().await?;
        return Ok(keep_open);
    }
    match reply.framing {
        Framing::Chunked(size) => {
            for chunk in reply.body.chunks(size.max(1)) {
                stream
                    .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
                    .await?;
                stream.write_all(chunk).await?;
                stream.write_all(b"\r\n").await?;
            }
            stream.write_all(b"0\r\n\r\n").await?;
        }
        Framing::ContentLength | Framing::CloseDelimited => {
            stream.write_all(&reply.body).await?;
        }
    }
    stream.flush().await?;
    Ok(keep_open)
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        303 => "See Other",
        304 => "Not Modified",
        307 => "Temporary Redirect",
        308 => "Permanent Redirect",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Status",
    }
}
