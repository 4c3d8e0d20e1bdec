package com.xeadline.uploads.tus.rows;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import me.desair.tus.server.upload.UploadType;

/**
 * What a creation asks for (a tus POST, or the legacy API's chunked or direct upload); the store
 * turns it into an {@link UploadRow}.
 */
public record NewUpload(
    String userId,
    Long length,
    String encodedMetadata,
    Map<String, String> metadata,
    String creatorIp,
    String uploadType,
    String uploadConcat,
    List<String> concatParts,
    Integer totalChunks,
    Long chunkSize,
    String storageKey) {

  /**
   * The row this creation starts as, under {@code id} at {@code now}: nothing received yet, or
   * already complete when its length is 0 (then it has its URL and no expiry). An upload without a
   * length defers it, except a concatenated final, whose length its parts give.
   */
  public UploadRow toRow(String id, Instant now, Instant expiresAt, String finishedUrl) {
    boolean finishedEmpty = Long.valueOf(0).equals(length);
    return new UploadRow(
        id,
        userId,
        fileName(),
        length,
        contentType(),
        totalChunks,
        0,
        finishedEmpty ? UploadStatus.COMPLETED : UploadStatus.INITIALIZED,
        now,
        now,
        finishedEmpty ? now : null,
        finishedEmpty ? finishedUrl : null,
        metadata,
        0,
        length == null && !UploadType.CONCATENATED.name().equals(uploadType),
        finishedEmpty ? null : expiresAt,
        uploadType,
        uploadConcat,
        concatParts,
        encodedMetadata,
        creatorIp,
        null,
        chunkSize,
        storageKey,
        null);
  }

  public String fileName() {
    return firstOf("filename", "name");
  }

  public String contentType() {
    return firstOf("filetype", "contentType", "type", "mimetype");
  }

  private String firstOf(String... keys) {
    for (String key : keys) {
      String value = metadata.get(key);
      if (value != null && !value.isBlank()) {
        return value;
      }
    }
    return null;
  }
}
