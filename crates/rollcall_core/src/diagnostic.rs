//! A diagnostic is data: code, severity, row, column, message and an optional fix.

use serde::Serialize;

use crate::code::{Code, Lang, Severity};
use crate::field::Field;

/// A cell edit that resolves a diagnostic: put `value` into `field` on spreadsheet row `row`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    pub row: u32,
    pub field: Field,
    pub value: String,
}

/// One finding about the file, a row or a cell.
///
/// `row` is the spreadsheet row a person sees (the header is row 1 in an export), or `None` for
/// a finding about the whole file. `column` is the header as written in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    pub row: Option<u32>,
    pub column: Option<String>,
    pub message: String,
    pub fix: Option<Fix>,
    /// The column's position in the file, used only to sort.
    #[serde(skip)]
    pub column_index: Option<u32>,
}

impl Diagnostic {
    /// Sort key of SPEC section 6: row (file-level first), column index (none first), code,
    /// message.
    pub fn sort_key(&self) -> (Option<u32>, Option<u32>, &'static str, &str) {
        (
            self.row,
            self.column_index,
            self.code.as_str(),
            &self.message,
        )
    }
}

/// Sorts diagnostics into report order.
pub fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| a.sort_key().cmp(&b.sort_key()));
}

/// A text argument of a message: the same in every language, or translated.
#[derive(Debug, Clone)]
pub enum Text {
    Plain(String),
    Translated { en: String, es: String },
}

impl Text {
    pub fn translated(en: impl Into<String>, es: impl Into<String>) -> Text {
        Text::Translated {
            en: en.into(),
            es: es.into(),
        }
    }

    pub fn get(&self, lang: Lang) -> &str {
        match (self, lang) {
            (Text::Plain(text), _) => text,
            (Text::Translated { en, .. }, Lang::En) => en,
            (Text::Translated { es, .. }, Lang::Es) => es,
        }
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        Text::Plain(text)
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::Plain(text.to_owned())
    }
}

/// Builds one diagnostic: the code's template filled with named arguments in `lang`.
pub struct DiagnosticBuilder {
    code: Code,
    row: Option<u32>,
    column: Option<(String, Option<u32>)>,
    args: Vec<(&'static str, Text)>,
    fix: Option<Fix>,
}

impl DiagnosticBuilder {
    pub fn new(code: Code, row: Option<u32>) -> DiagnosticBuilder {
        DiagnosticBuilder {
            code,
            row,
            column: None,
            args: Vec::new(),
            fix: None,
        }
    }

    /// The column the finding is about: its header as written and its index in the file.
    pub fn column(mut self, header: impl Into<String>, index: Option<u32>) -> Self {
        let header = header.into();
        self.args.push(("column", Text::Plain(header.clone())));
        self.column = Some((header, index));
        self
    }

    pub fn arg(mut self, name: &'static str, value: impl Into<Text>) -> Self {
        self.args.push((name, value.into()));
        self
    }

    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix;
        self
    }

    pub fn build(self, lang: Lang) -> Diagnostic {
        let message = render(self.code.template(lang), &self.args, lang);
        let (column, column_index) = match self.column {
            Some((header, index)) => (Some(header), index),
            None => (None, None),
        };
        Diagnostic {
            code: self.code,
            severity: self.code.severity(),
            row: self.row,
            column,
            message,
            fix: self.fix,
            column_index,
        }
    }
}

/// Fills `{name}` placeholders; a placeholder without an argument is left as written.
fn render(template: &str, args: &[(&'static str, Text)], lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 32);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(arg, _)| *arg == name) {
                    Some((_, value)) => out.push_str(value.get(lang)),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

/// Lists other rows in a message: "row 5" / "rows 5, 9 and 12", in either language.
pub fn rows_phrase(rows: &[u32]) -> Text {
    let numbers: Vec<String> = rows.iter().map(u32::to_string).collect();
    let join = |and: &str| match numbers.len() {
        0 => String::new(),
        1 => numbers[0].clone(),
        n => format!("{} {and} {}", numbers[..n - 1].join(", "), numbers[n - 1]),
    };
    if rows.len() == 1 {
        Text::translated(
            format!("row {}", join("and")),
            format!("la fila {}", join("y")),
        )
    } else {
        Text::translated(
            format!("rows {}", join("and")),
            format!("las filas {}", join("y")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_fills_named_arguments_in_the_chosen_language() {
        let args = vec![
            ("value", Text::Plain("Z".into())),
            ("rows", rows_phrase(&[3, 5, 9])),
        ];
        assert_eq!(
            render("{value} on {rows}.", &args, Lang::En),
            "Z on rows 3, 5 and 9."
        );
        assert_eq!(
            render("{value} en {rows}.", &args, Lang::Es),
            "Z en las filas 3, 5 y 9."
        );
        assert_eq!(render("{missing} {", &args, Lang::En), "{missing} {");
    }

    #[test]
    fn one_row_is_singular() {
        assert_eq!(rows_phrase(&[7]).get(Lang::En), "row 7");
        assert_eq!(rows_phrase(&[7]).get(Lang::Es), "la fila 7");
    }
}
