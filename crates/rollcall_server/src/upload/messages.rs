//! The words the upload's files add to its rows, in English and Spanish (a failed row's errors
//! are worded by [`crate::row_problem`]).

use rollcall_core::Lang;

fn text(lang: Lang, en: String, es: String) -> String {
    match lang {
        Lang::Es => es,
        _ => en,
    }
}

/// A revert's Completed File says of each row whether it put the student back or kept her (a
/// student the reverted upload created).
pub fn revert_note(lang: Lang, kept: bool) -> String {
    let (en, es) = if kept {
        (
            "Kept: the reverted upload created this student",
            "Conservado: la subida revertida creó a este estudiante",
        )
    } else {
        (
            "Put back as before the reverted upload",
            "Devuelto a como estaba antes de la subida revertida",
        )
    };
    text(lang, en.to_owned(), es.to_owned())
}
