package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import java.util.List;

/** Where each final went (provider and key) on {@code upload_sessions}, and the publishes still owed. */
public final class PublishRecords {
  private final UploadSessions sessions;

  public PublishRecords(UploadSessions sessions) {
    this.sessions = sessions;
  }

  /** The final now lives in {@code provider} under {@code key}. */
  public void recordPublished(String id, String provider, String key) {
    sessions.forgetScopedRows();
    sessions.jdbi().useHandle(
        h ->
            h.createUpdate("UPDATE upload_sessions SET storage_provider = :provider, storage_key = :key WHERE id = :id")
                .bind("id", id)
                .bind("provider", provider)
                .bind("key", key)
                .execute());
  }

  /**
   * The key a final is about to be stored under, written before the bytes move: a crash between
   * the move and {@link #recordPublished} then leaves a row that says where its bytes went.
   */
  public void recordPublishIntent(String id, String key) {
    sessions.forgetScopedRows();
    sessions.jdbi().useHandle(
        h ->
            h.createUpdate("UPDATE upload_sessions SET storage_key = :key WHERE id = :id AND storage_provider IS NULL")
                .bind("id", id)
                .bind("key", key)
                .execute());
  }

  /** Finished uploads (not parts) not yet recorded at a provider: a publish a crash interrupted. */
  public List<UploadRow> findPublishPending() {
    return sessions.jdbi().withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status = 'completed' AND storage_provider IS NULL AND upload_type <> 'PARTIAL'
                    """)
                .map(UploadRowColumns::mapRow)
                .list());
  }

  /** Finished uploads whose final could not be stored, with their bytes still here. */
  public List<UploadRow> findUnpublished() {
    return sessions.jdbi().withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status = 'failed' AND storage_provider IS NULL
                      AND failure_reason LIKE 'storing the final%'
                    """)
                .map(UploadRowColumns::mapRow)
                .list());
  }

  /** A failed publish that succeeded on retry: the upload is completed again. */
  public void markRepublished(String id, String provider, String key, Instant now) {
    sessions.forgetScopedRows();
    sessions.jdbi().useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_sessions
                    SET status = 'completed', failure_reason = NULL, storage_provider = :provider,
                      storage_key = :key, last_activity_at = :now
                    WHERE id = :id AND status = 'failed'
                    """)
                .bind("id", id)
                .bind("provider", provider)
                .bind("key", key)
                .bind("now", UploadRowColumns.utc(now))
                .execute());
  }
}
