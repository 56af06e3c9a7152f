//! The command line (SPEC section 9). Options and the file argument may come in any order.

use std::ffi::OsString;
use std::path::PathBuf;

use rollcall_core::Lang;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Debug)]
pub struct CheckArgs {
    pub edited: PathBuf,
    pub original: Option<PathBuf>,
    pub format: Format,
    pub lang: Lang,
    /// List every non-blank row in the JSON report (`--all-rows`), not only the rows that
    /// change something or carry a diagnostic.
    pub all_rows: bool,
}

#[derive(Debug)]
pub struct ChangesetArgs {
    pub edited: PathBuf,
    pub original: PathBuf,
    pub school: String,
    pub out: Option<PathBuf>,
    pub lang: Lang,
    /// The guards the user checked and confirms (`--confirm mass-change,mass-create`).
    pub confirm: Vec<String>,
    /// Fixed id and time, for reproducible output (tests); normally generated.
    pub id: Option<String>,
    pub created_at: Option<String>,
}

#[derive(Debug, PartialEq, Eq)]
pub struct ServeArgs {
    pub addr: String,
    /// `sqlite://…` or `postgres://…`; the embedded default is `sqlite://rollcall.db`.
    pub db: String,
    pub demo: bool,
    /// Students per demo school (`--demo-students`, for benchmarks).
    pub demo_students: usize,
    /// The built page (`--web DIR`); `None` looks for `web/dist`.
    pub web: Option<PathBuf>,
    /// The address teachers use (`--public-url`); `https://…` makes the session cookie
    /// `Secure` with the `__Host-` prefix.
    pub public_url: Option<String>,
    /// Believe a proxy's `X-Forwarded-Proto` and `X-Forwarded-For` (`--trust-proxy`).
    pub trust_proxy: bool,
    pub lang: Lang,
}

#[derive(Debug)]
pub enum Command {
    Check(CheckArgs),
    Changeset(ChangesetArgs),
    Serve(ServeArgs),
    Help,
    Version,
}

pub const USAGE: &str = "\
Usage:
  rollcall check EDITED [--original EXPORT] [--format text|json] [--lang en|es] [--all-rows]
  rollcall changeset EDITED --original EXPORT --school ID [-o OUT.json] [--lang en|es]
                     [--confirm mass-change,mass-create]
  rollcall serve [--addr 127.0.0.1:8080] [--db sqlite://FILE|postgres://USER@HOST/DB]
                 [--demo] [--web DIR]
                 [--public-url https://HOST] [--trust-proxy]

The JSON report lists the rows that change something or carry a diagnostic, then the
students not in the file; unchanged rows are only counted. --all-rows lists every row.

A file that changes one field for more than a quarter of its students, or creates that
many, trips a guard (mass-change, mass-create): changeset writes nothing until --confirm
names each guard found, and the server refuses it unconfirmed too.

Exit status: 0 no errors (warnings allowed), 1 errors found, 2 a file could not be read
or the command line is wrong.";

pub const USAGE_ES: &str = "\
Uso:
  rollcall check EDITADO [--original EXPORTACIÓN] [--format text|json] [--lang en|es] [--all-rows]
  rollcall changeset EDITADO --original EXPORTACIÓN --school ID [-o SALIDA.json] [--lang en|es]
                     [--confirm mass-change,mass-create]
  rollcall serve [--addr 127.0.0.1:8080] [--db sqlite://FILE|postgres://USER@HOST/DB]
                 [--demo] [--web DIR]
                 [--public-url https://SERVIDOR] [--trust-proxy]

El informe JSON enumera las filas que cambian algo o tienen algún diagnóstico y después los
alumnos que no están en el archivo; las filas sin cambios solo se cuentan. --all-rows
enumera todas las filas.

Un archivo que cambia un campo en más de una cuarta parte de sus alumnos, o que crea
tantos, activa un aviso (mass-change, mass-create): changeset no escribe nada hasta que
--confirm nombre cada aviso encontrado, y el servidor también lo rechaza sin confirmar.

Estado de salida: 0 sin errores (se permiten avisos), 1 hay errores, 2 no se pudo leer un
archivo o la línea de órdenes es incorrecta.";

fn string(value: OsString) -> Result<String, String> {
    value
        .into_string()
        .map_err(|v| format!("{} is not valid text", v.to_string_lossy()))
}

/// The value of the option just read, as text or as a path.
fn text_value(parser: &mut lexopt::Parser) -> Result<String, String> {
    string(parser.value().map_err(|e| e.to_string())?)
}

fn path_value(parser: &mut lexopt::Parser) -> Result<PathBuf, String> {
    Ok(PathBuf::from(parser.value().map_err(|e| e.to_string())?))
}

pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_args(args);
    let mut command: Option<String> = None;
    let mut files: Vec<PathBuf> = Vec::new();
    let mut original = None;
    let mut format = Format::Text;
    let mut lang = Lang::En;
    let mut school = None;
    let mut out = None;
    let mut id = None;
    let mut created_at = None;
    let mut addr = None;
    let mut db = None;
    let mut demo = false;
    let mut demo_students = None;
    let mut web = None;
    let mut public_url = None;
    let mut trust_proxy = false;
    let mut all_rows = false;
    let mut confirm: Option<Vec<String>> = None;
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Short('V') | Long("version") => return Ok(Command::Version),
            Long("original") => original = Some(path_value(&mut parser)?),
            Long("format") => {
                let value = text_value(&mut parser)?;
                format = match value.as_str() {
                    "text" => Format::Text,
                    "json" => Format::Json,
                    other => return Err(format!("--format must be text or json, not {other}")),
                };
            }
            Long("lang") => {
                let value = text_value(&mut parser)?;
                lang =
                    Lang::parse(&value).ok_or(format!("--lang must be en or es, not {value}"))?;
            }
            Long("school") => school = Some(text_value(&mut parser)?),
            Short('o') | Long("out") => out = Some(path_value(&mut parser)?),
            Long("id") => id = Some(text_value(&mut parser)?),
            Long("created-at") => created_at = Some(text_value(&mut parser)?),
            Long("addr") => addr = Some(text_value(&mut parser)?),
            Long("db") => db = Some(text_value(&mut parser)?),
            Long("demo") => demo = true,
            Long("demo-students") => {
                let value = text_value(&mut parser)?;
                demo_students = Some(
                    value
                        .parse::<usize>()
                        .ok()
                        .filter(|n| (1..=200_000).contains(n))
                        .ok_or(format!(
                            "--demo-students must be a number from 1 to 200000, not {value}"
                        ))?,
                );
            }
            Long("web") => web = Some(path_value(&mut parser)?),
            Long("public-url") => {
                let value = text_value(&mut parser)?;
                let scheme = value.split_once("://").map(|(s, _)| s.to_ascii_lowercase());
                if !matches!(scheme.as_deref(), Some("http" | "https")) {
                    return Err(format!(
                        "--public-url must start with https:// or http://, not {value}"
                    ));
                }
                public_url = Some(value);
            }
            Long("trust-proxy") => trust_proxy = true,
            Long("all-rows") => all_rows = true,
            Long("confirm") => {
                let value = text_value(&mut parser)?;
                let mut codes = Vec::new();
                for code in value.split(',').map(str::trim) {
                    let guard = rollcall_core::Code::from_name(code)
                        .filter(|c| rollcall_core::guards::is_guard(*c));
                    if guard.is_none() {
                        return Err(format!(
                            "--confirm takes mass-change and mass-create, not {code:?}"
                        ));
                    }
                    codes.push(code.to_owned());
                }
                confirm.get_or_insert_default().extend(codes);
            }
            Value(value) if command.is_none() => command = Some(string(value)?),
            Value(value) => files.push(PathBuf::from(value)),
            _ => return Err(arg.unexpected().to_string()),
        }
    }
    let command = command.ok_or("no command given: use check, changeset or serve")?;
    if all_rows && command != "check" {
        return Err("--all-rows belongs to check".to_owned());
    }
    if confirm.is_some() && command != "changeset" {
        return Err("--confirm belongs to changeset".to_owned());
    }
    let serving = command == "serve";
    if !serving
        && (addr.is_some()
            || db.is_some()
            || demo
            || demo_students.is_some()
            || web.is_some()
            || public_url.is_some()
            || trust_proxy)
    {
        return Err(
            "--addr, --db, --demo, --demo-students, --web, --public-url and --trust-proxy \
             belong to serve"
                .to_owned(),
        );
    }
    if serving {
        if let Some(file) = files.first() {
            return Err(format!("serve takes no file, not {}", file.display()));
        }
        if original.is_some() || school.is_some() || out.is_some() {
            return Err(
                "serve takes only --addr, --db, --demo, --demo-students, --web, --public-url, \
                 --trust-proxy and --lang"
                    .to_owned(),
            );
        }
        return Ok(Command::Serve(ServeArgs {
            addr: addr.unwrap_or_else(|| "127.0.0.1:8080".to_owned()),
            db: db.unwrap_or_else(|| "sqlite://rollcall.db".to_owned()),
            demo: demo || demo_students.is_some(),
            demo_students: demo_students.unwrap_or(rollcall_server::demo::STUDENTS),
            web,
            public_url,
            trust_proxy,
            lang,
        }));
    }
    let edited = match files.len() {
        1 => files.remove(0),
        0 => return Err(format!("{command} needs the edited file")),
        _ => {
            return Err(format!(
                "{command} takes one edited file, not {}",
                files.len()
            ));
        }
    };
    match command.as_str() {
        "check" => {
            if school.is_some() || out.is_some() {
                return Err("--school and -o belong to changeset, not check".to_owned());
            }
            Ok(Command::Check(CheckArgs {
                edited,
                original,
                format,
                lang,
                all_rows,
            }))
        }
        "changeset" => Ok(Command::Changeset(ChangesetArgs {
            edited,
            original: original.ok_or("changeset needs --original EXPORT")?,
            school: school.ok_or("changeset needs --school ID")?,
            out,
            lang,
            confirm: confirm.unwrap_or_default(),
            id,
            created_at,
        })),
        other => Err(format!(
            "unknown command {other}: use check, changeset or serve"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_line(line: &str) -> Result<Command, String> {
        parse(line.split_whitespace().map(OsString::from))
    }

    #[test]
    fn serve_takes_an_address_a_database_and_demo() {
        let Ok(Command::Serve(args)) = parse_line("serve --demo --addr 127.0.0.1:0") else {
            panic!("serve not parsed");
        };
        assert_eq!(
            args,
            ServeArgs {
                addr: "127.0.0.1:0".to_owned(),
                db: "sqlite://rollcall.db".to_owned(),
                demo: true,
                demo_students: 60,
                web: None,
                public_url: None,
                trust_proxy: false,
                lang: Lang::En,
            }
        );
        let Ok(Command::Serve(args)) =
            parse_line("serve --public-url https://rollcall.example --trust-proxy")
        else {
            panic!("serve not parsed");
        };
        assert_eq!(
            (args.public_url.as_deref(), args.trust_proxy),
            (Some("https://rollcall.example"), true)
        );
        assert!(
            parse_line("serve --public-url rollcall.example")
                .unwrap_err()
                .contains("--public-url")
        );
        assert!(
            parse_line("check e.csv --trust-proxy")
                .unwrap_err()
                .contains("belong to serve")
        );
        let Ok(Command::Serve(args)) = parse_line("serve --demo-students 50000 --web site") else {
            panic!("serve not parsed");
        };
        assert_eq!((args.demo, args.demo_students), (true, 50_000));
        assert_eq!(args.web, Some(PathBuf::from("site")));
        assert!(
            parse_line("serve --demo-students 0")
                .unwrap_err()
                .contains("--demo-students")
        );
        assert!(
            parse_line("check e.csv --web x")
                .unwrap_err()
                .contains("belong to serve")
        );
        assert!(parse_line("serve x.csv").unwrap_err().contains("no file"));
        assert!(
            parse_line("check e.csv --demo")
                .unwrap_err()
                .contains("belong to serve")
        );
    }

    #[test]
    fn options_and_the_file_come_in_any_order() {
        let Ok(Command::Check(args)) =
            parse_line("--format json check --lang es e.csv --original x.csv")
        else {
            panic!("should parse");
        };
        assert_eq!(args.edited, PathBuf::from("e.csv"));
        assert_eq!(args.original, Some(PathBuf::from("x.csv")));
        assert_eq!(args.format, Format::Json);
        assert_eq!(args.lang, Lang::Es);
        assert!(!args.all_rows);
        let Ok(Command::Check(args)) = parse_line("check --all-rows e.csv --format json") else {
            panic!("should parse");
        };
        assert!(args.all_rows);
    }

    #[test]
    fn wrong_command_lines_say_what_is_wrong() {
        assert!(
            parse_line("check")
                .unwrap_err()
                .contains("needs the edited file")
        );
        assert!(
            parse_line("check a b")
                .unwrap_err()
                .contains("one edited file")
        );
        assert!(
            parse_line("check a --format xml")
                .unwrap_err()
                .contains("text or json")
        );
        assert!(
            parse_line("check a --lang fr")
                .unwrap_err()
                .contains("en or es")
        );
        assert!(
            parse_line("changeset a --school s")
                .unwrap_err()
                .contains("--original")
        );
        assert!(
            parse_line("changeset a --original b")
                .unwrap_err()
                .contains("--school")
        );
        assert!(
            parse_line("frobnicate a")
                .unwrap_err()
                .contains("unknown command")
        );
        assert!(parse_line("check a --bogus").is_err());
        assert!(
            parse_line("changeset a --original b --school s --all-rows")
                .unwrap_err()
                .contains("belongs to check")
        );
        assert!(
            parse_line("serve --all-rows")
                .unwrap_err()
                .contains("belongs to check")
        );
        assert!(parse_line("").unwrap_err().contains("no command"));
    }
}
