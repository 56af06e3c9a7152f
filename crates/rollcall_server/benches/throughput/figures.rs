//! A run's figures: uploads a minute and percentiles of the answer times.

use super::*;

/// Percentile `q` (0..=1) of sorted times, in milliseconds.
pub(crate) fn percentile(sorted: &[Duration], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted[rank - 1].as_secs_f64() * 1e3
}

/// A run's figures.
pub(crate) struct Figures {
    pub(crate) processes: usize,
    pub(crate) seconds: f64,
    pub(crate) uploads_per_minute: f64,
    pub(crate) completed: usize,
    pub(crate) not_completed: usize,
    pub(crate) requests: usize,
    pub(crate) errors: usize,
    /// p50 and p99 in ms: every answer; the page's GETs; each kind; POST to Completed.
    pub(crate) api: (f64, f64),
    pub(crate) page_gets: (f64, f64),
    pub(crate) by_kind: BTreeMap<Kind, (f64, f64, usize)>,
    pub(crate) upload_done: (f64, f64),
}

impl Figures {
    pub(crate) fn json(&self) -> serde_json::Value {
        let kinds: serde_json::Map<String, serde_json::Value> = self
            .by_kind
            .iter()
            .map(|(kind, (p50, p99, n))| {
                (
                    format!("{kind:?}").to_lowercase(),
                    serde_json::json!({"p50_ms": p50, "p99_ms": p99, "requests": n}),
                )
            })
            .collect();
        serde_json::json!({
            "processes": self.processes,
            "seconds": self.seconds,
            "uploads_per_minute": self.uploads_per_minute,
            "completed": self.completed,
            "not_completed": self.not_completed,
            "requests": self.requests,
            "errors": self.errors,
            "api_p50_ms": self.api.0,
            "api_p99_ms": self.api.1,
            "page_get_p50_ms": self.page_gets.0,
            "page_get_p99_ms": self.page_gets.1,
            "upload_p50_ms": self.upload_done.0,
            "upload_p99_ms": self.upload_done.1,
            "kinds": kinds,
        })
    }
}
