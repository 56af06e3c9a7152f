//! Hostile input and load (SPEC section 8): the sign-in brake, timeouts and bounds, security
//! headers and cookies, sessions, the `usernames` rate, multipart file names and the audit
//! table. Timing tests use short limits; sockets bind to 127.0.0.1:0.

#[path = "../common/mod.rs"]
mod common;

mod audit;
mod bounds;
mod headers;
mod sessions;
mod sign_in_brake;
mod usernames_rate;

use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use common::{Reply, Server, SignedIn};
use rollcall_server::demo::{LINCOLN, OTHER, TEACHER};
use rollcall_server::security::CONTENT_SECURITY_POLICY;
use rollcall_server::throttle::MAX_FAILURES;
use rollcall_server::{Limits, Reach, auth};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A demo server with other limits.
async fn limited(limits: Limits) -> Server {
    let mut server = Server::demo().await;
    server.state = server.state.clone().with_limits(limits);
    server
}

/// A sign-in with more request headers.
async fn sign_in_with(
    server: &Server,
    email: &str,
    password: &str,
    headers: &[(&str, &str)],
) -> Reply {
    let body = serde_json::json!({"email": email, "password": password}).to_string();
    let mut request =
        Request::post("/api/session").header(header::CONTENT_TYPE, "application/json");
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    server
        .send(request.body(Body::from(body)).expect("request"))
        .await
}

/// Serves `server`'s whole site on 127.0.0.1:0 until the test ends; returns the address.
async fn listening(server: &Server) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("address");
    let router = rollcall_server::site(server.state.clone(), None);
    let limits = server.state.limits.clone();
    tokio::spawn(async move {
        rollcall_server::listen::serve_on(listener, router, &limits, std::future::pending()).await;
    });
    addr
}

/// Reads what the server sends until it closes the connection (or `patience` passes).
async fn read_until_closed(
    stream: &mut tokio::net::TcpStream,
    patience: Duration,
) -> Option<Vec<u8>> {
    let mut answer = Vec::new();
    let mut buffer = [0u8; 4096];
    let deadline = Instant::now() + patience;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match tokio::time::timeout(left, stream.read(&mut buffer)).await {
            Ok(Ok(0)) | Ok(Err(_)) => return Some(answer),
            Ok(Ok(n)) => answer.extend_from_slice(&buffer[..n]),
            Err(_) => return None,
        }
    }
}

fn cookie_of(reply: &Reply) -> String {
    reply
        .header(header::SET_COOKIE)
        .split(';')
        .next()
        .unwrap_or_default()
        .to_owned()
}
