//! `rollcall`: check an edited roster file against its export, or turn it into a change-set.

mod args;
mod output;

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use args::{ChangesetArgs, CheckArgs, Command, Format};
use rollcall_core::{Checker, Input, Lang, Options, Report};

/// A 50,000-row check makes about 47,000 allocations, a few dozen of them megabytes large, from
/// two threads at once: with mimalloc it takes 32 ms, with the system allocator 46 ms (38 ms
/// with glibc's huge-page and mmap tunables).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status of SPEC section 9.
fn exit_status(errors: bool, unreadable: bool) -> ExitCode {
    if unreadable {
        ExitCode::from(2)
    } else if errors {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn status(report: &Report) -> ExitCode {
    exit_status(report.has_errors(), report.is_unreadable())
}

/// Reads a file, or says in one line why it cannot be read.
fn read_file(path: &Path, lang: Lang) -> Result<Vec<u8>, String> {
    std::fs::read(path).map_err(|error| {
        let reason = match (error.kind(), lang) {
            (std::io::ErrorKind::NotFound, Lang::En) => "no such file".to_owned(),
            (std::io::ErrorKind::NotFound, Lang::Es) => "el archivo no existe".to_owned(),
            (std::io::ErrorKind::PermissionDenied, Lang::En) => "permission denied".to_owned(),
            (std::io::ErrorKind::PermissionDenied, Lang::Es) => "permiso denegado".to_owned(),
            (std::io::ErrorKind::IsADirectory, Lang::En) => "it is a directory".to_owned(),
            (std::io::ErrorKind::IsADirectory, Lang::Es) => "es una carpeta".to_owned(),
            _ => error.to_string(),
        };
        match lang {
            Lang::En => format!("rollcall: cannot read {}: {reason}", path.display()),
            Lang::Es => format!("rollcall: no se puede leer {}: {reason}", path.display()),
        }
    })
}

/// Reads the edited file and, when given, the original export: side by side, since a check
/// cannot start before both are in memory. The edited file's error is the one reported first.
fn read_files(
    edited: &Path,
    original: Option<&Path>,
    lang: Lang,
) -> Result<(Vec<u8>, Option<Vec<u8>>), String> {
    std::thread::scope(|scope| {
        let original = original.map(|path| scope.spawn(move || read_file(path, lang)));
        let edited = read_file(edited, lang)?;
        // Reading a file returns its errors; a panic there would be a bug, passed on as one.
        let original = original
            .map(|reading| {
                reading
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
            })
            .transpose()?;
        Ok((edited, original))
    })
}

fn file_name(path: &Path) -> String {
    path.display().to_string()
}

/// Standard output without its line buffering, which would search every byte of a
/// megabytes-long report for line ends. Falls back to the ordinary handle.
fn raw_stdout() -> Box<dyn Write> {
    #[cfg(unix)]
    {
        use std::os::fd::AsFd;
        if let Ok(fd) = std::io::stdout().as_fd().try_clone_to_owned() {
            return Box::new(std::fs::File::from(fd));
        }
    }
    Box::new(std::io::stdout().lock())
}

/// Writes to standard output; a closed pipe is not an error worth a panic.
fn print(text: &str) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(text.as_bytes());
    let _ = stdout.flush();
}

fn check(args: &CheckArgs) -> Result<ExitCode, String> {
    let (edited, original) = read_files(&args.edited, args.original.as_deref(), args.lang)?;
    let edited_name = file_name(&args.edited);
    let original_name = args.original.as_deref().map(file_name);
    let options = Options {
        all_rows: args.all_rows,
        ..Options::default()
    };
    // The files are given to the checker, which frees each once it is read.
    let checker = Checker::new(
        Input::new(edited, Some(&edited_name)),
        original.map(|bytes| Input::new(bytes, original_name.as_deref())),
        &options,
    );
    let status = match args.format {
        Format::Json => {
            let mut stdout = std::io::BufWriter::with_capacity(1 << 16, raw_stdout());
            // A closed pipe is not worth a panic; the exit status still tells the verdict.
            let _ = checker
                .write_report_json(&mut stdout, args.lang)
                .and_then(|()| stdout.write_all(b"\n"));
            let _ = stdout.flush();
            exit_status(checker.summary().errors > 0, checker.is_unreadable())
        }
        Format::Text => {
            let report = checker.report();
            print(&output::text(&report, &edited_name, args.lang));
            status(&report)
        }
    };
    // The process ends here: giving the memory back piece by piece would only cost time.
    std::mem::forget(checker);
    Ok(status)
}

fn changeset(args: &ChangesetArgs) -> Result<ExitCode, String> {
    let (edited, original) = read_files(&args.edited, Some(&args.original), args.lang)?;
    let original = original.unwrap_or_default();
    let edited_name = file_name(&args.edited);
    let original_name = file_name(&args.original);
    let options = Options::default();
    let checker = Checker::new(
        Input::new(edited, Some(&edited_name)),
        Some(Input::new(original, Some(&original_name))),
        &options,
    );
    let report = checker.report();
    eprint!("{}", output::text(&report, &edited_name, args.lang));
    if checker.is_fatal() {
        return Ok(status(&report));
    }
    let id = args
        .id
        .clone()
        .unwrap_or_else(|| uuid::Uuid::new_v4().to_string());
    let created_at = args.created_at.clone().unwrap_or_else(|| {
        humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
    });
    let guards = checker.guard_diagnostics();
    let unconfirmed = rollcall_core::guards::unconfirmed(&guards, &args.confirm);
    if !unconfirmed.is_empty() {
        let codes: Vec<&str> = unconfirmed.iter().map(|d| d.code().as_str()).collect();
        let codes = codes.join(",");
        eprintln!(
            "{}",
            match args.lang {
                Lang::En => format!(
                    "rollcall: no change-set written: the file trips {codes} (above). Check the \
                     changes; if they are meant, run again with --confirm {codes}."
                ),
                Lang::Es => format!(
                    "rollcall: no se escribió ningún conjunto de cambios: el archivo activa \
                     {codes} (arriba). Revise los cambios; si son los deseados, vuelva a \
                     ejecutarlo con --confirm {codes}."
                ),
            }
        );
        return Ok(ExitCode::from(1));
    }
    let mut set = checker.change_set(&args.school, &id, &created_at);
    set.confirm = rollcall_core::guards::codes(&guards);
    let mut json = set.to_json();
    json.push('\n');
    match &args.out {
        Some(path) => std::fs::write(path, json).map_err(|error| match args.lang {
            Lang::En => format!("rollcall: cannot write {}: {error}", path.display()),
            Lang::Es => format!("rollcall: no se puede escribir {}: {error}", path.display()),
        })?,
        None => print(&json),
    }
    Ok(status(&report))
}

/// The page to serve: `--web DIR` if given, else the `web/dist` that `cargo xtask web` builds,
/// looked for in the working directory and then beside the repository holding this binary
/// (`target/release/rollcall` → `web/dist`).
fn page_dir(given: Option<&Path>) -> Option<std::path::PathBuf> {
    if let Some(dir) = given {
        return Some(dir.to_path_buf());
    }
    let beside_binary = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.join("web/dist")));
    [Some(std::path::PathBuf::from("web/dist")), beside_binary]
        .into_iter()
        .flatten()
        .find(|dir| dir.join("index.html").is_file())
}

/// `rollcall serve`: the server, until interrupted. Prints the URL and, with `--demo`, how each
/// demo teacher signs in.
fn serve(args: &args::ServeArgs) -> Result<ExitCode, String> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("rollcall: cannot start the server: {e}"))?;
    let config = rollcall_server::Config {
        addr: args.addr.clone(),
        db: args.db.clone(),
        demo: args.demo,
        demo_students: args.demo_students,
        web: page_dir(args.web.as_deref()),
        public_url: args.public_url.clone(),
        trust_proxy: args.trust_proxy,
        limits: rollcall_server::Limits::default(),
    };
    let lang = args.lang;
    let page_missing = config.web.is_none();
    runtime
        .block_on(rollcall_server::serve(config, |addr, sign_ins, owner| {
            let mut text = match lang {
                Lang::En => format!("Rollcall is running at http://{addr}/\nQueue worker id: {owner}\n"),
                Lang::Es => format!("Rollcall está en marcha en http://{addr}/\nId del trabajador de la cola: {owner}\n"),
            };
            if page_missing {
                text.push_str(match lang {
                    Lang::En => "The page is not built (run `cargo xtask web`): serving the API only.\n",
                    Lang::Es => "La página no está compilada (ejecute `cargo xtask web`): solo se sirve la API.\n",
                });
            }
            if !sign_ins.is_empty() {
                text.push_str(match lang {
                    Lang::En => "Demo sign-ins:\n",
                    Lang::Es => "Accesos de demostración:\n",
                });
                for (email, password) in sign_ins {
                    text.push_str(&format!("{email} password: {password}\n"));
                }
            }
            print(&text);
        }))
        .map_err(|message| format!("rollcall: {message}"))?;
    Ok(ExitCode::SUCCESS)
}

fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os().skip(1)) {
        Ok(command) => command,
        Err(message) => {
            eprintln!("rollcall: {message}\n\n{}", args::USAGE);
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            print(&format!("{}\n\n{}\n", args::USAGE, args::USAGE_ES));
            Ok(ExitCode::SUCCESS)
        }
        Command::Version => {
            print(&format!("rollcall {}\n", env!("CARGO_PKG_VERSION")));
            Ok(ExitCode::SUCCESS)
        }
        Command::Check(args) => check(&args),
        Command::Changeset(args) => changeset(&args),
        Command::Serve(args) => serve(&args),
    };
    result.unwrap_or_else(|message| {
        eprintln!("{message}");
        ExitCode::from(2)
    })
}
