//! The words of reverting an upload, in English and Spanish.

use rollcall_core::Lang;
use rollcall_protocol::UploadCounts;

/// The Revert action.
pub fn revert(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Revert",
        Lang::Es => "Revertir",
    }
}

/// An upload that has a revert (links to it).
pub fn reverted(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Reverted",
        Lang::Es => "Revertida",
    }
}

/// The confirmation's heading.
pub fn title(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Revert this upload?",
        Lang::Es => "¿Revertir esta subida?",
    }
}

/// What a revert of `file` puts back and what it keeps.
pub fn question(file: &str, counts: &UploadCounts, lang: Lang) -> String {
    let updated = counts.updated.unwrap_or(0);
    let created = counts.created.unwrap_or(0);
    match lang {
        Lang::En => {
            let mut text = format!(
                "Reverting \u{201c}{file}\u{201d} puts back the names, grades, Student IDs, \
                 usernames and classes it changed on up to {updated} students, as they were before \
                 it."
            );
            match created {
                0 => {}
                1 => text.push_str(" The student it created is kept: no student is ever deleted."),
                n => text.push_str(&format!(
                    " The {n} students it created are kept: no student is ever deleted."
                )),
            }
            text.push_str(
                " A student changed again since then keeps her values and is listed in the \
                 revert's Error File. Passwords are not put back.",
            );
            text
        }
        Lang::Es => {
            let mut text = format!(
                "Revertir \u{201c}{file}\u{201d} devuelve los nombres, grados, ID de estudiante, \
                 usuarios y clases que cambió en hasta {updated} alumnos a como estaban antes."
            );
            match created {
                0 => {}
                1 => text.push_str(" Se conserva el alumno que creó: nunca se borra a un alumno."),
                n => text.push_str(&format!(
                    " Se conservan los {n} alumnos que creó: nunca se borra a un alumno."
                )),
            }
            text.push_str(
                " Un alumno que cambió de nuevo desde entonces conserva sus valores y aparece en el \
                 archivo de errores de la reversión. Las contraseñas no se devuelven.",
            );
            text
        }
    }
}

/// The button that reverts.
pub fn confirm(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Revert this upload",
        Lang::Es => "Revertir esta subida",
    }
}

pub fn cancel(lang: Lang) -> &'static str {
    match lang {
        Lang::En => "Cancel",
        Lang::Es => "Cancelar",
    }
}

/// The note once a revert is queued.
pub fn queued(file: &str, lang: Lang) -> String {
    match lang {
        Lang::En => format!("The revert of \u{201c}{file}\u{201d} is queued."),
        Lang::Es => format!("La reversión de \u{201c}{file}\u{201d} está en cola."),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_question_names_what_is_put_back_and_what_is_kept_in_both_languages() {
        let counts = UploadCounts {
            rows: 31,
            applied: Some(31),
            created: Some(1),
            updated: Some(30),
            failed: Some(0),
            kept: None,
        };
        let en = question("roster.csv", &counts, Lang::En);
        assert!(en.contains("up to 30 students"), "{en}");
        assert!(en.contains("The student it created is kept"), "{en}");
        let two = UploadCounts {
            created: Some(2),
            ..counts
        };
        assert!(question("f", &two, Lang::En).contains("The 2 students it created are kept"));
        assert!(question("f", &two, Lang::Es).contains("Se conservan los 2 alumnos"));
        let es = question("roster.csv", &counts, Lang::Es);
        assert!(es.contains("hasta 30 alumnos"), "{es}");
        assert!(es.contains("Las contraseñas no se devuelven"), "{es}");
        let none_created = UploadCounts {
            created: Some(0),
            ..counts
        };
        assert!(!question("f", &none_created, Lang::En).contains("kept"));
        assert_ne!(revert(Lang::En), revert(Lang::Es));
    }
}
