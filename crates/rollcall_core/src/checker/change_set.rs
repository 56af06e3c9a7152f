//! The change-set of a check (SPEC section 7): the rows that update or create a student.

use std::collections::BTreeMap;

use crate::changes::{new_classes, new_value};
use crate::changeset::{ChangeSet, Op, Values};
use crate::field::Field;
use crate::report::Outcome;
use crate::roster::fingerprint;

use super::Checker;

impl Checker {
    /// The change-set of SPEC section 7: every row with outcome `update` or `create`.
    pub fn change_set(&self, school: &str, id: &str, created_at: &str) -> ChangeSet {
        let mut ops = Vec::new();
        for (i, result) in self.results.iter_enumerated() {
            let values = &self.locals[i].values;
            let row = self.table.row_number(i);
            let given = |field: Field| {
                self.table.column(field)?;
                new_value(&self.table, values, field).map(|v| (field, v.into_owned()))
            };
            let spell = |name: &str| self.class_spelling(name);
            let classes = || new_classes(&self.table, values, &spell);
            match result.outcome {
                Outcome::Update => {
                    let student = self.matches[i]
                        .student
                        .and_then(|s| self.roster.as_ref().map(|r| r.student(s)));
                    let set = match student {
                        Some(_) => Values {
                            fields: result
                                .changes
                                .iter()
                                .filter_map(|change| given(change.field))
                                .collect(),
                            classes: result
                                .changes
                                .iter()
                                .any(|change| change.field == Field::Classes)
                                .then(classes)
                                .flatten(),
                        },
                        None => Values {
                            fields: Field::ALL
                                .into_iter()
                                .filter(|&field| field != Field::Guid)
                                .filter_map(given)
                                .collect(),
                            classes: classes(),
                        },
                    };
                    ops.push(Op::Update {
                        row,
                        guid: student.map_or_else(
                            || {
                                let guid = values.guid.map(|g| g.get(self.table.text()));
                                guid.unwrap_or_default().to_ascii_lowercase()
                            },
                            |s| s.guid.to_owned(),
                        ),
                        base: student.as_ref().map(fingerprint),
                        set,
                    });
                }
                Outcome::Create => {
                    let fields: BTreeMap<Field, String> = Field::ALL
                        .into_iter()
                        .filter(|&field| field != Field::Guid)
                        .filter_map(given)
                        .collect();
                    let classes = classes().filter(|list| !list.is_empty());
                    ops.push(Op::Create {
                        row,
                        values: Values { fields, classes },
                    });
                }
                _ => {}
            }
        }
        ChangeSet {
            id: id.to_owned(),
            school: school.to_owned(),
            created_at: created_at.to_owned(),
            ops,
            confirm: Vec::new(),
        }
    }
}
