//! The registry of every diagnostic code: its name, default severity, a description and the
//! message templates in English and Spanish.
//!
//! SPEC.md lists the same codes; a test reads SPEC.md and checks that the two lists are equal.
//! Templates name their arguments in braces (`{value}`): the fields of the code's [`Finding`]
//! variant, rendered by [`crate::message`].

use serde::{Serialize, Serializer};

use crate::field::Field;
use crate::message::{Arg, Bytes, ClassProblem, FileName, Identity, Owner, PasswordProblem, Rows};
use crate::read::Unreadable;

/// How bad a finding is. Errors keep a row out of the change-set; warnings and infos do not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// A language every user-visible text exists in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Lang {
    #[default]
    En,
    Es,
}

impl Lang {
    /// Parses `en` or `es` (any case); anything else is `None`.
    pub fn parse(text: &str) -> Option<Lang> {
        match text.to_ascii_lowercase().as_str() {
            "en" => Some(Lang::En),
            "es" => Some(Lang::Es),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Es => "es",
        }
    }
}

/// One entry of the registry.
#[derive(Debug, Clone, Copy)]
pub struct CodeInfo {
    pub code: Code,
    pub name: &'static str,
    pub severity: Severity,
    /// Where the code is raised: `file`, `value`, `matching`, `diff`, `guard` or `server`.
    pub area: &'static str,
    /// The names of the values its message names: its [`Finding`] variant's fields, the
    /// placeholders of both templates and the keys of the report's `args`.
    pub args: &'static [&'static str],
    pub description_en: &'static str,
    pub description_es: &'static str,
    pub template_en: &'static str,
    pub template_es: &'static str,
}

macro_rules! registry {
    ($( $variant:ident = $name:literal, $severity:ident, $area:literal,
        { $( $arg:ident : $ty:ty ),* $(,)? },
        $den:literal, $des:literal, $ten:literal, $tes:literal; )*) => {
        /// Every code Rollcall reports. The string form is stable API.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $( $variant, )* }

        /// The registry, in the order the codes are documented.
        pub static CODES: &[CodeInfo] = &[ $( CodeInfo {
            code: Code::$variant,
            name: $name,
            severity: Severity::$severity,
            area: $area,
            args: &[ $( stringify!($arg), )* ],
            description_en: $den,
            description_es: $des,
            template_en: $ten,
            template_es: $tes,
        }, )* ];

        /// What was found, with the values its message names: one variant per code, its
        /// fields typed. Messages are rendered from it in either language only when shown
        /// ([`crate::message`]).
        ///
        /// As JSON (for a server that keeps findings to word them later): the code, and its
        /// values under `args`: `{"code": "unknown-guid", "args": {"value": "…"}}`.
        #[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
        #[serde(tag = "code", content = "args")]
        pub enum Finding { $( #[serde(rename = $name)] $variant { $( $arg: $ty, )* }, )* }

        impl Finding {
            pub fn code(&self) -> Code {
                match self { $( Finding::$variant { .. } => Code::$variant, )* }
            }

            /// The values the message names, by name, in the registry's order.
            pub fn args(&self) -> Vec<(&'static str, &dyn Arg)> {
                match self {
                    $( Finding::$variant { $( $arg, )* } => {
                        vec![ $( (stringify!($arg), $arg as &dyn Arg), )* ]
                    } )*
                }
            }
        }
    };
}

registry! {
    FileUnreadable = "file-unreadable", Error, "file", { file: FileName, reason: Unreadable },
        "The file is not a spreadsheet Rollcall can read.",
        "El archivo no es una hoja de cálculo que Rollcall pueda leer.",
        "{file} cannot be read: {reason}. Save it as CSV (.csv), Excel (.xlsx, .xlsm, .xls) or OpenDocument (.ods) and choose it again.",
        "No se puede leer {file}: {reason}. Guárdelo como CSV (.csv), Excel (.xlsx, .xlsm, .xls) u OpenDocument (.ods) y vuelva a elegirlo.";
    FileTooLarge = "file-too-large", Error, "file", { file: FileName, size: Bytes, limit: Bytes },
        "The file is larger than the size limit.",
        "El archivo supera el tamaño máximo.",
        "{file} is {size}; the limit is {limit}. Split the roster into smaller files.",
        "{file} ocupa {size}; el límite es {limit}. Divida la lista en archivos más pequeños.";
    TooManyRows = "too-many-rows", Error, "file", { limit: u32 },
        "The file has more student rows than the limit.",
        "El archivo tiene más filas de alumnos que el límite.",
        "The file has more than {limit} student rows. Split it into files of at most {limit} rows.",
        "El archivo tiene más de {limit} filas de alumnos. Divídalo en archivos de {limit} filas como máximo.";
    TooManyColumns = "too-many-columns", Error, "file", { count: u32, limit: u32 },
        "The file has more columns than the limit.",
        "El archivo tiene más columnas que el límite.",
        "The file has {count} columns; at most {limit} are allowed. Delete the columns you added.",
        "El archivo tiene {count} columnas; se permiten {limit} como máximo. Elimine las columnas que añadió.";
    EmptyFile = "empty-file", Error, "file", { file: FileName },
        "The file has no student rows.",
        "El archivo no tiene filas de alumnos.",
        "{file} has no student rows. Export Students again, or add one row per student below the header row.",
        "{file} no tiene filas de alumnos. Exporte los alumnos de nuevo o añada una fila por alumno debajo de la fila de encabezados.";
    MissingColumn = "missing-column", Error, "file", { column: String },
        "A required column (First Name, Last Name or Grade Level) is missing.",
        "Falta una columna obligatoria (First Name, Last Name o Grade Level).",
        "The required column {column} is missing. Add a column headed {column} to the header row.",
        "Falta la columna obligatoria {column}. Añada una columna con el encabezado {column} en la fila de encabezados.";
    DuplicateColumn = "duplicate-column", Error, "file", { earlier: String, column: String, field: Field },
        "Two columns mean the same roster field.",
        "Dos columnas significan el mismo campo de la lista.",
        "Columns \"{earlier}\" and \"{column}\" both hold {field}. Keep one of them and delete the other.",
        "Las columnas «{earlier}» y «{column}» contienen ambas {field}. Conserve una y elimine la otra.";
    UnknownColumn = "unknown-column", Warning, "file", { column: String },
        "A column is not a roster column; it is ignored.",
        "Una columna no pertenece a la lista; se ignora.",
        "Column {column} is not a roster column and will be ignored.",
        "La columna {column} no es una columna de la lista y se ignorará.";
    EncodingFallback = "encoding-fallback", Warning, "file", {},
        "The CSV file is not UTF-8 and was read as Windows-1252.",
        "El archivo CSV no está en UTF-8 y se leyó como Windows-1252.",
        "The file is not UTF-8, so it was read as Windows-1252. Check that accented names look right, or save the file as CSV UTF-8.",
        "El archivo no está en UTF-8, así que se leyó como Windows-1252. Compruebe que los nombres con acentos se ven bien, o guarde el archivo como CSV UTF-8.";
    SheetChosen = "sheet-chosen", Info, "file", { count: u32, sheet: String },
        "The workbook has several sheets; names the one the students were read from.",
        "El libro tiene varias hojas; indica de cuál se leyeron los alumnos.",
        "The workbook has {count} sheets; the students were read from sheet \"{sheet}\".",
        "El libro tiene {count} hojas; los alumnos se leyeron de la hoja «{sheet}».";
    RequiredValue = "required-value", Error, "value", { column: String },
        "A required value (first name, last name, grade) is empty.",
        "Falta un valor obligatorio (nombre, apellido, grado).",
        "{column} is empty. Type the student's {column}.",
        "{column} está vacío. Escriba el valor de {column} del alumno.";
    ValueTooLong = "value-too-long", Error, "value", { column: String, length: u32, limit: u32 },
        "A value is longer than allowed.",
        "Un valor es más largo de lo permitido.",
        "{column} is {length} characters long; at most {limit} are allowed. Shorten it.",
        "{column} tiene {length} caracteres; se permiten {limit} como máximo. Acórtelo.";
    InvalidCharacters = "invalid-characters", Error, "value", { column: String, value: String },
        "A name contains a line break or a control character.",
        "Un nombre contiene un salto de línea o un carácter de control.",
        "{column} \"{value}\" contains a line break or a control character. Remove it.",
        "{column} «{value}» contiene un salto de línea o un carácter de control. Elimínelo.";
    FormulaLikeValue = "formula-like-value", Error, "value", { column: String, value: String, char: char },
        "A name starts with =, +, - or @, which spreadsheet programs run as a formula.",
        "Un nombre empieza por =, +, - o @, que las hojas de cálculo ejecutan como fórmula.",
        "{column} \"{value}\" starts with {char}, which spreadsheet programs run as a formula. Remove the leading {char}.",
        "{column} «{value}» empieza por {char}, que las hojas de cálculo ejecutan como fórmula. Quite el {char} inicial.";
    InvalidGrade = "invalid-grade", Error, "value", { value: String },
        "The grade is not a grade level of the OneRoster vocabulary.",
        "El grado no es un nivel del vocabulario OneRoster.",
        "Grade \"{value}\" is not a grade level. Use one of IT, PR, PK, TK, KG, 01 to 13, PS, UG or Other.",
        "El grado «{value}» no es un nivel válido. Use uno de IT, PR, PK, TK, KG, 01 a 13, PS, UG u Other.";
    GradeNormalized = "grade-normalized", Info, "value", { value: String, fixed: String },
        "The grade was written another way and will be saved in its standard form.",
        "El grado se escribió de otra forma y se guardará en su forma estándar.",
        "Grade \"{value}\" will be saved as {fixed}.",
        "El grado «{value}» se guardará como {fixed}.";
    InvalidStudentId = "invalid-student-id", Error, "value", { value: String },
        "The Student ID has characters or a length that is not allowed.",
        "El ID de alumno tiene caracteres o una longitud no permitidos.",
        "Student ID \"{value}\" is not valid: use 1 to 32 letters, digits, dots, underscores or hyphens, starting with a letter or digit.",
        "El ID de alumno «{value}» no es válido: use de 1 a 32 letras, dígitos, puntos, guiones bajos o guiones, empezando por una letra o un dígito.";
    StudentIdScientific = "student-id-scientific", Error, "value", { value: String },
        "A spreadsheet program turned a long Student ID into scientific notation; its digits are lost.",
        "Una hoja de cálculo convirtió un ID de alumno largo a notación científica; sus dígitos se perdieron.",
        "Student ID \"{value}\" was turned into scientific notation by a spreadsheet program and its digits are lost. Type the full Student ID, and format the column as Text before saving.",
        "El ID de alumno «{value}» fue convertido a notación científica por la hoja de cálculo y sus dígitos se perdieron. Escriba el ID completo y dé formato de Texto a la columna antes de guardar.";
    InvalidUsername = "invalid-username", Error, "value", { value: String },
        "The username has characters or a length that is not allowed.",
        "El nombre de usuario tiene caracteres o una longitud no permitidos.",
        "Username \"{value}\" is not valid: use 3 to 64 lower-case letters, digits, dots, underscores, hyphens or @.",
        "El nombre de usuario «{value}» no es válido: use de 3 a 64 letras minúsculas, dígitos, puntos, guiones bajos, guiones o @.";
    UsernameNormalized = "username-normalized", Info, "value", { value: String, fixed: String },
        "The username has capital letters; it will be saved in lower case.",
        "El nombre de usuario tiene mayúsculas; se guardará en minúsculas.",
        "Username \"{value}\" will be saved in lower case as {fixed}.",
        "El nombre de usuario «{value}» se guardará en minúsculas como {fixed}.";
    WeakPassword = "weak-password", Error, "value", { reason: PasswordProblem },
        "The password breaks the password policy.",
        "La contraseña no cumple la política de contraseñas.",
        "The password {reason}. Use 8 to 128 characters, different from the username, with no space at either end.",
        "La contraseña {reason}. Use de 8 a 128 caracteres, distinta del nombre de usuario y sin espacios al principio ni al final.";
    InvalidGuid = "invalid-guid", Error, "value", { value: String },
        "The Student GUID is not a GUID.",
        "El GUID de alumno no es un GUID.",
        "Student GUID \"{value}\" is not a valid GUID. Copy the Student GUID from the export, or leave it empty for a new student.",
        "El GUID de alumno «{value}» no es un GUID válido. Copie el GUID de alumno de la exportación, o déjelo vacío para un alumno nuevo.";
    InvalidValue = "invalid-value", Error, "value", { column: String, value: String },
        "A roster cell holds a date or time instead of text.",
        "Una celda de la lista contiene una fecha u hora en lugar de texto.",
        "{column} holds a date or time ({value}), not text. Format the column as Text and type the value again.",
        "{column} contiene una fecha u hora ({value}), no texto. Dé formato de Texto a la columna y escriba el valor de nuevo.";
    InvalidClass = "invalid-class", Error, "value", { value: String, reason: ClassProblem },
        "A class name in the Classes cell breaks the rules for class names.",
        "Un nombre de clase de la celda Classes no cumple las reglas de los nombres de clase.",
        "Classes \"{value}\" {reason}. Separate class names with ; and give each 1 to 64 characters, without line breaks and not starting with =, +, - or @; a student has at most 20 classes.",
        "Clases «{value}» {reason}. Separe los nombres de clase con ; y dé a cada uno de 1 a 64 caracteres, sin saltos de línea y sin empezar por =, +, - o @; un alumno tiene como máximo 20 clases.";
    ClassesNormalized = "classes-normalized", Info, "value", { value: String, fixed: String },
        "The Classes cell names a class twice; it will be kept once.",
        "La celda Classes nombra una clase dos veces; se conservará una vez.",
        "Classes \"{value}\" name a class twice; they will be saved as \"{fixed}\".",
        "Las clases «{value}» nombran una clase dos veces; se guardarán como «{fixed}».";
    UnknownGuid = "unknown-guid", Error, "matching", { value: String },
        "The Student GUID belongs to no student of this school.",
        "El GUID de alumno no pertenece a ningún alumno de esta escuela.",
        "Student GUID {value} belongs to no student of this school. Copy the Student GUID from the export, or leave it empty for a new student.",
        "El GUID de alumno {value} no pertenece a ningún alumno de esta escuela. Copie el GUID de alumno de la exportación, o déjelo vacío para un alumno nuevo.";
    PossibleDuplicate = "possible-duplicate", Warning, "matching", { name: String, grade: String, student: Identity },
        "A new student has the same name and grade as an existing student.",
        "Un alumno nuevo tiene el mismo nombre y grado que un alumno existente.",
        "{name}, grade {grade}, already exists ({student}). This row creates a second account; to update that student instead, put their Student GUID or Student ID in this row.",
        "{name}, grado {grade}, ya existe ({student}). Esta fila crea una segunda cuenta; para actualizar a ese alumno, ponga su GUID o su ID de alumno en esta fila.";
    NewClass = "new-class", Info, "matching", { class: String },
        "A class name is not one of the teacher's classes yet; the import creates it.",
        "Un nombre de clase aún no es una de las clases del docente; la importación la crea.",
        "Class \"{class}\" does not exist yet; this import will create it.",
        "La clase «{class}» aún no existe; esta importación la creará.";
    SimilarClass = "similar-class", Warning, "matching", { class: String, existing: String },
        "A new class name is nearly the same as an existing class: probably a typo.",
        "Un nombre de clase nuevo es casi igual al de una clase existente: probablemente una errata.",
        "Class \"{class}\" is not one of your classes but is close to \"{existing}\". Use \"{existing}\", or keep \"{class}\" to create a new class.",
        "La clase «{class}» no es una de sus clases, pero se parece a «{existing}». Use «{existing}», o mantenga «{class}» para crear una clase nueva.";
    DuplicateGuid = "duplicate-guid", Error, "matching", { value: String, rows: Rows },
        "The same Student GUID is on several rows.",
        "El mismo GUID de alumno está en varias filas.",
        "Student GUID {value} is also on {rows}. Each student belongs on one row only.",
        "El GUID de alumno {value} también está en {rows}. Cada alumno debe estar en una sola fila.";
    DuplicateStudentId = "duplicate-student-id", Error, "matching", { value: String, rows: Rows },
        "The same Student ID is on several rows.",
        "El mismo ID de alumno está en varias filas.",
        "Student ID {value} is also on {rows}. Each student needs a Student ID of their own.",
        "El ID de alumno {value} también está en {rows}. Cada alumno necesita su propio ID de alumno.";
    DuplicateUsername = "duplicate-username", Error, "matching", { value: String, rows: Rows },
        "The same username is on several rows.",
        "El mismo nombre de usuario está en varias filas.",
        "Username {value} is also on {rows}. Each student needs a username of their own.",
        "El nombre de usuario {value} también está en {rows}. Cada alumno necesita su propio nombre de usuario.";
    StudentIdTaken = "student-id-taken", Error, "matching", { value: String, owner: Owner },
        "The Student ID belongs to another student who keeps it.",
        "El ID de alumno pertenece a otro alumno que lo conserva.",
        "Student ID {value} already belongs to {owner}. Use another Student ID.",
        "El ID de alumno {value} ya pertenece a {owner}. Use otro ID de alumno.";
    UsernameTaken = "username-taken", Error, "matching", { value: String, owner: Owner },
        "The username belongs to another account that keeps it.",
        "El nombre de usuario pertenece a otra cuenta que lo conserva.",
        "Username {value} already belongs to {owner}. Choose another username.",
        "El nombre de usuario {value} ya pertenece a {owner}. Elija otro nombre de usuario.";
    MatchConflict = "match-conflict", Error, "matching", { value: String, username: String, first: String, second: String },
        "The Student ID and the username of a row point to two different students.",
        "El ID de alumno y el nombre de usuario de una fila señalan a dos alumnos distintos.",
        "Student ID {value} is {first}'s, but username {username} is {second}'s. Decide which student this row is for and correct the Student ID or the username.",
        "El ID de alumno {value} es de {first}, pero el nombre de usuario {username} es de {second}. Decida a qué alumno corresponde esta fila y corrija el ID de alumno o el nombre de usuario.";
    DuplicateMatch = "duplicate-match", Error, "matching", { rows: Rows, name: String, student: Identity },
        "Several rows update the same student.",
        "Varias filas actualizan al mismo alumno.",
        "This row and {rows} all update {name} ({student}). Keep one row per student.",
        "Esta fila y {rows} actualizan a {name} ({student}). Deje una sola fila por alumno.";
    GuidModified = "guid-modified", Error, "diff", { guid: String, name: String },
        "The Student GUID of an exported student was changed.",
        "Se cambió el GUID de alumno de un alumno exportado.",
        "Student GUID was changed. Put back the original value {guid} of {name}.",
        "Se cambió el GUID de alumno. Vuelva a poner el valor original {guid} de {name}.";
    GuidRemoved = "guid-removed", Error, "diff", { guid: String, name: String },
        "The Student GUID of an exported student was deleted.",
        "Se borró el GUID de alumno de un alumno exportado.",
        "Student GUID was removed. Put back the original value {guid} of {name}.",
        "Se borró el GUID de alumno. Vuelva a poner el valor original {guid} de {name}.";
    LeadingZerosLost = "leading-zeros-lost", Error, "diff", { value: String, fixed: String },
        "A spreadsheet program removed the leading zeros of a Student ID.",
        "Una hoja de cálculo quitó los ceros iniciales de un ID de alumno.",
        "Student ID {value} lost its leading zeros; the exported value is {fixed}. Put back {fixed} and format the column as Text before saving.",
        "El ID de alumno {value} perdió sus ceros iniciales; el valor exportado es {fixed}. Vuelva a poner {fixed} y dé formato de Texto a la columna antes de guardar.";
    RowNotInFile = "row-not-in-file", Info, "diff", { name: String, student: Identity },
        "An exported student is not in the file and is left unchanged.",
        "Un alumno exportado no está en el archivo y queda sin cambios.",
        "{name} ({student}) is not in this file and will be left unchanged; importing never deletes a student.",
        "{name} ({student}) no está en este archivo y quedará sin cambios; importar nunca borra alumnos.";
    Mojibake = "mojibake", Warning, "diff", { column: String, value: String, fixed: String },
        "A changed name looks like text garbled by a wrong encoding.",
        "Un nombre cambiado parece texto dañado por una codificación equivocada.",
        "{column} \"{value}\" looks garbled by a wrong text encoding; it was probably \"{fixed}\".",
        "{column} «{value}» parece dañado por una codificación de texto equivocada; probablemente era «{fixed}».";
    MassChange = "mass-change", Warning, "guard", { field: Field, changed: u32, matched: u32 },
        "One field changes on more than a quarter of the file's existing students (and on at least 10): the file may be scrambled.",
        "Un campo cambia en más de una cuarta parte de los alumnos existentes del archivo (y en al menos 10): el archivo puede estar desordenado.",
        "{field} changes for {changed} of the {matched} existing students in this file. So many changes at once usually mean that a column was sorted on its own or pasted one row off. Check the changes before you upload.",
        "{field} cambia en {changed} de los {matched} alumnos existentes de este archivo. Tantos cambios a la vez suelen indicar que una columna se ordenó sola o se pegó desplazada una fila. Revise los cambios antes de subir el archivo.";
    MassCreate = "mass-create", Warning, "guard", { created: u32, rows: u32 },
        "More than a quarter of the rows (and at least 10) would create new students.",
        "Más de una cuarta parte de las filas (y al menos 10) crearían alumnos nuevos.",
        "{created} of the {rows} rows of this file would create new students. If these students are already on the roster, the file may have lost its Student GUID and Student ID columns or belong to another school. Check before you upload.",
        "{created} de las {rows} filas de este archivo crearían alumnos nuevos. Si estos alumnos ya están en la lista, puede que el archivo haya perdido las columnas Student GUID y Student ID o que sea de otra escuela. Revíselo antes de subirlo.";
    StaleRow = "stale-row", Error, "server", { name: String },
        "The student changed on the server after the file was exported.",
        "El alumno cambió en el servidor después de exportar el archivo.",
        "{name} was changed on the server after this file was exported. Export Students again and redo this row.",
        "{name} cambió en el servidor después de exportar este archivo. Exporte los alumnos de nuevo y rehaga esta fila.";
}

impl Code {
    pub fn info(self) -> &'static CodeInfo {
        &CODES[self as usize]
    }

    /// The stable kebab-case name, as in SPEC.md.
    pub fn as_str(self) -> &'static str {
        self.info().name
    }

    pub fn severity(self) -> Severity {
        self.info().severity
    }

    pub fn from_name(name: &str) -> Option<Code> {
        CODES
            .iter()
            .find(|info| info.name == name)
            .map(|info| info.code)
    }

    pub fn template(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.info().template_en,
            Lang::Es => self.info().template_es,
        }
    }

    pub fn description(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.info().description_en,
            Lang::Es => self.info().description_es,
        }
    }
}

impl Serialize for Code {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_indexed_by_the_enum() {
        for (index, info) in CODES.iter().enumerate() {
            assert_eq!(info.code as usize, index, "{} is out of place", info.name);
            assert_eq!(Code::from_name(info.name), Some(info.code));
        }
    }

    #[test]
    fn every_template_names_exactly_its_findings_values_in_both_languages() {
        for info in CODES {
            let names = |template: &str| {
                let mut names: Vec<String> = template
                    .split('{')
                    .skip(1)
                    .filter_map(|part| part.split_once('}').map(|(name, _)| name.to_owned()))
                    .collect();
                names.sort();
                names.dedup();
                names
            };
            let mut args: Vec<String> = info.args.iter().map(|a| (*a).to_owned()).collect();
            args.sort();
            assert_eq!(
                names(info.template_en),
                args,
                "{}: the English template and the finding's values differ",
                info.name
            );
            assert_eq!(
                names(info.template_es),
                args,
                "{}: the Spanish template and the finding's values differ",
                info.name
            );
            assert_ne!(
                info.template_en, info.template_es,
                "{} is not translated",
                info.name
            );
        }
    }
}
