//! Matching a row to an existing student (SPEC section 5): GUID, then Student ID, then
//! username, else a new student; and *identifying* the exported student a row with a changed or
//! deleted GUID still describes.
//!
//! A row's match depends only on its own values, the roster and which GUIDs are on some row of
//! the file; the incremental checker relies on that.

use serde::Serialize;

use crate::roster::Roster;
use crate::rules::RowValues;

/// How a row found its student.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchedBy {
    Guid,
    StudentId,
    Username,
}

/// The GUID finding of a row, at most one (they come first in the precedence of SPEC 5).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GuidProblem {
    /// Not a GUID of the original, and the row identifies an original row.
    Modified,
    /// The GUID cell is blank in a file with a GUID column, and the row identifies an original row.
    Removed,
    /// A well-formed GUID that belongs to no student and identifies nothing.
    Unknown,
    /// A malformed GUID that identifies nothing.
    Invalid,
}

/// What matching decided for one row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RowMatch {
    /// The student the row updates.
    pub student: Option<u32>,
    /// The exported student a row with a GUID problem still describes.
    pub identified: Option<u32>,
    /// How `student` or `identified` was found.
    pub by: Option<MatchedBy>,
    pub guid_problem: Option<GuidProblem>,
}

impl RowMatch {
    /// The student the row is about: matched, or else identified.
    pub fn subject(&self) -> Option<u32> {
        self.student.or(self.identified)
    }
}

/// Finds the original row a row identifies: the first original row with the row's Student ID
/// or, failing that, its username, whose GUID is on no row of the file.
fn identify(
    values: &RowValues,
    roster: &Roster,
    guid_on_file: &dyn Fn(&str) -> bool,
) -> Option<(u32, MatchedBy)> {
    let free = |candidates: &[u32]| {
        candidates
            .iter()
            .copied()
            .find(|&s| !guid_on_file(&roster.student(s).guid))
    };
    if let Some(key) = values.student_id_key()
        && let Some(student) = free(roster.by_student_id(&key))
    {
        return Some((student, MatchedBy::StudentId));
    }
    let username = values.username.as_deref()?;
    free(roster.by_username(username)).map(|s| (s, MatchedBy::Username))
}

/// Matches one non-blank row. `has_guid_column` says whether the file has a GUID column;
/// `guid_on_file` whether a (lower-case) GUID is on some row of the file.
pub fn match_row(
    values: &RowValues,
    has_guid_column: bool,
    roster: Option<&Roster>,
    guid_on_file: &dyn Fn(&str) -> bool,
) -> RowMatch {
    let Some(roster) = roster else {
        let guid_problem = match &values.guid {
            Some(_) if !values.guid_valid => Some(GuidProblem::Invalid),
            _ => None,
        };
        return RowMatch {
            guid_problem,
            ..RowMatch::default()
        };
    };
    let identified = |problem| {
        identify(values, roster, guid_on_file).map(|(student, by)| RowMatch {
            student: None,
            identified: Some(student),
            by: Some(by),
            guid_problem: Some(problem),
        })
    };
    if let Some(guid) = &values.guid {
        if values.guid_valid
            && let Some(student) = roster.by_guid(guid)
        {
            return RowMatch {
                student: Some(student),
                identified: None,
                by: Some(MatchedBy::Guid),
                guid_problem: None,
            };
        }
        return identified(GuidProblem::Modified).unwrap_or(RowMatch {
            guid_problem: Some(if values.guid_valid {
                GuidProblem::Unknown
            } else {
                GuidProblem::Invalid
            }),
            ..RowMatch::default()
        });
    }
    if has_guid_column && let Some(found) = identified(GuidProblem::Removed) {
        return found;
    }
    let found = |student: Option<&u32>, by| RowMatch {
        student: student.copied(),
        identified: None,
        by: Some(by),
        guid_problem: None,
    };
    if let Some(key) = values.student_id_key()
        && let Some(student) = roster.by_student_id(&key).first()
    {
        return found(Some(student), MatchedBy::StudentId);
    }
    if let Some(username) = &values.username
        && let Some(student) = roster.by_username(username).first()
    {
        return found(Some(student), MatchedBy::Username);
    }
    RowMatch::default()
}
