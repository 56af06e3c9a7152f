//! Classes: each one teacher's in one school, and which of the school's students are in them.
//! A teacher reads and changes only her own classes; another teacher's classes of the same
//! students are never touched.

use std::collections::HashMap;

use rollcall_core::rules::classes::{compare, join_sorted};
use sqlx::AnyConnection;

pub use rollcall_protocol::ClassSummary;

use super::{Store, StudentRecord, bulk};

/// A class as listed, with its number of students.
#[derive(Debug, sqlx::FromRow)]
struct ClassRecord {
    id: String,
    name: String,
    students: i64,
}

/// A student's membership of one of a teacher's classes.
#[derive(Debug, sqlx::FromRow)]
struct Membership {
    student_guid: String,
    name: String,
}

/// The id and spelling of a teacher's classes in a school by name key (lower-case name), found
/// or created in one transaction (a batch rolled back forgets them with it): each new class is
/// created once, however many rows name it.
#[derive(Debug, Default)]
pub struct ClassIds(HashMap<String, (String, String)>);

/// What identifies whose classes: a teacher in a school.
#[derive(Debug, Clone, Copy)]
pub struct ClassOwner<'a> {
    pub school: &'a str,
    pub teacher: &'a str,
}

impl Store {
    /// The teacher's classes in the school, sorted by name ignoring case, with how many
    /// students each has.
    pub async fn classes_of(
        &self,
        owner: ClassOwner<'_>,
    ) -> Result<Vec<ClassSummary>, sqlx::Error> {
        let records: Vec<ClassRecord> = sqlx::query_as(
            "SELECT c.id, c.name, COUNT(m.student_guid) AS students
             FROM classes c LEFT JOIN class_members m ON m.class_id = c.id
             WHERE c.school_id = $1 AND c.teacher_id = $2
             GROUP BY c.id, c.name",
        )
        .bind(owner.school)
        .bind(owner.teacher)
        .fetch_all(&self.pool)
        .await?;
        let mut classes: Vec<ClassSummary> = records
            .into_iter()
            .map(|r| ClassSummary {
                id: r.id,
                name: r.name,
                students: u32::try_from(r.students).unwrap_or(u32::MAX),
            })
            .collect();
        classes.sort_by(|a, b| compare(&a.name, &b.name));
        Ok(classes)
    }

    /// Fills in each student's classes of the teacher (sorted ignoring case).
    pub async fn with_classes(
        &self,
        owner: ClassOwner<'_>,
        students: &mut [StudentRecord],
    ) -> Result<(), sqlx::Error> {
        let memberships: Vec<Membership> = sqlx::query_as(
            "SELECT m.student_guid, c.name FROM class_members m
             JOIN classes c ON c.id = m.class_id
             WHERE c.school_id = $1 AND c.teacher_id = $2",
        )
        .bind(owner.school)
        .bind(owner.teacher)
        .fetch_all(&self.pool)
        .await?;
        let mut by_student: HashMap<String, Vec<String>> = HashMap::new();
        for membership in memberships {
            by_student
                .entry(membership.student_guid.to_lowercase())
                .or_default()
                .push(membership.name);
        }
        for student in students {
            let mut classes = by_student
                .remove(&student.guid.to_lowercase())
                .unwrap_or_default();
            classes.sort_by(|a, b| compare(a, b));
            student.classes = classes;
        }
        Ok(())
    }

    /// The teacher's classes of these students (by lower-case GUID), inside the caller's
    /// transaction; a student in none is not listed.
    pub async fn classes_by_guid(
        tx: &mut AnyConnection,
        owner: ClassOwner<'_>,
        guids: &[&str],
    ) -> Result<HashMap<String, Vec<String>>, sqlx::Error> {
        let mut by_student: HashMap<String, Vec<String>> = HashMap::new();
        if guids.is_empty() {
            return Ok(by_student);
        }
        let sql = format!(
            "SELECT m.student_guid, c.name FROM class_members m
             JOIN classes c ON c.id = m.class_id
             WHERE c.school_id = $1 AND c.teacher_id = $2 AND m.student_guid IN ({})",
            bulk::list(3, guids.len())
        );
        let sql = bulk::sql(tx, sql);
        let mut query = sqlx::query_as::<_, Membership>(sqlx::AssertSqlSafe(sql))
            .bind(owner.school)
            .bind(owner.teacher);
        for guid in guids {
            query = query.bind(guid.to_lowercase());
        }
        for membership in query.fetch_all(&mut *tx).await? {
            by_student
                .entry(membership.student_guid.to_lowercase())
                .or_default()
                .push(membership.name);
        }
        for classes in by_student.values_mut() {
            classes.sort_by(|a, b| compare(a, b));
        }
        Ok(by_student)
    }

    /// Makes `names` the student's complete list of the teacher's classes, inside the caller's
    /// transaction (see [`Store::set_classes_of`]).
    pub async fn set_classes(
        tx: &mut AnyConnection,
        owner: ClassOwner<'_>,
        guid: &str,
        names: &[String],
        ids: &mut ClassIds,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        Self::set_classes_of(tx, owner, &[(guid, names)], ids, now).await
    }

    /// Makes each student's list the complete list of their classes of the teacher, inside the
    /// caller's transaction: a class named for the first time is created (spelled as given),
    /// the students leave the teacher's classes not named, and the other teachers' classes of
    /// the students stay as they are. A run of students takes two statements, however long.
    pub async fn set_classes_of(
        tx: &mut AnyConnection,
        owner: ClassOwner<'_>,
        students: &[(&str, &[String])],
        ids: &mut ClassIds,
        now: &str,
    ) -> Result<(), sqlx::Error> {
        let mut members: Vec<(String, &str)> = Vec::new();
        for &(guid, names) in students {
            for name in names {
                let (id, _) = Self::class_id(tx, owner, name, ids, now).await?;
                members.push((id, guid));
            }
        }
        // At most this many students or memberships a statement: well within the parameters
        // either backend takes.
        const CHUNK: usize = 1000;
        for chunk in students.chunks(CHUNK) {
            // The students, then the teacher.
            let n = chunk.len();
            let sql = format!(
                "DELETE FROM class_members WHERE student_guid IN ({}) AND class_id IN
                     (SELECT id FROM classes WHERE school_id = ${} AND teacher_id = ${})",
                bulk::list(1, n),
                n + 1,
                n + 2
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(bulk::sql(tx, sql)));
            for (guid, _) in chunk {
                query = query.bind(*guid);
            }
            query
                .bind(owner.school)
                .bind(owner.teacher)
                .execute(&mut *tx)
                .await?;
        }
        for chunk in members.chunks(CHUNK) {
            let sql = format!(
                "INSERT INTO class_members (class_id, student_guid) VALUES {}
                 ON CONFLICT DO NOTHING",
                bulk::rows(1, chunk.len(), 2)
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(bulk::sql(tx, sql)));
            for (id, guid) in chunk {
                query = query.bind(id.as_str()).bind(*guid);
            }
            query.execute(&mut *tx).await?;
        }
        Ok(())
    }

    /// Puts these students into the teacher's class `name`, creating it if new (the demo's
    /// classes).
    pub async fn add_to_class(
        &self,
        owner: ClassOwner<'_>,
        name: &str,
        guids: &[String],
    ) -> Result<(), sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let now = self.clock.rfc3339_seconds();
        let (id, _) = Self::class_id(&mut tx, owner, name, &mut ClassIds::default(), &now).await?;
        for guid in guids {
            sqlx::query(
                "INSERT INTO class_members (class_id, student_guid) VALUES ($1, $2)
                 ON CONFLICT DO NOTHING",
            )
            .bind(&id)
            .bind(guid.to_lowercase())
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await
    }

    /// The id and spelling of the teacher's class `name` (ignoring case), created if new.
    async fn class_id(
        tx: &mut AnyConnection,
        owner: ClassOwner<'_>,
        name: &str,
        ids: &mut ClassIds,
        now: &str,
    ) -> Result<(String, String), sqlx::Error> {
        // Keyed as the rules compare class names, so that the check and the store agree.
        let key = rollcall_core::text::fold(name);
        if let Some(found) = ids.0.get(&key) {
            return Ok(found.clone());
        }
        sqlx::query(
            "INSERT INTO classes (id, school_id, teacher_id, name, name_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT DO NOTHING",
        )
        .bind(uuid::Uuid::new_v4().to_string())
        .bind(owner.school)
        .bind(owner.teacher)
        .bind(name)
        .bind(&key)
        .bind(now)
        .execute(&mut *tx)
        .await?;
        let (id, spelling): (String, String) = sqlx::query_as(
            "SELECT id, name FROM classes WHERE school_id = $1 AND teacher_id = $2 AND name_key = $3",
        )
        .bind(owner.school)
        .bind(owner.teacher)
        .bind(&key)
        .fetch_one(&mut *tx)
        .await?;
        ids.0.insert(key, (id.clone(), spelling.clone()));
        Ok((id, spelling))
    }
}

/// A student's classes as an export's Classes cell writes them.
pub fn classes_cell(student: &StudentRecord) -> String {
    join_sorted(student.classes.iter().map(String::as_str))
}
