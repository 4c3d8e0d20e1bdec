package com.xeadline.uploads.server.jobs;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Durable jobs in SQL. A worker claims the oldest due job with {@code FOR UPDATE SKIP LOCKED}
 * (the same statement on H2 and PostgreSQL) and holds it by a lease it renews; a job whose lease
 * ran out (its worker died) is due again. Each (upload, kind, payload) exists once.
 */
public final class JobQueue {
  private static final int ERROR_MAX = 4000;

  private final Jdbi jdbi;

  public JobQueue(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Queues the work unless it is already known (queued, running, done or failed). */
  public boolean enqueue(String kind, String uploadId, String payload, int maxAttempts, Instant now) {
    return jdbi.inTransaction(
        h -> {
          int inserted =
              h.createUpdate(
                      """
                      INSERT INTO jobs (id, kind, upload_id, payload, status, attempts, max_attempts, run_after,
                        created_at, updated_at)
                      SELECT :id, :kind, :uploadId, :payload, 'queued', 0, :maxAttempts, :now, :now, :now
                      WHERE NOT EXISTS (
                        SELECT 1 FROM jobs WHERE upload_id = :uploadId AND kind = :kind AND payload = :payload)
                      """)
                  .bind("id", UUID.randomUUID().toString())
                  .bind("kind", kind)
                  .bind("uploadId", uploadId)
                  .bind("payload", payload)
                  .bind("maxAttempts", maxAttempts)
                  .bind("now", utc(now))
                  .execute();
          return inserted == 1;
        });
  }

  /** The oldest due job, now running for {@code node} until {@code now + lease}; attempts counted. */
  public Optional<Job> claim(String node, Instant now, Duration lease) {
    return jdbi.inTransaction(
        h -> {
          Optional<String> id =
              h.createQuery(
                      """
                      SELECT id FROM jobs
                      WHERE (status = 'queued' AND run_after <= :now)
                         OR (status = 'running' AND lease_until < :now)
                      ORDER BY run_after, created_at
                      LIMIT 1
                      FOR UPDATE SKIP LOCKED
                      """)
                  .bind("now", utc(now))
                  .mapTo(String.class)
                  .findOne();
          if (id.isEmpty()) {
            return Optional.empty();
          }
          h.createUpdate(
                  """
                  UPDATE jobs SET status = 'running', attempts = attempts + 1, locked_by = :node,
                    lease_until = :leaseUntil, progress = 0, updated_at = :now
                  WHERE id = :id
                  """)
              .bind("id", id.get())
              .bind("node", node)
              .bind("leaseUntil", utc(now.plus(lease)))
              .bind("now", utc(now))
              .execute();
          return h.createQuery("SELECT * FROM jobs WHERE id = :id").bind("id", id.get()).map(JobQueue::map).findOne();
        });
  }

  /** Extends the lease and records progress; false when the job is no longer this node's. */
  public boolean heartbeat(String id, String node, int progress, Instant now, Duration lease) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        """
                        UPDATE jobs SET lease_until = :leaseUntil, progress = :progress, updated_at = :now
                        WHERE id = :id AND locked_by = :node AND status = 'running'
                        """)
                    .bind("id", id)
                    .bind("node", node)
                    .bind("progress", progress)
                    .bind("leaseUntil", utc(now.plus(lease)))
                    .bind("now", utc(now))
                    .execute())
        == 1;
  }

  public boolean complete(String id, String node, Instant now) {
    return finish(id, node, "done", 100, null, now, now);
  }

  /** Back to the queue, due at {@code runAfter}, keeping the error for upload-status. */
  public boolean retryLater(String id, String node, String error, Instant runAfter, Instant now) {
    return finish(id, node, "queued", 0, error, runAfter, now);
  }

  public boolean fail(String id, String node, String error, Instant now) {
    return finish(id, node, "failed", 0, error, now, now);
  }

  /** A job stopped by shutdown goes back to the queue without counting as an attempt. */
  public boolean release(String id, String node, Instant now) {
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        """
                        UPDATE jobs SET status = 'queued', attempts = attempts - 1, locked_by = NULL,
                          lease_until = NULL, run_after = :now, updated_at = :now
                        WHERE id = :id AND locked_by = :node AND status = 'running'
                        """)
                    .bind("id", id)
                    .bind("node", node)
                    .bind("now", utc(now))
                    .execute())
        == 1;
  }

  private boolean finish(String id, String node, String status, int progress, String error, Instant runAfter, Instant now) {
    String message = error == null ? null : error.length() > ERROR_MAX ? error.substring(error.length() - ERROR_MAX) : error;
    return jdbi.withHandle(
            h ->
                h.createUpdate(
                        """
                        UPDATE jobs SET status = :status, progress = :progress, last_error = :error, run_after = :runAfter, locked_by = NULL, lease_until = NULL,
                          updated_at = :now
                        WHERE id = :id AND locked_by = :node AND status = 'running'
                        """)
                    .bind("id", id)
                    .bind("node", node)
                    .bind("status", status)
                    .bind("progress", progress)
                    .bind("error", message)
                    .bind("runAfter", utc(runAfter))
                    .bind("now", utc(now))
                    .execute())
        == 1;
  }

  public List<Job> forUpload(String uploadId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM jobs WHERE upload_id = :uploadId ORDER BY created_at, kind, payload")
                .bind("uploadId", uploadId)
                .map(JobQueue::map)
                .list());
  }

  /** Jobs waiting to run (for the queue-depth gauge). */
  public long queued() {
    return jdbi.withHandle(h -> h.createQuery("SELECT COUNT(*) FROM jobs WHERE status = 'queued'").mapTo(Long.class).one());
  }

  /** Completed uploads that never got a probe job (at most {@code limit}). */
  public List<String> completedWithoutProbe(int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT u.id FROM upload_sessions u
                    WHERE u.status = 'completed' AND u.content_type LIKE 'video/%'
                      AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.upload_id = u.id AND j.kind = 'probe')
                    ORDER BY u.id LIMIT :limit
                    """)
                .bind("limit", limit)
                .mapTo(String.class)
                .list());
  }

  /** Removes done or failed jobs of a kind last touched before {@code before}. */
  public void deleteFinished(String kind, Instant before) {
    jdbi.useHandle(
        h ->
            h.createUpdate("DELETE FROM jobs WHERE kind = :kind AND status IN ('done', 'failed') AND updated_at < :before")
                .bind("kind", kind)
                .bind("before", utc(before))
                .execute());
  }

  public void deleteForUpload(String uploadId) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM jobs WHERE upload_id = :uploadId").bind("uploadId", uploadId).execute());
  }

  private static Job map(ResultSet rs, StatementContext ctx) throws SQLException {
    int progress = rs.getInt("progress");
    Integer progressOrNull = rs.wasNull() ? null : progress;
    return new Job(
        rs.getString("id"),
        rs.getString("kind"),
        rs.getString("upload_id"),
        rs.getString("payload"),
        rs.getString("status"),
        rs.getInt("attempts"),
        rs.getInt("max_attempts"),
        progressOrNull,
        rs.getString("last_error"),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
