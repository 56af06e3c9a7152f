//! What every part of the page shares (the language, the session, the school), at the bottom of
//! the page's layers: pages and components use it, it uses none of them. Which view is shown is
//! the address's business (`paths.rs`).

use leptos::prelude::*;
use rollcall_core::Lang;

use crate::api::{self, ApiError, Session};
use crate::i18n::{Texts, texts};

/// What every part of the page shares.
#[derive(Clone, Copy)]
pub struct Ctx {
    pub lang: RwSignal<Lang>,
    pub session: RwSignal<Option<Session>>,
    pub school: RwSignal<Option<String>>,
    /// A note shown at the top of the next page (for example "upload queued").
    pub flash: RwSignal<Option<String>>,
    /// Set when the server says the session ended.
    pub expired: RwSignal<bool>,
}

impl Ctx {
    pub fn t(&self) -> &'static Texts {
        texts(self.lang.get())
    }

    pub fn lang_code(&self) -> &'static str {
        self.lang.get_untracked().as_str()
    }

    pub fn csrf(&self) -> String {
        self.session
            .with_untracked(|s| s.as_ref().map(|s| s.csrf.clone()))
            .unwrap_or_default()
    }

    /// `/api/schools/{school}{rest}` for the selected school.
    pub fn school_path(&self, rest: &str) -> String {
        let school = self.school.get_untracked().unwrap_or_default();
        format!("/api/schools/{}{rest}", api::encode(&school))
    }

    /// A failed request: a 401 means signed out.
    pub fn failed(&self, error: &ApiError) -> String {
        if matches!(error, ApiError::SignedOut) {
            self.expired.set(true);
            self.session.set(None);
            return texts(self.lang.get_untracked()).session_expired.to_owned();
        }
        format!(
            "{} {}",
            texts(self.lang.get_untracked()).request_failed,
            error.message()
        )
    }
}
