//! The server's HTTP API (SPEC section 10), over the browser's `fetch`, and the few browser
//! services the page needs: local storage, file bytes and saving a file.

use js_sys::{Array, Uint8Array};
pub use rollcall_protocol::{
    ClassSummary, ExportSummary, RosterStudent, Session, UploadDetail, UploadSummary,
};
use rollcall_protocol::{ErrorBody, SignIn, TOTAL_COUNT_HEADER};
use serde::de::DeserializeOwned;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{Blob, BlobPropertyBag, RequestCredentials, RequestInit, Response};

/// Why a request did not give what was asked.
#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// Not signed in (401).
    SignedOut,
    /// Any other answer: the status and the server's message.
    Status(u16, String),
    /// No answer at all.
    Network(String),
}

impl ApiError {
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::SignedOut => Some(401),
            ApiError::Status(status, _) => Some(*status),
            ApiError::Network(_) => None,
        }
    }

    pub fn message(&self) -> String {
        match self {
            ApiError::SignedOut => "401".to_owned(),
            ApiError::Status(status, message) => format!("{message} ({status})"),
            ApiError::Network(message) => message.clone(),
        }
    }
}

fn js_error(value: JsValue) -> ApiError {
    ApiError::Network(
        value
            .as_string()
            .or_else(|| {
                value
                    .dyn_ref::<js_sys::Error>()
                    .map(|e| String::from(e.message()))
            })
            .unwrap_or_else(|| format!("{value:?}")),
    )
}

/// One request, whatever the answer's status. `body` is JSON; `csrf` is sent on unsafe
/// methods.
async fn fetch(
    method: &str,
    path: &str,
    body: Option<&str>,
    csrf: Option<&str>,
    lang: &str,
) -> Result<Response, ApiError> {
    let init = RequestInit::new();
    init.set_method(method);
    init.set_credentials(RequestCredentials::SameOrigin);
    let headers = web_sys::Headers::new().map_err(js_error)?;
    headers.set("Accept-Language", lang).map_err(js_error)?;
    if let Some(csrf) = csrf {
        headers.set("X-CSRF-Token", csrf).map_err(js_error)?;
    }
    if let Some(body) = body {
        headers
            .set("Content-Type", "application/json")
            .map_err(js_error)?;
        init.set_body(&JsValue::from_str(body));
    }
    init.set_headers(&headers);
    let window = web_sys::window().ok_or_else(|| ApiError::Network("no window".to_owned()))?;
    JsFuture::from(window.fetch_with_str_and_init(path, &init))
        .await
        .map_err(js_error)?
        .dyn_into()
        .map_err(js_error)
}

/// The answer if it is a success, else why not.
async fn succeeded(response: Response) -> Result<Response, ApiError> {
    if response.ok() {
        return Ok(response);
    }
    let status = response.status();
    let text = text_of(&response).await.unwrap_or_default();
    if status == 401 {
        // A student's expired temporary password is not a wrong one: its words are kept.
        return Err(match serde_json::from_str::<ErrorBody>(&text) {
            Ok(body) if body.error.code == rollcall_protocol::ErrorCode::PasswordExpired => {
                ApiError::Status(status, body.error.message)
            }
            _ => ApiError::SignedOut,
        });
    }
    // A 409 `confirm-needed` lists the guards found: their messages follow the error's.
    let message = serde_json::from_str::<ErrorBody>(&text)
        .map(|body| {
            let guards = body.error.guards.iter().map(|g| g.message.as_str());
            std::iter::once(body.error.message.as_str())
                .chain(guards)
                .collect::<Vec<_>>()
                .join(" ")
        })
        .unwrap_or(text);
    Err(ApiError::Status(status, message))
}

/// One request; only a success is `Ok`.
async fn send(
    method: &str,
    path: &str,
    body: Option<String>,
    csrf: Option<&str>,
    lang: &str,
) -> Result<Response, ApiError> {
    succeeded(fetch(method, path, body.as_deref(), csrf, lang).await?).await
}

/// The longest `Retry-After` the page waits out before trying once more.
const MAX_RETRY_WAIT_SECONDS: u32 = 60;

/// The seconds a 429 asks to wait (one when it does not say), at most a minute.
fn retry_after_seconds(response: &Response) -> u32 {
    response
        .headers()
        .get("Retry-After")
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse::<u32>().ok())
        .unwrap_or(1)
        .min(MAX_RETRY_WAIT_SECONDS)
}

/// Waits `seconds` (the browser's timer; at once when there is no window).
async fn sleep(seconds: u32) {
    let promise = js_sys::Promise::new(&mut |resolve, _reject| {
        let milliseconds = i32::try_from(seconds.saturating_mul(1000)).unwrap_or(i32::MAX);
        let started = web_sys::window().is_some_and(|window| {
            window
                .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, milliseconds)
                .is_ok()
        });
        if !started {
            let _ = resolve.call0(&JsValue::NULL);
        }
    });
    let _ = JsFuture::from(promise).await;
}

async fn text_of(response: &Response) -> Result<String, ApiError> {
    let text = JsFuture::from(response.text().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(text.as_string().unwrap_or_default())
}

async fn json<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    let text = text_of(&response).await?;
    serde_json::from_str(&text).map_err(|e| ApiError::Network(e.to_string()))
}

pub async fn get_json<T: DeserializeOwned>(path: &str, lang: &str) -> Result<T, ApiError> {
    json(send("GET", path, None, None, lang).await?).await
}

/// [`get_json`] for a list given in pages: the page, and how many there are in all (the
/// answer's total count header, when it has one).
pub async fn get_json_counted<T: DeserializeOwned>(
    path: &str,
    lang: &str,
) -> Result<(T, Option<u32>), ApiError> {
    let response = send("GET", path, None, None, lang).await?;
    let total = response
        .headers()
        .get(TOTAL_COUNT_HEADER)
        .ok()
        .flatten()
        .and_then(|value| value.trim().parse::<u32>().ok());
    Ok((json(response).await?, total))
}

pub async fn get_bytes(path: &str, lang: &str) -> Result<Vec<u8>, ApiError> {
    let response = send("GET", path, None, None, lang).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(js_error)?)
        .await
        .map_err(js_error)?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

pub async fn post_json<T: DeserializeOwned>(
    path: &str,
    body: String,
    csrf: &str,
    lang: &str,
) -> Result<T, ApiError> {
    json(send("POST", path, Some(body), Some(csrf), lang).await?).await
}

/// [`post_json`] for a rate-limited route: a 429 is waited out (its `Retry-After`, at most a
/// minute) and the request sent once more.
pub async fn post_json_retrying_once<T: DeserializeOwned>(
    path: &str,
    body: String,
    csrf: &str,
    lang: &str,
) -> Result<T, ApiError> {
    let first = fetch("POST", path, Some(&body), Some(csrf), lang).await?;
    let response = if first.status() == 429 {
        sleep(retry_after_seconds(&first)).await;
        fetch("POST", path, Some(&body), Some(csrf), lang).await?
    } else {
        first
    };
    json(succeeded(response).await?).await
}

pub async fn delete(path: &str, csrf: &str, lang: &str) -> Result<(), ApiError> {
    send("DELETE", path, None, Some(csrf), lang)
        .await
        .map(|_| ())
}

/// Signs in; `Err` carries the status (401 wrong password, 429 too many tries).
pub async fn sign_in(email: &str, password: &str, lang: &str) -> Result<Session, ApiError> {
    let body = SignIn {
        email: email.to_owned(),
        password: password.to_owned(),
    };
    let body = serde_json::to_string(&body).map_err(|e| ApiError::Network(e.to_string()))?;
    match send("POST", "/api/session", Some(body), None, lang).await {
        Ok(response) => json(response).await,
        Err(e) => Err(e),
    }
}

/// A path component, percent-encoded.
pub fn encode(text: &str) -> String {
    String::from(js_sys::encode_uri_component(text))
}

/// The bytes of a chosen or dropped file.
pub async fn file_bytes(file: &web_sys::File) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|e| format!("{e:?}"))?;
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Offers `bytes` as a download named `name`, without any server.
pub fn save_file(name: &str, bytes: &[u8], mime: &str) -> Result<(), JsValue> {
    let array = Uint8Array::from(bytes);
    let parts = Array::of1(&array);
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    let blob = Blob::new_with_u8_array_sequence_and_options(&parts, &options)?;
    let url = web_sys::Url::create_object_url_with_blob(&blob)?;
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: web_sys::HtmlAnchorElement = document.create_element("a")?.dyn_into()?;
    anchor.set_href(&url);
    anchor.set_download(name);
    document.body().ok_or("no body")?.append_child(&anchor)?;
    anchor.click();
    anchor.remove();
    web_sys::Url::revoke_object_url(&url)
}

/// A remembered setting.
pub fn load(key: &str) -> Option<String> {
    web_sys::window()?
        .local_storage()
        .ok()??
        .get_item(key)
        .ok()?
}

pub fn store(key: &str, value: &str) {
    if let Some(storage) = web_sys::window().and_then(|w| w.local_storage().ok().flatten()) {
        let _ = storage.set_item(key, value);
    }
}

/// The browser's preferred language, for a first visit.
pub fn browser_prefers_spanish() -> bool {
    web_sys::window()
        .and_then(|w| w.navigator().language())
        .is_some_and(|l| l.to_ascii_lowercase().starts_with("es"))
}

/// Milliseconds since the page started, for the "checked in" figure.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// The time now as RFC 3339, for a change-set.
pub fn now_rfc3339() -> String {
    String::from(js_sys::Date::new_0().to_iso_string())
}
