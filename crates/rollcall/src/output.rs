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
    for d in &report.diagnostics {
        let place = match d.row {
            Some(row) => format!("{file}:{row}"),
            None => file.to_owned(),
        };
        let _ = writeln!(
            out,
            "{place}: {}[{}]: {}",
            severity_word(d.severity, lang),
            d.code.as_str(),
            d.message
        );
    }
    let _ = writeln!(out, "{}", summary_line(&report.summary, lang));
    out
}
