//! ## What it does
//! An exported student that no row of the file matched or identified: info `row-not-in-file`
//! (row null), naming the export row and the student. Importing never deletes a student.
//!
//! ## Why it matters
//! A teacher who deleted a row to remove a student learns that the student stays.
//!
//! ## Example
//! The export had 40 students; the file has 39 rows.
//!
//! ## Fix
//! Nothing to fix; remove students through the roster instead.

use crate::code::{Code, Lang};
use crate::cross::student_phrase;
use crate::diagnostic::{Diagnostic, DiagnosticBuilder};
use crate::roster::StudentRef;

pub fn diagnostic(student: &StudentRef, lang: Lang) -> Diagnostic {
    DiagnosticBuilder::new(Code::RowNotInFile, None)
        .arg("name", student.full_name())
        .arg("student", student_phrase(student))
        .build(lang)
}
