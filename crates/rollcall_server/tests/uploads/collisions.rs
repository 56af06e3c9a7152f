//! Writes that meet: a row that collides when written, and a writer that waits for another.

use super::*;

/// Reads an update and, if it applies, writes it, as the worker does.
async fn update(
    tx: &mut sqlx::AnyConnection,
    school: &str,
    guid: &str,
    base: Option<&str>,
    set: &std::collections::BTreeMap<rollcall_core::Field, String>,
) -> Result<(), rollcall_server::store::apply::Conflict> {
    use rollcall_server::store::Store;
    use rollcall_server::store::apply::prepared;
    let found = Store::students_by_guid(tx, school, &[guid])
        .await
        .expect("query");
    let prepared = prepared(guid, found.into_values().next(), base, set)?;
    Store::write_update(tx, &prepared, None, "now")
        .await
        .expect("query")
}

#[tokio::test]
async fn a_row_that_collides_when_written_changes_nothing_and_says_why() {
    use rollcall_server::store::apply::Conflict;
    let server = Server::demo().await;
    let students = server
        .state
        .store
        .students(LINCOLN)
        .await
        .expect("students");
    let (first, second) = (&students[0], &students[1]);
    let mut tx = server.state.store.pool().begin().await.expect("begin");
    let set = [(
        rollcall_core::Field::Username,
        second.username.to_uppercase(),
    )]
    .into_iter()
    .collect();
    let applied = update(&mut tx, LINCOLN, &first.guid, None, &set).await;
    assert_eq!(
        applied,
        Err(Conflict::UsernameTaken(second.username.to_uppercase()))
    );
    let set = [(
        rollcall_core::Field::StudentId,
        second.student_id.clone().expect("id"),
    )]
    .into_iter()
    .collect();
    let applied = update(&mut tx, LINCOLN, &first.guid, None, &set).await;
    assert_eq!(
        applied,
        Err(Conflict::StudentIdTaken(
            second.student_id.clone().expect("id")
        ))
    );
    let stale = update(&mut tx, LINCOLN, &first.guid, Some("0000"), &set).await;
    assert!(matches!(stale, Err(Conflict::Stale(_))));
    let unknown = update(&mut tx, ROOSEVELT, &first.guid, None, &set).await;
    assert_eq!(unknown, Err(Conflict::UnknownGuid(first.guid.clone())));
    tx.commit().await.expect("commit");
    assert_eq!(
        server
            .state
            .store
            .students(LINCOLN)
            .await
            .expect("students"),
        students
    );
}

/// Two requests that write at once: the second waits for the first instead of failing. A
/// transaction that read before the other one committed could not write at all ("database is
/// locked", at once): an upload failed that way when a second upload arrived mid-batch.
#[tokio::test]
async fn a_write_waits_for_another_writer_instead_of_failing() {
    let server = Server::demo().await;
    let store = server.state.store.clone();
    let mut tx = store.begin_write().await.expect("begin");
    let students: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM students")
        .fetch_one(&mut *tx)
        .await
        .expect("read");
    assert!(students > 0);
    let other = {
        let store = store.clone();
        tokio::spawn(async move {
            let mut other = store.begin_write().await?;
            sqlx::query("UPDATE students SET last_name = last_name || 'b'")
                .execute(&mut *other)
                .await?;
            other.commit().await
        })
    };
    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    sqlx::query("UPDATE students SET first_name = first_name || 'a'")
        .execute(&mut *tx)
        .await
        .expect("a write after the read");
    tx.commit().await.expect("commit");
    other
        .await
        .expect("task")
        .expect("the other write, after this one");
}
