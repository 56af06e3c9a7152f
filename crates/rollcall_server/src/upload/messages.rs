//! The words the upload's files add to its rows, in English and Spanish (a failed row's errors
//! are worded by [`crate::row_problem`]).

use rollcall_core::Lang;

/// A revert's Completed File says of each row whether it put the student back or kept her (a
/// student the reverted upload created).
pub fn revert_note(lang: Lang, kept: bool) -> String {
    let text = match (lang, kept) {
        (Lang::En, true) => "Kept: the reverted upload created this student",
        (Lang::Es, true) => "Conservado: la subida revertida creó a este estudiante",
        (Lang::En, false) => "Put back as before the reverted upload",
        (Lang::Es, false) => "Devuelto a como estaba antes de la subida revertida",
    };
    text.to_owned()
}
