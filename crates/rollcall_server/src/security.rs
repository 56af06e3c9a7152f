//! What every answer carries and every request is held to (SPEC section 8, "Hostile input and
//! load"): the security headers, `Cache-Control: no-store` on the API, the language of error
//! messages, the deadline for a request and its body, the bound on requests handled at once,
//! and how the server tells HTTPS and the client's address.

use std::net::{IpAddr, SocketAddr};

use axum::body::Body;
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::AppState;
use crate::error::{AppError, SpanishError};

/// The Content-Security-Policy of every answer: the page's own files only, WebAssembly
/// allowed, no frames, plugins or `<base>`.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; frame-ancestors 'none'; object-src 'none'; base-uri 'none'";

/// Adds the security headers to every answer, and `Cache-Control: no-store` to the API's.
pub async fn headers(request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let api = path == "/api" || path.starts_with("/api/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
    );
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    headers.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    if api {
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

/// Answers errors in Spanish when the request's `Accept-Language` prefers it.
pub async fn localise(request: Request, next: Next) -> Response {
    let lang = crate::routes::request_lang(request.headers());
    let mut response = next.run(request).await;
    let spanish = response.extensions_mut().remove::<SpanishError>();
    if let (rollcall_core::Lang::Es, Some(spanish)) = (lang, spanish) {
        response.headers_mut().remove(header::CONTENT_LENGTH);
        *response.body_mut() = Body::from(spanish.body());
    }
    response
}

/// Answers 408 when a request, its body included, is not read and answered within
/// `Limits::body_timeout`.
pub async fn deadline(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match tokio::time::timeout(state.limits.body_timeout, next.run(request)).await {
        Ok(response) => response,
        Err(_) => AppError::RequestTimeout.into_response(),
    }
}

/// Answers 503 at once when `Limits::max_requests` requests are being handled already.
pub async fn bounded(State(state): State<AppState>, request: Request, next: Next) -> Response {
    match state.requests.clone().try_acquire_owned() {
        Ok(_permit) => next.run(request).await,
        Err(_) => AppError::Busy.into_response(),
    }
}

/// How the server is reached: over HTTPS (`--public-url https://…`), and whether a proxy in
/// front of it may say so and say who the client is (`--trust-proxy`: `X-Forwarded-Proto`,
/// `X-Forwarded-For`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub https: bool,
    pub trust_proxy: bool,
}

impl Reach {
    /// From `--public-url` and `--trust-proxy`.
    pub fn new(public_url: Option<&str>, trust_proxy: bool) -> Reach {
        let https = public_url.is_some_and(|url| {
            url.get(..8)
                .is_some_and(|scheme| scheme.eq_ignore_ascii_case("https://"))
        });
        Reach { https, trust_proxy }
    }

    /// Whether this request came over HTTPS.
    pub fn is_https(&self, headers: &HeaderMap) -> bool {
        self.https
            || (self.trust_proxy
                && headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|proto| proto.trim().eq_ignore_ascii_case("https")))
    }

    /// The client's address: the connection's peer, or behind a trusted proxy the last
    /// address of `X-Forwarded-For` (the one the proxy added). `None` when neither is known
    /// (requests made in-process, as in tests).
    pub fn client_address(
        &self,
        headers: &HeaderMap,
        extensions: &axum::http::Extensions,
    ) -> Option<IpAddr> {
        if self.trust_proxy {
            let forwarded = headers
                .get_all("x-forwarded-for")
                .iter()
                .filter_map(|v| v.to_str().ok())
                .flat_map(|v| v.split(','))
                .filter_map(|part| part.trim().parse::<IpAddr>().ok())
                .next_back();
            if forwarded.is_some() {
                return forwarded;
            }
        }
        extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(peer)| peer.ip())
    }
}

/// Whether two secrets are equal, in time that depends on their lengths only.
pub fn same_secret(given: &[u8], expected: &[u8]) -> bool {
    use subtle::ConstantTimeEq;
    given.ct_eq(expected).into()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn https_comes_from_the_public_url_or_a_trusted_proxy() {
        assert!(Reach::new(Some("https://rollcall.example"), false).https);
        assert!(Reach::new(Some("HTTPS://rollcall.example"), false).https);
        assert!(!Reach::new(Some("http://rollcall.example"), false).https);
        assert!(!Reach::new(None, true).https);
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-proto", HeaderValue::from_static("https"));
        assert!(Reach::new(None, true).is_https(&headers));
        assert!(!Reach::new(None, false).is_https(&headers));
    }

    #[test]
    fn secrets_compare_whole() {
        assert!(same_secret(b"abc", b"abc"));
        assert!(!same_secret(b"abd", b"abc"));
        assert!(!same_secret(b"ab", b"abc"));
        assert!(!same_secret(b"", b"abc"));
    }
}
