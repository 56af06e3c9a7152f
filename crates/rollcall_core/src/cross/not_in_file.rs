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

use crate::code::Finding;
use crate::diagnostic::Diagnostic;
use crate::roster::StudentRef;

pub fn diagnostic(student: &StudentRef) -> Diagnostic {
    Diagnostic::new(
        Finding::RowNotInFile {
            name: student.full_name(),
            student: student.into(),
        },
        None,
    )
}
