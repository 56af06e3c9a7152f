//! Every text of the page, in English and Spanish. A diagnostic's message comes from the rule
//! engine in the same language.

use rollcall_core::{Field, Lang, Outcome, SheetRow};
use rollcall_protocol::{RowState, UploadStatus};

/// The page's texts in one language.
pub struct Texts {
    pub app: &'static str,
    pub tagline: &'static str,
    pub sign_in_title: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub sign_in_failed: &'static str,
    pub too_many_tries: &'static str,
    pub sign_out: &'static str,
    pub signed_in_as: &'static str,
    pub organization: &'static str,
    pub language: &'static str,
    pub nav_import: &'static str,
    pub nav_history: &'static str,
    pub main_nav: &'static str,
    pub export_title: &'static str,
    pub export_help: &'static str,
    pub export_csv: &'static str,
    pub export_xlsx: &'static str,
    pub import_title: &'static str,
    pub import_help: &'static str,
    pub choose_file: &'static str,
    pub drop_here: &'static str,
    pub privacy: &'static str,
    pub reading: &'static str,
    pub checked_in: &'static str,
    pub against_export: &'static str,
    pub against_latest: &'static str,
    pub against_roster: &'static str,
    pub file_problems: &'static str,
    pub count_update: &'static str,
    pub count_create: &'static str,
    pub count_unchanged: &'static str,
    pub count_absent: &'static str,
    pub count_error_rows: &'static str,
    pub count_errors: &'static str,
    pub count_warnings: &'static str,
    pub filter_label: &'static str,
    pub filter_errors: &'static str,
    pub filter_changes: &'static str,
    pub filter_all: &'static str,
    pub apply_all: &'static str,
    pub download_errors: &'static str,
    pub upload: &'static str,
    pub uploading: &'static str,
    pub nothing_to_upload: &'static str,
    pub leave_unsaved: &'static str,
    pub held_back: &'static str,
    pub col_row: &'static str,
    pub col_outcome: &'static str,
    pub col_problems: &'static str,
    pub fix: &'static str,
    pub edit_cell: &'static str,
    pub previous: &'static str,
    pub next: &'static str,
    pub rows_shown: &'static str,
    pub no_rows: &'static str,
    pub was: &'static str,
    pub history_title: &'static str,
    pub refresh: &'static str,
    pub auto_refresh: &'static str,
    pub no_uploads: &'static str,
    pub col_file: &'static str,
    pub col_time: &'static str,
    pub col_status: &'static str,
    pub col_counts: &'static str,
    pub col_actions: &'static str,
    pub uploaded_file: &'static str,
    pub completed_file: &'static str,
    pub error_file: &'static str,
    pub queued_note: &'static str,
    pub request_failed: &'static str,
    pub session_expired: &'static str,
    pub counts_applied: &'static str,
    pub counts_failed: &'static str,
    pub counts_unchanged: &'static str,
    pub edit_refused: &'static str,
    pub history_newer: &'static str,
    pub history_older: &'static str,
    pub history_pages: &'static str,
    pub back_to_history: &'static str,
    pub upload_rows: &'static str,
    pub col_state: &'static str,
    pub col_student: &'static str,
    pub col_errors: &'static str,
    pub no_upload_rows: &'static str,
    pub not_found: &'static str,
    pub go_import: &'static str,
}

pub const EN: Texts = Texts {
    app: "Rollcall",
    tagline: "Student roster imports, checked before they are sent",
    sign_in_title: "Sign in to Rollcall",
    email: "Email",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    sign_in_failed: "Wrong email or password.",
    too_many_tries: "Too many failed sign-ins. Wait a few minutes and try again.",
    sign_out: "Sign out",
    signed_in_as: "Signed in as",
    organization: "Organization",
    language: "Language",
    nav_import: "Import Students/Rosters",
    nav_history: "Upload History",
    main_nav: "Main",
    export_title: "1. Export Students",
    export_help: "Download this school's students, edit the file in your spreadsheet program, then choose it below. Leave the Student GUID column as it is.",
    export_csv: "Export CSV",
    export_xlsx: "Export XLSX",
    import_title: "2. Check and upload the edited file",
    import_help: "Every problem shows on its row the moment you choose the file. Fix it here or in your spreadsheet; only valid changes are uploaded.",
    choose_file: "Choose File",
    drop_here: "or drop a CSV, XLSX, XLS or ODS file here",
    privacy: "The file is checked in this browser. No student data is sent until you press Upload.",
    reading: "Checking",
    checked_in: "Checked in",
    against_export: "Compared with your export of",
    against_latest: "The file does not say which export it came from: compared with your latest export, of",
    against_roster: "No export of yours was found: compared with the current roster.",
    file_problems: "Problems with the whole file",
    count_update: "To update",
    count_create: "New",
    count_unchanged: "Unchanged",
    count_absent: "Not in file",
    count_error_rows: "Rows with errors",
    count_errors: "Errors",
    count_warnings: "Warnings",
    filter_label: "Show",
    filter_errors: "Errors",
    filter_changes: "Changes",
    filter_all: "All rows",
    apply_all: "Apply all fixes",
    download_errors: "Download Error File",
    upload: "Upload",
    uploading: "Uploading…",
    nothing_to_upload: "Nothing to upload: no row adds or changes a student.",
    leave_unsaved: "Your edits on this page are not uploaded yet. Leave anyway?",
    held_back: "Rows with errors are held back and not uploaded:",
    col_row: "Row",
    col_outcome: "Outcome",
    col_problems: "Problems",
    fix: "Fix",
    edit_cell: "Edit",
    previous: "Previous",
    next: "Next",
    rows_shown: "Rows",
    no_rows: "No rows to show with this filter.",
    was: "was",
    history_title: "Upload History",
    refresh: "Refresh",
    auto_refresh: "Refreshing automatically until every upload is finished.",
    no_uploads: "No uploads yet.",
    col_file: "File Name",
    col_time: "Uploaded",
    col_status: "Status",
    col_counts: "Rows",
    col_actions: "Actions",
    uploaded_file: "Uploaded File",
    completed_file: "Completed File",
    error_file: "Error File",
    queued_note: "Upload queued:",
    request_failed: "The server did not answer as expected:",
    session_expired: "Your session has ended. Sign in again.",
    counts_applied: "applied",
    counts_failed: "failed",
    counts_unchanged: "unchanged",
    edit_refused: "This cell cannot be edited:",
    history_newer: "Newer",
    history_older: "Older",
    history_pages: "Upload History pages",
    back_to_history: "← Upload History",
    upload_rows: "Rows of this upload",
    col_state: "Result",
    col_student: "Student",
    col_errors: "Errors",
    no_upload_rows: "This upload has no rows.",
    not_found: "This page does not exist.",
    go_import: "Go to Import Students/Rosters",
};

pub const ES: Texts = Texts {
    app: "Rollcall",
    tagline: "Importaciones de alumnos, revisadas antes de enviarse",
    sign_in_title: "Iniciar sesión en Rollcall",
    email: "Correo electrónico",
    password: "Contraseña",
    sign_in: "Iniciar sesión",
    signing_in: "Iniciando sesión…",
    sign_in_failed: "Correo o contraseña incorrectos.",
    too_many_tries: "Demasiados intentos fallidos. Espere unos minutos y vuelva a intentarlo.",
    sign_out: "Cerrar sesión",
    signed_in_as: "Sesión de",
    organization: "Organización",
    language: "Idioma",
    nav_import: "Importar alumnos/listas",
    nav_history: "Historial de cargas",
    main_nav: "Principal",
    export_title: "1. Exportar alumnos",
    export_help: "Descargue los alumnos de esta escuela, edite el archivo en su hoja de cálculo y elíjalo abajo. No toque la columna Student GUID.",
    export_csv: "Exportar CSV",
    export_xlsx: "Exportar XLSX",
    import_title: "2. Revisar y cargar el archivo editado",
    import_help: "Cada problema aparece en su fila en cuanto elige el archivo. Corríjalo aquí o en su hoja de cálculo; solo se cargan los cambios válidos.",
    choose_file: "Elegir archivo",
    drop_here: "o suelte aquí un archivo CSV, XLSX, XLS u ODS",
    privacy: "El archivo se revisa en este navegador. No se envía ningún dato de alumnos hasta que pulse Cargar.",
    reading: "Revisando",
    checked_in: "Revisado en",
    against_export: "Comparado con su exportación del",
    against_latest: "El archivo no indica de qué exportación procede: comparado con su última exportación, del",
    against_roster: "No se encontró ninguna exportación suya: comparado con la lista actual.",
    file_problems: "Problemas del archivo completo",
    count_update: "Por actualizar",
    count_create: "Nuevos",
    count_unchanged: "Sin cambios",
    count_absent: "Fuera del archivo",
    count_error_rows: "Filas con errores",
    count_errors: "Errores",
    count_warnings: "Avisos",
    filter_label: "Mostrar",
    filter_errors: "Errores",
    filter_changes: "Cambios",
    filter_all: "Todas las filas",
    apply_all: "Aplicar todas las correcciones",
    download_errors: "Descargar archivo de errores",
    upload: "Cargar",
    uploading: "Cargando…",
    nothing_to_upload: "Nada que cargar: ninguna fila añade ni cambia un alumno.",
    leave_unsaved: "Sus cambios en esta página aún no se han cargado. ¿Salir de todos modos?",
    held_back: "Las filas con errores se retienen y no se cargan:",
    col_row: "Fila",
    col_outcome: "Resultado",
    col_problems: "Problemas",
    fix: "Corregir",
    edit_cell: "Editar",
    previous: "Anterior",
    next: "Siguiente",
    rows_shown: "Filas",
    no_rows: "No hay filas que mostrar con este filtro.",
    was: "antes",
    history_title: "Historial de cargas",
    refresh: "Actualizar",
    auto_refresh: "Se actualiza solo hasta que todas las cargas terminen.",
    no_uploads: "Todavía no hay cargas.",
    col_file: "Nombre del archivo",
    col_time: "Cargado",
    col_status: "Estado",
    col_counts: "Filas",
    col_actions: "Acciones",
    uploaded_file: "Archivo cargado",
    completed_file: "Archivo completado",
    error_file: "Archivo de errores",
    queued_note: "Carga en cola:",
    request_failed: "El servidor no respondió como se esperaba:",
    session_expired: "Su sesión ha terminado. Inicie sesión de nuevo.",
    counts_applied: "aplicadas",
    counts_failed: "fallidas",
    counts_unchanged: "sin cambios",
    edit_refused: "Esta celda no se puede editar:",
    history_newer: "Más recientes",
    history_older: "Anteriores",
    history_pages: "Páginas del historial de cargas",
    back_to_history: "← Historial de cargas",
    upload_rows: "Filas de esta carga",
    col_state: "Resultado",
    col_student: "Alumno",
    col_errors: "Errores",
    no_upload_rows: "Esta carga no tiene filas.",
    not_found: "Esta página no existe.",
    go_import: "Ir a Importar alumnos/listas",
};

pub fn texts(lang: Lang) -> &'static Texts {
    match lang {
        Lang::En => &EN,
        Lang::Es => &ES,
    }
}

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spanish_differs_from_english_wherever_the_words_differ() {
        // Words that are the same in both languages on purpose.
        let same = ["Rollcall", "Error"];
        let en = format!("{:?}", debug_texts(&EN));
        let es = format!("{:?}", debug_texts(&ES));
        for (e, s) in en.split('|').zip(es.split('|')) {
            assert!(e != s || same.contains(&e), "untranslated: {e}");
        }
    }

    fn debug_texts(t: &Texts) -> String {
        [
            t.tagline,
            t.leave_unsaved,
            t.sign_in_title,
            t.email,
            t.password,
            t.sign_in,
            t.sign_out,
            t.organization,
            t.language,
            t.nav_import,
            t.nav_history,
            t.export_title,
            t.export_csv,
            t.choose_file,
            t.privacy,
            t.count_update,
            t.count_create,
            t.count_unchanged,
            t.count_absent,
            t.count_errors,
            t.count_warnings,
            t.apply_all,
            t.download_errors,
            t.upload,
            t.history_title,
            t.refresh,
            t.uploaded_file,
            t.completed_file,
            t.error_file,
        ]
        .join("|")
    }
}
