package com.xeadline.uploads.tus;

import java.util.List;
import java.util.Map;

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
