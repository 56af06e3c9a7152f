//! Matching a row to an existing student (SPEC section 5): GUID, then Student ID, then
//! username, else a new student; and *identifying* the exported student a row with a changed or
//! deleted GUID still describes.
//!
//! A row's match depends only on its own values, the roster and which GUIDs are on some row of
//! the file; the incremental checker relies on that.

use serde::Serialize;

use crate::key_index::KeyId;
use crate::position::StudentIndex;
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

impl MatchedBy {
    pub fn as_str(self) -> &'static str {
        match self {
            MatchedBy::Guid => "guid",
            MatchedBy::StudentId => "student_id",
            MatchedBy::Username => "username",
        }
    }
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
    pub student: Option<StudentIndex>,
    /// The exported student a row with a GUID problem still describes.
    pub identified: Option<StudentIndex>,
    /// How `student` or `identified` was found.
    pub by: Option<MatchedBy>,
    pub guid_problem: Option<GuidProblem>,
    /// The row's Student ID and username as keys of the roster (the students holding them).
    pub roster_student_id: Option<KeyId>,
    pub roster_username: Option<KeyId>,
    /// The row's Classes cell reads exactly as its subject's list is exported, so it names no
    /// new class and changes none (set by the checker, which knows the cell).
    pub exported_classes: bool,
}

impl RowMatch {
    /// The student the row is about: matched, or else identified.
    pub fn subject(&self) -> Option<StudentIndex> {
        self.student.or(self.identified)
    }
}

/// Finds the original row a row identifies: the first original row with the row's Student ID
/// or, failing that, its username, whose GUID is on no row of the file.
fn identify(
    keys: &RowMatch,
    roster: &Roster,
    guid_on_file: &dyn Fn(StudentIndex) -> bool,
) -> Option<(StudentIndex, MatchedBy)> {
    let free = |candidates: &[StudentIndex]| candidates.iter().copied().find(|&s| !guid_on_file(s));
    if let Some(student) = free(roster.with_student_id(keys.roster_student_id)) {
        return Some((student, MatchedBy::StudentId));
    }
    free(roster.with_username(keys.roster_username)).map(|s| (s, MatchedBy::Username))
}

/// Matches one non-blank row. `text` is the table's text the values' spans point into;
/// `roster_guid` is the row's GUID as a key of the roster (when the roster holds it);
/// `has_guid_column` says whether the file has a GUID column; `guid_on_file` whether a
/// student's GUID is on some row of the file.
pub fn match_row(
    values: &RowValues,
    text: &str,
    roster_guid: Option<KeyId>,
    has_guid_column: bool,
    roster: Option<&Roster>,
    guid_on_file: &dyn Fn(StudentIndex) -> bool,
) -> RowMatch {
    let Some(roster) = roster else {
        let guid_problem = match values.guid {
            Some(_) if !values.guid_valid => Some(GuidProblem::Invalid),
            _ => None,
        };
        return RowMatch {
            guid_problem,
            ..RowMatch::default()
        };
    };
    // A row whose GUID finds its student usually keeps that student's Student ID and
    // username: their keys are known without a lookup.
    if values.guid_valid
        && let Some(student) = roster.with_guid(roster_guid)
    {
        return RowMatch {
            student: Some(student),
            by: Some(MatchedBy::Guid),
            roster_student_id: values
                .student_id
                .and_then(|id| roster.student_id_key_near(student, id.get(text))),
            roster_username: values
                .username
                .and_then(|name| roster.username_key_near(student, name.get(text))),
            ..RowMatch::default()
        };
    }
    // The roster's students holding the row's Student ID and username, found once.
    let keys = RowMatch {
        roster_student_id: values
            .student_id
            .and_then(|id| roster.student_id_key(id.get(text))),
        roster_username: values
            .username
            .and_then(|name| roster.username_key(name.get(text))),
        ..RowMatch::default()
    };
    let identified = |problem| {
        identify(&keys, roster, guid_on_file).map(|(student, by)| RowMatch {
            identified: Some(student),
            by: Some(by),
            guid_problem: Some(problem),
            ..keys
        })
    };
    if values.guid.is_some() {
        return identified(GuidProblem::Modified).unwrap_or(RowMatch {
            guid_problem: Some(if values.guid_valid {
                GuidProblem::Unknown
            } else {
                GuidProblem::Invalid
            }),
            ..keys
        });
    }
    if has_guid_column && let Some(found) = identified(GuidProblem::Removed) {
        return found;
    }
    let found = |student: Option<&StudentIndex>, by| RowMatch {
        student: student.copied(),
        by: Some(by),
        ..keys
    };
    if let Some(student) = roster.with_student_id(keys.roster_student_id).first() {
        return found(Some(student), MatchedBy::StudentId);
    }
    if let Some(student) = roster.with_username(keys.roster_username).first() {
        return found(Some(student), MatchedBy::Username);
    }
    keys
}
