//! Times each phase of a check of the benchmark's pair (`cargo xtask bench` writes it into
//! `target/bench-data`): reading the export, building its roster, checking the edited file,
//! the report, its JSON and dropping it all. A tool for profiling one phase at a time
//! (`RAYON_NUM_THREADS=1 valgrind --tool=callgrind target/release/examples/phases`), not a
//! benchmark: the figures are criterion's (`cargo xtask bench`).
//!
//! `cargo run --release -p rollcall_core --example phases [folder]` (the folder holding
//! `export.csv` and `edited.csv`; `target/bench-data/classes` is the pair with classes)

use rollcall_core::*;
use std::time::Instant;
fn main() {
    let dir = std::path::PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "target/bench-data".into()),
    );
    let export = std::fs::read(dir.join("export.csv")).unwrap();
    let edited = std::fs::read(dir.join("edited.csv")).unwrap();
    let o = Options::default();
    let t = Instant::now();
    let r = read::read(&export, None, &o);
    println!("read export {:?}", t.elapsed());
    let t = Instant::now();
    let roster = Roster::from_export(r.table);
    println!("roster {:?}", t.elapsed());
    let t = Instant::now();
    let c = Checker::with_roster(Input::new(&edited, None), Some(roster), &o);
    println!("checker {:?}", t.elapsed());
    let t = Instant::now();
    let rep = c.report();
    println!("report {:?}", t.elapsed());
    let t = Instant::now();
    let j = rep.to_json(Lang::En);
    println!("json {:?} {}", t.elapsed(), j.len());
    let t = Instant::now();
    drop(rep);
    drop(c);
    println!("drop {:?}", t.elapsed());
}
