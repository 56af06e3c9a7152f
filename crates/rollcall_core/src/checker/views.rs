//! What a page needs from a checker beyond the report: each row's state by position, the
//! usernames to confirm with the server, usernames the server says are taken, and the Error
//! File written locally.

use std::collections::{BTreeMap, BTreeSet};

use super::{Checker, Delta, RowUpdate};
use crate::code::{Lang, Severity};
use crate::diagnostic::{Diagnostic, order_ties};
use crate::field::Field;
use crate::position::RowIndex;
use crate::report::Outcome;
use crate::text::escape_formula;

impl Checker {
    /// The number of data rows checked (blank rows included; none after a file-level error).
    pub fn row_count(&self) -> usize {
        self.results.len()
    }

    /// Every data row's index, in order (see [`Checker::row_count`]).
    pub fn row_indexes(&self) -> impl DoubleEndedIterator<Item = RowIndex> + use<> {
        self.results.positions()
    }

    /// Row `i`'s report entry and diagnostics (`i` counts data rows from 0; see
    /// [`crate::read::Table::row_number`] for its spreadsheet row).
    pub fn row_state(&self, i: RowIndex) -> RowUpdate {
        RowUpdate {
            entry: self.entry(i),
            diagnostics: self.results[i].diagnostics.clone(),
        }
    }

    /// Row `i`'s diagnostics, borrowed.
    pub fn diagnostics(&self, i: RowIndex) -> &[Diagnostic] {
        &self.results[i].diagnostics
    }

    /// Row `i`'s outcome.
    pub fn outcome(&self, i: RowIndex) -> Outcome {
        self.results[i].outcome
    }

    /// The students of the original not in the file, with their `row-not-in-file` diagnostic.
    pub fn absent(&self) -> Vec<RowUpdate> {
        self.absent_updates()
    }

    /// The classes the file names that the teacher does not have yet and that an upload
    /// creates: those a row without errors lists (a row with errors is held back), each spelled
    /// as the first row listing it has it (sorted ignoring case; none without a roster).
    pub fn new_classes(&self) -> Vec<String> {
        let new = &self.index.new_classes;
        // Spellings of a name differ in case alone, which the order ignores.
        let listed = new.listed().into_iter().filter(|name| {
            new.rows(name)
                .iter()
                .any(|&row| self.outcome(row) != Outcome::Error)
        });
        listed.map(|name| self.class_spelling(name)).collect()
    }

    /// The file-level diagnostics of both files (row null), `row-not-in-file` excluded.
    pub fn file_diagnostics(&self) -> &[Diagnostic] {
        &self.file_diagnostics
    }

    /// The usernames (lower case, sorted, once each) that rows would give a student who does
    /// not hold them now: the only ones worth asking the server about (SPEC section 10).
    pub fn usernames_to_confirm(&self) -> Vec<String> {
        let text = self.table.text();
        let mut names = BTreeSet::new();
        for (i, local) in self.locals.iter_enumerated() {
            let Some(username) = local.values.username.map(|u| u.get(text)) else {
                continue;
            };
            let username = username.to_lowercase();
            if username.is_empty() || self.holds_username(i, &username) {
                continue;
            }
            names.insert(username);
        }
        names.into_iter().collect()
    }

    /// The username of the student row `i` matched is `username` (lower case) already.
    fn holds_username(&self, i: RowIndex, username: &str) -> bool {
        let (Some(roster), Some(student)) = (&self.roster, self.matches[i].subject()) else {
            return false;
        };
        roster.student(student).username == Some(username)
    }

    /// Records that accounts outside this roster hold these usernames (the server's answer to
    /// the availability call) and re-checks the rows that ask for them.
    pub fn mark_usernames_taken(&mut self, usernames: &[String]) -> Delta {
        let taken: Vec<String> = usernames
            .iter()
            .map(|username| username.trim().to_lowercase())
            .filter(|username| !username.is_empty())
            .collect();
        let mut affected = BTreeSet::new();
        if let Some(roster) = &self.roster {
            let text = self.table.text();
            for username in &taken {
                let rows = self.index.rows_with_username(text, username, Some(roster));
                affected.extend(rows);
            }
        }
        if let Some(roster) = &mut self.roster {
            roster.outside_usernames.extend(taken);
        }
        self.recheck(affected, &BTreeMap::new())
    }

    /// The Error File, written where the teacher is, before any upload: the header of an
    /// export and an `Error` column, then every row with an error as it is now (passwords left
    /// blank, as in the server's Error File) with its error messages. Cells a spreadsheet
    /// program would run as formulas start with an apostrophe. UTF-8 with a BOM, so that
    /// spreadsheet programs read accents right; CRLF line ends. The Classes column is there
    /// only when the file has one: re-imported, an empty Classes cell would clear classes.
    pub fn error_file_csv(&self, lang: Lang) -> Vec<u8> {
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::CRLF)
            .from_writer(b"\xEF\xBB\xBF".to_vec());
        let fields: Vec<Field> = Field::ALL
            .into_iter()
            .filter(|&field| field != Field::Classes || self.table.column(field).is_some())
            .collect();
        let header = fields.iter().map(|f| f.header()).chain(["Error"]);
        // Writing into a Vec cannot fail.
        let _ = writer.write_record(header);
        for (i, result) in self.results.iter_enumerated() {
            if result.outcome != Outcome::Error {
                continue;
            }
            let cells = fields.iter().map(|&field| match field {
                Field::Password => String::new(),
                _ => escape_formula(self.table.cell(i, field).text),
            });
            let mut errors: Vec<&Diagnostic> = result
                .diagnostics
                .iter()
                .filter(|d| d.severity() == Severity::Error)
                .collect();
            order_ties(&mut errors, lang);
            let messages: Vec<String> = errors.iter().map(|d| d.message(lang)).collect();
            let _ = writer.write_record(cells.chain([escape_formula(&messages.join(" "))]));
        }
        writer.into_inner().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use crate::position::{RowIndex, SheetRow};
    use crate::{Checker, Field, Input, Options, Outcome};

    const EXPORT: &str = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
        f149f542-e935-4870-9734-6b4501eaf614,001,Grace,Cohen,KG,grace.cohen,\n\
        0f8fad5b-d9cb-469f-a165-70867728950e,002,Omar,Patel,01,omar.patel,\n";

    fn checker(edited: &str) -> Checker {
        Checker::new(
            Input::new(edited.as_bytes(), Some("edited.csv")),
            Some(Input::new(EXPORT.as_bytes(), Some("export.csv"))),
            &Options::default(),
        )
    }

    #[test]
    fn only_new_and_changed_usernames_are_asked_about() {
        let edited = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
            f149f542-e935-4870-9734-6b4501eaf614,001,Grace,Cohen,KG,Grace.Cohen,\n\
            0f8fad5b-d9cb-469f-a165-70867728950e,002,Omar,Patel,01,omar.p,\n\
            ,003,Li,Wu,02,Li.Wu,\n\
            ,004,Ana,Ruiz,02,,\n";
        assert_eq!(checker(edited).usernames_to_confirm(), ["li.wu", "omar.p"]);
    }

    #[test]
    fn a_username_taken_elsewhere_is_an_error_on_the_rows_that_ask_for_it() {
        let edited = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
            f149f542-e935-4870-9734-6b4501eaf614,001,Grace,Cohen,KG,grace.cohen,\n\
            ,003,Li,Wu,02,li.wu,\n";
        let mut checker = checker(edited);
        assert_eq!(checker.outcome(RowIndex::new(1)), Outcome::Create);
        let delta = checker.mark_usernames_taken(&["LI.WU".to_owned(), " ".to_owned()]);
        assert_eq!(delta.rows.len(), 1);
        assert_eq!(delta.rows[0].entry.row, Some(SheetRow::new(3)));
        assert_eq!(
            delta.rows[0].diagnostics[0].code().as_str(),
            "username-taken"
        );
        assert_eq!(checker.outcome(RowIndex::new(1)), Outcome::Error);
        assert_eq!(delta.summary.error, 1);
        // The incremental state equals a full check that knew it from the start.
        assert_eq!(checker.report(), checker.rechecked().report());
        // Fixing the cell clears it.
        checker
            .set_cell(SheetRow::new(3), Field::Username, "li.wu2")
            .expect("edit");
        assert_eq!(checker.outcome(RowIndex::new(1)), Outcome::Create);
    }

    #[test]
    fn the_error_file_holds_the_error_rows_with_their_messages_and_no_passwords() {
        let edited = "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password\n\
            f149f542-e935-4870-9734-6b4501eaf614,001,Grace,Cohen,KG,grace.cohen,\n\
            0f8fad5b-d9cb-469f-a165-70867728950e,002,=Omar,Patel,Grade 99,omar.patel,Secret#123\n";
        let checker = checker(edited);
        let file = String::from_utf8(checker.error_file_csv(crate::Lang::En)).expect("utf-8");
        let file = file.strip_prefix('\u{feff}').expect("BOM");
        let lines: Vec<&str> = file.split("\r\n").collect();
        assert_eq!(
            lines[0],
            "Student GUID,Student ID,First Name,Last Name,Grade Level,Username,Password,Error"
        );
        assert_eq!(lines.len(), 3, "{file}");
        assert!(lines[1].starts_with(
            "0f8fad5b-d9cb-469f-a165-70867728950e,002,'=Omar,Patel,Grade 99,omar.patel,,"
        ));
        assert!(!file.contains("Secret"));
        assert!(lines[1].contains("Grade"), "{}", lines[1]);
        // The file reads back: the Error column is ignored, the same rows are in error.
        let again = Checker::new(
            Input::new(file.as_bytes(), Some("errors.csv")),
            Some(Input::new(EXPORT.as_bytes(), Some("export.csv"))),
            &Options::default(),
        );
        assert_eq!(again.outcome(RowIndex::new(0)), Outcome::Error);
    }
}
