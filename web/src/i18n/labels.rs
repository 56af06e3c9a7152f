//! Words the page builds from values: a column's, an outcome's or a status's name, counts,
//! times and lists, in English and Spanish.

use rollcall_core::{Field, Finding, Lang, Outcome, SheetRow};
use rollcall_protocol::{PasswordState, RowState, UploadCounts, UploadStatus};

/// A column's name on the page.
pub fn field_label(field: Field, lang: Lang) -> &'static str {
    match lang {
        Lang::En => field.header(),
        Lang::Es => match field {
            Field::Guid => "GUID del alumno",
            Field::StudentId => "ID de alumno",
            Field::FirstName => "Nombre",
            Field::LastName => "Apellido",
            Field::Grade => "Grado",
            Field::Username => "Usuario",
            Field::Password => "Contraseña",
            Field::Classes => "Clases",
        },
    }
}

/// An outcome badge's text.
pub fn outcome_label(outcome: Outcome, lang: Lang) -> &'static str {
    match (outcome, lang) {
        (Outcome::Update, Lang::En) => "Update",
        (Outcome::Update, Lang::Es) => "Actualizar",
        (Outcome::Create, Lang::En) => "New",
        (Outcome::Create, Lang::Es) => "Nuevo",
        (Outcome::Unchanged, Lang::En) => "Unchanged",
        (Outcome::Unchanged, Lang::Es) => "Sin cambios",
        (Outcome::Error, Lang::En) => "Error",
        (Outcome::Error, Lang::Es) => "Error",
        (Outcome::Blank, Lang::En) => "Blank",
        (Outcome::Blank, Lang::Es) => "En blanco",
        (Outcome::Absent, Lang::En) => "Not in file",
        (Outcome::Absent, Lang::Es) => "Fuera del archivo",
    }
}

/// Where a student's password is, for the Students view: "Temporary, expires Nov 30, 2026".
pub fn password_state(state: PasswordState, expires_at: Option<&str>, lang: Lang) -> String {
    let expires = expires_at.map(|at| when(at, lang)).unwrap_or_default();
    match (state, lang) {
        (PasswordState::Own, Lang::En) => "Own password".to_owned(),
        (PasswordState::Own, Lang::Es) => "Contraseña propia".to_owned(),
        (PasswordState::Temporary, Lang::En) => format!("Temporary, expires {expires}"),
        (PasswordState::Temporary, Lang::Es) => format!("Temporal, caduca el {expires}"),
        (PasswordState::Expired, Lang::En) => "Expired: reset it".to_owned(),
        (PasswordState::Expired, Lang::Es) => "Caducada: restablézcala".to_owned(),
        (PasswordState::Unset, Lang::En) => "None yet".to_owned(),
        (PasswordState::Unset, Lang::Es) => "Todavía ninguna".to_owned(),
    }
}

/// An upload status in the page's language (in English, the server's own words).
pub fn status_label(status: UploadStatus, lang: Lang) -> &'static str {
    match (status, lang) {
        (status, Lang::En) => status.as_str(),
        (UploadStatus::Queued, Lang::Es) => "En cola",
        (UploadStatus::InProgress, Lang::Es) => "En curso",
        (UploadStatus::Completed, Lang::Es) => "Completada",
        (UploadStatus::CompletedWithErrors, Lang::Es) => "Completada con errores",
        (UploadStatus::Failed, Lang::Es) => "Fallida",
    }
}

/// "12 changes" / "12 cambios".
pub fn changes_count(count: u32, lang: Lang) -> String {
    match (lang, count) {
        (Lang::En, 1) => "1 change".to_owned(),
        (Lang::En, n) => format!("{n} changes"),
        (Lang::Es, 1) => "1 cambio".to_owned(),
        (Lang::Es, n) => format!("{n} cambios"),
    }
}

/// An upload's counts, as the Upload History shows them: "120 rows · 3 new · 117 updated".
pub fn upload_counts(counts: &UploadCounts, lang: Lang) -> String {
    // Each count's words: English, Spanish, each in the singular and the plural.
    let words: [(Option<u32>, [&str; 4]); 5] = [
        (Some(counts.rows), ["row", "rows", "fila", "filas"]),
        (counts.created, ["new", "new", "nuevo", "nuevos"]),
        (
            counts.updated,
            ["updated", "updated", "actualizado", "actualizados"],
        ),
        (counts.failed, ["failed", "failed", "fallido", "fallidos"]),
        // A revert's students that the reverted upload created.
        (counts.kept, ["kept", "kept", "conservado", "conservados"]),
    ];
    let parts: Vec<String> = words
        .iter()
        .filter_map(|(count, words)| {
            let count = (*count)?;
            let plural = usize::from(count != 1);
            let word = match lang {
                Lang::En => words[plural],
                Lang::Es => words[2 + plural],
            };
            Some(format!("{count} {word}"))
        })
        .collect();
    parts.join(" · ")
}

/// A field's values in the plural, as a sentence names them: "first names" / "nombres".
fn field_plural(field: Field, lang: Lang) -> &'static str {
    match (field, lang) {
        (Field::FirstName, Lang::En) => "first names",
        (Field::FirstName, Lang::Es) => "nombres",
        (Field::LastName, Lang::En) => "last names",
        (Field::LastName, Lang::Es) => "apellidos",
        (Field::Grade, Lang::En) => "grade levels",
        (Field::Grade, Lang::Es) => "grados",
        (Field::StudentId, Lang::En) => "Student IDs",
        (Field::StudentId, Lang::Es) => "ID de alumno",
        (Field::Username, Lang::En) => "usernames",
        (Field::Username, Lang::Es) => "nombres de usuario",
        (Field::Classes, Lang::En) => "class lists",
        (Field::Classes, Lang::Es) => "listas de clases",
        (Field::Password, Lang::En) => "passwords",
        (Field::Password, Lang::Es) => "contraseñas",
        (Field::Guid, Lang::En) => "Student GUIDs",
        (Field::Guid, Lang::Es) => "GUID de alumno",
    }
}

/// What the teacher confirms by ticking a guard's box: "I checked: 48 of 60 first names
/// change" / "Lo he revisado: cambian 48 de 60 nombres".
pub fn guard_confirmation(finding: &Finding, lang: Lang) -> String {
    match (finding, lang) {
        (
            Finding::MassChange {
                field,
                changed,
                matched,
            },
            Lang::En,
        ) => format!(
            "I checked: {changed} of {matched} {} change",
            field_plural(*field, lang)
        ),
        (
            Finding::MassChange {
                field,
                changed,
                matched,
            },
            Lang::Es,
        ) => format!(
            "Lo he revisado: cambian {changed} de {matched} {}",
            field_plural(*field, lang)
        ),
        (Finding::MassCreate { created, rows }, Lang::En) => {
            format!("I checked: {created} of {rows} rows create new students")
        }
        (Finding::MassCreate { created, rows }, Lang::Es) => {
            format!("Lo he revisado: {created} de {rows} filas crean alumnos nuevos")
        }
        (other, _) => other.code().as_str().to_owned(),
    }
}

/// "Upload 12 changes" / "Cargar 12 cambios".
pub fn upload_button(count: u32, lang: Lang) -> String {
    let verb = match lang {
        Lang::En => "Upload",
        Lang::Es => "Cargar",
    };
    format!("{verb} {}", changes_count(count, lang))
}

/// The announcement read out after a check.
pub fn announce_check(rows: u32, errors: u32, changes: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Checked {rows} rows: {errors} errors, {changes} changes."),
        Lang::Es => format!("Revisadas {rows} filas: {errors} errores, {changes} cambios."),
    }
}

/// "Fix: set to KG" / "Corregir: poner KG".
pub fn fix_label(value: &str, lang: Lang) -> String {
    let value = if value.is_empty() { "∅" } else { value };
    match lang {
        Lang::En => format!("Fix: set to {value}"),
        Lang::Es => format!("Corregir: poner {value}"),
    }
}

/// The accessible name of an editable cell.
pub fn cell_name(row: SheetRow, field: Field, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Row {row} {}", field_label(field, lang)),
        Lang::Es => format!("Fila {row} {}", field_label(field, lang)),
    }
}

/// "2, 5, 9" (at most 50 numbers, then "…").
pub fn row_list(rows: &[SheetRow]) -> String {
    let mut list: Vec<String> = rows.iter().take(50).map(SheetRow::to_string).collect();
    if rows.len() > 50 {
        list.push("…".to_owned());
    }
    list.join(", ")
}

/// An RFC 3339 time as the teacher reads it, in their language and time zone.
pub fn when(at: &str, lang: Lang) -> String {
    #[cfg(target_arch = "wasm32")]
    {
        let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_str(at));
        if !date.get_time().is_nan() {
            let locale = match lang {
                Lang::En => "en-US",
                Lang::Es => "es-ES",
            };
            let options = js_sys::Object::new();
            for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
                let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
            }
            return String::from(date.to_locale_string(locale, &options));
        }
    }
    let _ = lang;
    if at.len() >= 16 {
        format!("{} {} UTC", &at[..10], &at[11..16])
    } else {
        at.to_owned()
    }
}

/// "Page 2 of 4".
pub fn page_of(page: u32, pages: u32, lang: Lang) -> String {
    match lang {
        Lang::En => format!("Page {page} of {pages}"),
        Lang::Es => format!("Página {page} de {pages}"),
    }
}

/// What became of one row of an upload.
pub fn row_state_label(state: RowState, lang: Lang) -> &'static str {
    match (state, lang) {
        (RowState::Pending, Lang::En) => "Waiting",
        (RowState::Pending, Lang::Es) => "En espera",
        (RowState::Applied, Lang::En) => "Applied",
        (RowState::Applied, Lang::Es) => "Aplicada",
        (RowState::Failed, Lang::En) => "Not applied",
        (RowState::Failed, Lang::Es) => "No aplicada",
    }
}

/// "2 new classes: Math 4, Science Club": the classes an upload will create.
pub fn new_classes(names: &[String], lang: Lang) -> String {
    let list = names.join(", ");
    match (lang, names.len()) {
        (Lang::En, 1) => format!("1 new class: {list}"),
        (Lang::En, n) => format!("{n} new classes: {list}"),
        (Lang::Es, 1) => format!("1 clase nueva: {list}"),
        (Lang::Es, n) => format!("{n} clases nuevas: {list}"),
    }
}

/// "Math 3 — 12 students": a class opened in the Classes view.
pub fn class_heading(name: &str, students: usize, lang: Lang) -> String {
    match (lang, students) {
        (Lang::En, 1) => format!("{name} — 1 student"),
        (Lang::En, n) => format!("{name} — {n} students"),
        (Lang::Es, 1) => format!("{name} — 1 alumno"),
        (Lang::Es, n) => format!("{name} — {n} alumnos"),
    }
}
