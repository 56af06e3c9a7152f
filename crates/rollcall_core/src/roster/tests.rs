use super::names::first_folded;
use super::*;

fn student(guid: &str, first: &str) -> Student {
    Student {
        guid: guid.to_owned(),
        export_row: Some(SheetRow::new(2)),
        student_id: Some("00123".to_owned()),
        first_name: first.to_owned(),
        last_name: "García".to_owned(),
        grade: "03".to_owned(),
        username: Some("Ana.Garcia".to_owned()),
        classes: Vec::new(),
    }
}

#[test]
fn names_that_fold_alike_share_a_signature() {
    for (a, b) in [
        ("José", "  jose"),
        ("Ángel", "angel"),
        ("\u{301}Ana", "ana"),
        ("Nguyễn", "NGUYEN"),
    ] {
        assert_eq!(fold_name(a), fold_name(b), "{a} {b}");
        assert_eq!(first_folded(a), fold_name(a).chars().next(), "{a}");
        assert_eq!(
            name_signature(a, b, "03"),
            name_signature(b, a, "03"),
            "{a} {b}"
        );
    }
    assert_eq!(first_folded(" \u{301} "), None);
    assert_ne!(
        name_signature("Ana", "Lopez", "03"),
        name_signature("Ana", "Lopez", "04")
    );
    assert_ne!(
        name_signature("Ana", "Lopez", "03"),
        name_signature("Ben", "Lopez", "03")
    );
}

#[test]
fn names_fold_case_accents_and_spaces() {
    assert_eq!(fold_name("José  María"), fold_name("jose maria"));
    assert_eq!(fold_name("Nguyễn"), "nguyen");
    assert_ne!(fold_name("Ana"), fold_name("Anna"));
}

/// The generated accent table folds every Latin, Greek and Cyrillic letter as a full canonical
/// decomposition with its diacritics dropped would; accents typed as combining characters fold
/// like the precomposed letter; marks that are letters of their script (Devanagari vowel signs)
/// are kept.
#[test]
fn accents_fold_as_the_canonical_decomposition_says() {
    let ranges = [
        '\u{c0}'..='\u{24f}',
        '\u{370}'..='\u{4ff}',
        '\u{1e00}'..='\u{1fff}',
    ];
    for ch in ranges.into_iter().flatten() {
        let mut expected = String::new();
        unicode_normalization::char::decompose_canonical(ch, |part| {
            if !('\u{300}'..='\u{36f}').contains(&part) && !part.is_whitespace() {
                expected.extend(part.to_lowercase());
            }
        });
        assert_eq!(
            fold_name(&ch.to_string()),
            expected,
            "{ch:?} U+{:04X}",
            ch as u32
        );
    }
    assert_eq!(fold_name("Jose\u{301}"), fold_name("José"));
    assert_eq!(fold_name("Nguyễn"), "nguyen");
    assert_eq!(fold_name("Άννα"), "αννα");
    assert_eq!(fold_name("अनु"), "अनु");
}

#[test]
fn fingerprint_is_stable_and_sees_every_field() {
    let a = student("F149F542-E935-4870-9734-6B4501EAF614", "Ana");
    let roster = Roster::new(std::slice::from_ref(&a));
    let stored = roster.student(StudentIndex::new(0));
    assert_eq!(stored.guid, "f149f542-e935-4870-9734-6b4501eaf614");
    assert_eq!(stored.username, Some("ana.garcia"));
    let again = Roster::new(&[stored.to_owned()]);
    assert_eq!(
        fingerprint(&stored),
        fingerprint(&again.student(StudentIndex::new(0)))
    );
    assert_eq!(fingerprint(&stored).len(), 32);
    let renamed = Roster::new(&[student("f149f542-e935-4870-9734-6b4501eaf614", "Anne")]);
    assert_ne!(
        fingerprint(&stored),
        fingerprint(&renamed.student(StudentIndex::new(0)))
    );
}

#[test]
fn indexes_fold_keys() {
    let roster = Roster::new(&[
        student("F149F542-E935-4870-9734-6B4501EAF614", "Ana"),
        student("f149f542-e935-4870-9734-6b4501eaf614", "Duplicate"),
    ]);
    assert_eq!(roster.len(), 1, "a repeated GUID keeps its first student");
    assert_eq!(
        roster.by_guid("F149F542-e935-4870-9734-6b4501eaf614"),
        Some(StudentIndex::new(0))
    );
    assert_eq!(roster.by_username("ANA.garcia"), &[StudentIndex::new(0)]);
    assert_eq!(roster.by_student_id("00123"), &[StudentIndex::new(0)]);
    assert_eq!(
        roster.by_name("ANA", "garcia", "03"),
        Some(StudentIndex::new(0))
    );
    assert_eq!(roster.by_name("Ana", "Garcia", "04"), None);
}

#[test]
fn names_asked_ahead_are_answered_like_the_whole_index_and_others_still_are() {
    let mut students = vec![
        student("f149f542-e935-4870-9734-6b4501eaf614", "Ana"),
        student("0c1d1b4e-5d0b-4c51-9f43-3c1e0b1f2a01", "Zoë"),
        student("6a0d2c5e-27f4-4a53-8d2b-1f3e4d5c6b02", "Ben"),
    ];
    students[2].grade = "04".to_owned();
    let roster = Roster::new(&students);
    roster.prepare_names_for([("ana", "GARCIA", "03"), ("Zoe", "Garcia", "03")].into_iter());
    let asked = roster.names_asked.get().expect("prepared");
    assert_eq!(
        asked
            .students
            .values()
            .map(|list| list.len())
            .sum::<usize>(),
        2
    );
    assert!(
        roster.by_name.get().is_none(),
        "no whole index for the asked names"
    );
    assert_eq!(
        roster.by_name(" Ana ", "García", "03"),
        Some(StudentIndex::new(0))
    );
    assert_eq!(
        roster.by_name("ZOE", "garcia", "03"),
        Some(StudentIndex::new(1))
    );
    assert!(roster.by_name.get().is_none());
    // A name nobody asked about is answered from the whole index, built for it.
    assert_eq!(
        roster.by_name("ben", "garcia", "04"),
        Some(StudentIndex::new(2))
    );
    assert_eq!(roster.by_name("Ben", "Garcia", "03"), None);
    assert!(roster.by_name.get().is_some());
    assert_eq!(
        roster.by_name("Ana", "Garcia", "03"),
        Some(StudentIndex::new(0))
    );
}

#[test]
fn an_exports_lists_read_as_the_students_lists_would() {
    let cells = [
        "Math 3; Art",
        "Art; Math 3",
        "art; math 3",
        "Art;Math 3",
        "Art; Math 3; Art",
        " Art; Math 3",
        "Art; Math 3",
        "Zoo",
        "Art; Math 3; Zoo",
        "Art;  Math 3",
        "Art; Math 3",
        "Math 3; Art",
        "",
    ];
    let mut csv = String::from("Student GUID,First Name,Last Name,Grade Level,Classes\n");
    let mut students = Vec::new();
    for (i, cell) in cells.iter().enumerate() {
        let guid = format!("00000000-0000-4000-8000-{i:012}");
        csv.push_str(&format!("{guid},Ann,Lee,03,\"{cell}\"\n"));
        let (names, _) = classes::names(cell);
        students.push(Student {
            guid,
            export_row: None,
            student_id: None,
            first_name: "Ann".into(),
            last_name: "Lee".into(),
            grade: "03".into(),
            username: None,
            classes: names.into_iter().map(|n| n.into_owned()).collect(),
        });
    }
    let read = crate::read::read(csv.as_bytes(), None, &crate::Options::default());
    let exported = Roster::from_export(read.table);
    let handed = Roster::new(&students);
    assert_eq!(exported.len(), cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let s = StudentIndex::at(i);
        assert_eq!(exported.classes_of(s), handed.classes_of(s), "{cell:?}");
    }
    assert_eq!(exported.classes_of(StudentIndex::at(2)), "Art; Math 3");
    assert_eq!(
        exported.classes().collect::<Vec<_>>(),
        handed.classes().collect::<Vec<_>>()
    );
}

#[test]
fn an_export_row_without_a_guid_still_names_the_teachers_classes() {
    let csv = "Student GUID,First Name,Last Name,Grade Level,Classes\n\
        00000000-0000-4000-8000-000000000001,Ann,Lee,03,Math 3\n\
        ,Bo,Kim,03,Chess Club; math 3\n";
    let read = crate::read::read(csv.as_bytes(), None, &crate::Options::default());
    let exported = Roster::from_export(read.table);
    assert_eq!(exported.len(), 1, "only the row with a GUID is a student");
    assert_eq!(
        exported.classes().collect::<Vec<_>>(),
        ["Math 3", "Chess Club"]
    );
}
