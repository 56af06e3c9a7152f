//! Installs what the build needs, or says exactly what is missing.

use crate::cmd;

pub fn setup() -> Result<(), String> {
    cmd::step("set-up: wasm32-unknown-unknown target", || {
        let installed = cmd::output("rustup", &["target", "list", "--installed"]).map_err(|e| {
            format!("{e}\nrustup is needed to add the wasm32 target (https://rustup.rs)")
        })?;
        if installed
            .lines()
            .any(|l| l.trim() == "wasm32-unknown-unknown")
        {
            println!("already installed");
            return Ok(());
        }
        cmd::run("rustup", &["target", "add", "wasm32-unknown-unknown"]).map_err(|e| {
            format!("{e}\nthe wasm32 target could not be installed; run `rustup target add wasm32-unknown-unknown` by hand")
        })
    })
}
