use rollcall_core::*;
use std::time::Instant;
fn main() {
    let dir = std::path::Path::new("target/bench-data");
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
#[allow(dead_code)]
fn extra() {}
