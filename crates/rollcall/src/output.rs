//! Compiler-style text output: `edited.csv:14: error[guid-modified]: …`, then a summary line.

use std::fmt::Write;

use rollcall_core::{Lang, Report, Severity, summary_line};

fn severity_word(severity: Severity, lang: Lang) -> &'static str {
    match (severity, lang) {
        (Severity::Error, _) => "error",
        (Severity::Warning, Lang::En) => "warning",
        (Severity::Warning, Lang::Es) => "aviso",
        (Severity::Info, Lang::En) => "info",
        (Severity::Info, Lang::Es) => "nota",
    }
}

pub fn text(report: &Report, file: &str, lang: Lang) -> String {
    let mut out = String::new();
    let mut diagnostics: Vec<_> = report.diagnostics.iter().collect();
    rollcall_core::diagnostic::order_ties(&mut diagnostics, lang);
    for d in diagnostics {
        let place = match d.row {
            Some(row) => format!("{file}:{row}"),
            None => file.to_owned(),
        };
        let _ = writeln!(
            out,
            "{place}: {}[{}]: {}",
            severity_word(d.severity(), lang),
            d.code().as_str(),
            d.message(lang)
        );
    }
    let _ = writeln!(out, "{}", summary_line(&report.summary, lang));
    out
}
