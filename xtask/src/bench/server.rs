//! The server's benchmarks: uploads on SQLite and PostgreSQL, and the throughput of one and of
//! three `rollcall serve` processes.

use super::*;

/// The variable that gives the server's benchmarks a PostgreSQL (`postgres://…`).
const POSTGRES_VAR: &str = "ROLLCALL_BENCH_POSTGRES";

/// The server's benchmarks: uploads through the HTTP API on SQLite and on PostgreSQL
/// (crates/rollcall_server/benches/uploads/), and the throughput of one and of three
/// `rollcall serve` processes on one PostgreSQL (benches/throughput/). PostgreSQL is a
/// throw-away one with its durable defaults, started for these and stopped after them.
pub(super) fn server_table(table: &mut String) -> Result<bool, String> {
    crate::release_cli("the throughput benchmark")?;
    let results = cmd::root().join("target/bench-throughput.json");
    // A result left by an earlier run must not pass for this one's.
    let _ = std::fs::remove_file(&results);
    let pg = Postgres::start(Purpose::Bench)?;
    cmd::step(
        "criterion: the server's uploads (SQLite, and PostgreSQL)",
        || {
            cmd::cargo_env(
                &[(POSTGRES_VAR, pg.url())],
                &["bench", "-p", "rollcall_server", "--bench", "uploads"],
            )
        },
    )?;
    let binary = cmd::root().join("target/release/rollcall");
    cmd::step(
        "throughput: one and three `rollcall serve` on one PostgreSQL",
        || {
            cmd::cargo_env(
                &[
                    (POSTGRES_VAR, pg.url()),
                    ("ROLLCALL_BIN", &binary.to_string_lossy()),
                    ("ROLLCALL_BENCH_OUT", &results.to_string_lossy()),
                ],
                &["bench", "-p", "rollcall_server", "--bench", "throughput"],
            )
        },
    )?;
    drop(pg);
    let updates = criterion_time("server", "updates-10k")?;
    let on_postgres = criterion_time("server", "updates-10k-postgres")?;
    let creates = criterion_time("server", "creates-1k")?;
    let classes = criterion_time("server", "classes-10k")?;
    let hash = criterion_time("server", "argon2id-hash")?;
    let sign_in = criterion_time("server", "sign-in-under-attack")?;
    let _ = writeln!(
        table,
        "| 10,000-row change-set of updates (names, grades, Student IDs, usernames), HTTP on SQLite, POST to Completed | {} | ≤ 2 s | {} |",
        updates.shown(),
        verdict(updates.median <= 2e9)
    );
    let _ = writeln!(
        table,
        "| the same on PostgreSQL (a throw-away server with its durable defaults, same machine) | {} | ≤ 2 s | {} ({:.2}× SQLite) |",
        on_postgres.shown(),
        verdict(on_postgres.median <= 2e9),
        on_postgres.median / updates.median
    );
    let _ = writeln!(
        table,
        "| 10,000-row change-set moving every student to two other classes of the teacher, HTTP on SQLite, POST to Completed | {} | ≤ 3 s | {} |",
        classes.shown(),
        verdict(classes.median <= 3e9)
    );
    let _ = writeln!(
        table,
        "| 1,000-row change-set of new students, HTTP on SQLite, POST to Completed | {} | (reported) | {:.0} Argon2id hashes/s end to end |",
        creates.shown(),
        1000.0 / (creates.median / 1e9)
    );
    let _ = writeln!(
        table,
        "| one Argon2id hash (m=19456 KiB, t=2, p=1: OWASP minimum) on one core | {} | (reported) | {:.0} hashes/s per core |",
        hash.shown(),
        1e9 / hash.median
    );
    let _ = writeln!(
        table,
        "| a teacher's correct sign-in while 50 clients (50 addresses) send wrong passwords as fast as they are answered | {} | median < 1 s | {} |",
        sign_in.shown(),
        verdict(sign_in.median < 1e9)
    );
    let throughput_met = throughput_rows(table, &results)?;
    Ok(updates.median <= 2e9
        && classes.median <= 3e9
        && on_postgres.median <= 2e9
        && sign_in.median < 1e9
        && throughput_met)
}

/// The page's GETs must answer within this at the 99th percentile while uploads run.
const PAGE_GET_P99_MS: f64 = 200.0;

/// The throughput benchmark's rows (from the JSON it wrote): one row per number of processes,
/// and whether the page's GETs met their target in each.
fn throughput_rows(table: &mut String, results: &std::path::Path) -> Result<bool, String> {
    let [teachers, uploads, rows, poll] =
        json_numbers(results, ["/teachers", "/uploads", "/rows", "/poll_ms"])?;
    let mut met = true;
    let mut one_process = f64::NAN;
    for processes in [1, 3] {
        let pointers = [
            "uploads_per_minute",
            "seconds",
            "api_p50_ms",
            "api_p99_ms",
            "page_get_p50_ms",
            "page_get_p99_ms",
            "not_completed",
            "errors",
        ]
        .map(|name| format!("/runs/{processes}/{name}"));
        let [
            per_minute,
            seconds,
            api_p50,
            api_p99,
            page_p50,
            page_p99,
            not_completed,
            errors,
        ] = json_numbers(results, pointers.each_ref().map(String::as_str))?;
        if processes == 1 {
            one_process = per_minute;
        }
        let page_met = page_p99 < PAGE_GET_P99_MS && not_completed == 0.0;
        met &= page_met;
        let (servers, compared) = if processes == 1 {
            ("one `rollcall serve`".to_owned(), String::new())
        } else {
            (
                format!("{processes} `rollcall serve` (each request to the next in turn)"),
                format!(", {:.2}× one process", per_minute / one_process),
            )
        };
        let trouble = if not_completed > 0.0 || errors > 0.0 {
            format!("; {not_completed:.0} uploads not Completed, {errors:.0} answers not a success")
        } else {
            String::new()
        };
        let _ = writeln!(
            table,
            "| throughput: {servers} on one PostgreSQL (durable), {teachers:.0} teachers making {uploads:.0} uploads of {rows:.0} rows over loopback (updates of names and grades: no Argon2) | {per_minute:.0} uploads/min ({seconds:.1} s{compared}); every API answer p50 {} / p99 {} | (reported) | |",
            human(api_p50 * 1e6),
            human(api_p99 * 1e6),
        );
        let _ = writeln!(
            table,
            "| the page's GETs meanwhile ({processes} process{}: roster, and the Upload History polled every {poll:.0} ms) | p99 {} (p50 {}) | p99 < {PAGE_GET_P99_MS:.0} ms | {}{trouble} |",
            if processes == 1 { "" } else { "es" },
            human(page_p99 * 1e6),
            human(page_p50 * 1e6),
            verdict(page_met),
        );
    }
    Ok(met)
}

#[cfg(test)]
mod tests {
    #[test]
    fn throughput_rows_show_both_runs_and_judge_the_page_gets() {
        let path =
            std::env::temp_dir().join(format!("xtask-throughput-{}.json", std::process::id()));
        let run = |per_minute: f64, page_p99: f64| {
            serde_json::json!({
                "uploads_per_minute": per_minute, "seconds": 15.0,
                "api_p50_ms": 2.5, "api_p99_ms": 120.0,
                "page_get_p50_ms": 2.0, "page_get_p99_ms": page_p99,
                "not_completed": 0, "errors": 0,
            })
        };
        let json = serde_json::json!({
            "teachers": 30, "uploads": 300, "rows": 100, "poll_ms": 250,
            "runs": {"1": run(1000.0, 60.0), "3": run(1500.0, 250.0)},
        });
        std::fs::write(&path, json.to_string()).unwrap();
        let mut table = String::new();
        let met = super::throughput_rows(&mut table, &path);
        std::fs::remove_file(&path).unwrap();
        assert_eq!(met, Ok(false), "{table}");
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines.len(), 4, "{table}");
        assert!(lines[0].contains("1000 uploads/min"), "{table}");
        assert!(lines[1].contains("p99 60.0 ms") && lines[1].ends_with("| met |"));
        assert!(lines[2].contains("1500 uploads/min") && lines[2].contains("1.50× one process"));
        assert!(lines[3].contains("p99 250.0 ms") && lines[3].ends_with("| MISSED |"));
    }
}
