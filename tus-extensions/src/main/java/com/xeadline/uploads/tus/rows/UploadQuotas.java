package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import org.jdbi.v3.core.Handle;

/**
 * Quota accounting in SQL: how many uploads a user started today and how many bytes their live
 * uploads hold, and the creations and length declarations that must stay within them. Checked
 * under a lock on the user's {@code user_quotas} row, so parallel requests count one after the
 * other.
 */
public final class UploadQuotas {
  private final UploadSessions sessions;

  public UploadQuotas(UploadSessions sessions) {
    this.sessions = sessions;
  }

  /**
   * Inserts {@code row} if its user stays within both quotas, checked under a lock on the user's
   * quota row so parallel creations are counted one after the other.
   */
  public void insertWithinQuota(UploadRow row, int uploadsPerDay, long quotaBytes, Instant dayStart)
      throws QuotaExceededException {
    sessions.forgetScopedRows();
    try {
      sessions.jdbi().useTransaction(
          h -> {
            lockQuotaRow(h, row.userId());
            long today = uploadsSince(h, row.userId(), dayStart);
            boolean part = "PARTIAL".equals(row.uploadType());
            if (!part && today >= uploadsPerDay) {
              throw new QuotaRefusal(new QuotaExceededException("uploads-per-day", uploadsPerDay, today, 1));
            }
            long held = heldBytes(h, row.userId());
            long requested = row.length() == null ? 0 : row.length();
            if (held + requested > quotaBytes) {
              throw new QuotaRefusal(new QuotaExceededException("bytes", quotaBytes, held, requested));
            }
            UploadRowColumns.insert(h, row);
          });
      sessions.rememberInserted(row);
    } catch (QuotaRefusal refusal) {
      throw refusal.exceeded;
    }
  }

  /**
   * Fixes a deferred length if the user's byte quota has room for it: the length is what the
   * upload will hold, checked as a creation's is (under the same per-user lock).
   */
  public void declareLengthWithinQuota(String id, String userId, long length, long quotaBytes)
      throws QuotaExceededException {
    sessions.forgetScopedRows();
    try {
      sessions.jdbi().useTransaction(
          h -> {
            lockQuotaRow(h, userId);
            long held = heldBytes(h, userId);
            if (held + length > quotaBytes) {
              throw new QuotaRefusal(new QuotaExceededException("bytes", quotaBytes, held, length));
            }
            h.createUpdate("UPDATE upload_sessions SET file_size = :length WHERE id = :id AND file_size IS NULL")
                .bind("id", id)
                .bind("length", length)
                .execute();
          });
    } catch (QuotaRefusal refusal) {
      throw refusal.exceeded;
    }
  }

  /** Uploads a user started since {@code dayStart}; a parallel upload counts once (its final). */
  public long uploadsSince(String userId, Instant dayStart) {
    return sessions.jdbi().withHandle(h -> uploadsSince(h, userId, dayStart));
  }

  private static long uploadsSince(Handle h, String userId, Instant dayStart) {
    return h.createQuery(
            """
            SELECT COUNT(*) FROM upload_sessions
            WHERE user_id = :user AND created_at >= :dayStart AND upload_type <> 'PARTIAL'
            """)
        .bind("user", userId)
        .bind("dayStart", UploadRowColumns.utc(dayStart))
        .mapTo(Long.class)
        .one();
  }

  /** The bytes a user's live uploads hold against the byte quota (see {@link #heldBytes(org.jdbi.v3.core.Handle, String)}). */
  public long bytesHeld(String userId) {
    return sessions.jdbi().withHandle(h -> heldBytes(h, userId));
  }

  /** What the user's byte quota has left; uploads of a deferred length count as nothing yet. */
  public long quotaBytesLeft(String userId, long quotaBytes) {
    return quotaBytes - sessions.jdbi().withHandle(h -> heldBytes(h, userId));
  }

  /**
   * Bytes a user holds: the lengths of their live uploads. A parallel upload counts its parts
   * until a finished final has joined them, then the final (whose parts the sweep removes later).
   */
  private static long heldBytes(Handle h, String userId) {
    return h.createQuery(
            """
            SELECT COALESCE(SUM(COALESCE(s.file_size, 0)), 0) FROM upload_sessions s
            WHERE s.user_id = :user AND s.status <> 'failed'
              AND (s.upload_type <> 'CONCATENATED' OR s.status = 'completed')
              AND NOT (s.upload_type = 'PARTIAL' AND EXISTS (
                SELECT 1 FROM upload_sessions f
                WHERE f.user_id = :user AND f.upload_type = 'CONCATENATED' AND f.status = 'completed'
                  AND f.concat_parts LIKE CONCAT('%', s.id, '%')))
            """)
        .bind("user", userId)
        .mapTo(Long.class)
        .one();
  }

  /** Carries a quota refusal out of the transaction callback, which rolls back. */
  private static final class QuotaRefusal extends RuntimeException {
    private final QuotaExceededException exceeded;

    QuotaRefusal(QuotaExceededException exceeded) {
      super(exceeded.getMessage(), null, false, false);
      this.exceeded = exceeded;
    }
  }

  private static void lockQuotaRow(Handle h, String userId) {
    boolean exists =
        h.createQuery("SELECT COUNT(*) FROM user_quotas WHERE user_id = :user").bind("user", userId).mapTo(Integer.class).one() > 0;
    if (!exists) {
      try {
        h.execute("SAVEPOINT quota_row");
        h.createUpdate("INSERT INTO user_quotas (user_id) VALUES (:user)").bind("user", userId).execute();
        h.execute("RELEASE SAVEPOINT quota_row");
      } catch (RuntimeException raced) {
        h.execute("ROLLBACK TO SAVEPOINT quota_row"); // another creation inserted it first
      }
    }
    h.createQuery("SELECT user_id FROM user_quotas WHERE user_id = :user FOR UPDATE").bind("user", userId).mapTo(String.class).one();
  }
}
