package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One upload as stored in {@code upload_sessions}: the single source of truth for its state.
 * {@code length} is null while the length is deferred; {@code metadata} is the decoded
 * Upload-Metadata, {@code encodedMetadata} the header as the client sent it. {@code totalChunks}
 * and {@code chunkSize} are set for uploads made through the legacy chunk API.
 */
public record UploadRow(
    String id,
    String userId,
    String fileName,
    Long length,
    String contentType,
    Integer totalChunks,
    int receivedChunks,
    UploadStatus status,
    Instant createdAt,
    Instant lastActivityAt,
    Instant completedAt,
    String url,
    Map<String, String> metadata,
    long offset,
    boolean lengthDeferred,
    Instant expiresAt,
    String uploadType,
    String uploadConcat,
    List<String> concatParts,
    String encodedMetadata,
    String creatorIp,
    String failureReason,
    Long chunkSize,
    String storageKey,
    String storageProvider) {

  public boolean isFinished() {
    return length != null && offset == length;
  }

  public boolean isChunked() {
    return totalChunks != null;
  }

  public boolean isExpired(Instant now) {
    return !isFinished() && expiresAt != null && expiresAt.isBefore(now);
  }
}
