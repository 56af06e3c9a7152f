//! One edited cell re-checked: the rows it can affect found and checked again (see the module
//! documentation of the checker for which rows those are).

use std::collections::{BTreeMap, BTreeSet};

use crate::field::Field;
use crate::file_index::RowKeys;
use crate::position::{RowIndex, SheetRow, StudentIndex};
use crate::rules::check_row;

use super::{Checker, Delta, EditError, RowUpdate};

impl Checker {
    /// Puts `value` into `field` on spreadsheet row `row` and re-checks every row it affects.
    pub fn set_cell(
        &mut self,
        row: SheetRow,
        field: Field,
        value: &str,
    ) -> Result<Delta, EditError> {
        if self.fatal {
            return Err(EditError::NotChecked);
        }
        let i = self
            .table
            .index_of_row(row)
            .ok_or(EditError::NoSuchRow(row))?;
        if self.table.column(field).is_none() {
            return Err(EditError::NoSuchColumn(field));
        }
        self.table.set_cell(i, field, value);
        let local = check_row(&self.table, i, self.options.limits.max_cell_chars);
        let old = std::mem::replace(&mut self.locals[i], local);
        let new = &self.locals[i];
        let text = self.table.text();
        let old_keys = self.keys[i];
        self.index.remove_values(i, &old_keys);
        let new_keys = if new.blank {
            RowKeys::default()
        } else {
            self.index
                .add_values(text, i, &new.values, self.roster.as_ref())
        };
        self.keys[i] = new_keys;
        // Rows listing a class the edit adds or takes away: which of them comes first, and so
        // gets `new-class`, may change.
        let mut class_rows = Vec::new();
        if let Some(roster) = &self.roster {
            let classes = &mut self.index.new_classes;
            class_rows.extend(classes.remove(text, i, &old.values, roster));
            class_rows.extend(classes.add(text, i, &self.locals[i].values, roster));
        }

        // Rows whose match may change: this one, and those whose identification depends on
        // whether the old or new GUID is on the file.
        let mut rematch = BTreeSet::from([i]);
        let mut affected = BTreeSet::from([i]);
        affected.extend(class_rows);
        for keys in [old_keys, new_keys] {
            let index = &self.index;
            let rows = [
                index.guid_rows(keys.guid),
                index.student_id_rows(keys.student_id),
                index.username_rows(keys.username),
            ];
            affected.extend(rows.iter().flat_map(|r| r.iter()));
        }
        for values in [&old.values, &self.locals[i].values] {
            if let Some(guid) = values.guid.map(|g| g.get(text))
                && let Some(student) = self.roster.as_ref().and_then(|r| r.by_guid(guid))
            {
                rematch.extend(self.rows_about(student));
            }
        }

        // Students whose rows changed, with whether they were in the file before the edit.
        let mut students: BTreeMap<StudentIndex, bool> = BTreeMap::new();
        for &r in &rematch {
            let matched = self.match_at(r);
            let previous = self.matches[r];
            if matched != previous {
                for student in [previous.subject(), matched.subject()]
                    .into_iter()
                    .flatten()
                {
                    students
                        .entry(student)
                        .or_insert_with(|| self.index.in_file(student));
                }
                self.index.remove_match(r, &previous);
                self.index.add_match(r, &matched);
                self.matches[r] = matched;
            }
            affected.insert(r);
        }
        for &student in students.keys() {
            affected.extend(self.rows_about(student));
            affected.extend(self.index.matched_rows(student));
        }
        Ok(self.recheck(affected, &students))
    }

    /// Runs the rules again on the `affected` rows and counts anew; `students` are those whose
    /// rows changed, with whether they were in the file before.
    pub(super) fn recheck(
        &mut self,
        affected: BTreeSet<RowIndex>,
        students: &BTreeMap<StudentIndex, bool>,
    ) -> Delta {
        let guards_before = self.guard_diagnostics().len() as u32;
        for &r in &affected {
            let result = self.compute(r);
            let previous = std::mem::replace(&mut self.results[r], result);
            self.summary
                .tally(previous.outcome, &previous.diagnostics, -1);
            self.guards.tally(previous.outcome, &previous.changes, -1);
            let current = &self.results[r];
            self.summary.tally(current.outcome, &current.diagnostics, 1);
            self.guards.tally(current.outcome, &current.changes, 1);
        }
        let guards = self.guard_diagnostics();
        self.summary.warnings = self.summary.warnings - guards_before + guards.len() as u32;

        // Students whose presence in the file changed.
        let mut absent_added = Vec::new();
        let mut absent_removed = Vec::new();
        for (&student, &was_in_file) in students {
            let now_absent = !self.index.in_file(student);
            let was_absent = !was_in_file;
            if now_absent && !was_absent {
                self.summary.absent += 1;
                self.summary.infos += 1;
                absent_added.extend(self.absent_update(student));
            } else if was_absent && !now_absent {
                self.summary.absent -= 1;
                self.summary.infos -= 1;
                if let Some(roster) = &self.roster {
                    absent_removed.push(roster.student(student).guid.to_owned());
                }
            }
        }

        let rows = affected
            .into_iter()
            .map(|r| RowUpdate {
                entry: self.entry(r),
                diagnostics: self.results[r].diagnostics.clone(),
            })
            .collect();
        Delta {
            summary: self.summary,
            rows,
            absent_added,
            absent_removed,
            guards,
        }
    }

    /// Rows holding the student's Student ID or username: the rows that may identify them or
    /// whose *-taken and match-conflict rules look at them.
    pub(super) fn rows_about(&self, student: StudentIndex) -> Vec<RowIndex> {
        let Some(roster) = &self.roster else {
            return Vec::new();
        };
        let student = roster.student(student);
        let text = self.table.text();
        let mut rows: Vec<RowIndex> = Vec::new();
        if let Some(id) = student.student_id {
            rows.extend(self.index.rows_with_student_id(text, id, Some(roster)));
        }
        if let Some(username) = student.username {
            rows.extend(self.index.rows_with_username(text, username, Some(roster)));
        }
        rows
    }
}
