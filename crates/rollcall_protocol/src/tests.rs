//! The wire spelling of every value and field, pinned: a rename fails here before it reaches a
//! client (SPEC section 10).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::*;

/// `value` serialises to exactly `expected`, and `expected` reads back as `value`.
fn round_trip<T>(value: &T, expected: Value)
where
    T: Serialize + DeserializeOwned + PartialEq + fmt::Debug,
{
    assert_eq!(serde_json::to_value(value).expect("serialises"), expected);
    let read: T = serde_json::from_value(expected).expect("deserialises");
    assert_eq!(&read, value);
}

/// Each variant's text, through serde, `as_str`, `FromStr` and `TryFrom`; the table must name
/// every variant.
fn check_enum<T>(all: &[T], table: &[(T, &str)])
where
    T: Serialize + DeserializeOwned + PartialEq + fmt::Debug + Copy + FromStr + fmt::Display,
    T: TryFrom<String>,
    <T as FromStr>::Err: fmt::Debug,
    <T as TryFrom<String>>::Error: fmt::Debug,
{
    assert_eq!(
        all.len(),
        table.len(),
        "every variant is pinned: {all:?} against {table:?}"
    );
    for (value, text) in table {
        round_trip(value, json!(text));
        assert_eq!(value.to_string(), *text);
        assert_eq!(&text.parse::<T>().expect("parses"), value);
        assert_eq!(&T::try_from((*text).to_owned()).expect("reads"), value);
    }
}

#[test]
fn upload_statuses_are_spelled_as_in_the_spec() {
    check_enum(
        UploadStatus::ALL,
        &[
            (UploadStatus::Queued, "Queued"),
            (UploadStatus::InProgress, "In Progress"),
            (UploadStatus::Completed, "Completed"),
            (UploadStatus::CompletedWithErrors, "Completed with Errors"),
            (UploadStatus::Failed, "Failed"),
        ],
    );
    for status in UploadStatus::ALL {
        assert_eq!(UploadStatus::try_from(status.as_str()), Ok(*status));
    }
    let finals: Vec<_> = UploadStatus::ALL
        .iter()
        .filter(|s| s.is_final())
        .copied()
        .collect();
    assert_eq!(
        finals,
        [
            UploadStatus::Completed,
            UploadStatus::CompletedWithErrors,
            UploadStatus::Failed
        ]
    );
}

#[test]
fn row_states_are_spelled_in_lower_case() {
    check_enum(
        RowState::ALL,
        &[
            (RowState::Pending, "pending"),
            (RowState::Applied, "applied"),
            (RowState::Failed, "failed"),
        ],
    );
}

#[test]
fn upload_kinds_are_spelled_in_lower_case() {
    check_enum(
        UploadKind::ALL,
        &[
            (UploadKind::File, "file"),
            (UploadKind::Changeset, "changeset"),
            (UploadKind::Revert, "revert"),
        ],
    );
}

#[test]
fn error_codes_are_spelled_as_the_api_documents_them() {
    check_enum(
        ErrorCode::ALL,
        &[
            (ErrorCode::BadRequest, "bad-request"),
            (ErrorCode::Unauthorized, "unauthorized"),
            (ErrorCode::PasswordExpired, "password-expired"),
            (ErrorCode::BadCsrfToken, "bad-csrf-token"),
            (ErrorCode::NotFound, "not-found"),
            (ErrorCode::TooLarge, "too-large"),
            (ErrorCode::Conflict, "conflict"),
            (ErrorCode::ConfirmNeeded, "confirm-needed"),
            (ErrorCode::FileRejected, "file-rejected"),
            (ErrorCode::RequestTimeout, "request-timeout"),
            (ErrorCode::TooManyRequests, "too-many-requests"),
            (ErrorCode::Busy, "busy"),
            (ErrorCode::Internal, "internal"),
        ],
    );
}

#[test]
fn worker_codes_are_spelled_as_the_api_documents_them() {
    check_enum(
        WorkerCode::ALL,
        &[
            (WorkerCode::UploadFailed, "upload-failed"),
            (WorkerCode::PasswordUnhashable, "password-unhashable"),
            (WorkerCode::RowUnreadable, "row-unreadable"),
        ],
    );
}

#[test]
fn file_formats_and_upload_files_are_spelled_in_lower_case() {
    check_enum(
        FileFormat::ALL,
        &[(FileFormat::Csv, "csv"), (FileFormat::Xlsx, "xlsx")],
    );
    check_enum(
        UploadFile::ALL,
        &[
            (UploadFile::Uploaded, "uploaded"),
            (UploadFile::Completed, "completed"),
            (UploadFile::Error, "error"),
        ],
    );
    assert_eq!(FileFormat::Csv.content_type(), "text/csv; charset=utf-8");
}

#[test]
fn an_unknown_or_differently_cased_value_is_refused() {
    for text in ["queued", "In progress", "Completed With Errors", ""] {
        let error = text.parse::<UploadStatus>().expect_err(text);
        assert_eq!(error.value, text);
        assert!(serde_json::from_value::<UploadStatus>(json!(text)).is_err());
    }
    assert_eq!(
        RowState::try_from("Applied")
            .expect_err("case matters")
            .to_string(),
        "unknown row state \"Applied\""
    );
    assert!("File".parse::<UploadKind>().is_err());
}

#[test]
fn counts_of_a_queued_upload_hold_only_rows() {
    round_trip(
        &UploadCounts {
            rows: 3,
            ..UploadCounts::default()
        },
        json!({"rows": 3}),
    );
    round_trip(
        &UploadCounts {
            rows: 5,
            applied: Some(4),
            created: Some(1),
            updated: Some(3),
            failed: Some(1),
            kept: None,
        },
        json!({"rows": 5, "applied": 4, "created": 1, "updated": 3, "failed": 1}),
    );
}

#[test]
fn a_revert_names_what_it_reverts_and_counts_the_students_it_kept() {
    let revert = UploadSummary {
        id: "u2".to_owned(),
        file_name: "Revert of students.csv".to_owned(),
        status: UploadStatus::Completed,
        created_at: "2026-01-03T00:00:00Z".to_owned(),
        finished_at: Some("2026-01-03T00:00:01Z".to_owned()),
        counts: UploadCounts {
            rows: 3,
            applied: Some(3),
            created: Some(0),
            updated: Some(2),
            failed: Some(0),
            kept: Some(1),
        },
        reverts: Some("u1".to_owned()),
        reverted_by: None,
        revertible_until: Some("2026-02-02T00:00:01Z".to_owned()),
    };
    round_trip(
        &revert,
        json!({
            "id": "u2",
            "file_name": "Revert of students.csv",
            "status": "Completed",
            "created_at": "2026-01-03T00:00:00Z",
            "finished_at": "2026-01-03T00:00:01Z",
            "counts": {"rows": 3, "applied": 3, "created": 0, "updated": 2, "failed": 0,
                       "kept": 1},
            "reverts": "u1",
            "revertible_until": "2026-02-02T00:00:01Z",
        }),
    );
}

fn summary() -> UploadSummary {
    UploadSummary {
        id: "u1".to_owned(),
        file_name: "students.csv".to_owned(),
        status: UploadStatus::CompletedWithErrors,
        created_at: "2026-01-02T03:04:05Z".to_owned(),
        finished_at: None,
        counts: UploadCounts {
            rows: 2,
            ..UploadCounts::default()
        },
        reverts: None,
        reverted_by: None,
        revertible_until: None,
    }
}

#[test]
fn a_history_entry_and_an_upload_with_its_rows() {
    let entry = json!({
        "id": "u1",
        "file_name": "students.csv",
        "status": "Completed with Errors",
        "created_at": "2026-01-02T03:04:05Z",
        "finished_at": null,
        "counts": {"rows": 2},
    });
    round_trip(&summary(), entry);
    let detail = UploadDetail {
        upload: summary(),
        rows: vec![
            UploadRow {
                row: rollcall_core::SheetRow::new(2),
                state: RowState::Applied,
                guid: Some("g".to_owned()),
                username: Some("ana.li".to_owned()),
                errors: Vec::new(),
            },
            UploadRow {
                row: rollcall_core::SheetRow::new(3),
                state: RowState::Failed,
                guid: None,
                username: None,
                errors: vec![RowError {
                    code: "stale-row".to_owned(),
                    message: "Changed since.".to_owned(),
                }],
            },
        ],
    };
    round_trip(
        &detail,
        json!({
            "id": "u1",
            "file_name": "students.csv",
            "status": "Completed with Errors",
            "created_at": "2026-01-02T03:04:05Z",
            "finished_at": null,
            "counts": {"rows": 2},
            "rows": [
                {"row": 2, "state": "applied", "guid": "g", "username": "ana.li", "errors": []},
                {"row": 3, "state": "failed", "guid": null, "username": null,
                 "errors": [{"code": "stale-row", "message": "Changed since."}]},
            ],
        }),
    );
    round_trip(
        &UploadAccepted {
            id: "u1".to_owned(),
            status: UploadStatus::Queued,
        },
        json!({"id": "u1", "status": "Queued"}),
    );
}

#[test]
fn the_session_and_its_requests() {
    round_trip(
        &Session {
            teacher: Teacher {
                id: "t1".to_owned(),
                email: "t@demo.school".to_owned(),
                name: "Tess".to_owned(),
            },
            schools: vec![School {
                id: "s1".to_owned(),
                name: "Lincoln Elementary".to_owned(),
            }],
            csrf: "c".to_owned(),
        },
        json!({
            "teacher": {"id": "t1", "email": "t@demo.school", "name": "Tess"},
            "schools": [{"id": "s1", "name": "Lincoln Elementary"}],
            "csrf": "c",
        }),
    );
    let sign_in = SignIn {
        email: "t@demo.school".to_owned(),
        password: "secret".to_owned(),
    };
    round_trip(
        &sign_in,
        json!({"email": "t@demo.school", "password": "secret"}),
    );
    assert!(!format!("{sign_in:?}").contains("secret"));
    assert!(
        serde_json::from_value::<SignIn>(json!({"email": "", "password": "", "x": 1})).is_err()
    );
    round_trip(&SignedOut { signed_out: true }, json!({"signed_out": true}));
}

#[test]
fn exports_usernames_and_errors() {
    round_trip(
        &ExportSummary {
            id: "e1".to_owned(),
            format: "xlsx".to_owned(),
            created_at: "2026-01-02T03:04:05Z".to_owned(),
        },
        json!({"id": "e1", "format": "xlsx", "created_at": "2026-01-02T03:04:05Z"}),
    );
    round_trip(
        &UsernamesQuery {
            usernames: vec!["ana.li".to_owned()],
        },
        json!({"usernames": ["ana.li"]}),
    );
    assert!(
        serde_json::from_value::<UsernamesQuery>(json!({"usernames": [], "more": true})).is_err()
    );
    round_trip(
        &TakenUsernames {
            taken: vec!["ana.li".to_owned()],
        },
        json!({"taken": ["ana.li"]}),
    );
    round_trip(
        &ErrorBody::new(ErrorCode::NotFound, "Not found."),
        json!({"error": {"code": "not-found", "message": "Not found."}}),
    );
}

#[test]
fn a_roster_student_has_the_exports_fields_without_a_password() {
    round_trip(
        &RosterStudent {
            guid: "f149f542-e935-4870-9734-6b4501eaf614".to_owned(),
            student_id: None,
            first_name: "Grace".to_owned(),
            last_name: "Cohen".to_owned(),
            grade: "KG".to_owned(),
            username: "grace.cohen".to_owned(),
            classes: vec!["Math 3".to_owned(), "Reading".to_owned()],
            password: PasswordState::Temporary,
            password_expires_at: Some("2027-03-01T08:00:00Z".to_owned()),
        },
        json!({"guid": "f149f542-e935-4870-9734-6b4501eaf614", "student_id": null,
               "first_name": "Grace", "last_name": "Cohen", "grade": "KG",
               "username": "grace.cohen", "classes": ["Math 3", "Reading"],
               "password": "temporary", "password_expires_at": "2027-03-01T08:00:00Z"}),
    );
}

#[test]
fn password_states_are_spelled_in_lower_case() {
    check_enum(
        PasswordState::ALL,
        &[
            (PasswordState::Own, "own"),
            (PasswordState::Temporary, "temporary"),
            (PasswordState::Expired, "expired"),
            (PasswordState::Unset, "unset"),
        ],
    );
}

#[test]
fn a_class_has_its_id_name_and_number_of_students() {
    round_trip(
        &ClassSummary {
            id: "c1".to_owned(),
            name: "Math 3".to_owned(),
            students: 12,
        },
        json!({"id": "c1", "name": "Math 3", "students": 12}),
    );
}

#[test]
fn the_upload_history_is_asked_for_by_page() {
    round_trip(&HistoryQuery { page: Some(2) }, json!({"page": 2}));
    round_trip(&HistoryQuery::default(), json!({}));
    assert_eq!(HISTORY_PAGE_SIZE, 50);
    assert_eq!(TOTAL_COUNT_HEADER, "X-Total-Count");
    for (page, number, offset) in [
        (None, Some(1), Some(0)),
        (Some(1), Some(1), Some(0)),
        (Some(3), Some(3), Some(100)),
        (Some(0), None, None),
    ] {
        let query = HistoryQuery { page };
        assert_eq!(query.page_number(), number, "{query:?}");
        assert_eq!(query.offset(), offset, "{query:?}");
    }
    let last = HistoryQuery {
        page: Some(u32::MAX),
    };
    assert_eq!(last.offset(), Some(u64::from(u32::MAX - 1) * 50));
    for (total, pages) in [(0, 1), (1, 1), (50, 1), (51, 2), (120, 3)] {
        assert_eq!(HistoryQuery::pages(total), pages, "{total} uploads");
    }
}
