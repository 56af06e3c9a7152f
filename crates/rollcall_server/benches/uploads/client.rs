//! Talking to the server over HTTP/1.1: one exchange, the teacher's sign-in, and an upload
//! followed by polls until it finished.

use super::*;

/// One HTTP/1.1 exchange; returns the status and the body.
pub(crate) fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: &[u8],
) -> (u16, Vec<u8>) {
    let mut stream = TcpStream::connect(addr).expect("connect");
    let mut request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    for (name, value) in headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).expect("write");
    stream.write_all(body).expect("write");
    let mut response = Vec::new();
    stream.read_to_end(&mut response).expect("read");
    let split = response
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("head")
        + 4;
    let head = String::from_utf8_lossy(&response[..split]).into_owned();
    let status = head
        .split(' ')
        .nth(1)
        .and_then(|s| s.parse().ok())
        .expect("status");
    (status, response[split..].to_vec())
}

impl Bench {
    /// A correct sign-in of the teacher from her own address, retried while the server says it
    /// is busy or asks to wait; how long until it succeeded.
    pub(crate) fn sign_in(&self) -> Duration {
        let body = serde_json::json!({"email": TEACHER, "password": self.password}).to_string();
        let headers = [
            ("Content-Type", "application/json"),
            ("X-Forwarded-For", "127.0.2.1"),
        ];
        let start = Instant::now();
        loop {
            let (status, reply) =
                http(self.addr, "POST", "/api/session", &headers, body.as_bytes());
            match status {
                200 => return start.elapsed(),
                429 | 503 if start.elapsed() < Duration::from_secs(60) => {
                    std::thread::sleep(Duration::from_millis(50));
                }
                _ => panic!(
                    "sign-in answered {status}: {}",
                    String::from_utf8_lossy(&reply)
                ),
            }
        }
    }

    /// Posts a change-set and returns how long until the server reports it finished.
    pub(crate) fn upload(&self, ops: Vec<Op>) -> Duration {
        let set = serde_json::json!({
            "id": uuid::Uuid::new_v4().to_string(), "school": LINCOLN,
            "created_at": "2026-11-22T10:00:00Z", "ops": ops,
            // Every student changes, on purpose: the guard is confirmed.
            "confirm": ["mass-change", "mass-create"],
        });
        let body = serde_json::to_vec(&set).expect("json");
        let headers = [
            ("Cookie", self.cookie.as_str()),
            ("X-CSRF-Token", self.csrf.as_str()),
            ("Content-Type", "application/json"),
        ];
        let start = Instant::now();
        let (status, reply) = http(
            self.addr,
            "POST",
            &format!("/api/schools/{LINCOLN}/uploads"),
            &headers,
            &body,
        );
        assert_eq!(status, 202, "{}", String::from_utf8_lossy(&reply));
        let id = serde_json::from_slice::<serde_json::Value>(&reply).expect("json")["id"]
            .as_str()
            .expect("id")
            .to_owned();
        loop {
            let (_, reply) = http(
                self.addr,
                "GET",
                &format!("/api/schools/{LINCOLN}/uploads"),
                &headers[..1],
                b"",
            );
            let history: serde_json::Value = serde_json::from_slice(&reply).expect("json");
            let upload = history
                .as_array()
                .and_then(|h| h.iter().find(|u| u["id"] == id.as_str()))
                .expect("upload");
            let status: Option<UploadStatus> =
                upload["status"].as_str().and_then(|s| s.parse().ok());
            match status {
                Some(UploadStatus::Completed) => return start.elapsed(),
                Some(UploadStatus::Queued | UploadStatus::InProgress) => {
                    std::thread::sleep(Duration::from_millis(5))
                }
                other => panic!("upload ended {other:?}: {upload}"),
            }
        }
    }
}
