//! Reading the JavaScript arguments: bytes, option objects, languages, booleans, row numbers and
//! fields.
//!
//! Every unusable argument becomes a `TypeError` whose message names the argument, says what was
//! expected and what came, in the caller's language when it is known.

use js_sys::{ArrayBuffer, Object, Reflect, Uint8Array};
use rollcall_core::{Field, Lang};
use wasm_bindgen::{JsCast, JsValue};

/// A message in both languages; the caller's language picks one.
pub struct ArgError {
    en: String,
    es: String,
}

impl ArgError {
    pub fn new(en: impl Into<String>, es: impl Into<String>) -> ArgError {
        ArgError {
            en: en.into(),
            es: es.into(),
        }
    }

    /// The `TypeError` to throw.
    pub fn into_js(self, lang: Lang) -> JsValue {
        let message = match lang {
            Lang::En => self.en,
            Lang::Es => self.es,
        };
        js_sys::TypeError::new(&format!("rollcall: {message}")).into()
    }
}

/// What a JavaScript value is, in words, for messages.
fn describe(value: &JsValue) -> (String, String) {
    if value.is_undefined() {
        return ("undefined".into(), "undefined".into());
    }
    if value.is_null() {
        return ("null".into(), "null".into());
    }
    if let Some(text) = value.as_string() {
        let shown: String = text.chars().take(20).collect();
        return (
            format!("the string {shown:?}"),
            format!("el texto {shown:?}"),
        );
    }
    if let Some(number) = value.as_f64() {
        return (
            format!("the number {number}"),
            format!("el número {number}"),
        );
    }
    if value.as_bool().is_some() {
        return ("a boolean".into(), "un booleano".into());
    }
    if js_sys::Array::is_array(value) {
        return ("an array".into(), "un array".into());
    }
    if value.is_function() {
        return ("a function".into(), "una función".into());
    }
    ("an object".into(), "un objeto".into())
}

/// The bytes of a `Uint8Array` (a Node `Buffer` is one) or an `ArrayBuffer`.
pub fn bytes(value: &JsValue, name: &str) -> Result<Vec<u8>, ArgError> {
    if let Some(array) = value.dyn_ref::<Uint8Array>() {
        return Ok(array.to_vec());
    }
    if let Some(buffer) = value.dyn_ref::<ArrayBuffer>() {
        return Ok(Uint8Array::new(buffer).to_vec());
    }
    let (en, es) = describe(value);
    Err(ArgError::new(
        format!("`{name}` must be the file's bytes as a Uint8Array or ArrayBuffer, not {en}"),
        format!(
            "`{name}` debe ser el contenido del archivo como Uint8Array o ArrayBuffer, no {es}"
        ),
    ))
}

/// A string argument; `None` when it is undefined or null and not required.
pub fn string(value: &JsValue, name: &str, required: bool) -> Result<Option<String>, ArgError> {
    if !required && (value.is_undefined() || value.is_null()) {
        return Ok(None);
    }
    match value.as_string() {
        Some(text) if !(required && text.trim().is_empty()) => Ok(Some(text)),
        Some(_) => Err(ArgError::new(
            format!("`{name}` must not be empty"),
            format!("`{name}` no puede estar vacío"),
        )),
        None => {
            let (en, es) = describe(value);
            Err(ArgError::new(
                format!("`{name}` must be a string, not {en}"),
                format!("`{name}` debe ser un texto, no {es}"),
            ))
        }
    }
}

/// The `confirm` option: guard codes (`mass-change`, `mass-create`); empty when it is undefined
/// or null.
pub fn guard_codes(value: &JsValue, name: &str) -> Result<Vec<String>, ArgError> {
    if value.is_undefined() || value.is_null() {
        return Ok(Vec::new());
    }
    let wrong = || {
        ArgError::new(
            format!("`{name}` must be an array of \"mass-change\" and \"mass-create\""),
            format!("`{name}` debe ser un array de \"mass-change\" y \"mass-create\""),
        )
    };
    let array = value.dyn_ref::<js_sys::Array>().ok_or_else(wrong)?;
    let mut codes = Vec::new();
    for item in array.iter() {
        let code = item.as_string().ok_or_else(wrong)?;
        let guard =
            rollcall_core::Code::from_name(&code).is_some_and(rollcall_core::guards::is_guard);
        if !guard {
            return Err(wrong());
        }
        codes.push(code);
    }
    codes.sort();
    codes.dedup();
    Ok(codes)
}

/// A boolean option; `false` when it is undefined or null.
pub fn boolean(value: &JsValue, name: &str) -> Result<bool, ArgError> {
    if value.is_undefined() || value.is_null() {
        return Ok(false);
    }
    value.as_bool().ok_or_else(|| {
        let (en, es) = describe(value);
        ArgError::new(
            format!("`{name}` must be true or false, not {en}"),
            format!("`{name}` debe ser true o false, no {es}"),
        )
    })
}

/// The `lang` option: `en` (the default) or `es`.
pub fn lang(value: &JsValue) -> Result<Lang, ArgError> {
    let bad = || {
        let (en, es) = describe(value);
        ArgError::new(
            format!("`lang` must be 'en' or 'es', not {en}"),
            format!("`lang` debe ser 'en' o 'es', no {es}"),
        )
    };
    if value.is_undefined() || value.is_null() {
        return Ok(Lang::En);
    }
    value
        .as_string()
        .and_then(|text| Lang::parse(&text))
        .ok_or_else(bad)
}

/// An options object: its known properties, read by name. Unknown properties are refused, so a
/// misspelt option is never silently ignored.
pub struct OptionBag {
    object: Option<Object>,
}

impl OptionBag {
    pub fn new(value: &JsValue, name: &str, known: &[&str]) -> Result<OptionBag, ArgError> {
        if value.is_undefined() || value.is_null() {
            return Ok(OptionBag { object: None });
        }
        let is_plain = value.is_object() && !js_sys::Array::is_array(value) && !value.is_function();
        if !is_plain {
            let (en, es) = describe(value);
            return Err(ArgError::new(
                format!("`{name}` must be an object, not {en}"),
                format!("`{name}` debe ser un objeto, no {es}"),
            ));
        }
        let object: Object = value.clone().unchecked_into();
        for key in Object::keys(&object).iter() {
            let key = key.as_string().unwrap_or_default();
            if !known.contains(&key.as_str()) {
                let list = known.join(", ");
                return Err(ArgError::new(
                    format!("unknown option `{key}` in `{name}`; the options are {list}"),
                    format!("opción desconocida `{key}` en `{name}`; las opciones son {list}"),
                ));
            }
        }
        Ok(OptionBag {
            object: Some(object),
        })
    }

    /// The property `key`, or undefined.
    pub fn get(&self, key: &str) -> JsValue {
        match &self.object {
            Some(object) => Reflect::get(object, &JsValue::from_str(key)).unwrap_or_default(),
            None => JsValue::UNDEFINED,
        }
    }
}

/// A spreadsheet row number: a whole number from 2 up (row 1 is the header).
pub fn row(value: &JsValue) -> Result<u32, ArgError> {
    match value.as_f64() {
        Some(number) if number.fract() == 0.0 && (2.0..=f64::from(u32::MAX)).contains(&number) => {
            Ok(number as u32)
        }
        _ => {
            let (en, es) = describe(value);
            Err(ArgError::new(
                format!(
                    "`row` must be a spreadsheet row number (a whole number, 2 or more; \
                     row 1 is the header), not {en}"
                ),
                format!(
                    "`row` debe ser un número de fila de la hoja (entero, 2 o más; \
                     la fila 1 es el encabezado), no {es}"
                ),
            ))
        }
    }
}

/// A field name such as `first_name`.
pub fn field(value: &JsValue) -> Result<Field, ArgError> {
    let names: Vec<&str> = Field::ALL.iter().map(|field| field.as_str()).collect();
    let list = names.join(", ");
    match value.as_string() {
        Some(text) => Field::parse(&text).ok_or_else(|| {
            ArgError::new(
                format!("unknown field {text:?}; the fields are {list}"),
                format!("campo desconocido {text:?}; los campos son {list}"),
            )
        }),
        None => {
            let (en, es) = describe(value);
            Err(ArgError::new(
                format!("`field` must be one of {list}, not {en}"),
                format!("`field` debe ser uno de {list}, no {es}"),
            ))
        }
    }
}
