//! The worker's own row messages (the engine's are in `rollcall_core::code`), in English and
//! Spanish: the language of the upload's `lang`, as the Error File shows them.

use rollcall_core::Lang;

use crate::store::uploads::RowError;

fn text(lang: Lang, en: String, es: String) -> String {
    match lang {
        Lang::Es => es,
        _ => en,
    }
}

fn row_error(code: &str, message: String) -> RowError {
    RowError {
        code: code.to_owned(),
        message,
    }
}

/// A row the queue could not finish because the database stayed busy or unavailable.
pub fn store_unavailable(lang: Lang) -> RowError {
    row_error(
        "upload-failed",
        text(
            lang,
            "This row was not applied: the database stayed busy or unavailable. Upload this file again later.".to_owned(),
            "Esta fila no se aplicó: la base de datos siguió ocupada o no disponible. Vuelva a subir este archivo más tarde.".to_owned(),
        ),
    )
}

/// A row of an upload an internal error stopped.
pub fn internal_error(lang: Lang) -> RowError {
    row_error(
        "upload-failed",
        text(
            lang,
            "This row was not applied: an internal error stopped the upload. Upload this file again.".to_owned(),
            "Esta fila no se aplicó: un error interno detuvo la carga. Vuelva a subir este archivo.".to_owned(),
        ),
    )
}

/// A row whose password could not be hashed (so it is not stored at all).
pub fn password_unhashable(lang: Lang) -> RowError {
    row_error(
        "password-unhashable",
        text(
            lang,
            "The password could not be stored, so this row was not applied. Enter the password again or leave it blank.".to_owned(),
            "No se pudo guardar la contraseña, así que esta fila no se aplicó. Escriba la contraseña de nuevo o déjela en blanco.".to_owned(),
        ),
    )
}

/// A stored op that no longer reads back.
pub fn unreadable_op(lang: Lang, row: u32, why: &str) -> RowError {
    row_error(
        "bad-op",
        text(
            lang,
            format!("Row {row} could not be read back: {why}"),
            format!("No se pudo volver a leer la fila {row}: {why}"),
        ),
    )
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
