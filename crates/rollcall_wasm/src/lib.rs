//! The npm package's engine: `rollcall_core` for JavaScript.
//!
//! Thin by design, every export has the same shape: read the arguments, call the core, hand the
//! result back. Deltas and change-sets cross the boundary as the core's own JSON, which is then
//! parsed into plain objects, so the package returns the very bytes the command line prints
//! (the `*Json` exports give them unparsed; the parity test compares them). A report object
//! crosses in the core's parts ([`rollcall_core::report_parts`]), which the package's own
//! JavaScript (`pkg/js/report.js`) turns into the same value several times faster than
//! `JSON.parse` of the JSON; `checkParts` and `Checker.reportParts` are that JavaScript's, not
//! the package's API. Findings are data; only unusable arguments throw, as a `TypeError`
//! whose message says what was expected.
//!
//! The TypeScript types live in the package (`pkg/index.d.ts`) and are tested there.

mod args;

use args::{ArgError, OptionBag};
use js_sys::JSON;
use rollcall_core::json_text;
use rollcall_core::{Input, Lang, Options};
use wasm_bindgen::prelude::*;

/// The options `check` and the `Checker` constructor take.
const CHECK_OPTIONS: &[&str] = &[
    "original",
    "fileName",
    "originalFileName",
    "lang",
    "allRows",
];
/// The options `changeSet` takes.
const CHANGE_SET_OPTIONS: &[&str] = &[
    "original",
    "fileName",
    "originalFileName",
    "lang",
    "allRows",
    "school",
    "id",
    "createdAt",
    "confirm",
];
/// The options `Checker.changeSet` takes.
const CHECKER_CHANGE_SET_OPTIONS: &[&str] = &["school", "id", "createdAt", "confirm"];

/// The files and options of one check, read from JavaScript.
struct CheckArgs {
    edited: Vec<u8>,
    file_name: Option<String>,
    original: Option<Vec<u8>>,
    original_file_name: Option<String>,
    options: Options,
    /// The language the report's messages are worded in.
    lang: Lang,
}

impl CheckArgs {
    fn read(edited: &JsValue, bag: &OptionBag, lang: Lang) -> Result<CheckArgs, JsValue> {
        let fail = |error: ArgError| error.into_js(lang);
        let edited = args::bytes(edited, "edited").map_err(fail)?;
        let original = bag.get("original");
        let original = if original.is_undefined() || original.is_null() {
            None
        } else {
            Some(args::bytes(&original, "original").map_err(fail)?)
        };
        Ok(CheckArgs {
            edited,
            file_name: args::string(&bag.get("fileName"), "fileName", false).map_err(fail)?,
            original,
            original_file_name: args::string(
                &bag.get("originalFileName"),
                "originalFileName",
                false,
            )
            .map_err(fail)?,
            options: Options {
                all_rows: args::boolean(&bag.get("allRows"), "allRows").map_err(fail)?,
                ..Options::default()
            },
            lang,
        })
    }

    fn checker(&self) -> rollcall_core::Checker {
        rollcall_core::Checker::new(
            Input::new(&self.edited, self.file_name.as_deref()),
            self.original
                .as_deref()
                .map(|bytes| Input::new(bytes, self.original_file_name.as_deref())),
            &self.options,
        )
    }
}

/// Reads the options object and its language first, so later messages speak it.
fn options_of(value: &JsValue, known: &[&str]) -> Result<(OptionBag, Lang), JsValue> {
    let bag = OptionBag::new(value, "options", known).map_err(|error| error.into_js(Lang::En))?;
    let lang = args::lang(&bag.get("lang")).map_err(|error| error.into_js(Lang::En))?;
    Ok((bag, lang))
}

/// Parses JSON the core wrote into plain JavaScript objects. JavaScript turns ASCII bytes into
/// a string several times faster than other UTF-8, and a report with a single accented name
/// would otherwise take the slow way whole: every other character goes as an escape.
fn parse(json: &str) -> Result<JsValue, JsValue> {
    JSON::parse(&json_text::to_ascii(json))
}

/// The report's JSON, as the command line writes it.
fn report_json(checker: &rollcall_core::Checker, lang: Lang) -> String {
    let mut out = Vec::with_capacity(4096);
    // Writing into a vector cannot fail, and the core writes UTF-8.
    let _ = checker.write_report_json(&mut out, lang);
    String::from_utf8(out).unwrap_or_default()
}

/// The report's parts as the package's decoder takes them: `[head, strings, numbers]`.
fn report_parts(checker: &rollcall_core::Checker, lang: Lang) -> js_sys::Array {
    let parts = checker.report_parts(lang);
    js_sys::Array::of3(
        &JsValue::from_str(&parts.head),
        &JsValue::from_str(&parts.strings),
        &js_sys::Uint32Array::from(parts.numbers.as_slice()),
    )
}

/// Reads the arguments of `check` and `checkJson` and checks the file.
fn checked(edited: JsValue, options: JsValue) -> Result<(rollcall_core::Checker, Lang), JsValue> {
    let (bag, lang) = options_of(&options, CHECK_OPTIONS)?;
    let args = CheckArgs::read(&edited, &bag, lang)?;
    Ok((args.checker(), args.lang))
}

/// The change-set's id and time: given by the caller, or a fresh UUID v4 and the current time.
struct Stamp {
    school: String,
    id: String,
    created_at: String,
    /// The guards the caller confirms, for the change-set's `confirm`.
    confirm: Vec<String>,
}

impl Stamp {
    fn read(bag: &OptionBag, lang: Lang) -> Result<Stamp, JsValue> {
        let fail = |error: ArgError| error.into_js(lang);
        let school = args::string(&bag.get("school"), "school", true)
            .map_err(fail)?
            .unwrap_or_default();
        let id = args::string(&bag.get("id"), "id", false)
            .map_err(fail)?
            .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
        let created_at = args::string(&bag.get("createdAt"), "createdAt", false)
            .map_err(fail)?
            .unwrap_or_else(now);
        let confirm = args::guard_codes(&bag.get("confirm"), "confirm").map_err(fail)?;
        Ok(Stamp {
            school,
            id,
            created_at,
            confirm,
        })
    }
}

impl Stamp {
    /// The checker's change-set with this stamp.
    fn change_set(self, checker: &rollcall_core::Checker) -> rollcall_core::ChangeSet {
        let mut set = checker.change_set(&self.school, &self.id, &self.created_at);
        set.confirm = self.confirm;
        set
    }
}

/// The current time in RFC 3339, to the second, as the command line writes it.
fn now() -> String {
    let iso: String = js_sys::Date::new_0().to_iso_string().into();
    // `2026-11-22T10:00:00.000Z` → `2026-11-22T10:00:00Z`.
    match iso.split_once('.') {
        Some((seconds, _)) => format!("{seconds}Z"),
        None => iso,
    }
}

/// Checks `edited` (against `options.original` when given) and returns the report as JSON text,
/// byte for byte what `rollcall check --format json` prints.
#[wasm_bindgen(js_name = checkJson)]
pub fn check_json(edited: JsValue, options: JsValue) -> Result<String, JsValue> {
    let (checker, lang) = checked(edited, options)?;
    Ok(report_json(&checker, lang))
}

/// Checks `edited` (against `options.original` when given) and returns the report's parts,
/// which the package's `check` turns into the report.
#[wasm_bindgen(js_name = checkParts)]
pub fn check_parts(edited: JsValue, options: JsValue) -> Result<js_sys::Array, JsValue> {
    let (checker, lang) = checked(edited, options)?;
    Ok(report_parts(&checker, lang))
}

/// Checks `edited` against `options.original` and returns `{report, changeSet}`; rows with
/// errors stay out of the change-set.
#[wasm_bindgen(js_name = changeSet)]
pub fn change_set(edited: JsValue, options: JsValue) -> Result<JsValue, JsValue> {
    let (bag, lang) = options_of(&options, CHANGE_SET_OPTIONS)?;
    if bag.get("original").is_undefined() || bag.get("original").is_null() {
        return Err(ArgError::new(
            "`options.original` is required: a change-set says what changed since the export",
            "`options.original` es obligatorio: un conjunto de cambios dice qué cambió desde la exportación",
        )
        .into_js(lang));
    }
    let stamp = Stamp::read(&bag, lang)?;
    let args = CheckArgs::read(&edited, &bag, lang)?;
    let checker = args.checker();
    let change_set = stamp.change_set(&checker).to_json();
    let json = format!(
        "{{\"report\":{},\"changeSet\":{change_set}}}",
        report_json(&checker, lang)
    );
    parse(&json)
}

/// One code as `codes()` lists it. The fields are in alphabetical order, as the JSON has always
/// had them.
#[derive(serde::Serialize)]
struct CodeEntry {
    area: &'static str,
    args: &'static [&'static str],
    code: &'static str,
    description: Description,
    severity: &'static str,
}

#[derive(serde::Serialize)]
struct Description {
    en: &'static str,
    es: &'static str,
}

/// Every code: its name, severity, area, description in English and Spanish, and the names of
/// the values its diagnostics carry in `args`.
#[wasm_bindgen]
pub fn codes() -> Result<JsValue, JsValue> {
    let list: Vec<CodeEntry> = rollcall_core::CODES
        .iter()
        .map(|info| CodeEntry {
            area: info.area,
            args: info.args,
            code: info.name,
            description: Description {
                en: info.description_en,
                es: info.description_es,
            },
            severity: info.severity.as_str(),
        })
        .collect();
    parse(&serde_json::to_string(&list).unwrap_or_default())
}

/// A checked file that can be edited cell by cell: each edit re-checks only the rows it affects.
#[wasm_bindgen]
pub struct Checker {
    inner: rollcall_core::Checker,
    lang: Lang,
}

#[wasm_bindgen]
impl Checker {
    /// Reads and checks `edited` (against `options.original` when given).
    #[wasm_bindgen(constructor)]
    pub fn new(edited: JsValue, options: JsValue) -> Result<Checker, JsValue> {
        let (bag, lang) = options_of(&options, CHECK_OPTIONS)?;
        let args = CheckArgs::read(&edited, &bag, lang)?;
        Ok(Checker {
            inner: args.checker(),
            lang,
        })
    }

    /// Puts `value` into `field` on spreadsheet row `row`, re-checks the rows it affects and
    /// returns what changed (a `Delta`).
    #[wasm_bindgen(js_name = setCell)]
    pub fn set_cell(
        &mut self,
        row: JsValue,
        field: JsValue,
        value: JsValue,
    ) -> Result<JsValue, JsValue> {
        let lang = self.lang;
        let fail = |error: ArgError| error.into_js(lang);
        let row = args::row(&row).map_err(fail)?;
        let field = args::field(&field).map_err(fail)?;
        let value = args::string(&value, "value", false)
            .map_err(fail)?
            .unwrap_or_default();
        let delta = self
            .inner
            .set_cell(rollcall_core::SheetRow::new(row), field, &value)
            .map_err(|error| edit_error(&error, lang))?;
        parse(&serde_json::to_string(&delta.in_lang(lang)).unwrap_or_default())
    }

    /// The parts of the report of the file as it is now, which the package's `report` turns
    /// into the report.
    #[wasm_bindgen(js_name = reportParts)]
    pub fn report_parts(&self) -> js_sys::Array {
        report_parts(&self.inner, self.lang)
    }

    /// The report as JSON text.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&self) -> String {
        report_json(&self.inner, self.lang)
    }

    /// The counts of the report, without building the whole report.
    pub fn summary(&self) -> Result<JsValue, JsValue> {
        parse(&serde_json::to_string(&self.inner.summary()).unwrap_or_default())
    }

    /// The change-set of the file as it is now.
    #[wasm_bindgen(js_name = changeSet)]
    pub fn change_set(&self, options: JsValue) -> Result<JsValue, JsValue> {
        let bag = OptionBag::new(&options, "options", CHECKER_CHANGE_SET_OPTIONS)
            .map_err(|error| error.into_js(self.lang))?;
        let stamp = Stamp::read(&bag, self.lang)?;
        parse(&stamp.change_set(&self.inner).to_json())
    }
}

/// An edit the checker cannot make, as a JavaScript `Error`.
fn edit_error(error: &rollcall_core::EditError, lang: Lang) -> JsValue {
    use rollcall_core::EditError;
    let message = match (error, lang) {
        (_, Lang::En) => error.to_string(),
        (EditError::NotChecked, Lang::Es) => {
            "el archivo tiene un error de archivo; sus filas no se comprueban".to_owned()
        }
        (EditError::NoSuchRow(row), Lang::Es) => {
            format!("la fila {row} no es una fila de datos del archivo")
        }
        (EditError::NoSuchColumn(field), Lang::Es) => {
            format!("el archivo no tiene la columna {}", field.header())
        }
    };
    js_sys::Error::new(&format!("rollcall: {message}")).into()
}
