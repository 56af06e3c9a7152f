//! Rollcall's rule engine: bytes in, [`Report`] and [`ChangeSet`] out.
//!
//! Everything Rollcall knows about roster files lives here, and nowhere else: the command line,
//! the npm package, the server and the web page all call this crate. It does no I/O of its own
//! and builds for `wasm32-unknown-unknown`; native and WebAssembly builds produce byte-identical
//! JSON.
//!
//! ```
//! use rollcall_core::{Input, Options, check};
//!
//! let export = b"Student GUID,First Name,Last Name,Grade Level\n\
//!     f149f542-e935-4870-9734-6b4501eaf614,Grace,Cohen,KG\n";
//! let edited = b"Student GUID,First Name,Last Name,Grade Level\n\
//!     f149f542-e935-4870-9734-6b4501eaf614,Grace,Cohen,1st\n";
//! let report = check(
//!     Input::new(edited, Some("edited.csv")),
//!     Some(Input::new(export, Some("export.csv"))),
//!     &Options::default(),
//! );
//! assert_eq!(report.summary.update, 1);
//! assert_eq!(report.diagnostics[0].code().as_str(), "grade-normalized");
//! ```

pub mod changes;
pub mod changeset;
pub mod checker;
pub mod class_index;
pub mod code;
pub mod cross;
pub mod diagnostic;
pub mod export_id;
pub mod field;
pub mod file_index;
pub mod guards;
pub mod json_text;
pub mod key_index;
pub mod matching;
pub mod message;
pub mod options;
pub mod parallel;
pub mod position;
pub mod read;
pub mod report;
pub mod report_parts;
pub mod roster;
pub mod rules;
pub mod text;

pub use changeset::{ChangeSet, Op, Values};
pub use checker::{Checker, Delta, EditError, Input, RowUpdate};
pub use code::{CODES, Code, CodeInfo, Finding, Lang, Severity};
pub use diagnostic::{Diagnostic, Fix};
pub use export_id::export_id;
pub use field::Field;
pub use guards::GuardCounts;
pub use options::{Limits, Options};
pub use position::{RowIndex, SheetRow, StudentIndex};
pub use report::{Change, Outcome, Report, RowEntry, Summary};
pub use roster::{Roster, Student, fingerprint};
pub use text::{escape_formula, needs_formula_escape};

/// Checks `edited` against the original export, if given, and returns the report.
pub fn check(edited: Input, original: Option<Input>, options: &Options) -> Report {
    Checker::new(edited, original, options).report()
}

/// Checks `edited` against the original export and returns the report and the change-set.
/// The caller supplies the change-set's id (a UUID v4) and creation time (RFC 3339): this crate
/// has no clock and no randomness.
pub fn change_set(
    edited: Input,
    original: Input,
    school: &str,
    id: &str,
    created_at: &str,
    options: &Options,
) -> (Report, ChangeSet) {
    let checker = Checker::new(edited, Some(original), options);
    (checker.report(), checker.change_set(school, id, created_at))
}

/// The one-line summary the command line prints after the diagnostics.
pub fn summary_line(summary: &Summary, lang: Lang) -> String {
    let s = summary;
    let words: [&str; 10] = match lang {
        Lang::En => [
            "rows:",
            "to update,",
            "to create,",
            "unchanged,",
            "with errors,",
            "blank,",
            "not in file;",
            "errors,",
            "warnings,",
            "infos",
        ],
        Lang::Es => [
            "filas:",
            "por actualizar,",
            "por crear,",
            "sin cambios,",
            "con errores,",
            "en blanco,",
            "fuera del archivo;",
            "errores,",
            "avisos,",
            "notas",
        ],
    };
    let counts = [
        s.rows,
        s.update,
        s.create,
        s.unchanged,
        s.error,
        s.blank,
        s.absent,
        s.errors,
        s.warnings,
        s.infos,
    ];
    let parts: Vec<String> = counts
        .iter()
        .zip(words)
        .map(|(count, word)| format!("{count} {word}"))
        .collect();
    parts.join(" ")
}
