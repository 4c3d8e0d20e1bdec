package com.xeadline.uploads.server.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;
import java.util.Map;

/**
 * The JSON bodies the API answers with, as records: Jersey writes them and the build generates
 * the OpenAPI description from them ({@link OpenApiGenerator}), so the two cannot drift apart.
 * Every component is on the wire (null when it has no value) unless it is marked NON_NULL, which
 * the generator reads as "optional". Component order is the wire order the old front end got.
 */
public final class Bodies {
  private Bodies() {}

  private static final String DATE_TIME = "date-time";

  public record DirectUploadUrl(
      @Schema(description = "Where the finished file is readable") String url,
      @Schema(description = "A tus upload URL (deferred length) carrying a signed grant, or a signed PUT URL of the storage provider")
          String uploadUrl) {}

  public record InitResponse(String uploadId, @Schema(format = DATE_TIME) String expiresAt) {}

  public record ChunkResponse(
      boolean success,
      int chunkIndex,
      @Schema(description = "always true: the chunk is stored (upload-status lists them all)") boolean received) {}

  public record CompleteResponse(boolean success, String url, @Schema(nullable = true) String contentType, long size) {}

  public record ProbeResponse(long bytes, long millis, long bytesPerSecond) {}

  public record UploadStatus(
      String uploadId,
      @Schema(nullable = true) String fileName,
      @Schema(nullable = true) Long fileSize,
      @Schema(nullable = true) String contentType,
      @Schema(allowableValues = {"initialized", "in-progress", "completed", "failed"}) String status,
      @Schema(nullable = true) Integer totalChunks,
      @Schema(description = "indices of the stored chunks, sorted") List<Integer> receivedChunks,
      @Schema(format = DATE_TIME) String createdAt,
      @Schema(format = DATE_TIME, nullable = true) String lastActivityAt,
      @Schema(format = DATE_TIME, nullable = true) String completedAt,
      @Schema(nullable = true) String url,
      @Schema(nullable = true) String failureReason,
      @Schema(nullable = true, description = "the probe result, once it exists") VideoSummary video,
      List<TranscodedVersion> transcodedVersions,
      List<JobEntry> jobs) {}

  /** A video's probe result, as upload-status shows it. */
  public record VideoSummary(
      String storageId,
      @Schema(nullable = true) String title,
      @Schema(nullable = true) String description,
      double durationSeconds,
      int width,
      int height,
      long fileSize,
      @Schema(nullable = true) String format,
      @Schema(nullable = true) String codec,
      long bitrate,
      double framerate,
      @Schema(format = DATE_TIME) String createdAt,
      @Schema(format = DATE_TIME) String updatedAt) {}

  /** A video with where its file and renditions are readable, as /api/videos shows it. */
  public record Video(
      String storageId,
      @Schema(nullable = true) String title,
      @Schema(nullable = true) String description,
      double durationSeconds,
      int width,
      int height,
      long fileSize,
      @Schema(nullable = true) String format,
      @Schema(nullable = true) String codec,
      long bitrate,
      double framerate,
      List<TranscodedVersion> transcodedVersions,
      @Schema(format = DATE_TIME) String createdAt,
      @Schema(format = DATE_TIME) String updatedAt,
      String url) {}

  public record TranscodedVersion(
      @Schema(description = "rendition name") String format, String url, int width, int height, long bitrate, long size) {
    static TranscodedVersion of(Map<String, Object> version, String url) {
      return new TranscodedVersion(
          String.valueOf(version.get("format")),
          url,
          number(version.get("width")).intValue(),
          number(version.get("height")).intValue(),
          number(version.get("bitrate")).longValue(),
          number(version.get("size")).longValue());
    }
  }

  public record JobEntry(
      @Schema(allowableValues = {"probe", "transcode"}) String kind,
      @JsonInclude(JsonInclude.Include.NON_NULL) String rendition,
      @Schema(allowableValues = {"queued", "running", "done", "failed"}) String status,
      @Schema(nullable = true) Integer progress,
      int attempts,
      @Schema(nullable = true) String error) {}

  public record Usage(
      boolean limited,
      long uploadsToday,
      int uploadsPerDay,
      @Schema(nullable = true, description = "null without a signed-in caller") Long uploadsLeftToday,
      long bytesUsed,
      long quotaBytes,
      @Schema(nullable = true, description = "null without a signed-in caller") Long bytesLeft,
      @Schema(format = DATE_TIME) String resetsAt) {}

  public record CompletedUpload(
      String uploadId,
      @Schema(nullable = true) String fileName,
      @Schema(nullable = true) Long fileSize,
      @Schema(nullable = true) String contentType,
      @Schema(format = DATE_TIME) String createdAt,
      @Schema(format = DATE_TIME) String completedAt,
      @Schema(nullable = true) String url,
      @Schema(nullable = true) String title,
      @Schema(nullable = true) String description,
      @Schema(implementation = Object.class, nullable = true, description = "the probe summary, once it exists")
          JsonNode video) {}

  /** Where to resume: the tus URL and offset, and for a chunked upload its chunks. */
  public record UnfinishedUpload(
      String uploadId,
      @Schema(nullable = true) String fileName,
      @Schema(nullable = true) Long fileSize,
      @Schema(nullable = true) String contentType,
      @Schema(format = DATE_TIME) String createdAt,
      long uploadOffset,
      @Schema(format = DATE_TIME, nullable = true) String expiresAt,
      String location,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer totalChunks,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "indices of the stored chunks, sorted")
          List<Integer> receivedChunks) {}

  public record CompletedPage(
      List<CompletedUpload> items,
      @Schema(nullable = true, description = "pass back as cursor for the next page; null on the last") String nextCursor) {}

  public record UnfinishedPage(
      List<UnfinishedUpload> items,
      @Schema(nullable = true, description = "pass back as cursor for the next page; null on the last") String nextCursor) {}

  public record VideoPage(
      List<Video> items,
      @Schema(nullable = true, description = "pass back as cursor for the next page; null on the last") String nextCursor) {}

  /**
   * The shape of every refusal (RFC 9457 problem+json plus the old API's {@code error}); {@link
   * Problem} writes it. The optional members come with some refusals only.
   */
  @Schema(name = "Problem")
  public record ProblemBody(
      String type,
      String title,
      int status,
      @Schema(nullable = true) String detail,
      @Schema(description = "the old API's error message (as detail), shown by the old front end") String error,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<FieldError> errors,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "on 500 only, as the old API") String message,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "indices of the stored chunks, when some are missing")
          List<Integer> receivedChunks,
      @JsonInclude(JsonInclude.Include.NON_NULL) Integer totalChunks,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(allowableValues = {"uploads-per-day", "bytes"}) String quota,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long limit,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long used,
      @JsonInclude(JsonInclude.Include.NON_NULL) Long requested,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "seconds, on 429 and 503") Integer retryAfter,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "on 409 at completion: the name the upload was completed with")
          String fileName,
      @JsonInclude(JsonInclude.Include.NON_NULL) @Schema(description = "on 409 at completion: the type the upload was completed with")
          String contentType) {}

  public record FieldError(String field, String message) {}

  /** The form of upload-chunk (documentation of the multipart request only). */
  public record ChunkForm(String uploadId, int chunkIndex, @Schema(type = "string", format = "binary") String chunk) {}

  static Number number(Object value) {
    return value instanceof Number n ? n : 0;
  }
}
