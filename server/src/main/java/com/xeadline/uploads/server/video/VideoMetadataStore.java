package com.xeadline.uploads.server.video;

import com.xeadline.uploads.tus.JsonMappers;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.jdbi.v3.core.Jdbi;
import org.jdbi.v3.core.statement.StatementContext;
import org.jdbi.v3.core.statement.Update;

/** The video_metadata table. */
public final class VideoMetadataStore {
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final TypeReference<List<Map<String, Object>>> VERSIONS = new TypeReference<>() {};

  private final Jdbi jdbi;

  public VideoMetadataStore(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  /** Writes the probe result; a second probe of the same upload updates the row. */
  public void save(String storageId, String userId, String title, String description, long fileSize, VideoInfo info, Instant now) {
    jdbi.useTransaction(
        h -> {
          Update update =
              h.createUpdate(
                  """
                  UPDATE video_metadata SET title = :title, description = :description,
                    duration_seconds = :duration, width = :width, height = :height, file_size = :size,
                    format = :format, codec = :codec, bitrate = :bitrate, framerate = :framerate,
                    updated_at = :now
                  WHERE storage_id = :id
                  """);
          if (bindProbe(update, storageId, title, description, fileSize, info, now).execute() == 0) {
            Update insert =
                h.createUpdate(
                        """
                        INSERT INTO video_metadata (storage_id, user_id, title, description, duration_seconds, width,
                          height, file_size, format, codec, bitrate, framerate, transcoded_versions, created_at, updated_at)
                        VALUES (:id, :userId, :title, :description, :duration, :width, :height, :size, :format, :codec,
                          :bitrate, :framerate, '[]', :now, :now)
                        """)
                    .bind("userId", userId);
            bindProbe(insert, storageId, title, description, fileSize, info, now).execute();
          }
        });
  }

  private static Update bindProbe(
      Update statement, String storageId, String title, String description, long fileSize, VideoInfo info, Instant now) {
    return statement
        .bind("id", storageId)
        .bind("title", title)
        .bind("description", description)
        .bind("duration", info.durationSeconds())
        .bind("width", info.width())
        .bind("height", info.height())
        .bind("size", fileSize)
        .bind("format", info.format())
        .bind("codec", info.codec())
        .bind("bitrate", info.bitrate())
        .bind("framerate", info.frameRate())
        .bind("now", utc(now));
  }

  /** Adds a rendition, replacing an earlier one of the same name (a retried job stores once). */
  public void putTranscodedVersion(String storageId, Map<String, Object> version, Instant now) {
    jdbi.useTransaction(
        h -> {
          Optional<String> current =
              h.createQuery("SELECT transcoded_versions FROM video_metadata WHERE storage_id = :id FOR UPDATE")
                  .bind("id", storageId)
                  .mapTo(String.class)
                  .findOne();
          if (current.isEmpty()) {
            return;
          }
          List<Map<String, Object>> versions = new ArrayList<>(read(current.get()));
          versions.removeIf(v -> version.get("format").equals(v.get("format")));
          versions.add(version);
          h.createUpdate("UPDATE video_metadata SET transcoded_versions = :versions, updated_at = :now WHERE storage_id = :id")
              .bind("id", storageId)
              .bind("versions", write(versions))
              .bind("now", utc(now))
              .execute();
        });
  }

  public Optional<VideoRow> find(String storageId) {
    return jdbi.withHandle(
        h ->
            h.createQuery("SELECT * FROM video_metadata WHERE storage_id = :id")
                .bind("id", storageId)
                .map(VideoMetadataStore::map)
                .findOne());
  }

  /** A page of one owner's videos, newest first, after the keyset position of the previous page. */
  public List<VideoRow> page(String userId, Instant afterCreatedAt, String afterId, int limit) {
    String owner = userId == null ? "user_id IS NULL" : "user_id = :userId";
    String after =
        afterCreatedAt == null ? "" : " AND (created_at < :afterAt OR (created_at = :afterAt AND storage_id < :afterId))";
    return jdbi.withHandle(
        h -> {
          var query =
              h.createQuery(
                  "SELECT * FROM video_metadata WHERE " + owner + after
                      + " ORDER BY created_at DESC, storage_id DESC LIMIT :limit");
          if (userId != null) {
            query.bind("userId", userId);
          }
          if (afterCreatedAt != null) {
            query.bind("afterAt", utc(afterCreatedAt)).bind("afterId", afterId);
          }
          return query.bind("limit", limit).map(VideoMetadataStore::map).list();
        });
  }

  public void delete(String storageId) {
    jdbi.useHandle(h -> h.createUpdate("DELETE FROM video_metadata WHERE storage_id = :id").bind("id", storageId).execute());
  }

  private static VideoRow map(ResultSet rs, StatementContext ctx) throws SQLException {
    return new VideoRow(
        rs.getString("storage_id"),
        rs.getString("user_id"),
        rs.getString("title"),
        rs.getString("description"),
        rs.getDouble("duration_seconds"),
        rs.getInt("width"),
        rs.getInt("height"),
        rs.getLong("file_size"),
        rs.getString("format"),
        rs.getString("codec"),
        rs.getLong("bitrate"),
        rs.getDouble("framerate"),
        read(rs.getString("transcoded_versions")),
        rs.getObject("created_at", OffsetDateTime.class).toInstant(),
        rs.getObject("updated_at", OffsetDateTime.class).toInstant());
  }

  static String write(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static List<Map<String, Object>> read(String json) {
    try {
      return json == null ? List.of() : JSON.readValue(json, VERSIONS);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("transcoded_versions holds invalid JSON", e);
    }
  }

  private static OffsetDateTime utc(Instant instant) {
    return instant.atOffset(ZoneOffset.UTC);
  }
}
