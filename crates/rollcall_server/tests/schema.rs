//! The two backends' schemas stay in step: after every migration, SQLite and PostgreSQL have
//! the same tables with the same columns, of the same kinds.

mod common;

use std::collections::BTreeSet;

use rollcall_server::store::Store;
use sqlx::Row;

/// (table, column, kind) with kind one of `text` or `integer`, and whether it may be NULL.
type Column = (String, String, &'static str, bool);

fn kind(declared: &str) -> &'static str {
    let declared = declared.to_ascii_lowercase();
    if declared.contains("int") {
        "integer"
    } else if declared.contains("text") || declared.contains("char") {
        "text"
    } else {
        "other"
    }
}

async fn sqlite_columns(store: &Store) -> BTreeSet<Column> {
    let tables: Vec<String> = sqlx::query_scalar(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
    )
    .fetch_all(store.pool())
    .await
    .expect("tables");
    let mut columns = BTreeSet::new();
    for table in tables {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("PRAGMA table_info({table})")))
            .fetch_all(store.pool())
            .await
            .expect("columns");
        for row in rows {
            let declared: String = row.get("type");
            let not_null: i64 = row.get("notnull");
            let primary: i64 = row.get("pk");
            columns.insert((
                table.clone(),
                row.get("name"),
                kind(&declared),
                // SQLite lets a TEXT primary key hold NULL; PostgreSQL never does.
                not_null == 0 && primary == 0,
            ));
        }
    }
    columns
}

async fn postgres_columns(store: &Store) -> BTreeSet<Column> {
    let rows = sqlx::query(
        "SELECT table_name::text AS table_name, column_name::text AS column_name,
                data_type::text AS data_type, is_nullable::text AS is_nullable
         FROM information_schema.columns WHERE table_schema = current_schema()",
    )
    .fetch_all(store.pool())
    .await
    .expect("columns");
    rows.iter()
        .map(|row| {
            let declared: String = row.get("data_type");
            let nullable: String = row.get("is_nullable");
            (
                row.get("table_name"),
                row.get("column_name"),
                kind(&declared),
                nullable == "YES",
            )
        })
        .collect()
}

#[tokio::test]
async fn sqlite_and_postgresql_have_the_same_tables_and_columns() {
    let sqlite_dir = tempfile::tempdir().expect("temp dir");
    let sqlite = Store::open(&format!(
        "sqlite://{}",
        sqlite_dir.path().join("schema.db").display()
    ))
    .await
    .expect("sqlite");
    let on_sqlite = sqlite_columns(&sqlite).await;
    assert!(
        on_sqlite.len() > 50,
        "every table was read: {}",
        on_sqlite.len()
    );
    assert!(on_sqlite.iter().all(|(_, _, kind, _)| *kind != "other"));
    if common::postgres().is_none() {
        eprintln!(
            "ROLLCALL_TEST_POSTGRES is not set: the PostgreSQL side is compared by `cargo xtask test`"
        );
        return;
    }
    let dir = common::TestDir(tempfile::tempdir().expect("temp dir"));
    let url = common::database_url(&dir.0).await;
    let postgres = Store::open(&url).await.expect("postgres");
    let on_postgres = postgres_columns(&postgres).await;
    let only_sqlite: Vec<_> = on_sqlite.difference(&on_postgres).collect();
    let only_postgres: Vec<_> = on_postgres.difference(&on_sqlite).collect();
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}\nonly on PostgreSQL: {only_postgres:?}"
    );
}
