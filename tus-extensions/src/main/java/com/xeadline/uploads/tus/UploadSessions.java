package com.xeadline.uploads.tus;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;

/** All SQL on {@code upload_sessions}. */
public final class UploadSessions {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private final Jdbi jdbi;
  private final ThreadLocal<Map<String, Optional<UploadRow>>> requestScope = new ThreadLocal<>();

  public UploadSessions(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /**
   * Until {@link #closeRequestScope()}, this thread's repeated reads of a row are answered from
   * memory (tus-java-server's validators and handlers each look the upload up again); every write
   * through this class forgets them.
   */
  public void openRequestScope() {
    requestScope.set(new HashMap<>());
  }

  public void closeRequestScope() {
    requestScope.remove();
  }

  private void forgetScopedRows() {
    Map<String, Optional<UploadRow>> rows = requestScope.get();
    if (rows != null) {
      rows.clear();
    }
  }

  public void insert(UploadRow row) {
    forgetScopedRows();
    jdbi.useHandle(h -> insert(h, row));
  }

  /**
   * Inserts {@code row} if its user stays within both quotas, checked under a lock on the user's
   * quota row so parallel creations are counted one after the other.
   */
  public void insertWithinQuota(UploadRow row, int uploadsPerDay, long quotaBytes, Instant dayStart)
      throws QuotaExceededException {
    forgetScopedRows();
    try {
      jdbi.useTransaction(
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
            insert(h, row);
          });
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
    forgetScopedRows();
    try {
      jdbi.useTransaction(
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
    return jdbi.withHandle(h -> uploadsSince(h, userId, dayStart));
  }

  private static long uploadsSince(org.jdbi.v3.core.Handle h, String userId, Instant dayStart) {
    return h.createQuery(
            """
            SELECT COUNT(*) FROM upload_sessions
            WHERE user_id = :user AND created_at >= :dayStart AND upload_type <> 'PARTIAL'
            """)
        .bind("user", userId)
        .bind("dayStart", utc(dayStart))
        .mapTo(Long.class)
        .one();
  }

  /** The bytes a user's live uploads hold against the byte quota (see {@link #heldBytes}). */
  public long bytesHeld(String userId) {
    return jdbi.withHandle(h -> heldBytes(h, userId));
  }

  /** What the user's byte quota has left; uploads of a deferred length count as nothing yet. */
  public long quotaBytesLeft(String userId, long quotaBytes) {
    return quotaBytes - jdbi.withHandle(h -> heldBytes(h, userId));
  }

  /**
   * Bytes a user holds: the lengths of their live uploads. A parallel upload counts its parts
   * until a finished final has joined them, then the final (whose parts the sweep removes later).
   */
  private static long heldBytes(org.jdbi.v3.core.Handle h, String userId) {
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

  private static void lockQuotaRow(org.jdbi.v3.core.Handle h, String userId) {
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

  private static int insert(org.jdbi.v3.core.Handle h, UploadRow row) {
    return h.createUpdate(
                    """
                    INSERT INTO upload_sessions (id, user_id, file_name, file_size, content_type,
                      total_chunks, received_chunks, status, created_at, last_activity_at,
                      completed_at, url, metadata, upload_offset, length_deferred, expires_at,
                      upload_type, upload_concat, concat_parts, encoded_metadata, creator_ip,
                      failure_reason, chunk_size, storage_key)
                    VALUES (:id, :userId, :fileName, :length, :contentType, :totalChunks,
                      :receivedChunks, :status, :createdAt, :lastActivityAt, :completedAt, :url,
                      :metadata, :offset, :lengthDeferred, :expiresAt, :uploadType, :uploadConcat,
                      :concatParts, :encodedMetadata, :creatorIp, :failureReason, :chunkSize, :storageKey)
                    """)
                .bind("id", row.id())
                .bind("userId", row.userId())
                .bind("fileName", row.fileName())
                .bind("length", row.length())
                .bind("contentType", row.contentType())
                .bind("totalChunks", row.totalChunks())
                .bind("receivedChunks", row.receivedChunks())
                .bind("status", row.status().dbValue())
                .bind("createdAt", utc(row.createdAt()))
                .bind("lastActivityAt", utc(row.lastActivityAt()))
                .bind("completedAt", utc(row.completedAt()))
                .bind("url", row.url())
                .bind("metadata", toJson(row.metadata()))
                .bind("offset", row.offset())
                .bind("lengthDeferred", row.lengthDeferred())
                .bind("expiresAt", utc(row.expiresAt()))
                .bind("uploadType", row.uploadType())
                .bind("uploadConcat", row.uploadConcat())
                .bind("concatParts", joinParts(row.concatParts()))
                .bind("encodedMetadata", row.encodedMetadata())
                .bind("creatorIp", row.creatorIp())
                .bind("failureReason", row.failureReason())
                .bind("chunkSize", row.chunkSize())
                .bind("storageKey", row.storageKey())
                .execute();
  }

  public Optional<UploadRow> find(String id) {
    Map<String, Optional<UploadRow>> rows = requestScope.get();
    if (rows == null) {
      return select(id);
    }
    Optional<UploadRow> row = rows.get(id);
    if (row == null) {
      row = select(id);
      rows.put(id, row);
    }
    return row;
  }

  private Optional<UploadRow> select(String id) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM upload_sessions WHERE id = :id")
                .bind("id", id)
                .map(UploadSessions::mapRow)
                .findOne());
  }

  /**
   * Records a new durable offset. Status, completion time and URL follow from offset and length;
   * an upload that is still unfinished gets its expiry pushed to {@code expiresAt}.
   */
  public void recordProgress(
      String id, long offset, Long length, Instant now, Instant expiresAt, String finishedUrl) {
    updateProgress(id, null, offset, length, now, expiresAt, finishedUrl);
  }

  /**
   * Moves the offset only if it still is {@code expected}: false when another writer moved it
   * first (a node that lost its lock while cut off from the database), or the upload failed or
   * went. A writer that gets false no longer owns the upload's bytes.
   */
  public boolean advanceOffset(
      String id, long expected, long offset, Long length, Instant now, Instant expiresAt, String finishedUrl) {
    return updateProgress(id, expected, offset, length, now, expiresAt, finishedUrl);
  }

  private boolean updateProgress(
      String id, Long expected, long offset, Long length, Instant now, Instant expiresAt, String finishedUrl) {
    forgetScopedRows();
    UploadStatus status = UploadStatus.forProgress(offset, length);
    boolean done = status == UploadStatus.COMPLETED;
    String sql =
        """
        UPDATE upload_sessions
        SET upload_offset = :offset, file_size = :length, status = :status,
          last_activity_at = :now, expires_at = :expiresAt,
          completed_at = :completedAt, url = :url
        WHERE id = :id AND status <> 'failed'
        """
            + (expected == null ? "" : " AND upload_offset = :expected");
    return jdbi.withHandle(
        h -> {
          var update =
              h.createUpdate(sql)
                  .bind("id", id)
                  .bind("offset", offset)
                  .bind("length", length)
                  .bind("status", status.dbValue())
                  .bind("now", utc(now))
                  .bind("expiresAt", done ? null : utc(expiresAt))
                  .bind("completedAt", done ? utc(now) : null)
                  .bind("url", done ? finishedUrl : null);
          if (expected != null) {
            update.bind("expected", expected);
          }
          return update.execute() == 1;
        });
  }

  /**
   * Records chunk progress: the count of stored chunks and the contiguous offset they give, and
   * in-progress (the old service's state once any chunk arrived). Both only ever grow: a statement
   * that counted before another chunk was stored may take the row's lock after that chunk's own
   * update, and must not write its smaller count over the larger one.
   */
  public void recordChunks(String id, long contiguousOffset, Instant now, Instant expiresAt) {
    forgetScopedRows();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_sessions
                    SET received_chunks = GREATEST(received_chunks,
                                                   (SELECT COUNT(*) FROM upload_chunks
                                                    WHERE upload_id = :id AND state IN ('stored', 'joined'))),
                      upload_offset = GREATEST(upload_offset, :offset),
                      status = 'in-progress', last_activity_at = :now, expires_at = :expiresAt
                    WHERE id = :id AND status IN ('initialized', 'in-progress')
                    """)
                .bind("id", id)
                .bind("offset", contiguousOffset)
                .bind("now", utc(now))
                .bind("expiresAt", utc(expiresAt))
                .execute());
  }

  /**
   * Records the fixed chunk size of a chunked upload unless one is already known (the first
   * chunk to tell wins, across threads and nodes); answers the size the row now has.
   */
  public long learnChunkSize(String id, long chunkSize) {
    forgetScopedRows();
    return jdbi.withHandle(
        h -> {
          h.createUpdate("UPDATE upload_sessions SET chunk_size = :size WHERE id = :id AND chunk_size IS NULL")
              .bind("id", id)
              .bind("size", chunkSize)
              .execute();
          return h.createQuery("SELECT chunk_size FROM upload_sessions WHERE id = :id").bind("id", id).mapTo(Long.class).one();
        });
  }

  /** The final now lives in {@code provider} under {@code key}. */
  public void recordPublished(String id, String provider, String key) {
    forgetScopedRows();
    jdbi.useHandle(
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
    forgetScopedRows();
    jdbi.useHandle(
        h ->
            h.createUpdate("UPDATE upload_sessions SET storage_key = :key WHERE id = :id AND storage_provider IS NULL")
                .bind("id", id)
                .bind("key", key)
                .execute());
  }

  /** Finished uploads (not parts) not yet recorded at a provider: a publish a crash interrupted. */
  public List<UploadRow> findPublishPending() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status = 'completed' AND storage_provider IS NULL AND upload_type <> 'PARTIAL'
                    """)
                .map(UploadSessions::mapRow)
                .list());
  }

  /** Finished uploads whose final could not be stored, with their bytes still here. */
  public List<UploadRow> findUnpublished() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status = 'failed' AND storage_provider IS NULL
                      AND failure_reason LIKE 'storing the final%'
                    """)
                .map(UploadSessions::mapRow)
                .list());
  }

  /** A failed publish that succeeded on retry: the upload is completed again. */
  public void markRepublished(String id, String provider, String key, Instant now) {
    forgetScopedRows();
    jdbi.useHandle(
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
                .bind("now", utc(now))
                .execute());
  }

  public void markFailed(String id, String reason, Instant now) {
    forgetScopedRows();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_sessions
                    SET status = 'failed', failure_reason = :reason, last_activity_at = :now,
                      expires_at = NULL
                    WHERE id = :id
                    """)
                .bind("id", id)
                .bind("reason", reason.length() > 1000 ? reason.substring(0, 1000) : reason)
                .bind("now", utc(now))
                .execute());
  }

  /**
   * Adds (or replaces) one metadata entry, in both the decoded map and the tus Upload-Metadata
   * text that HEAD answers with, so clients of either API see it.
   */
  public void putMetadata(String id, String key, String value) {
    forgetScopedRows();
    jdbi.useTransaction(
        h -> {
          Optional<Map<String, Object>> current =
              h.createQuery("SELECT metadata, encoded_metadata FROM upload_sessions WHERE id = :id FOR UPDATE")
                  .bind("id", id)
                  .mapToMap()
                  .findOne();
          if (current.isEmpty()) {
            return;
          }
          Map<String, String> metadata = new java.util.LinkedHashMap<>(fromJson((String) current.get().get("metadata")));
          metadata.put(key, value);
          String encoded = (String) current.get().get("encoded_metadata");
          List<String> pairs = new java.util.ArrayList<>();
          if (encoded != null && !encoded.isBlank()) {
            for (String pair : encoded.split(",")) {
              String trimmed = pair.trim();
              if (!trimmed.equals(key) && !trimmed.startsWith(key + " ")) {
                pairs.add(trimmed);
              }
            }
          }
          pairs.add(key + " " + java.util.Base64.getEncoder().encodeToString(value.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
          h.createUpdate("UPDATE upload_sessions SET metadata = :metadata, encoded_metadata = :encoded WHERE id = :id")
              .bind("id", id)
              .bind("metadata", toJson(metadata))
              .bind("encoded", String.join(",", pairs))
              .execute();
        });
  }

  /** Sets the name and type the client gives at completion. */
  public void rename(String id, String fileName, String contentType, Map<String, String> metadata, String encodedMetadata) {
    forgetScopedRows();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_sessions
                    SET file_name = :fileName, content_type = :contentType, metadata = :metadata,
                      encoded_metadata = :encodedMetadata
                    WHERE id = :id
                    """)
                .bind("id", id)
                .bind("fileName", fileName)
                .bind("contentType", contentType)
                .bind("metadata", toJson(metadata))
                .bind("encodedMetadata", encodedMetadata)
                .execute());
  }

  /** Writes the fields tus-java-server's own handlers may change (concatenation, expiry). */
  public void updateTusFields(
      String id,
      Long length,
      String uploadType,
      String uploadConcat,
      List<String> concatParts,
      Instant expiresAt) {
    forgetScopedRows();
    jdbi.useHandle(
        h ->
            h.createUpdate(
                    """
                    UPDATE upload_sessions
                    SET file_size = :length, upload_type = :uploadType,
                      upload_concat = :uploadConcat, concat_parts = :concatParts,
                      expires_at = :expiresAt
                    WHERE id = :id
                    """)
                .bind("id", id)
                .bind("length", length)
                .bind("uploadType", uploadType)
                .bind("uploadConcat", uploadConcat)
                .bind("concatParts", joinParts(concatParts))
                .bind("expiresAt", utc(expiresAt))
                .execute());
  }

  public void delete(String id) {
    forgetScopedRows();
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM upload_sessions WHERE id = :id").bind("id", id).execute());
  }

  /** Unfinished uploads, whose bytes on disk must agree with their offset after a restart. */
  public List<UploadRow> findUnfinished() {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM upload_sessions WHERE status IN ('initialized', 'in-progress')")
                .map(UploadSessions::mapRow)
                .list());
  }

  public List<UploadRow> findExpired(Instant now) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status IN ('initialized', 'in-progress') AND expires_at < :now
                    """)
                .bind("now", utc(now))
                .map(UploadSessions::mapRow)
                .list());
  }

  /**
   * One page of an owner's completed uploads, newest first, after the keyset position
   * ({@code completedAt}, {@code id}) of the previous page's last row when given.
   */
  public List<UploadRow> findCompleted(String userId, Instant afterCompletedAt, String afterId, int limit) {
    return findOwnedPage(userId, "status = 'completed' AND completed_at IS NOT NULL", "completed_at", afterCompletedAt, afterId, limit);
  }

  /**
   * A user's unfinished uploads (not failed, not parts of a parallel upload), newest first, after
   * the keyset position ({@code afterCreatedAt}, {@code afterId}) when given.
   */
  public List<UploadRow> findInProgress(String userId, Instant afterCreatedAt, String afterId, int limit) {
    return findOwnedPage(userId, "status IN ('initialized', 'in-progress')", "created_at", afterCreatedAt, afterId, limit);
  }

  /**
   * One keyset page of a user's uploads matching {@code condition}, newest first by {@code time}
   * (a column), after ({@code afterAt}, {@code afterId}) when given. The parts of a parallel
   * upload are never listed: they are not files of their own.
   */
  private List<UploadRow> findOwnedPage(
      String userId, String condition, String time, Instant afterAt, String afterId, int limit) {
    String owner = userId == null ? "user_id IS NULL" : "user_id = :userId";
    String after = afterAt == null ? "" : "AND (" + time + " < :afterAt OR (" + time + " = :afterAt AND id < :afterId))";
    return jdbi.withHandle(
        h -> {
          var query =
              h.createQuery(
                  "SELECT * FROM upload_sessions WHERE " + owner + " AND " + condition
                      + " AND COALESCE(upload_type, '') <> 'PARTIAL' " + after
                      + " ORDER BY " + time + " DESC, id DESC LIMIT :limit");
          if (userId != null) {
            query.bind("userId", userId);
          }
          if (afterAt != null) {
            query.bind("afterAt", utc(afterAt)).bind("afterId", afterId);
          }
          return query.bind("limit", limit).map(UploadSessions::mapRow).list();
        });
  }

  /** One batch of unfinished uploads idle past their expiry, by id after {@code afterId}. */
  public List<UploadRow> findExpired(Instant now, String afterId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE status IN ('initialized', 'in-progress') AND expires_at < :now AND id > :afterId
                    ORDER BY id LIMIT :limit
                    """)
                .bind("now", utc(now))
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(UploadSessions::mapRow)
                .list());
  }

  /** One batch of finished partial uploads completed before {@code before}, by id after {@code afterId}. */
  public List<UploadRow> findFinishedPartials(Instant before, String afterId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE upload_type = 'PARTIAL' AND status = 'completed' AND completed_at < :before
                      AND id > :afterId
                    ORDER BY id LIMIT :limit
                    """)
                .bind("before", utc(before))
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(UploadSessions::mapRow)
                .list());
  }

  /** One batch of rows of the given statuses, by id after {@code afterId}. */
  public List<UploadRow> findByStatus(List<String> statuses, String afterId, int limit) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    "SELECT * FROM upload_sessions WHERE status IN (<statuses>) AND id > :afterId ORDER BY id LIMIT :limit")
                .bindList("statuses", statuses)
                .bind("afterId", afterId)
                .bind("limit", limit)
                .map(UploadSessions::mapRow)
                .list());
  }

  /** Which of these ids have a row. */
  public java.util.Set<String> existing(java.util.Collection<String> ids) {
    if (ids.isEmpty()) {
      return java.util.Set.of();
    }
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT id FROM upload_sessions WHERE id IN (<ids>)")
                .bindList("ids", List.copyOf(ids))
                .mapTo(String.class)
                .collect(java.util.stream.Collectors.toSet()));
  }

  /** Unfinished concatenated finals of one owner that list {@code partId} among their parts. */
  public List<UploadRow> findFinalsWaitingFor(String partId, String userId) {
    return jdbi.withHandle(
        h ->
            h.createQuery(
                    """
                    SELECT * FROM upload_sessions
                    WHERE upload_type = 'CONCATENATED' AND status IN ('initialized', 'in-progress')
                      AND concat_parts LIKE :pattern
                    """)
                .bind("pattern", "%" + partId + "%")
                .map(UploadSessions::mapRow)
                .filter(row -> java.util.Objects.equals(row.userId(), userId))
                .list());
  }

  private static UploadRow mapRow(ResultSet rs, StatementContext ctx) throws SQLException {
    Long lengthOrNull = nullableLong(rs, "file_size");
    int totalChunks = rs.getInt("total_chunks");
    Integer totalChunksOrNull = rs.wasNull() ? null : totalChunks;
    return new UploadRow(
        rs.getString("id"),
        rs.getString("user_id"),
        rs.getString("file_name"),
        lengthOrNull,
        rs.getString("content_type"),
        totalChunksOrNull,
        rs.getInt("received_chunks"),
        UploadStatus.fromDb(rs.getString("status")),
        instant(rs, "created_at"),
        instant(rs, "last_activity_at"),
        instant(rs, "completed_at"),
        rs.getString("url"),
        fromJson(rs.getString("metadata")),
        rs.getLong("upload_offset"),
        rs.getBoolean("length_deferred"),
        instant(rs, "expires_at"),
        rs.getString("upload_type"),
        rs.getString("upload_concat"),
        splitParts(rs.getString("concat_parts")),
        rs.getString("encoded_metadata"),
        rs.getString("creator_ip"),
        rs.getString("failure_reason"),
        nullableLong(rs, "chunk_size"),
        rs.getString("storage_key"),
        rs.getString("storage_provider"));
  }

  private static Long nullableLong(ResultSet rs, String column) throws SQLException {
    long value = rs.getLong(column);
    return rs.wasNull() ? null : value;
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  private static String joinParts(List<String> parts) {
    return parts == null || parts.isEmpty() ? null : String.join(" ", parts);
  }

  private static List<String> splitParts(String parts) {
    return parts == null || parts.isBlank() ? List.of() : Arrays.asList(parts.split(" "));
  }

  private static String toJson(Map<String, String> metadata) {
    try {
      return metadata == null ? null : JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata cannot be written as JSON", e);
    }
  }

  private static Map<String, String> fromJson(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata column holds invalid JSON", e);
    }
  }
}
