//! Statements that carry a batch of rows: their parameter lists, numbered so SQLite binds them
//! by position.
//!
//! SQLite looks each named or numbered parameter (`$7`, `?7`) up in a list, when it prepares
//! the statement and again for each value sqlx binds, so such a statement costs the square of
//! its parameters: at 4,000 a statement, `sqlite3_bind_parameter_name` alone took a third of a
//! 10,000-row upload. Anonymous `?` parameters are bound by position. A bulk statement is
//! written with `$1, $2, …` in the order its parameters appear and are bound, and [`sql`] makes
//! those `?` on SQLite; PostgreSQL takes it as written.

use sqlx::AnyConnection;

/// `$a, $b, …`: `count` placeholders from `$first`, each `width` apart.
fn placeholders(first: usize, count: usize, width: usize) -> impl Iterator<Item = usize> {
    (0..count).map(move |k| first + k * width)
}

/// `$first, …`: a list of `count` parameters (for `IN (…)`).
pub fn list(first: usize, count: usize) -> String {
    placeholders(first, count, 1)
        .map(|p| format!("${p}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `($first, …), (…), …`: `count` rows of `width` parameters (for `VALUES …`).
pub fn rows(first: usize, count: usize, width: usize) -> String {
    placeholders(first, count, width)
        .map(|p| format!("({})", list(p, width)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The statement as `conn`'s database takes it best: on SQLite its `$1, $2, …` become `?`.
/// Its parameters must appear in the order they are bound, each once; one that does not is
/// a mistake in the statement (debug builds panic), and the statement is left as written,
/// correct and slow.
pub fn sql(conn: &AnyConnection, sql: String) -> String {
    if conn.backend_name() != "SQLite" {
        return sql;
    }
    positional(&sql).unwrap_or(sql)
}

/// `sql` with `$1, $2, …` as `?`, or `None` when they are not numbered in order of appearance.
fn positional(sql: &str) -> Option<String> {
    let bytes = sql.as_bytes();
    let mut out = String::with_capacity(sql.len());
    let mut next = 1usize;
    let mut copied = 0;
    let mut at = 0;
    while at < bytes.len() {
        if bytes[at] == b'$' && bytes.get(at + 1).is_some_and(u8::is_ascii_digit) {
            let end = at
                + 1
                + bytes[at + 1..]
                    .iter()
                    .take_while(|b| b.is_ascii_digit())
                    .count();
            if sql[at + 1..end].parse::<usize>().ok() != Some(next) {
                debug_assert!(false, "parameters out of order at {}: {sql}", &sql[at..end]);
                return None;
            }
            next += 1;
            out.push_str(&sql[copied..at]);
            out.push('?');
            copied = end;
            at = end;
        } else {
            at += 1;
        }
    }
    out.push_str(&sql[copied..]);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_parameters_in_order_become_anonymous() {
        let sql = format!("INSERT INTO t VALUES {} RETURNING $7", rows(1, 3, 2));
        assert_eq!(
            positional(&sql).as_deref(),
            Some("INSERT INTO t VALUES (?, ?), (?, ?), (?, ?) RETURNING ?")
        );
        assert_eq!(list(3, 3), "$3, $4, $5");
        assert_eq!(positional("SELECT 1").as_deref(), Some("SELECT 1"));
    }

    #[test]
    #[should_panic(expected = "out of order")]
    fn parameters_out_of_order_are_a_mistake() {
        let _ = positional("SELECT $2, $1");
    }
}
