//! `cargo xtask pkg`: builds the npm package in `pkg/dist/` from `crates/rollcall_wasm`.
//!
//! The wasm is built once with the `wasm` profile, bound by the pinned wasm-bindgen CLI for
//! Node (CommonJS, plus an ES module shim), bundlers and plain browser pages, then shrunk and
//! sped up by wasm-opt from npm's binaryen 132 (never Debian's older binaryen: its output does
//! not load with this wasm-bindgen).
//!
//! The package's wasm is optimised at `-O3` with one change: small functions of the engine's own
//! crates (up to 40 of binaryen's nodes) are inlined wherever they are called, and wasm-opt
//! inlines no function of any other crate ([`package_opt`]). Measured on the benchmark's files
//! in Node against `-O1`, in alternating rounds in one process: the CSV check about 7% faster,
//! the XLSX check about 4% faster, the gzipped size the same within 3 KB. The same inlining
//! let loose on every crate is no faster and about 18 KB larger gzipped; plain `-O3` checks
//! the XLSX about 3% slower than `-O1`.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::{cmd, npm, setup};

/// wasm-bindgen's targets and the folders of `pkg/dist/` they go to.
const TARGETS: [(&str, &str); 3] = [("nodejs", "node"), ("bundler", "bundler"), ("web", "web")];

/// binaryen's version on npm; its wasm-opt runs in Node.
const BINARYEN: &str = "binaryen@132.0.0";

/// The package's entry modules, one per build, around wasm-bindgen's modules: they export the
/// engine's functions, and `check` and `Checker.report` built from the engine's report parts by
/// the package's decoder (`pkg/js/report.js`, copied in), which is several times faster than
/// `JSON.parse` of the report's JSON. The engine's own `checkParts` stays inside.
const DECODER: &str = "pkg/js/report.js";

/// What every entry module ends with, given the engine's `checkParts` and `Checker`.
const FACE: &str = "\
function check(edited, options) {
  return decodeReport(checkParts(edited, options));
}

// The report of the file as it is now.
Checker.prototype.report = function report() {
  return decodeReport(this.reportParts());
};
";

/// The Node build's CommonJS entry.
const NODE_CJS: &str = "\
'use strict';
const engine = require('./rollcall_wasm.js');
const { checkParts, checkJson, changeSet, codes, Checker } = engine;
";

const NODE_CJS_END: &str = "\
module.exports = { check, checkJson, changeSet, codes, Checker };
";

/// The ES module face of the Node build, which is CommonJS.
const NODE_ESM: &str = "\
// The ES module entry of the package in Node: the same engine as the CommonJS build.
import entry from './index.cjs';

export const { check, checkJson, changeSet, codes, Checker } = entry;
export default entry;
";

/// The bundler and web builds' ES module entry (the web build also exports its loaders).
fn esm_entry(web: bool) -> String {
    let loaders = if web {
        "export { default, initSync } from './rollcall_wasm.js';\n"
    } else {
        ""
    };
    format!(
        "import {{ checkParts, Checker }} from './rollcall_wasm.js';\n\
         export {{ checkJson, changeSet, codes, Checker }} from './rollcall_wasm.js';\n\
         {loaders}export {{ check }};\n"
    )
}

/// Writes each build's entry module.
fn write_entries(dist: &Path) -> Result<(), String> {
    let decoder_path = cmd::root().join(DECODER);
    let decoder = std::fs::read_to_string(&decoder_path)
        .map_err(|e| format!("cannot read {}: {e}", decoder_path.display()))?;
    let header =
        "// Written by `cargo xtask pkg`: the package's entry over wasm-bindgen's module.\n";
    let body = format!("{decoder}\n{FACE}");
    write(
        &dist.join("node/index.cjs"),
        format!("{header}{NODE_CJS}\n{body}\n{NODE_CJS_END}").as_bytes(),
    )?;
    write(&dist.join("node/index.mjs"), NODE_ESM.as_bytes())?;
    for (folder, web) in [("bundler", false), ("web", true)] {
        let entry = format!("{header}{}\n{body}", esm_entry(web));
        write(&dist.join(folder).join("index.js"), entry.as_bytes())?;
    }
    Ok(())
}

pub fn dist() -> PathBuf {
    cmd::root().join("pkg/dist")
}

pub fn build() -> Result<(), String> {
    let wasm = build_wasm("pkg", "rollcall_wasm")?;
    let dist = dist();
    cmd::step("pkg: bind it for Node, bundlers and the web", || {
        let _ = std::fs::remove_dir_all(&dist);
        for (target, folder) in TARGETS {
            let out = dist.join(folder);
            cmd::run(
                "wasm-bindgen",
                &[
                    "--target",
                    target,
                    "--no-typescript",
                    "--out-dir",
                    &out.to_string_lossy(),
                    &wasm.to_string_lossy(),
                ],
            )?;
        }
        // The web and bundler builds are ES modules in `.js` files: say so to Node-based tools.
        for folder in ["web", "bundler"] {
            write(
                &dist.join(folder).join("package.json"),
                b"{\"type\": \"module\"}\n",
            )?;
        }
        write_entries(&dist)
    })?;
    cmd::step(
        "pkg: optimise with wasm-opt (binaryen 132 from npm)",
        || optimise(&dist),
    )?;
    cmd::step("pkg: sizes", || {
        for (_, folder) in TARGETS {
            let file = dist.join(folder).join("rollcall_wasm_bg.wasm");
            let (raw, gzipped) = sizes(&file)?;
            println!(
                "{:<40} {:>9} bytes, {:>8} gzipped",
                relative(&file),
                raw,
                gzipped
            );
        }
        Ok(())
    })
}

/// Sets up the wasm tools, builds `package` for wasm32 with the `wasm` profile (the step named
/// after `task`) and returns the `.wasm` file.
pub fn build_wasm(task: &str, package: &str) -> Result<PathBuf, String> {
    setup::wasm_bindgen_cli()?;
    setup::node()?;
    cmd::step(&format!("{task}: build the wasm"), || {
        cmd::cargo(&[
            "build",
            "-p",
            package,
            "--target",
            "wasm32-unknown-unknown",
            "--profile",
            "wasm",
        ])
    })?;
    Ok(cmd::root().join(format!("target/wasm32-unknown-unknown/wasm/{package}.wasm")))
}

/// Runs wasm-opt once per distinct wasm (the targets usually share one) and copies the result.
fn optimise(dist: &Path) -> Result<(), String> {
    let mut done: Vec<(Vec<u8>, PathBuf)> = Vec::new();
    for (_, folder) in TARGETS {
        let file = dist.join(folder).join("rollcall_wasm_bg.wasm");
        let bytes =
            std::fs::read(&file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
        if let Some((_, optimised)) = done.iter().find(|(original, _)| *original == bytes) {
            std::fs::copy(optimised, &file)
                .map_err(|e| format!("cannot copy to {}: {e}", file.display()))?;
            continue;
        }
        wasm_opt_with(&file, &package_opt())?;
        done.push((bytes, file));
    }
    Ok(())
}

/// The crates whose functions wasm-opt leaves where they are in the package's wasm: every
/// dependency the engine links (the names wasm-bindgen gives functions contain them).
const NOT_INLINED: &[&str] = &[
    "*calamine*",
    "*zip*",
    "*cfb*",
    "*encoding_rs*",
    "*quick_xml*",
    "*zlib_rs*",
    "*fast_float*",
    "*fmt*",
    "*typed_path*",
    "*crc32*",
    "*flate2*",
    "*wasm_bindgen*",
    "*js_sys*",
    "*serde*",
    "*std*",
    "*dlmalloc*",
    "*sha2*",
    "*uuid*",
    "*csv_core*",
    "*hashbrown*",
    "*smallvec*",
    "*memchr*",
    "*rustc_hash*",
    "*itoa*",
    "core::*",
    "core[*",
    "<core*",
    "alloc::*",
    "alloc[*",
    "<alloc*",
];

/// wasm-opt's arguments for the package: `-O3`, inlining the engine's small functions only.
/// The `--no-inline` marks must come before `-O3`, which inlines.
fn package_opt() -> Vec<String> {
    let mut args: Vec<String> = NOT_INLINED
        .iter()
        .map(|pattern| format!("--no-inline={pattern}"))
        .collect();
    args.extend(["-O3", "--always-inline-max-function-size", "40"].map(String::from));
    args
}

/// Optimises a wasm file in place with wasm-opt from npm's binaryen 132 at `level` (`-O1`, `-O3`).
pub fn wasm_opt(file: &Path, level: &str) -> Result<(), String> {
    wasm_opt_with(file, &[level.to_owned()])
}

/// Optimises a wasm file in place with wasm-opt from npm's binaryen 132, given its optimising
/// arguments (`-O3`, and any that tune it).
fn wasm_opt_with(file: &Path, optimise: &[String]) -> Result<(), String> {
    let tools = npm::tools(&[BINARYEN])?;
    let wasm_opt = tools.join("node_modules/binaryen/bin/wasm-opt");
    let file_text = file.to_string_lossy().into_owned();
    let wasm_opt = wasm_opt.to_string_lossy().into_owned();
    let mut args: Vec<&str> = vec![&wasm_opt];
    args.extend(optimise.iter().map(String::as_str));
    args.extend([
        "--enable-bulk-memory",
        "--enable-nontrapping-float-to-int",
        "--enable-sign-ext",
        "--enable-mutable-globals",
        "--enable-reference-types",
        "--enable-multivalue",
        "--enable-simd",
        &file_text,
        "-o",
        &file_text,
    ]);
    cmd::run("node", &args)
}

/// A file's size, and its size gzipped at the highest level (as a server would send it).
pub fn sizes(file: &Path) -> Result<(u64, u64), String> {
    let bytes = std::fs::read(file).map_err(|e| format!("cannot read {}: {e}", file.display()))?;
    Ok((bytes.len() as u64, gzip(&bytes)?.len() as u64))
}

/// `bytes` gzipped at the highest level.
pub fn gzip(bytes: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(bytes).map_err(|e| format!("gzip: {e}"))?;
    encoder.finish().map_err(|e| format!("gzip: {e}"))
}

pub fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

pub fn relative(path: &Path) -> String {
    path.strip_prefix(cmd::root())
        .unwrap_or(path)
        .display()
        .to_string()
}
