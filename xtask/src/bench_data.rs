//! The benchmark's files: a 50,000-row export and an edited copy in which 5% of the rows are
//! edited, 1% are replaced by new students, and a few values are bad. Deterministic.

use std::fmt::Write;
use std::path::Path;

pub const ROWS: usize = 50_000;
const HEADER: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password";
const FIRST: [&str; 16] = [
    "Ana", "Ben", "Chloé", "Dmitri", "Élodie", "Finn", "Grace", "Hana", "Isla", "José", "Kai",
    "Léa", "Mia", "Noah", "Omar", "Zoë",
];
const LAST: [&str; 16] = [
    "Andersson",
    "Brown",
    "Cohen",
    "Dubois",
    "García",
    "Hernández",
    "Ivanova",
    "Kim",
    "Lopez",
    "Müller",
    "Nguyễn",
    "Okafor",
    "Patel",
    "Rossi",
    "Sato",
    "Smith",
];
const GRADES: [&str; 14] = [
    "PK", "KG", "01", "02", "03", "04", "05", "06", "07", "08", "09", "10", "11", "12",
];

/// A small deterministic generator (SplitMix64).
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn guid(&mut self) -> String {
        let (a, b) = (self.next(), self.next());
        format!(
            "{:08x}-{:04x}-4{:03x}-{:04x}-{:012x}",
            a >> 32,
            (a >> 16) & 0xffff,
            a & 0xfff,
            0x8000 | (b >> 48) & 0x3fff,
            b & 0xffff_ffff_ffff
        )
    }
}

struct Student {
    guid: String,
    id: String,
    first: &'static str,
    last: &'static str,
    grade: &'static str,
    username: String,
}

fn line(out: &mut String, s: &Student, password: &str) {
    let _ = writeln!(
        out,
        "{},{},{},{},{},{},{password}",
        s.guid, s.id, s.first, s.last, s.grade, s.username
    );
}

/// The edited file as a workbook, every cell a text cell, the way a spreadsheet program saves a
/// roster whose columns are formatted as Text. (The generated CSV has no quoted fields.)
fn write_xlsx(path: &Path, csv: &str) -> Result<(), String> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let sheet = workbook.add_worksheet();
    sheet.set_name("Students").map_err(|e| e.to_string())?;
    for (row, line) in csv.lines().enumerate() {
        for (column, value) in line.split(',').enumerate() {
            if !value.is_empty() {
                sheet
                    .write_string(row as u32, column as u16, value)
                    .map_err(|e| format!("{}: {e}", path.display()))?;
            }
        }
    }
    workbook
        .save(path)
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// Writes export.csv, edited.csv and edited.xlsx into `dir`; returns a line describing the edit.
pub fn generate(dir: &Path) -> Result<String, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut random = Random(2026);
    let students: Vec<Student> = (0..ROWS)
        .map(|i| {
            let first = FIRST[random.below(FIRST.len())];
            let last = LAST[random.below(LAST.len())];
            Student {
                guid: random.guid(),
                id: format!("{:06}", (i * 7919) % 1_000_000),
                first,
                last,
                grade: GRADES[random.below(GRADES.len())],
                username: format!("s{i}.{}", random.below(1000)),
            }
        })
        .collect();
    let mut export = format!("{HEADER}\n");
    for s in &students {
        line(&mut export, s, "");
    }
    let mut edited = format!("{HEADER}\n");
    let (mut changed, mut new, mut bad) = (0, 0, 0);
    for (i, s) in students.iter().enumerate() {
        match random.below(1000) {
            0..=9 => {
                // 1%: replaced by a new student (the exported one is then not in the file).
                new += 1;
                let _ = writeln!(
                    edited,
                    ",,{},{},{},new.{i},",
                    FIRST[random.below(FIRST.len())],
                    LAST[random.below(LAST.len())],
                    GRADES[random.below(GRADES.len())]
                );
            }
            10..=59 => {
                changed += 1;
                let edit = Student {
                    guid: s.guid.clone(),
                    id: s.id.clone(),
                    first: FIRST[random.below(FIRST.len())],
                    last: s.last,
                    grade: GRADES[random.below(GRADES.len())],
                    username: format!("{}.renamed", s.username),
                };
                line(
                    &mut edited,
                    &edit,
                    if i % 3 == 0 { "Sunflower!42" } else { "" },
                );
            }
            60..=64 => {
                // Bad values: a misspelt grade, a username with a space, lost leading zeros.
                bad += 1;
                let mut edit = Student {
                    guid: s.guid.clone(),
                    id: s.id.clone(),
                    username: s.username.clone(),
                    ..*s
                };
                match i % 3 {
                    0 => edit.grade = "Grade Z",
                    1 => edit.username = format!("{} x", s.username),
                    _ => edit.id = s.id.trim_start_matches('0').to_owned(),
                }
                line(&mut edited, &edit, "");
            }
            _ => line(&mut edited, s, ""),
        }
    }
    let write = |name: &str, text: &str| {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))
    };
    write("export.csv", &export)?;
    write("edited.csv", &edited)?;
    write_xlsx(&dir.join("edited.xlsx"), &edited)?;
    Ok(format!(
        "{ROWS} exported rows; edited copy: {changed} edited, {new} replaced by new students, {bad} with bad values"
    ))
}
