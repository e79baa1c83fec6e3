//! A web site of its own for the browser tests (a shop's page, or an attacker's): serves
//! fixed HTML pages on a port of its own, another origin than the simulator's.

use std::sync::Arc;

/// Serves `pages` (path → HTML) until dropped; any other path is 404.
pub struct Site {
    server: Arc<tiny_http::Server>,
    /// `http://127.0.0.1:{port}`: the site's origin.
    pub url: String,
}

impl Site {
    pub fn start(pages: Vec<(String, String)>) -> Site {
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind the site"));
        let port = server.server_addr().to_ip().expect("an IP address").port();
        let serving = Arc::clone(&server);
        std::thread::spawn(move || {
            for request in serving.incoming_requests() {
                let page = pages.iter().find(|(path, _)| *path == request.url());
                let response = match page {
                    Some((_, html)) => tiny_http::Response::from_string(html.clone()).with_header(
                        "Content-Type: text/html; charset=utf-8"
                            .parse::<tiny_http::Header>()
                            .unwrap(),
                    ),
                    None => tiny_http::Response::from_string("").with_status_code(404),
                };
                let _ = request.respond(response);
            }
        });
        Site {
            server,
            url: format!("http://127.0.0.1:{port}"),
        }
    }
}

impl Drop for Site {
    fn drop(&mut self) {
        self.server.unblock();
    }
}
