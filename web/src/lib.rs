//! The Rollcall page (Leptos, client-side rendered): sign in, export, choose a file, see every
//! problem on its row the moment it is chosen, fix it in place, upload only what is valid, and
//! follow the Upload History. Every verdict comes from `rollcall_core`, compiled into this
//! page's WebAssembly; nothing here re-implements a rule.

pub mod api;
pub mod app;
pub mod classes;
pub mod ctx;
pub mod history;
pub mod i18n;
pub mod import;
pub mod paths;
pub mod revert;
pub mod student;
pub mod students;
pub mod upload;
pub mod work;

#[cfg(target_arch = "wasm32")]
#[wasm_bindgen::prelude::wasm_bindgen(start)]
pub fn start() {
    leptos::mount::mount_to_body(app::App);
}
