//! The report of a check (SPEC section 6): as a struct, or streamed as JSON without building
//! it, its messages worded in the language asked for.

use std::borrow::Cow;

use crate::code::Lang;
use crate::cross;
use crate::diagnostic::{Diagnostic, order_ties, sort_diagnostics};
use crate::position::{RowIndex, StudentIndex};
use crate::report::{Outcome, Report, RowEntry, RowEntryRef};
use crate::report_parts::{PartsWriter, ReportParts};
use crate::roster::Roster;

use super::{Checker, RowUpdate};

impl Checker {
    pub(super) fn entry(&self, i: RowIndex) -> RowEntry {
        self.entry_ref(i).to_owned()
    }

    /// Row `i`'s report entry, borrowed from the checker.
    pub(super) fn entry_ref(&self, i: RowIndex) -> RowEntryRef<'_> {
        let result = &self.results[i];
        let matched = &self.matches[i];
        let subject = matched
            .subject()
            .and_then(|s| self.roster.as_ref().map(|r| (r, s)));
        let values = &self.locals[i].values;
        let guid = match subject {
            Some((roster, student)) => Some(Cow::Borrowed(roster.guid(student))),
            None if self.roster.is_none() && values.guid_valid => values
                .guid
                .map(|g| Cow::Owned(g.get(self.table.text()).to_ascii_lowercase())),
            None => None,
        };
        RowEntryRef {
            row: Some(self.table.row_number(i)),
            export_row: subject.and_then(|(roster, student)| roster.export_row(student)),
            outcome: result.outcome,
            guid,
            matched_by: matched.by,
            changes: &result.changes,
        }
    }

    /// Roster students no row matched or identified, in roster (export) order.
    pub(super) fn absent_students(&self) -> impl Iterator<Item = StudentIndex> + '_ {
        let count = if self.fatal {
            0
        } else {
            self.roster.as_ref().map_or(0, Roster::len)
        };
        crate::position::all(count).filter(|&s| !self.index.in_file(s))
    }

    pub(super) fn absent_update(&self, student: StudentIndex) -> Option<RowUpdate> {
        let student = self.roster.as_ref()?.student(student);
        Some(RowUpdate {
            entry: RowEntry {
                row: None,
                export_row: student.export_row,
                outcome: Outcome::Absent,
                guid: Some(student.guid.to_owned()),
                matched_by: None,
                changes: Vec::new(),
            },
            diagnostics: vec![cross::not_in_file::diagnostic(&student)],
        })
    }

    /// Whether row `i` has an entry in the report's `rows`: never a blank row; an unchanged
    /// row without diagnostics only with [`Options::all_rows`] (otherwise it is only counted).
    pub(super) fn listed(&self, i: RowIndex) -> bool {
        let result = &self.results[i];
        match result.outcome {
            Outcome::Blank => false,
            Outcome::Unchanged => self.options.all_rows || !result.diagnostics.is_empty(),
            _ => true,
        }
    }

    /// The report (SPEC section 6). Its `rows` leave out the unchanged rows without diagnostics
    /// unless the options ask for all rows.
    pub fn report(&self) -> Report {
        let absent = self.absent_updates();
        let mut diagnostics = self.file_level_diagnostics(&absent);
        let mut rows = Vec::with_capacity(if self.options.all_rows {
            self.results.len() + absent.len()
        } else {
            absent.len()
        });
        for (i, result) in self.results.iter_enumerated() {
            diagnostics.extend(result.diagnostics.iter().cloned());
            if self.listed(i) {
                rows.push(self.entry(i));
            }
        }
        rows.extend(absent.into_iter().map(|a| a.entry));
        Report {
            file: self.table.info.clone(),
            summary: self.summary,
            diagnostics,
            rows,
        }
    }

    /// Writes the report's JSON, its messages in `lang`: the same bytes as
    /// `self.report().to_json(lang)`, without building the report in memory first.
    pub fn write_report_json(
        &self,
        mut writer: impl std::io::Write,
        lang: Lang,
    ) -> std::io::Result<()> {
        let w = &mut writer;
        let absent = self.absent_updates();
        self.write_head(w)?;
        w.write_all(b",\"diagnostics\":")?;
        let file_level = self.ordered_file_level(&absent, lang);
        let rows = self.ordered_row_diagnostics(lang);
        let mut out = Vec::with_capacity(256 * (file_level.len() + rows.len()) + 2);
        out.push(b'[');
        for (i, diagnostic) in file_level.iter().chain(rows).enumerate() {
            if i > 0 {
                out.push(b',');
            }
            diagnostic.in_lang(lang).write_json(&mut out);
        }
        out.push(b']');
        w.write_all(&out)?;
        w.write_all(b",\"rows\":[")?;
        // The row entries are most of the report: written in chunks, two at a time on both
        // cores natively, and handed on in order, so that only two chunks are held at once.
        let chunk = 4096;
        let chunks = self.results.len().div_ceil(chunk);
        let write_chunk = |c: usize| {
            let mut out = Vec::with_capacity(chunk * 160);
            let rows = c * chunk..((c + 1) * chunk).min(self.results.len());
            for i in rows.map(RowIndex::at) {
                if self.listed(i) {
                    out.push(b',');
                    crate::report::write_entry(&mut out, &self.entry_ref(i));
                }
            }
            out
        };
        let mut first = true;
        for pair in (0..chunks).step_by(2) {
            let written =
                crate::parallel::map_split((chunks - pair).min(2), 2, |c| write_chunk(pair + c));
            for part in &written {
                // Each entry was written after a comma; the very first one goes without.
                let part = match (first, part.split_first()) {
                    (_, None) => continue,
                    (true, Some((_, rest))) => rest,
                    (false, Some(_)) => part.as_slice(),
                };
                first = false;
                w.write_all(part)?;
            }
        }
        let mut out = Vec::new();
        for update in &absent {
            if !first {
                out.push(b',');
            }
            first = false;
            crate::report::write_entry(&mut out, &RowEntryRef::from(&update.entry));
        }
        w.write_all(&out)?;
        w.write_all(b"]}")
    }

    /// The report in parts, for the npm package's decoder ([`crate::report_parts`]): the same
    /// value as the report's JSON, its messages in `lang`.
    pub fn report_parts(&self, lang: Lang) -> ReportParts {
        let absent = self.absent_updates();
        let file_level = self.ordered_file_level(&absent, lang);
        let rows = self.ordered_row_diagnostics(lang);
        let listed: Vec<RowIndex> = self
            .results
            .iter_enumerated()
            .map(|(i, _)| i)
            .filter(|&i| self.listed(i))
            .collect();
        let mut writer = PartsWriter::new(8 * (file_level.len() + rows.len() + listed.len()));
        writer.diagnostics(
            file_level.len() + rows.len(),
            file_level.iter().chain(rows),
            lang,
        );
        writer.entries(listed.len() + absent.len());
        for i in listed {
            writer.entry(&self.entry_ref(i));
        }
        for update in &absent {
            writer.entry(&RowEntryRef::from(&update.entry));
        }
        let mut head = Vec::new();
        // Writing into a vector cannot fail, and serde_json writes UTF-8.
        let _ = self.write_head(&mut head);
        head.push(b'}');
        writer.finish(String::from_utf8(head).unwrap_or_default())
    }

    /// The report's JSON up to its diagnostics: `{"file":…,"summary":…`.
    fn write_head(&self, w: &mut dyn std::io::Write) -> std::io::Result<()> {
        w.write_all(b"{\"file\":")?;
        serde_json::to_writer(&mut *w, &self.table.info).map_err(std::io::Error::other)?;
        w.write_all(b",\"summary\":")?;
        serde_json::to_writer(&mut *w, &self.summary).map_err(std::io::Error::other)
    }

    /// The row-null diagnostics, sorted, their ties ordered in `lang`: as the report lists them.
    fn ordered_file_level(&self, absent: &[RowUpdate], lang: Lang) -> Vec<Diagnostic> {
        let mut file_level = self.file_level_diagnostics(absent);
        order_ties(&mut file_level, lang);
        file_level
    }

    /// Every row's diagnostics, row by row, the ties of each ordered in `lang`.
    fn ordered_row_diagnostics(&self, lang: Lang) -> Vec<&Diagnostic> {
        let mut rows = Vec::new();
        for result in &self.results {
            let start = rows.len();
            rows.extend(result.diagnostics.iter());
            order_ties(&mut rows[start..], lang);
        }
        rows
    }

    /// The row-null diagnostics (file level, then students not in the file), sorted.
    pub(super) fn file_level_diagnostics(&self, absent: &[RowUpdate]) -> Vec<Diagnostic> {
        let mut diagnostics = self.file_diagnostics.clone();
        diagnostics.extend(self.guard_diagnostics());
        diagnostics.extend(absent.iter().flat_map(|a| a.diagnostics.iter().cloned()));
        sort_diagnostics(&mut diagnostics);
        diagnostics
    }

    pub(super) fn absent_updates(&self) -> Vec<RowUpdate> {
        self.absent_students()
            .filter_map(|s| self.absent_update(s))
            .collect()
    }
}
