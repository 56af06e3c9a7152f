//! Why a row of an upload failed, as the server keeps it: what was found, not its words. A
//! problem is worded only when it is shown ([`RowProblem::word`]): the rows' JSON in the
//! language asked for, the Error File in the uploader's.

use rollcall_core::{Finding, Lang};
use rollcall_protocol::{RowError, WorkerCode};
use serde::{Deserialize, Serialize};

/// One reason a row failed. Kept as JSON in the upload's row; each form reads back apart from
/// the others (a rule's finding has `code` and `args`, the server's own has `worker`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum RowProblem {
    /// A rule's finding: the row's own (re-checked on arrival) or the server's `stale-row`,
    /// `unknown-guid` and taken values found while applying it.
    Rule(Finding),
    /// The server could not finish the row, whatever it holds.
    Worker { worker: WorkerProblem },
    /// Already worded: an error stored before problems were kept as data.
    Worded(RowError),
}

/// Why the server could not finish a row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerProblem {
    /// The database stayed busy or unavailable.
    StoreUnavailable,
    /// An internal error (a panic, a bug) stopped the upload.
    Internal,
    /// The row's password could not be hashed, so it is not stored at all.
    PasswordUnhashable,
    /// The row as stored in the queue no longer reads back.
    RowUnreadable { why: String },
}

impl WorkerProblem {
    pub fn code(&self) -> WorkerCode {
        match self {
            WorkerProblem::StoreUnavailable | WorkerProblem::Internal => WorkerCode::UploadFailed,
            WorkerProblem::PasswordUnhashable => WorkerCode::PasswordUnhashable,
            WorkerProblem::RowUnreadable { .. } => WorkerCode::RowUnreadable,
        }
    }

    /// The message, in English and Spanish.
    fn message(&self, lang: Lang) -> String {
        let (en, es) = match self {
            WorkerProblem::StoreUnavailable => (
                "This row was not applied: the database stayed busy or unavailable. Upload this file again later.",
                "Esta fila no se aplicó: la base de datos siguió ocupada o no disponible. Vuelva a subir este archivo más tarde.",
            ),
            WorkerProblem::Internal => (
                "This row was not applied: an internal error stopped the upload. Upload this file again.",
                "Esta fila no se aplicó: un error interno detuvo la carga. Vuelva a subir este archivo.",
            ),
            WorkerProblem::PasswordUnhashable => (
                "The password could not be stored, so this row was not applied. Enter the password again or leave it blank.",
                "No se pudo guardar la contraseña, así que esta fila no se aplicó. Escriba la contraseña de nuevo o déjela en blanco.",
            ),
            WorkerProblem::RowUnreadable { why } => {
                return match lang {
                    Lang::En => format!(
                        "This row was not applied: it could not be read back from the queue ({why}). Upload this file again."
                    ),
                    Lang::Es => format!(
                        "Esta fila no se aplicó: no se pudo volver a leer de la cola ({why}). Vuelva a subir este archivo."
                    ),
                };
            }
        };
        match lang {
            Lang::En => en.to_owned(),
            Lang::Es => es.to_owned(),
        }
    }
}

impl From<Finding> for RowProblem {
    fn from(finding: Finding) -> RowProblem {
        RowProblem::Rule(finding)
    }
}

impl From<WorkerProblem> for RowProblem {
    fn from(worker: WorkerProblem) -> RowProblem {
        RowProblem::Worker { worker }
    }
}

impl RowProblem {
    /// The problem as the API and the Error File show it, worded in `lang`.
    pub fn word(&self, lang: Lang) -> RowError {
        match self {
            RowProblem::Rule(finding) => RowError {
                code: finding.code().as_str().to_owned(),
                message: rollcall_core::message::render(finding, lang),
            },
            RowProblem::Worker { worker } => RowError {
                code: worker.code().as_str().to_owned(),
                message: worker.message(lang),
            },
            RowProblem::Worded(error) => error.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_problem_reads_back_as_itself_and_is_worded_in_the_language_asked_for() {
        let problems: Vec<RowProblem> = vec![
            Finding::StaleRow {
                name: "Ana Li".to_owned(),
            }
            .into(),
            WorkerProblem::StoreUnavailable.into(),
            WorkerProblem::Internal.into(),
            WorkerProblem::PasswordUnhashable.into(),
            WorkerProblem::RowUnreadable {
                why: "missing field `op`".to_owned(),
            }
            .into(),
        ];
        for problem in &problems {
            let json = serde_json::to_string(problem).unwrap();
            let back: RowProblem = serde_json::from_str(&json).unwrap();
            assert_eq!(&back, problem, "{json}");
            let (en, es) = (problem.word(Lang::En), problem.word(Lang::Es));
            assert_eq!(en.code, es.code);
            assert_ne!(en.message, es.message, "{json}");
        }
        let stale = problems[0].word(Lang::Es);
        assert_eq!(stale.code, "stale-row");
        assert!(stale.message.contains("Ana Li"), "{}", stale.message);
        assert_eq!(
            problems[1].word(Lang::En).code,
            WorkerCode::UploadFailed.as_str()
        );
        assert_eq!(
            problems[3].word(Lang::En).code,
            WorkerCode::PasswordUnhashable.as_str()
        );
        assert!(
            problems[4]
                .word(Lang::En)
                .message
                .contains("missing field `op`")
        );
    }

    #[test]
    fn an_error_stored_worded_reads_back_as_it_was_stored() {
        let stored = r#"[{"code":"stale-row","message":"Ana Li was changed on the server."},
                        {"code":"unknown-guid","message":"Not applied."}]"#;
        let problems: Vec<RowProblem> = serde_json::from_str(stored).unwrap();
        let worded: Vec<RowError> = problems.iter().map(|p| p.word(Lang::Es)).collect();
        assert_eq!(worded[0].code, "stale-row");
        assert_eq!(worded[0].message, "Ana Li was changed on the server.");
        assert_eq!(worded[1].code, "unknown-guid");
        assert_eq!(worded[1].message, "Not applied.");
    }

    #[test]
    fn a_rule_finding_is_kept_as_its_code_and_values() {
        let problem = RowProblem::from(Finding::UnknownGuid {
            value: "g-1".to_owned(),
        });
        assert_eq!(
            serde_json::to_string(&problem).unwrap(),
            r#"{"code":"unknown-guid","args":{"value":"g-1"}}"#
        );
        assert_eq!(
            serde_json::to_string(&RowProblem::from(WorkerProblem::StoreUnavailable)).unwrap(),
            r#"{"worker":"store-unavailable"}"#
        );
    }
}
