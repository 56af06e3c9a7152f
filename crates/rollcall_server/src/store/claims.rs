//! The durable queue's claims: one process at a time works on an upload under a lease
//! (`upload::lease` says how), taken, renewed and ended here; each claim is kept in
//! `upload_claims`.

use super::Store;
use super::uploads::{
    Claim, StoredUpload, UploadCounts, UploadRecord, UploadStatus, json, select_upload,
};

impl Store {
    /// Takes the oldest upload still to finish whose lease is free or lapsed (`lease_until`
    /// before `now`; one a stopped server left In Progress first) for `owner` until `until`,
    /// and marks it In Progress. The lease is taken by a conditional UPDATE, so of two
    /// processes that chose the same upload only one gets it (the other one's UPDATE changes no
    /// row and it tries the next). Times are milliseconds since 1970.
    pub async fn claim_upload(
        &self,
        owner: &str,
        now: i64,
        until: i64,
    ) -> Result<Option<StoredUpload>, sqlx::Error> {
        // Oldest first (one left In Progress before any other), and never an upload of a
        // school another live lease is working on: one upload per school at a time, so a
        // school's uploads apply in order and a 50,000-row upload holds one worker while the
        // other workers and processes serve every other school.
        let candidates: Vec<String> = sqlx::query_scalar(
            "SELECT id FROM uploads u
             WHERE status IN ($1, $2) AND (lease_until IS NULL OR lease_until < $3)
               AND NOT EXISTS (
                   SELECT 1 FROM uploads busy
                   WHERE busy.school_id = u.school_id AND busy.id <> u.id
                     AND busy.status = $1 AND busy.lease_until >= $3)
             ORDER BY CASE status WHEN $1 THEN 0 ELSE 1 END, created_at, seq LIMIT 8",
        )
        .bind(UploadStatus::InProgress.as_str())
        .bind(UploadStatus::Queued.as_str())
        .bind(now)
        .fetch_all(&self.pool)
        .await?;
        for id in candidates {
            let mut tx = self.begin_write().await?;
            // Without taking turns, two PostgreSQL processes could each claim a different
            // upload of one school, neither seeing the other's claim.
            self.take_turn(&mut tx, super::Turn::Claim).await?;
            let taken = sqlx::query(
                "UPDATE uploads SET status = $2, lease_owner = $4, lease_until = $5
                 WHERE id = $1 AND status IN ($2, $3) AND (lease_until IS NULL OR lease_until < $6)
                   AND NOT EXISTS (
                       SELECT 1 FROM uploads busy
                       WHERE busy.school_id = uploads.school_id AND busy.id <> uploads.id
                         AND busy.status = $2 AND busy.lease_until >= $6)",
            )
            .bind(&id)
            .bind(UploadStatus::InProgress.as_str())
            .bind(UploadStatus::Queued.as_str())
            .bind(owner)
            .bind(until)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if taken == 1 {
                sqlx::query(
                    "INSERT INTO upload_claims (upload_id, owner, claimed_at, until)
                     VALUES ($1, $2, $3, $4)",
                )
                .bind(&id)
                .bind(owner)
                .bind(now)
                .bind(until)
                .execute(&mut *tx)
                .await?;
                let upload: UploadRecord = sqlx::query_as(select_upload!("WHERE id = $1"))
                    .bind(&id)
                    .fetch_one(&mut *tx)
                    .await?;
                tx.commit().await?;
                return Ok(Some(upload.into()));
            }
            tx.commit().await?;
        }
        Ok(None)
    }

    /// Every claim of an upload, oldest first: (owner, claimed at, held until), milliseconds.
    pub async fn upload_claims(&self, upload: &str) -> Result<Vec<Claim>, sqlx::Error> {
        sqlx::query_as(
            "SELECT owner, claimed_at, until FROM upload_claims WHERE upload_id = $1
             ORDER BY claimed_at",
        )
        .bind(upload)
        .fetch_all(&self.pool)
        .await
    }

    /// Moves the end of `owner`'s latest claim of `upload` to `until`.
    async fn claim_held_until(
        tx: &mut sqlx::AnyConnection,
        upload: &str,
        owner: &str,
        until: i64,
    ) -> Result<(), sqlx::Error> {
        sqlx::query(
            "UPDATE upload_claims SET until = $3
             WHERE upload_id = $1 AND owner = $2 AND claimed_at = (
                 SELECT MAX(claimed_at) FROM upload_claims WHERE upload_id = $1 AND owner = $2)",
        )
        .bind(upload)
        .bind(owner)
        .bind(until)
        .execute(&mut *tx)
        .await?;
        Ok(())
    }

    /// Extends `owner`'s lease on an upload to `until`; `false` when it no longer holds it.
    pub async fn renew_lease(
        &self,
        id: &str,
        owner: &str,
        until: i64,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let renewed = sqlx::query(
            "UPDATE uploads SET lease_until = $3 WHERE id = $1 AND lease_owner = $2 AND status = $4",
        )
        .bind(id)
        .bind(owner)
        .bind(until)
        .bind(UploadStatus::InProgress.as_str())
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if renewed == 1 {
            Self::claim_held_until(&mut tx, id, owner, until).await?;
        }
        tx.commit().await?;
        Ok(renewed == 1)
    }

    /// Gives an upload its final status and counts and ends `owner`'s lease; `false` (and
    /// nothing changed) when `owner` no longer holds the lease.
    pub async fn finish_upload(
        &self,
        id: &str,
        owner: &str,
        status: UploadStatus,
        finished_at: &str,
        counts: &UploadCounts,
    ) -> Result<bool, sqlx::Error> {
        let mut tx = self.begin_write().await?;
        let finished = sqlx::query(
            "UPDATE uploads SET status = $3, finished_at = $4, counts = $5, lease_owner = NULL,
                 lease_until = NULL
             WHERE id = $1 AND lease_owner = $2",
        )
        .bind(id)
        .bind(owner)
        .bind(status.as_str())
        .bind(finished_at)
        .bind(json(counts))
        .execute(&mut *tx)
        .await?
        .rows_affected();
        if finished == 1 {
            let now = self.clock.unix_millis();
            Self::claim_held_until(&mut tx, id, owner, now).await?;
        }
        tx.commit().await?;
        Ok(finished == 1)
    }
}
