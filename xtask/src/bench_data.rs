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
    let classes = dir.join("classes");
    std::fs::create_dir_all(&classes).map_err(|e| format!("{}: {e}", classes.display()))?;
    let (export, edited, moved) = with_classes(&export, &edited);
    write("classes/export.csv", &export)?;
    write("classes/edited.csv", &edited)?;
    Ok(format!(
        "{ROWS} exported rows; edited copy: {changed} edited, {new} replaced by new students, {bad} with bad values; \
         the same pair with a Classes column (classes/): two classes a student, {moved} rows moving class"
    ))
}

/// How many classes the teacher of the benchmark has.
const CLASSES: usize = 40;

/// The pair with a Classes column: each student in two of the teacher's classes (the same two
/// in both files), and 5% of the edited rows moving from one class to another. Returns the
/// two files and how many rows move.
fn with_classes(export: &str, edited: &str) -> (String, String, usize) {
    let class = |k: usize| format!("Class {:02}", k % CLASSES);
    let pair = |row: usize| {
        let (a, b) = (row % CLASSES, (row * 7 + 3) % CLASSES);
        let b = if a == b { (b + 1) % CLASSES } else { b };
        (a.min(b), a.max(b))
    };
    let mut random = Random(17);
    let mut moved = 0;
    let add = |text: &str, edit: &mut dyn FnMut(usize, (usize, usize)) -> String| {
        let mut out = String::with_capacity(text.len() + text.len() / 3);
        for (row, line) in text.lines().enumerate() {
            out.push_str(line);
            out.push(',');
            out.push_str(&if row == 0 {
                "Classes".to_owned()
            } else {
                edit(row, pair(row))
            });
            out.push('\n');
        }
        out
    };
    let export = add(export, &mut |_, (a, b)| {
        format!("{}; {}", class(a), class(b))
    });
    let edited = add(edited, &mut |_, (a, b)| {
        if random.below(100) < 5 {
            moved += 1;
            let c = (b + 1 + random.below(CLASSES - 2)) % CLASSES;
            let c = if c == a { (c + 1) % CLASSES } else { c };
            format!("{}; {}", class(a), class(c))
        } else {
            format!("{}; {}", class(a), class(b))
        }
    });
    (export, edited, moved)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_classes_pair_gives_every_row_two_classes_and_moves_some() {
        let export: String = std::iter::once(HEADER.to_owned())
            .chain((0..2000).map(|i| format!("g{i},,A,B,03,u{i},")))
            .map(|line| line + "\n")
            .collect();
        let (with_export, with_edited, moved) = with_classes(&export, &export);
        let cells = |text: &str| -> Vec<String> {
            text.lines()
                .map(|l| l.rsplit(',').next().unwrap_or("").to_owned())
                .collect()
        };
        let (before, after) = (cells(&with_export), cells(&with_edited));
        assert_eq!(before[0], "Classes");
        assert!(
            before[1..].iter().all(|c| c.split("; ").count() == 2),
            "two classes a student"
        );
        let differ = before.iter().zip(&after).filter(|(a, b)| a != b).count();
        assert_eq!(differ, moved);
        assert!(
            (60..=140).contains(&moved),
            "about 5% of 2,000 rows move: {moved}"
        );
        assert!(after[1..].iter().all(|c| {
            let names: Vec<&str> = c.split("; ").collect();
            names.len() == 2 && names[0] != names[1]
        }));
    }
}
