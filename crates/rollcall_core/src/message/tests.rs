//! The messages' texts in both languages, and the arguments they are built from.

use super::*;

#[test]
fn rows_read_as_a_list_in_either_language() {
    let rows = Rows(vec![SheetRow::new(3), SheetRow::new(5), SheetRow::new(9)]);
    assert_eq!(rows.text(Lang::En), "rows 3, 5 and 9");
    assert_eq!(rows.text(Lang::Es), "las filas 3, 5 y 9");
    assert_eq!(rows.value().as_deref(), Some("3, 5, 9"));
    assert_eq!(Rows(vec![SheetRow::new(7)]).text(Lang::En), "row 7");
    assert_eq!(Rows(vec![SheetRow::new(7)]).text(Lang::Es), "la fila 7");
}

#[test]
fn a_finding_renders_in_both_languages_and_gives_its_args() {
    let finding = Finding::DuplicateGuid {
        value: "ab".to_owned(),
        rows: Rows(vec![SheetRow::new(4), SheetRow::new(6)]),
    };
    assert_eq!(
        render(&finding, Lang::En),
        "Student GUID ab is also on rows 4 and 6. Each student belongs on one row only."
    );
    assert!(render(&finding, Lang::Es).contains("las filas 4 y 6"));
    assert_eq!(
        args(&finding),
        [
            ("value".to_owned(), "ab".to_owned()),
            ("rows".to_owned(), "4, 6".to_owned())
        ]
    );
}

#[test]
fn a_student_gives_its_parts_in_args() {
    let finding = Finding::RowNotInFile {
        name: "Ann Lee".to_owned(),
        student: Identity {
            export_row: Some(SheetRow::new(9)),
            username: Some("ann.lee".to_owned()),
            guid: "g".to_owned(),
        },
    };
    assert_eq!(
        render(&finding, Lang::En),
        "Ann Lee (export row 9, username ann.lee, GUID g) is not in this file and will be \
         left unchanged; importing never deletes a student."
    );
    let keys: Vec<String> = args(&finding).into_iter().map(|(k, _)| k).collect();
    assert_eq!(
        keys,
        ["name", "student", "student_export_row", "student_username"]
    );
}

#[test]
fn values_are_shown_with_their_line_breaks_made_visible() {
    let finding = Finding::InvalidGrade {
        value: "3\n".to_owned(),
    };
    assert!(render(&finding, Lang::En).starts_with("Grade \"3⏎\""));
    assert_eq!(args(&finding)[0].1, "3\n");
}
