package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;

/**
 * The SQL on {@code upload_sessions} for one upload's life (insert, progress, failure, metadata,
 * removal) and the lookups and batches that find rows. Quotas are {@link UploadQuotas}, publishes
 * {@link PublishRecords}, the row mapping {@link UploadRowColumns}.
 */
public final class UploadSessions {

  private final Jdbi jdbi;
  /** For {@link #find}: a row by its id, outside any transaction (Database#lookups). */
  private final Jdbi lookups;
  /** For {@link #find} within a read-only scope (Database#statusReads). */
  private final Jdbi statusReads;
  private final RequestRowCache cache = new RequestRowCache();

  public UploadSessions(Jdbi jdbi) {
    this(jdbi, jdbi, jdbi);
  }

  public UploadSessions(Jdbi jdbi, Jdbi lookups) {
    this(jdbi, lookups, lookups);
  }

  public UploadSessions(Jdbi jdbi, Jdbi lookups, Jdbi statusReads) {
    this.jdbi = jdbi;
    this.lookups = lookups;
    this.statusReads = statusReads;
  }

  /**
   * Until {@link #closeRequestScope()}, this thread's repeated reads of a row are answered from
   * memory (tus-java-server's validators and handlers each look the upload up again); every write
   * through this class forgets them.
   */
  public void openRequestScope() {
    cache.open(false);
  }

  /**
   * As {@link #openRequestScope()}, for a request that only reads (HEAD): its lookups go to
   * connections of their own, which no other request waits for.
   */
  public void openReadOnlyScope() {
    cache.open(true);
  }

  public void closeRequestScope() {
    cache.close();
  }

  void forgetScopedRows() {
    cache.forget();
  }

  Jdbi jdbi() {
    return jdbi;
  }

  public void insert(UploadRow row) {
    forgetScopedRows();
    jdbi.useHandle(h -> UploadRowColumns.insert(h, row));
    rememberInserted(row);
  }

  /** A row just inserted by this thread, kept for the rest of its request scope as a read would map it. */
  void rememberInserted(UploadRow row) {
    cache.remember(UploadRowColumns.asStored(row));
  }

  public Optional<UploadRow> find(String id) {
    return cache.find(id, this::select);
  }

  private Optional<UploadRow> select(String id) {
    return (cache.readOnly() ? statusReads : lookups).withHandle(
        h ->
            h.createQuery("SELECT * FROM upload_sessions WHERE id = :id")
                .bind("id", id)
                .map(UploadRowColumns::mapRow)
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
                  .bind("now", UploadRowColumns.utc(now))
                  .bind("expiresAt", done ? null : UploadRowColumns.utc(expiresAt))
                  .bind("completedAt", done ? UploadRowColumns.utc(now) : null)
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
                .bind("now", UploadRowColumns.utc(now))
                .bind("expiresAt", UploadRowColumns.utc(expiresAt))
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
                .bind("now", UploadRowColumns.utc(now))
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
          Map<String, String> metadata = new java.util.LinkedHashMap<>(UploadRowColumns.fromJson((String) current.get().get("metadata")));
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
              .bind("metadata", UploadRowColumns.toJson(metadata))
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
                .bind("metadata", UploadRowColumns.toJson(metadata))
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
                .bind("concatParts", UploadRowColumns.joinParts(concatParts))
                .bind("expiresAt", UploadRowColumns.utc(expiresAt))
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
                .map(UploadRowColumns::mapRow)
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
                .bind("now", UploadRowColumns.utc(now))
                .map(UploadRowColumns::mapRow)
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
            query.bind("afterAt", UploadRowColumns.utc(afterAt)).bind("afterId", afterId);
          }
          return query.bind("limit", limit).map(UploadRowColumns::mapRow).list();
        });
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
                .map(UploadRowColumns::mapRow)
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
                .map(UploadRowColumns::mapRow)
                .filter(row -> java.util.Objects.equals(row.userId(), userId))
                .list());
  }
}
