//! The HTTP side: HTTP/1.1 with keep-alive on a tokio runtime of the simulator's own. Each
//! connection is a task; each request is read, recorded and answered by the synchronous API
//! right there on the runtime's thread (its work is short and holds no lock across I/O; a
//! delay fault hands the thread's other connections to another thread while it waits), so
//! an answer costs no hop to another thread. A request head (and body) must arrive within
//! the head timeout, and past the connection limit the connection that waited longest for a
//! request is closed ([`connections`](crate::server::connections)), so that clients that never
//! finish a request cannot starve the others.

pub(crate) mod connections;
pub(crate) mod exchange;
pub(crate) mod record;

use std::convert::Infallible;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::{Body as _, Incoming};
use hyper::header::{HeaderValue, CONTENT_TYPE, LOCATION, SERVER};
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use parking_lot::Mutex;
use tokio::sync::watch;
use tokio::task::JoinSet;

use crate::gateway::api;
use crate::gateway::responses::{Refusal, Reply, INVALID_REQUEST};
use crate::server::exchange::{Exchange, ExchangeHook};
use crate::server::record::RecordedRequest;
use crate::state::shared::Shared;
use connections::{Admitted, Connections};

/// Number of threads of the runtime that reads the requests, answers them and writes the
/// answers. A request paused by a delay fault hands its thread's other connections to
/// another thread, so this does not limit how many requests are answered at once.
pub const WORKER_THREADS: usize = 2;

/// Largest request body the simulator reads; larger ones are answered `413`.
pub const MAX_REQUEST_BODY: usize = 8 * 1024 * 1024;

/// How long a client has to send a request's head, from the connection's start or the
/// previous answer, unless [`SimulatorBuilder::head_timeout`](crate::SimulatorBuilder::head_timeout)
/// sets another; then the connection is closed. A request's body has as long again, or is
/// answered `408`.
pub const DEFAULT_HEAD_TIMEOUT: Duration = Duration::from_secs(10);

/// How long stopping waits for the requests in flight before it drops them.
const GRACE: Duration = Duration::from_secs(5);

/// What the server allows a client.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Limits {
    /// See [`DEFAULT_HEAD_TIMEOUT`].
    pub(crate) head_timeout: Duration,
    /// Connections kept open at once; see [`connections`].
    pub(crate) max_connections: usize,
}

/// A running server; [`stop`](Server::stop) it (the simulator does so when dropped).
pub(crate) struct Server {
    runtime: Option<tokio::runtime::Runtime>,
    shutdown: watch::Sender<bool>,
    /// Receives once the accept loop and every connection have ended.
    /// (In a mutex only so that the simulator is `Sync`.)
    finished: Mutex<mpsc::Receiver<()>>,
    connections: Arc<AtomicU64>,
    addr: SocketAddr,
}

impl Server {
    /// Starts serving `listener`.
    pub(crate) fn start(
        listener: std::net::TcpListener,
        shared: Arc<Shared>,
        hook: Option<ExchangeHook>,
        limits: Limits,
    ) -> std::io::Result<Server> {
        let addr = listener.local_addr()?;
        listener.set_nonblocking(true)?;
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(WORKER_THREADS)
            .thread_name("gopay-sim-http")
            .enable_io()
            .enable_time()
            .build()?;
        let listener = {
            let _entered = runtime.enter();
            tokio::net::TcpListener::from_std(listener)?
        };
        let (shutdown, stopping) = watch::channel(false);
        let (done, finished) = mpsc::channel();
        let connections = Arc::new(AtomicU64::new(0));
        let accepting = Accepting {
            listener,
            service: Arc::new(Service {
                shared,
                hook,
                head_timeout: limits.head_timeout,
            }),
            open: Arc::new(Connections::new(limits.max_connections)),
            stopping,
            connections: Arc::clone(&connections),
        };
        runtime.spawn(async move {
            accepting.run().await;
            let _ = done.send(());
        });
        Ok(Server {
            runtime: Some(runtime),
            shutdown,
            finished: Mutex::new(finished),
            connections,
            addr,
        })
    }

    /// The address the server listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// How many connections were accepted so far.
    pub(crate) fn connections(&self) -> u64 {
        self.connections.load(Ordering::Relaxed)
    }

    /// Stops gracefully: the listener closes, idle connections close, requests in flight are
    /// answered (at most [`GRACE`]), then the runtime ends. Call [`Shared::stop`] first, so
    /// that paused answers end at once.
    pub(crate) fn stop(&mut self) {
        let Some(runtime) = self.runtime.take() else {
            return;
        };
        let _ = self.shutdown.send(true);
        let _ = self.finished.lock().recv_timeout(GRACE);
        // Dropping a runtime blocks, which tokio forbids inside another runtime (a simulator
        // dropped in an async test); there the threads are left to end on their own.
        if tokio::runtime::Handle::try_current().is_ok() {
            runtime.shutdown_background();
        } else {
            runtime.shutdown_timeout(Duration::from_secs(1));
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop();
    }
}

/// The accept loop and what each connection needs.
struct Accepting {
    listener: tokio::net::TcpListener,
    service: Arc<Service>,
    open: Arc<Connections>,
    stopping: watch::Receiver<bool>,
    connections: Arc<AtomicU64>,
}

impl Accepting {
    /// Accepts until stopped, then waits for the connections to end.
    async fn run(mut self) {
        let mut tasks = JoinSet::new();
        loop {
            tokio::select! {
                accepted = self.listener.accept() => match accepted {
                    Ok((stream, _)) => {
                        self.connections.fetch_add(1, Ordering::Relaxed);
                        let _ = stream.set_nodelay(true);
                        tasks.spawn(serve_connection(
                            stream,
                            Arc::clone(&self.service),
                            self.open.admit(),
                            self.stopping.clone(),
                        ));
                    }
                    Err(e) => {
                        // Out of file descriptors: close the connection that waited longest
                        // for a request, so that the one waiting in the backlog gets in.
                        if connections::out_of_descriptors(&e) {
                            self.open.shed();
                        }
                        // Wait a little instead of spinning (a connection reset before it was
                        // accepted, or the closing connection's descriptor not free yet).
                        tokio::time::sleep(Duration::from_millis(10)).await;
                    }
                },
                () = stopped(&mut self.stopping) => break,
            }
            // Forget the connections that ended, so the set does not grow.
            while tasks.try_join_next().is_some() {}
        }
        drop(self.listener);
        while tasks.join_next().await.is_some() {}
    }
}

/// Serves one connection until the client closes it, the server stops (the request in
/// flight is finished first) or the connection is closed to make room for another.
async fn serve_connection(
    stream: tokio::net::TcpStream,
    service: Arc<Service>,
    admitted: Admitted,
    mut stopping: watch::Receiver<bool>,
) {
    let admitted = Arc::new(admitted);
    let state = Arc::clone(&admitted);
    let head_timeout = service.head_timeout;
    let service = hyper::service::service_fn(move |request| {
        Arc::clone(&service).handle(Arc::clone(&state), request)
    });
    let connection = hyper::server::conn::http1::Builder::new()
        .keep_alive(true)
        .timer(TokioTimer::new())
        .header_read_timeout(head_timeout)
        .serve_connection(TokioIo::new(stream), service);
    tokio::pin!(connection);
    tokio::select! {
        _ = connection.as_mut() => {}
        () = admitted.closed() => {}
        () = stopped(&mut stopping) => {
            connection.as_mut().graceful_shutdown();
            let _ = connection.await;
        }
    }
}

/// Returns once the server is stopping (or its handle is gone).
async fn stopped(stopping: &mut watch::Receiver<bool>) {
    // The guard `wait_for` returns is not `Send`: drop it here, not across an await.
    let _ = stopping.wait_for(|stop| *stop).await.is_ok();
}

/// What answers the requests of every connection.
struct Service {
    shared: Arc<Shared>,
    hook: Option<ExchangeHook>,
    head_timeout: Duration,
}

/// A request's body as far as it came.
enum Body {
    Whole(Vec<u8>),
    /// Cut at [`MAX_REQUEST_BODY`]; the rest is not read (hyper closes the connection after
    /// the answer).
    TooLarge(Vec<u8>),
    /// Not complete within the head timeout.
    Late(Vec<u8>),
}

impl Service {
    /// Answers one request.
    async fn handle(
        self: Arc<Self>,
        admitted: Arc<Admitted>,
        request: Request<Incoming>,
    ) -> Result<Response<Full<Bytes>>, Infallible> {
        let started = Instant::now();
        let (head, body) = request.into_parts();
        let body = if body.is_end_stream() {
            Body::Whole(Vec::new())
        } else {
            read_body(body, started + self.head_timeout).await
        };
        admitted.busy();
        let (body, body_truncated, refusal) = match body {
            Body::Whole(body) => (body, false, None),
            Body::TooLarge(body) => (
                body,
                true,
                Some(Refusal::global(
                    413,
                    INVALID_REQUEST,
                    format!("the body is larger than {MAX_REQUEST_BODY} bytes"),
                )),
            ),
            Body::Late(body) => (
                body,
                true,
                Some(Refusal::global(
                    408,
                    INVALID_REQUEST,
                    format!(
                        "the body did not arrive within {} s",
                        self.head_timeout.as_secs_f64()
                    ),
                )),
            ),
        };
        let recorded = Arc::new(RecordedRequest {
            method: head.method.as_str().to_owned(),
            path: head
                .uri
                .path_and_query()
                .map_or_else(|| head.uri.path().to_owned(), |p| p.as_str().to_owned()),
            headers: head
                .headers
                .iter()
                .map(|(name, value)| {
                    let value = String::from_utf8_lossy(value.as_bytes()).into_owned();
                    (name.as_str().to_owned(), value)
                })
                .collect(),
            body,
            body_truncated,
        });
        // A panic in the API is a bug; the client still gets an answer.
        let reply = std::panic::catch_unwind(AssertUnwindSafe(|| {
            exchange(&self.shared, &recorded, refusal)
        }))
        .unwrap_or_else(|_| {
            Refusal::global(500, INVALID_REQUEST, "the simulator failed").into_reply()
        });
        if let Some(hook) = &self.hook {
            hook(&Exchange {
                // Never the query: it may carry a token (`?access_token=…`).
                path: recorded.route().to_owned(),
                method: recorded.method.clone(),
                status: reply.status,
                duration: started.elapsed(),
            });
        }
        admitted.waiting();
        let own_pages = crate::control::is_control(recorded.route());
        Ok(response(reply, own_pages))
    }
}

/// The body as far as it came by `deadline`, at most [`MAX_REQUEST_BODY`] bytes (a body cut
/// short by the client is handled as far as it came).
async fn read_body(mut body: Incoming, deadline: Instant) -> Body {
    let mut bytes = Vec::new();
    loop {
        let frame = match tokio::time::timeout_at(deadline.into(), body.frame()).await {
            Ok(Some(Ok(frame))) => frame,
            Ok(Some(Err(_)) | None) => return Body::Whole(bytes),
            Err(_) => return Body::Late(bytes),
        };
        if let Ok(data) = frame.into_data() {
            if bytes.len() + data.len() > MAX_REQUEST_BODY {
                let room = MAX_REQUEST_BODY - bytes.len();
                bytes.extend_from_slice(&data[..room]);
                return Body::TooLarge(bytes);
            }
            bytes.extend_from_slice(&data);
        }
    }
}

/// Records the request and computes its answer (`refusal` when the body did not come
/// whole).
fn exchange(shared: &Shared, recorded: &Arc<RecordedRequest>, refusal: Option<Refusal>) -> Reply {
    shared.log.lock().push(recorded);
    match refusal {
        None => api::answer(shared, recorded),
        Some(refusal) => refusal.into_reply(),
    }
}

/// `reply` as hyper's response. `unframeable` (the control API and the dashboard, under
/// `/_simulator`) forbids other pages to frame it: a foreign page could otherwise show the
/// dashboard in a frame and trick a click on one of its buttons, which would then carry
/// the simulator's own origin.
/// The customer page stays frameable: GoPay's inline gateway frames it; so does the card
/// form, which sends its own policy (its script only).
fn response(reply: Reply, unframeable: bool) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(reply.body)));
    *response.status_mut() =
        StatusCode::from_u16(reply.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let headers = response.headers_mut();
    headers.insert(SERVER, HeaderValue::from_static("gopay-simulator"));
    if !reply.content_type.is_empty() {
        if let Ok(value) = HeaderValue::from_str(reply.content_type) {
            headers.insert(CONTENT_TYPE, value);
        }
    }
    // The customer page's 303 back to the shop; always visible ASCII (percent-encoded).
    if let Some(location) = reply.location.as_deref() {
        if let Ok(value) = HeaderValue::from_str(location) {
            headers.insert(LOCATION, value);
        }
    }
    if let Some((name, count)) = reply.count {
        headers.insert(name, HeaderValue::from(count));
    }
    if unframeable {
        headers.insert(
            "content-security-policy",
            HeaderValue::from_static("frame-ancestors 'none'"),
        );
        headers.insert("x-frame-options", HeaderValue::from_static("DENY"));
    } else if let Some(policy) = reply.policy {
        headers.insert("content-security-policy", HeaderValue::from_static(policy));
    }
    response
}
