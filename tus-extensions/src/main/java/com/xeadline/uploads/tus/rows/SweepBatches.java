package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import java.util.List;

/** The batches the expiry sweep walks through {@code upload_sessions}, by id. */
public final class SweepBatches {
  private final UploadSessions sessions;

  public SweepBatches(UploadSessions sessions) {
    this.sessions = sessions;
  }

  /** One batch of unfinished uploads idle past their expiry, by id after {@code afterId}. */
  public List<UploadRow> findExpired(Instant now, String afterId, int limit) {
    return sessions.jdbi().withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status IN ('initialized', 'in-progress') AND expires_at < :now AND id > :afterId
                    ORDER BY id LIMIT :limit
                    """)
                .bind("now", UploadRowColumns.utc(now))
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(UploadRowColumns::mapRow)
                .list());
  }

  /** One batch of finished partial uploads completed before {@code before}, by id after {@code afterId}. */
  public List<UploadRow> findFinishedPartials(Instant before, String afterId, int limit) {
    return sessions.jdbi().withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE upload_type = 'PARTIAL' AND status = 'completed' AND completed_at < :before
                      AND id > :afterId
                    ORDER BY id LIMIT :limit
                    """)
                .bind("before", UploadRowColumns.utc(before))
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(UploadRowColumns::mapRow)
                .list());
  }
}
