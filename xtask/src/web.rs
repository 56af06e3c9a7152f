//! `cargo xtask web`: builds the page into `web/dist/` from the `rollcall_web` crate: the wasm
//! (the `wasm` profile), bound by the pinned wasm-bindgen CLI for plain browser ES modules,
//! optimised by wasm-opt (npm binaryen 132), next to `web/static/`'s index.html and styles.
//! Every file also gets a gzipped copy, which `rollcall serve` sends to browsers that take it.

use std::path::{Path, PathBuf};

use crate::{cmd, pkg};

pub fn dist() -> PathBuf {
    cmd::root().join("web/dist")
}

pub fn build() -> Result<(), String> {
    let wasm = pkg::build_wasm("web", "rollcall_web")?;
    let dist = dist();
    cmd::step("web: bind it for the browser", || {
        let _ = std::fs::remove_dir_all(&dist);
        cmd::run(
            "wasm-bindgen",
            &[
                "--target",
                "web",
                "--no-typescript",
                "--out-dir",
                &dist.to_string_lossy(),
                &wasm.to_string_lossy(),
            ],
        )?;
        let statics = cmd::root().join("web/static");
        for entry in std::fs::read_dir(&statics)
            .map_err(|e| format!("cannot read {}: {e}", statics.display()))?
        {
            let path = entry.map_err(|e| e.to_string())?.path();
            let name = path.file_name().unwrap_or_default();
            std::fs::copy(&path, dist.join(name))
                .map_err(|e| format!("cannot copy {}: {e}", path.display()))?;
        }
        Ok(())
    })?;
    cmd::step(
        "web: optimise with wasm-opt (binaryen 132 from npm)",
        || pkg::wasm_opt(&dist.join("rollcall_web_bg.wasm"), "-O3"),
    )?;
    cmd::step("web: gzip and sizes", || {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dist)
            .map_err(|e| e.to_string())?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .collect();
        files.sort();
        for file in files {
            let (raw, gzipped) = gzip(&file)?;
            println!(
                "{:<40} {:>9} bytes, {:>8} gzipped",
                pkg::relative(&file),
                raw,
                gzipped
            );
        }
        Ok(())
    })
}

/// Writes `file.gz` beside `file`; returns both sizes.
fn gzip(file: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    let gzipped = pkg::gzip(&bytes)?;
    let mut name = file.as_os_str().to_owned();
    name.push(".gz");
    pkg::write(Path::new(&name), &gzipped)?;
    Ok((bytes.len() as u64, gzipped.len() as u64))
}
