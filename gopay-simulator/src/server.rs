//! The HTTP side: a fixed pool of worker threads, each taking requests from tiny_http with
//! the blocking `recv()`, recording them and writing the answer.

use std::io::{Read, Write};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;
use std::thread::JoinHandle;

use tiny_http::{Method, Server, StatusCode};

use super::api;
use super::record::RecordedRequest;
use super::responses::{Refusal, Reply, INVALID_REQUEST};
use super::shared::Shared;

/// Number of HTTP worker threads.
pub const WORKER_THREADS: usize = 16;

/// Largest request body the simulator reads; larger ones are answered `413`.
pub const MAX_REQUEST_BODY: usize = 8 * 1024 * 1024;

/// Starts the workers. On failure the ones already started are stopped again.
pub(crate) fn spawn_workers(
    server: &Arc<Server>,
    shared: &Arc<Shared>,
) -> std::io::Result<Vec<JoinHandle<()>>> {
    let mut workers = Vec::with_capacity(WORKER_THREADS);
    for n in 0..WORKER_THREADS {
        let (server_for_worker, shared_for_worker) = (Arc::clone(server), Arc::clone(shared));
        let spawned = std::thread::Builder::new()
            .name(format!("gopay-sim-http-{n}"))
            .spawn(move || work(&server_for_worker, &shared_for_worker));
        match spawned {
            Ok(handle) => workers.push(handle),
            Err(e) => {
                stop_workers(server, shared, workers);
                return Err(e);
            }
        }
    }
    Ok(workers)
}

/// Stops the workers: marks the simulator stopping, wakes each blocked `recv()` once, and
/// joins them.
pub(crate) fn stop_workers(server: &Server, shared: &Shared, workers: Vec<JoinHandle<()>>) {
    shared.stop();
    for _ in &workers {
        server.unblock();
    }
    for worker in workers {
        let _ = worker.join();
    }
}

fn work(server: &Server, shared: &Shared) {
    loop {
        match server.recv() {
            Ok(request) => {
                // A bug must not take a worker down; tiny_http answers a dropped request 500.
                let _ = catch_unwind(AssertUnwindSafe(|| serve(shared, request)));
            }
            Err(_) => {
                if shared.is_stopping() {
                    return;
                }
            }
        }
    }
}

fn serve(shared: &Shared, mut request: tiny_http::Request) {
    let (recorded, complete) = read(&mut request);
    shared.log.lock().push(recorded.clone());
    let reply = if complete {
        api::answer(shared, &recorded)
    } else {
        Refusal::global(
            413,
            INVALID_REQUEST,
            format!("the body is larger than {MAX_REQUEST_BODY} bytes"),
        )
        .into_reply()
    };
    respond(request, reply);
}

/// The request as recorded, and whether its whole body fit.
fn read(request: &mut tiny_http::Request) -> (RecordedRequest, bool) {
    let headers = request
        .headers()
        .iter()
        .map(|h| {
            (
                h.field.as_str().as_str().to_owned(),
                h.value.as_str().to_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let limit = u64::try_from(MAX_REQUEST_BODY)
        .unwrap_or(u64::MAX)
        .saturating_add(1);
    // A body cut short by the client is handled as far as it came.
    let _ = request.as_reader().take(limit).read_to_end(&mut body);
    let complete = body.len() <= MAX_REQUEST_BODY;
    body.truncate(MAX_REQUEST_BODY);
    let recorded = RecordedRequest {
        method: request.method().as_str().to_owned(),
        path: request.url().to_owned(),
        headers,
        body,
    };
    (recorded, complete)
}

/// Writes the answer with `Connection: close`, so every connection carries one request.
///
/// tiny_http 0.12 reads each connection on a thread of its own task pool, and that pool can
/// lose a wake-up: when two connections arrive while an idle pool thread is being woken for
/// the first, the second is queued as if that thread were still free, and waits until some
/// pool thread finishes its connection. With keep-alive, connections stay open while the
/// client keeps them idle, so under a burst of new connections (64 threads on a cold
/// client) some requests never reached a worker and timed out. Closing after each answer
/// ends every pool task right after its request, so a queued connection is picked up at
/// once. tiny_http drops a `Connection` header given to its `Response`, hence the answer is
/// written by hand.
fn respond(request: tiny_http::Request, reply: Reply) {
    let head_only = *request.method() == Method::Head;
    let mut writer = request.into_writer();
    let bodiless = matches!(reply.status, 100..=199 | 204 | 304);
    let mut head = format!(
        "HTTP/1.1 {} {}\r\nServer: gopay-simulator\r\n",
        reply.status,
        StatusCode(reply.status).default_reason_phrase()
    );
    if !reply.content_type.is_empty() {
        head.push_str(&format!("Content-Type: {}\r\n", reply.content_type));
    }
    if let Some(location) = &reply.location {
        head.push_str(&format!("Location: {location}\r\n"));
    }
    if !bodiless {
        head.push_str(&format!("Content-Length: {}\r\n", reply.body.len()));
    }
    head.push_str("Connection: close\r\n\r\n");
    // The client may have gone (e.g. it timed out during a delay fault).
    let _ = writer.write_all(head.as_bytes());
    if !bodiless && !head_only {
        let _ = writer.write_all(&reply.body);
    }
    let _ = writer.flush();
}
