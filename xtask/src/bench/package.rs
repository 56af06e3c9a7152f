//! The npm package against the peer pipeline, PapaParse and SheetJS, and the size of its
//! `.wasm`.

use super::*;

/// The largest the package's `.wasm` may be, gzipped (pkg/test/size.test.mjs fails above it).
const WASM_GZIPPED_LIMIT: u64 = 600_000;

/// The npm package in Node against the hand-written peer pipeline, PapaParse and SheetJS on the
/// same files (pkg/bench/bench.mjs), and the size of its `.wasm`. Returns whether every target
/// was met.
pub(super) fn package_table(table: &mut String, dir: &std::path::Path) -> Result<bool, String> {
    pkg::build()?;
    let json = cmd::step(
        "node: the package, the peer pipeline, PapaParse and SheetJS",
        || {
            node_result(
                "pkg/bench",
                "pkg/bench/bench.mjs",
                &[&dir.to_string_lossy()],
            )
        },
    )?;
    let wasm = pkg::dist().join("web/rollcall_wasm_bg.wasm");
    let (raw, gzipped) = pkg::sizes(&wasm)?;
    Ok(package_rows(table, &json, raw, gzipped))
}

/// The package's rows, from bench.mjs's JSON and the `.wasm`'s sizes (raw, gzipped). Returns
/// whether every target was met.
fn package_rows(table: &mut String, json: &serde_json::Value, raw: u64, gzipped: u64) -> bool {
    let (check, peer, papa, xlsx, sheetjs) = (
        node_time(json, "package_check"),
        node_time(json, "peer"),
        node_time(json, "papaparse"),
        node_time(json, "package_xlsx"),
        node_time(json, "sheetjs"),
    );
    let (check_json, report_parse) = (
        node_time(json, "package_check_json"),
        node_time(json, "report_json_parse"),
    );
    // The median of the per-round ratios, the two sides timed in the same rounds.
    let paired = |name: &str| json["paired"][name]["median"].as_f64().unwrap_or(f64::NAN);
    let report = |name: &str| json["report"][name].as_f64().unwrap_or(f64::NAN);
    let peer_met = check.median <= peer.median / 4.0;
    let papa_met = check.median <= papa.median / 2.0;
    let xlsx_met = xlsx.median <= sheetjs.median / 4.0;
    let size_met = gzipped <= WASM_GZIPPED_LIMIT;
    let _ = writeln!(
        table,
        "| the peer pipeline a web team would write (pkg/bench/peer.mjs: PapaParse parses both CSVs, a zod schema checks each row, a Map diff by GUID with duplicate checks), in Node | {} | | |",
        peer.shown()
    );
    let _ = writeln!(
        table,
        "| PapaParse parses both CSVs (from text), in Node | {} | | |",
        papa.shown()
    );
    let _ = writeln!(
        table,
        "| npm package `check` with the original, report object, in Node (timed in the same rounds as the two above) | {} | | |",
        check.shown()
    );
    let _ = writeln!(
        table,
        "| package check vs the peer pipeline | {:.2}× the peer pipeline (round by round {:.2}×) | ≤ ¼ the peer pipeline ({}) | {} |",
        check.median / peer.median,
        paired("check_over_peer"),
        human(peer.median / 4.0),
        verdict(peer_met)
    );
    let _ = writeln!(
        table,
        "| package check vs PapaParse both files | {:.2}× PapaParse (round by round {:.2}×) | ≤ ½ PapaParse ({}) | {} |",
        check.median / papa.median,
        paired("check_over_papaparse"),
        human(papa.median / 2.0),
        verdict(papa_met)
    );
    let _ = writeln!(
        table,
        "| the same check with the report left as text (`checkJson`); `JSON.parse` of that text alone | {} | (for comparison) | `check` − `checkJson` {} (`check` builds the report object from the engine's parts); `JSON.parse` of the report's JSON alone {} ({:.1} MB, {:.0} rows) |",
        check_json.shown(),
        human(check.median - check_json.median),
        human(report_parse.median),
        report("bytes") / 1e6,
        report("rows"),
    );
    let _ = writeln!(
        table,
        "| SheetJS reads the 50,000-row XLSX into rows, in Node | {} | | |",
        sheetjs.shown()
    );
    let _ = writeln!(
        table,
        "| npm package `check` of that XLSX (read + row rules), in Node | {} | ≤ ¼ SheetJS ({}) | {:.2}× SheetJS (round by round {:.2}×), {} |",
        xlsx.shown(),
        human(sheetjs.median / 4.0),
        xlsx.median / sheetjs.median,
        paired("xlsx_over_sheetjs"),
        verdict(xlsx_met)
    );
    let _ = writeln!(
        table,
        "| `rollcall_wasm_bg.wasm` size | {:.0} KB gzipped ({:.0} KB raw) | ≤ {:.0} KB gzipped | {} |",
        gzipped as f64 / 1000.0,
        raw as f64 / 1000.0,
        WASM_GZIPPED_LIMIT as f64 / 1000.0,
        verdict(size_met)
    );
    peer_met && papa_met && xlsx_met && size_met
}

#[cfg(test)]
mod tests {
    #[test]
    fn package_rows_judge_each_ratio_and_the_size() {
        let time = |median: f64| serde_json::json!({"median_ms": median, "mean_ms": median + 1.0});
        let json = serde_json::json!({
            "package_check": time(100.0), "peer": time(500.0), "papaparse": time(150.0),
            "package_check_json": time(80.0), "report_json_parse": time(20.0),
            "package_xlsx": time(300.0), "sheetjs": time(1000.0),
            "paired": {"check_over_peer": {"median": 0.21}, "check_over_papaparse": {"median": 0.7},
                       "xlsx_over_sheetjs": {"median": 0.29}},
            "report": {"bytes": 1.5e6, "rows": 3645.0},
        });
        let mut table = String::new();
        let met = super::package_rows(&mut table, &json, 1_233_344, 586_514);
        assert!(!met, "{table}");
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 9, "{table}");
        assert!(lines[3].contains("0.20× the peer pipeline (round by round 0.21×)"));
        assert!(lines[3].ends_with("| met |"), "{table}");
        assert!(lines[4].contains("0.67× PapaParse") && lines[4].ends_with("| MISSED |"));
        assert!(
            lines[5].contains("`check` − `checkJson` 20.0 ms"),
            "{table}"
        );
        assert!(lines[5].contains("3645 rows"), "{table}");
        assert!(lines[7].contains("0.30× SheetJS") && lines[7].ends_with("MISSED |"));
        assert!(lines[8].contains("587 KB gzipped") && lines[8].ends_with("| met |"));
        let mut missing = String::new();
        let too_large = super::package_rows(&mut missing, &serde_json::json!({}), 1, 600_001);
        assert!(!too_large && missing.lines().last().unwrap().ends_with("| MISSED |"));
    }
}
