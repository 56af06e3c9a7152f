//! Messages: a [`Finding`] worded in English or Spanish, only when it is shown.
//!
//! The rules record what they found as typed values (the [`Finding`] variant of each code);
//! nothing in the engine knows a language. This module holds every word of a message that is not
//! in a code's template: how a list of rows, a student, the owner of a value, a file or a reason
//! reads in each language. [`render`] fills a code's template with its finding's values, and
//! [`Arg::value`] gives the same values, language-free, for the report's `args`.

use std::borrow::Cow;

use crate::code::{Finding, Lang};
use crate::field::Field;
use crate::position::SheetRow;
use crate::read::Unreadable;

/// A value a message names.
pub trait Arg: std::fmt::Debug {
    /// The value as the report's `args` give it, the same in every language; `None` when there
    /// is no value to give (an unnamed file, an owner the server does not name).
    fn value(&self) -> Option<String>;

    /// The value as a message in `lang` words it.
    fn text(&self, lang: Lang) -> Cow<'_, str>;

    /// Further `args` entries a value made of parts adds after its own, under `key_part`.
    fn parts(&self, _key: &str, _out: &mut Vec<(String, String)>) {}
}

/// Text shown inside a message: control characters and line breaks made visible.
pub fn shown(value: &str) -> Cow<'_, str> {
    let visible = |ch: char| !ch.is_control() && ch != '\u{2028}' && ch != '\u{2029}';
    if value.chars().all(visible) {
        return Cow::Borrowed(value);
    }
    Cow::Owned(
        value
            .chars()
            .map(|ch| match ch {
                '\n' | '\r' | '\u{2028}' | '\u{2029}' => '⏎',
                ch if ch.is_control() => '�',
                ch => ch,
            })
            .collect(),
    )
}

impl Arg for String {
    fn value(&self) -> Option<String> {
        Some(self.clone())
    }

    fn text(&self, _: Lang) -> Cow<'_, str> {
        shown(self)
    }
}

impl Arg for u32 {
    fn value(&self) -> Option<String> {
        Some(self.to_string())
    }

    fn text(&self, _: Lang) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

impl Arg for char {
    fn value(&self) -> Option<String> {
        Some(self.to_string())
    }

    fn text(&self, _: Lang) -> Cow<'_, str> {
        Cow::Owned(self.to_string())
    }
}

/// A field is named by its column header, the same in both languages.
impl Arg for Field {
    fn value(&self) -> Option<String> {
        Some(self.header().to_owned())
    }

    fn text(&self, _: Lang) -> Cow<'_, str> {
        Cow::Borrowed(self.header())
    }
}

/// A size in bytes: `args` give the number, messages a rounded size ("21 MiB").
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Bytes(pub u64);

impl Arg for Bytes {
    fn value(&self) -> Option<String> {
        Some(self.0.to_string())
    }

    fn text(&self, _: Lang) -> Cow<'_, str> {
        const KIB: u64 = 1024;
        const MIB: u64 = 1024 * 1024;
        let bytes = self.0;
        Cow::Owned(if bytes >= MIB {
            let tenths = (bytes * 10 + MIB / 2) / MIB;
            if tenths.is_multiple_of(10) {
                format!("{} MiB", tenths / 10)
            } else {
                format!("{}.{} MiB", tenths / 10, tenths % 10)
            }
        } else if bytes >= KIB {
            format!("{} KiB", (bytes + KIB / 2) / KIB)
        } else {
            format!("{bytes} bytes")
        })
    }
}

/// How a message names a file: by its name, or as the file being checked or the original
/// export when it has none.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FileName {
    Named(String),
    Edited,
    Original,
}

impl FileName {
    /// The file's name, or `unnamed` when it has none.
    pub fn of(name: Option<&str>, unnamed: FileName) -> FileName {
        match name {
            Some(name) if !name.is_empty() => FileName::Named(name.to_owned()),
            _ => unnamed,
        }
    }
}

impl Arg for FileName {
    fn value(&self) -> Option<String> {
        match self {
            FileName::Named(name) => Some(name.clone()),
            FileName::Edited | FileName::Original => None,
        }
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match (self, lang) {
            (FileName::Named(name), _) => name,
            (FileName::Edited, Lang::En) => "The file",
            (FileName::Edited, Lang::Es) => "El archivo",
            (FileName::Original, Lang::En) => "The original export",
            (FileName::Original, Lang::Es) => "La exportación original",
        })
    }
}

/// Other spreadsheet rows: "row 5" / "rows 5, 9 and 12"; in `args`, "5, 9, 12".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct Rows(pub Vec<SheetRow>);

impl Arg for Rows {
    fn value(&self) -> Option<String> {
        let numbers: Vec<String> = self.0.iter().map(SheetRow::to_string).collect();
        Some(numbers.join(", "))
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        let numbers: Vec<String> = self.0.iter().map(SheetRow::to_string).collect();
        let and = match lang {
            Lang::En => "and",
            Lang::Es => "y",
        };
        let list = match numbers.len() {
            0 => String::new(),
            1 => numbers[0].clone(),
            n => format!("{} {and} {}", numbers[..n - 1].join(", "), numbers[n - 1]),
        };
        Cow::Owned(match (numbers.len() == 1, lang) {
            (true, Lang::En) => format!("row {list}"),
            (true, Lang::Es) => format!("la fila {list}"),
            (false, Lang::En) => format!("rows {list}"),
            (false, Lang::Es) => format!("las filas {list}"),
        })
    }
}

/// Who a student of the roster is, beside their name: "export row 9, username ana.lopez, GUID
/// …". In `args` the GUID, with `_export_row` and `_username` entries when known.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Identity {
    pub export_row: Option<SheetRow>,
    pub username: Option<String>,
    pub guid: String,
}

impl From<&crate::roster::StudentRef<'_>> for Identity {
    fn from(student: &crate::roster::StudentRef<'_>) -> Identity {
        Identity {
            export_row: student.export_row,
            username: student.username.map(str::to_owned),
            guid: student.guid.to_owned(),
        }
    }
}

impl Arg for Identity {
    fn value(&self) -> Option<String> {
        Some(self.guid.clone())
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        let mut parts = Vec::new();
        if let Some(row) = self.export_row {
            parts.push(match lang {
                Lang::En => format!("export row {row}"),
                Lang::Es => format!("fila {row} de la exportación"),
            });
        }
        if let Some(username) = &self.username {
            parts.push(match lang {
                Lang::En => format!("username {username}"),
                Lang::Es => format!("usuario {username}"),
            });
        }
        parts.push(format!("GUID {}", self.guid));
        Cow::Owned(parts.join(", "))
    }

    fn parts(&self, key: &str, out: &mut Vec<(String, String)>) {
        if let Some(row) = self.export_row {
            out.push((format!("{key}_export_row"), row.to_string()));
        }
        if let Some(username) = &self.username {
            out.push((format!("{key}_username"), username.clone()));
        }
    }
}

/// Who keeps a Student ID or username a row asks for.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Owner {
    /// A student of the roster who is not in the file, and so keeps it.
    Student { name: String, student: Identity },
    /// An account outside the roster (the server knows of it; it does not say whose).
    ServerAccount,
    /// Another student, found only when the change was applied.
    Someone,
}

impl Arg for Owner {
    fn value(&self) -> Option<String> {
        match self {
            Owner::Student { name, .. } => Some(name.clone()),
            Owner::ServerAccount | Owner::Someone => None,
        }
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Owned(match (self, lang) {
            (Owner::Student { name, student }, Lang::En) => format!(
                "{} ({}), who is not in this file and keeps it",
                shown(name),
                student.text(lang)
            ),
            (Owner::Student { name, student }, Lang::Es) => format!(
                "{} ({}), que no está en este archivo y lo conserva",
                shown(name),
                student.text(lang)
            ),
            (Owner::ServerAccount, Lang::En) => "another account on the server".to_owned(),
            (Owner::ServerAccount, Lang::Es) => "otra cuenta del servidor".to_owned(),
            (Owner::Someone, Lang::En) => "another student".to_owned(),
            (Owner::Someone, Lang::Es) => "otro alumno".to_owned(),
        })
    }

    fn parts(&self, key: &str, out: &mut Vec<(String, String)>) {
        if let Owner::Student { student, .. } = self {
            out.push((format!("{key}_guid"), student.guid.clone()));
            student.parts(key, out);
        }
    }
}

/// Why a password is refused (`weak-password`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordProblem {
    TooShort,
    TooLong,
    Whitespace,
    SameAsUsername,
}

impl Arg for PasswordProblem {
    fn value(&self) -> Option<String> {
        Some(
            match self {
                PasswordProblem::TooShort => "too-short",
                PasswordProblem::TooLong => "too-long",
                PasswordProblem::Whitespace => "surrounding-space",
                PasswordProblem::SameAsUsername => "same-as-username",
            }
            .to_owned(),
        )
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match (self, lang) {
            (PasswordProblem::TooShort, Lang::En) => "is shorter than 8 characters",
            (PasswordProblem::TooShort, Lang::Es) => "tiene menos de 8 caracteres",
            (PasswordProblem::TooLong, Lang::En) => "is longer than 128 characters",
            (PasswordProblem::TooLong, Lang::Es) => "tiene más de 128 caracteres",
            (PasswordProblem::Whitespace, Lang::En) => "starts or ends with a space",
            (PasswordProblem::Whitespace, Lang::Es) => "empieza o termina con un espacio",
            (PasswordProblem::SameAsUsername, Lang::En) => "is the same as the username",
            (PasswordProblem::SameAsUsername, Lang::Es) => "es igual al nombre de usuario",
        })
    }
}

/// Why a Classes cell is refused (`invalid-class`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClassProblem {
    TooLong,
    Characters,
    FormulaLike,
    TooMany,
}

impl Arg for ClassProblem {
    fn value(&self) -> Option<String> {
        Some(
            match self {
                ClassProblem::TooLong => "too-long",
                ClassProblem::Characters => "invalid-characters",
                ClassProblem::FormulaLike => "formula-like",
                ClassProblem::TooMany => "too-many",
            }
            .to_owned(),
        )
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match (self, lang) {
            (ClassProblem::TooLong, Lang::En) => "is longer than 64 characters",
            (ClassProblem::TooLong, Lang::Es) => "tiene más de 64 caracteres",
            (ClassProblem::Characters, Lang::En) => "contains a line break or a control character",
            (ClassProblem::Characters, Lang::Es) => {
                "contiene un salto de línea o un carácter de control"
            }
            (ClassProblem::FormulaLike, Lang::En) => {
                "starts with =, +, - or @, which spreadsheet programs run as a formula"
            }
            (ClassProblem::FormulaLike, Lang::Es) => {
                "empieza por =, +, - o @, que las hojas de cálculo ejecutan como fórmula"
            }
            (ClassProblem::TooMany, Lang::En) => "names more than 20 classes",
            (ClassProblem::TooMany, Lang::Es) => "nombra más de 20 clases",
        })
    }
}

impl Arg for Unreadable {
    fn value(&self) -> Option<String> {
        Some(
            match self {
                Unreadable::Binary => "binary",
                Unreadable::ExtensionMismatch => "extension-mismatch",
                Unreadable::NotAWorkbook => "not-a-workbook",
                Unreadable::Damaged => "damaged",
                Unreadable::TooLargeUnpacked => "too-large-unpacked",
                Unreadable::CountsLie => "counts-lie",
                Unreadable::TooManyCells => "too-many-cells",
                Unreadable::NotAnExport => "not-an-export",
            }
            .to_owned(),
        )
    }

    fn text(&self, lang: Lang) -> Cow<'_, str> {
        Cow::Borrowed(match (self, lang) {
            (Unreadable::Binary, Lang::En) => "it is not a spreadsheet (it contains binary data)",
            (Unreadable::Binary, Lang::Es) => "no es una hoja de cálculo (contiene datos binarios)",
            (Unreadable::ExtensionMismatch, Lang::En) => {
                "its name says it is one kind of workbook, but its content is not"
            }
            (Unreadable::ExtensionMismatch, Lang::Es) => {
                "su nombre dice que es un tipo de libro de cálculo, pero su contenido no lo es"
            }
            (Unreadable::NotAWorkbook, Lang::En) => "it is a ZIP archive but not a workbook",
            (Unreadable::NotAWorkbook, Lang::Es) => "es un archivo ZIP pero no un libro de cálculo",
            (Unreadable::Damaged, Lang::En) => "the workbook is damaged",
            (Unreadable::Damaged, Lang::Es) => "el libro de cálculo está dañado",
            (Unreadable::TooLargeUnpacked, Lang::En) => {
                "the workbook unpacks to more than the allowed size"
            }
            (Unreadable::TooLargeUnpacked, Lang::Es) => {
                "el libro de cálculo ocupa descomprimido más de lo permitido"
            }
            (Unreadable::CountsLie, Lang::En) => {
                "the workbook is damaged: it declares more cells or text than it holds"
            }
            (Unreadable::CountsLie, Lang::Es) => {
                "el libro de cálculo está dañado: declara más celdas o textos de los que contiene"
            }
            (Unreadable::TooManyCells, Lang::En) => {
                "the workbook holds more cells or text than the row and column limits allow"
            }
            (Unreadable::TooManyCells, Lang::Es) => {
                "el libro de cálculo contiene más celdas o textos de lo que permiten los límites de filas y columnas"
            }
            (Unreadable::NotAnExport, Lang::En) => {
                "it is not a roster export (it needs the Student GUID, First Name, Last Name and Grade Level columns)"
            }
            (Unreadable::NotAnExport, Lang::Es) => {
                "no es una exportación de la lista (necesita las columnas Student GUID, First Name, Last Name y Grade Level)"
            }
        })
    }
}

/// The finding's message in `lang`: its code's template with every `{name}` filled.
pub fn render(finding: &Finding, lang: Lang) -> String {
    let template = finding.code().template(lang);
    let args = finding.args();
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else {
            out.push_str(&rest[open..]);
            rest = "";
            break;
        };
        let name = &after[..close];
        match args.iter().find(|(arg, _)| *arg == name) {
            Some((_, value)) => out.push_str(&value.text(lang)),
            // The registry test makes sure every placeholder names an argument.
            None => out.push_str(&rest[open..open + close + 2]),
        }
        rest = &after[close + 1..];
    }
    out.push_str(rest);
    out
}

/// The report's `args` of a finding: every value its message names, language-free, in the
/// registry's order (values made of parts followed by their parts).
pub fn args(finding: &Finding) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for (key, arg) in finding.args() {
        if let Some(value) = arg.value() {
            out.push((key.to_owned(), value));
        }
        arg.parts(key, &mut out);
    }
    out
}

#[cfg(test)]
mod tests;
