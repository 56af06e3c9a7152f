//! The roster fields and the column headers that name them.

use serde::{Deserialize, Serialize};

/// A roster field. The snake_case name is the JSON name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Guid,
    StudentId,
    FirstName,
    LastName,
    Grade,
    Username,
    Password,
    /// The importing teacher's classes of the student, listed in full.
    Classes,
}

impl Field {
    /// Every field, in export column order.
    pub const ALL: [Field; 8] = [
        Field::Guid,
        Field::StudentId,
        Field::FirstName,
        Field::LastName,
        Field::Grade,
        Field::Username,
        Field::Password,
        Field::Classes,
    ];

    /// The fields a file must have a column for.
    pub const REQUIRED: [Field; 3] = [Field::FirstName, Field::LastName, Field::Grade];

    pub fn index(self) -> usize {
        self as usize
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Field::Guid => "guid",
            Field::StudentId => "student_id",
            Field::FirstName => "first_name",
            Field::LastName => "last_name",
            Field::Grade => "grade",
            Field::Username => "username",
            Field::Password => "password",
            Field::Classes => "classes",
        }
    }

    pub fn parse(name: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|field| field.as_str() == name)
    }

    /// The header an export writes for this field.
    pub fn header(self) -> &'static str {
        match self {
            Field::Guid => "Student GUID",
            Field::StudentId => "Student ID",
            Field::FirstName => "First Name",
            Field::LastName => "Last Name",
            Field::Grade => "Grade Level",
            Field::Username => "Username",
            Field::Password => "Password",
            Field::Classes => "Classes",
        }
    }

    /// Every header accepted for this field, folded (see [`fold_header`]).
    fn aliases(self) -> &'static [&'static str] {
        match self {
            Field::Guid => &["student guid", "guid", "user guid"],
            Field::StudentId => &["student id", "studentid", "sis id"],
            Field::FirstName => &["first name", "student first name", "given name"],
            Field::LastName => &["last name", "student last name", "family name", "surname"],
            Field::Grade => &["grade level", "grade"],
            Field::Username => &["username", "user name", "login"],
            Field::Password => &["password"],
            Field::Classes => &["classes", "class", "class names", "class name"],
        }
    }
}

/// What a header cell means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderMeaning {
    Field(Field),
    /// `Error`, `Errors` or `Warnings`: the columns an Error File adds, ignored silently.
    Ignored,
    Unknown,
    /// The header cell is empty.
    Blank,
}

/// Folds a header for matching: trimmed, lower case, runs of spaces, `_` and `-` made one space.
pub fn fold_header(header: &str) -> String {
    let mut folded = String::with_capacity(header.len());
    let mut pending_space = false;
    for ch in header.trim().chars() {
        if ch.is_whitespace() || ch == '_' || ch == '-' {
            pending_space = !folded.is_empty();
        } else {
            if pending_space {
                folded.push(' ');
                pending_space = false;
            }
            folded.extend(ch.to_lowercase());
        }
    }
    folded
}

/// Says what a header cell means.
pub fn classify_header(header: &str) -> HeaderMeaning {
    let folded = fold_header(header);
    if folded.is_empty() {
        return HeaderMeaning::Blank;
    }
    if matches!(folded.as_str(), "error" | "errors" | "warnings") {
        return HeaderMeaning::Ignored;
    }
    Field::ALL
        .into_iter()
        .find(|field| field.aliases().contains(&folded.as_str()))
        .map_or(HeaderMeaning::Unknown, HeaderMeaning::Field)
}

/// The spreadsheet letter of a zero-based column index: 0 → A, 26 → AA.
pub fn column_letter(index: u32) -> String {
    let mut letters = Vec::new();
    let mut n = index + 1;
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(b'A' + rem as u8);
        n = (n - 1) / 26;
    }
    letters.reverse();
    String::from_utf8(letters).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(header: &str, expect: HeaderMeaning) {
        assert_eq!(classify_header(header), expect, "header {header:?}");
    }

    #[test]
    fn headers_fold_case_spaces_underscores_and_hyphens() {
        check("Student GUID", HeaderMeaning::Field(Field::Guid));
        check("  student__guid ", HeaderMeaning::Field(Field::Guid));
        check("STUDENT-ID", HeaderMeaning::Field(Field::StudentId));
        check("StudentID", HeaderMeaning::Field(Field::StudentId));
        check("SIS  ID", HeaderMeaning::Field(Field::StudentId));
        check("first_name", HeaderMeaning::Field(Field::FirstName));
        check("Given Name", HeaderMeaning::Field(Field::FirstName));
        check("Surname", HeaderMeaning::Field(Field::LastName));
        check("Family - Name", HeaderMeaning::Field(Field::LastName));
        check("Grade", HeaderMeaning::Field(Field::Grade));
        check("Login", HeaderMeaning::Field(Field::Username));
        check("User Name", HeaderMeaning::Field(Field::Username));
        check("User GUID", HeaderMeaning::Field(Field::Guid));
        check("PASSWORD", HeaderMeaning::Field(Field::Password));
        check("Class Names", HeaderMeaning::Field(Field::Classes));
        check("class_name", HeaderMeaning::Field(Field::Classes));
        check("CLASS", HeaderMeaning::Field(Field::Classes));
    }

    #[test]
    fn error_file_columns_are_ignored_and_others_unknown() {
        check("Error", HeaderMeaning::Ignored);
        check("errors", HeaderMeaning::Ignored);
        check("Warnings", HeaderMeaning::Ignored);
        check("Homeroom", HeaderMeaning::Unknown);
        check("First", HeaderMeaning::Unknown);
        check("   ", HeaderMeaning::Blank);
    }

    #[test]
    fn column_letters_count_like_a_spreadsheet() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(6), "G");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }
}
