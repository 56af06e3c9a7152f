use super::*;
use crate::roster::Student;

fn distance(a: &str, b: &str) -> Option<usize> {
    damerau_within_two(&lower(a), &lower(b))
}

/// The textbook optimal string alignment distance, to compare the banded one with.
fn full_osa(a: &[char], b: &[char]) -> usize {
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            d[i][j] = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d[i][j] = d[i][j].min(d[i - 2][j - 2] + 1);
            }
        }
    }
    d[a.len()][b.len()]
}

#[test]
fn typos_are_within_two_edits() {
    assert_eq!(distance("Math 3", "math 3"), Some(0));
    assert_eq!(distance("Math3", "Math 3"), Some(1));
    assert_eq!(distance("Mtah 3", "Math 3"), Some(1), "a swap is one edit");
    assert_eq!(distance("Mth 33", "Math 3"), Some(2));
    assert_eq!(distance("Science Club", "Math 3"), None);
    assert_eq!(distance("", "ab"), Some(2));
    assert_eq!(distance("", "abc"), None);
}

/// The textbook Damerau–Levenshtein distance (Lowrance and Wagner's table).
fn full_damerau(a: &[char], b: &[char]) -> usize {
    let far = a.len() + b.len();
    let mut d = vec![vec![0usize; b.len() + 2]; a.len() + 2];
    d[0][0] = far;
    for i in 0..=a.len() {
        d[i + 1][0] = far;
        d[i + 1][1] = i;
    }
    for j in 0..=b.len() {
        d[0][j + 1] = far;
        d[1][j + 1] = j;
    }
    let mut last_row: std::collections::HashMap<char, usize> = Default::default();
    for i in 1..=a.len() {
        let mut last_column = 0;
        for j in 1..=b.len() {
            let k = last_row.get(&b[j - 1]).copied().unwrap_or(0);
            let l = last_column;
            let cost = usize::from(a[i - 1] != b[j - 1]);
            if cost == 0 {
                last_column = j;
            }
            d[i + 1][j + 1] = (d[i][j] + cost)
                .min(d[i + 1][j] + 1)
                .min(d[i][j + 1] + 1)
                .min(d[k][l] + (i - k - 1) + 1 + (j - l - 1));
        }
        last_row.insert(a[i - 1], i);
    }
    d[a.len() + 1][b.len() + 1]
}

#[test]
fn a_swap_with_a_character_between_is_two_edits() {
    assert_eq!(distance("Math 3A", "Math A 3"), Some(2));
    assert_eq!(distance("Math A 3", "Math 3A"), Some(2));
    assert_eq!(distance("ab", "bxa"), Some(2));
    assert_eq!(distance("ab", "bxya"), None);
}

proptest::proptest! {
    #[test]
    fn the_band_agrees_with_the_whole_table(a in "[abc ]{0,7}", b in "[abc ]{0,7}") {
        let (a, b) = (lower(&a), lower(&b));
        let full = full_osa(&a, &b);
        proptest::prop_assert_eq!(osa_within_two(&a, &b), (full <= 2).then_some(full));
    }

    #[test]
    fn typos_are_counted_as_damerau_and_levenshtein_count_them(
        a in "[abc ]{0,7}",
        b in "[abc ]{0,7}",
    ) {
        let (a, b) = (lower(&a), lower(&b));
        let full = full_damerau(&a, &b);
        proptest::prop_assert_eq!(damerau_within_two(&a, &b), (full <= 2).then_some(full));
    }
}

fn roster(classes: &[&str]) -> Roster {
    let mut roster = Roster::new(&[Student {
        guid: "11111111-1111-4111-8111-111111111111".into(),
        export_row: None,
        student_id: None,
        first_name: "Ann".into(),
        last_name: "Lee".into(),
        grade: "03".into(),
        username: None,
        classes: vec![classes[0].to_owned()],
    }]);
    for class in classes {
        roster.add_class(class);
    }
    roster
}

#[test]
fn a_new_name_is_close_to_the_nearest_existing_class() {
    let roster = roster(&["Homeroom 3A", "Math 3", "Reading Group B"]);
    assert_eq!(similar_class(&roster, "Math3"), Some("Math 3"));
    assert_eq!(similar_class(&roster, "math-3"), Some("Math 3"));
    assert_eq!(similar_class(&roster, "Homeroom3-A"), Some("Homeroom 3A"));
    assert_eq!(
        similar_class(&roster, "Reading Grp B"),
        Some("Reading Group B")
    );
    assert_eq!(similar_class(&roster, "Reading Club"), None);
    assert_eq!(similar_class(&roster, "Science Club"), None);
    let roster = roster_with_near_pair();
    assert_eq!(
        similar_class(&roster, "Art 2"),
        Some("Art 1"),
        "first seen of equally close"
    );
}

/// Two students of Math 3, checked with the first moved to Math 3 and Science Club and
/// the second's Classes cell `second`.
fn checked(second: &str) -> crate::Checker {
    use crate::{Checker, Input, Options};
    let export = "Student GUID,First Name,Last Name,Grade Level,Classes\n\
        11111111-1111-4111-8111-111111111111,Ann,Lee,03,Math 3\n\
        22222222-2222-4222-8222-222222222222,Bo,Kim,03,Math 3\n";
    let edited = format!(
        "Student GUID,First Name,Last Name,Grade Level,Classes\n\
        11111111-1111-4111-8111-111111111111,Ann,Lee,03,Math 3; Science Club\n\
        22222222-2222-4222-8222-222222222222,Bo,Kim,03,{second}\n"
    );
    Checker::new(
        Input::new(edited.as_bytes(), Some("e.csv")),
        Some(Input::new(export.as_bytes(), Some("x.csv"))),
        &Options::default(),
    )
}

#[test]
fn a_new_class_is_spelled_as_the_row_that_creates_it() {
    use crate::{Checker, Field, RowIndex, SheetRow};
    let mut checker = checked("science club;Math3;MATH 3");
    let classes_of = |checker: &Checker, i: usize| {
        let changes = checker.row_state(RowIndex::at(i)).entry.changes;
        let change = changes.into_iter().find(|c| c.field == Field::Classes);
        change.map(|c| c.new)
    };
    assert_eq!(checker.new_classes(), ["Math3", "Science Club"]);
    assert_eq!(
        classes_of(&checker, 1).as_deref(),
        Some("Math 3; Math3; Science Club")
    );
    // The typo's fix names Math 3 once, as the cell does.
    let fixes: Vec<&str> = (checker.diagnostics(RowIndex::at(1)).iter())
        .filter_map(|d| d.fix.as_ref().map(|fix| fix.value.as_str()))
        .collect();
    assert!(fixes.contains(&"science club; Math 3"), "{fixes:?}");
    // The row that created it lists it no more: the next one does, in its spelling.
    checker
        .set_cell(SheetRow::new(2), Field::Classes, "Math 3")
        .expect("edit");
    assert_eq!(checker.new_classes(), ["Math3", "science club"]);
    assert_eq!(
        classes_of(&checker, 1).as_deref(),
        Some("Math 3; Math3; science club")
    );
}

#[test]
fn the_classes_to_create_follow_the_edits() {
    use crate::{Field, SheetRow};
    let mut checker = checked("science club;Art");
    assert_eq!(checker.new_classes(), ["Art", "Science Club"]);
    checker
        .set_cell(SheetRow::new(3), Field::Classes, "Math 3")
        .expect("edit");
    assert_eq!(checker.new_classes(), ["Science Club"]);
    checker
        .set_cell(SheetRow::new(2), Field::Classes, "")
        .expect("edit");
    assert!(checker.new_classes().is_empty());
}

#[test]
fn a_class_only_rows_held_back_list_is_not_one_to_create() {
    use crate::{Field, SheetRow};
    let mut checker = checked("Art");
    checker
        .set_cell(SheetRow::new(3), Field::Grade, "Grade Q")
        .expect("edit");
    // Row 3 has an error and is not uploaded: Art is not created.
    assert_eq!(checker.new_classes(), ["Science Club"]);
    checker
        .set_cell(SheetRow::new(2), Field::Classes, "Art")
        .expect("edit");
    assert_eq!(checker.new_classes(), ["Art"], "row 2 lists it too");
    checker
        .set_cell(SheetRow::new(2), Field::Classes, "Math 3")
        .expect("edit");
    assert!(checker.new_classes().is_empty());
    checker
        .set_cell(SheetRow::new(3), Field::Grade, "03")
        .expect("edit");
    assert_eq!(checker.new_classes(), ["Art"], "row 3 is fixed");
}

fn roster_with_near_pair() -> Roster {
    roster(&["Art 1", "Art 3"])
}
