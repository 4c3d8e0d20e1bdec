package com.xeadline.uploads.tus.rows;

import com.xeadline.uploads.tus.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;
import org.jdbi.v3.core.statement.StatementContext;

/** An {@link UploadRow} and the columns of {@code upload_sessions}, both ways. */
final class UploadRowColumns {
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final TypeReference<Map<String, String>> STRING_MAP = new TypeReference<>() {};

  private UploadRowColumns() {}

  static int insert(Handle h, UploadRow row) {
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

  static UploadRow mapRow(ResultSet rs, StatementContext ctx) throws SQLException {
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

  /**
   * {@code row} as {@link #mapRow} reads it back after {@link #insert}: times at the columns'
   * microseconds (rounded, as H2 and PostgreSQL store them), empty metadata and parts rather than
   * null, and no storage provider (a new row has none; insert does not write the column).
   */
  static UploadRow asStored(UploadRow row) {
    return new UploadRow(
        row.id(), row.userId(), row.fileName(), row.length(), row.contentType(), row.totalChunks(),
        row.receivedChunks(), row.status(), micros(row.createdAt()), micros(row.lastActivityAt()),
        micros(row.completedAt()), row.url(), row.metadata() == null ? Map.of() : row.metadata(),
        row.offset(), row.lengthDeferred(), micros(row.expiresAt()), row.uploadType(), row.uploadConcat(),
        splitParts(joinParts(row.concatParts())), row.encodedMetadata(), row.creatorIp(),
        row.failureReason(), row.chunkSize(), row.storageKey(), null);
  }

  private static Instant micros(Instant instant) {
    return instant == null
        ? null
        : Instant.ofEpochSecond(instant.getEpochSecond(), Math.round(instant.getNano() / 1000.0) * 1000);
  }

  private static Instant instant(ResultSet rs, String column) throws SQLException {
    OffsetDateTime value = rs.getObject(column, OffsetDateTime.class);
    return value == null ? null : value.toInstant();
  }

  static OffsetDateTime utc(Instant instant) {
    return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
  }

  static String joinParts(List<String> parts) {
    return parts == null || parts.isEmpty() ? null : String.join(" ", parts);
  }

  static List<String> splitParts(String parts) {
    return parts == null || parts.isBlank() ? List.of() : Arrays.asList(parts.split(" "));
  }

  static String toJson(Map<String, String> metadata) {
    try {
      return metadata == null ? null : JSON.writeValueAsString(metadata);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata cannot be written as JSON", e);
    }
  }

  static Map<String, String> fromJson(String json) {
    try {
      return json == null ? Map.of() : JSON.readValue(json, STRING_MAP);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("metadata column holds invalid JSON", e);
    }
  }
}
