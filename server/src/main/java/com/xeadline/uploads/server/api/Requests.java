package com.xeadline.uploads.server.api;

import io.swagger.v3.oas.annotations.media.Schema;

/** The JSON bodies the API reads; their checks are the upload rules', these only document them. */
public final class Requests {
  private Requests() {}

  public record InitRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, maxLength = 255) String fileName,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1") Long fileSize,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String contentType,
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED, minimum = "1") Integer totalChunks,
      @Schema(minimum = "1", description = "the client's fixed chunk size (all chunks but the last); learned from the chunks when absent")
          Long chunkSize,
      @Schema(description = "video title, stored in its metadata") String title,
      @Schema(description = "video description") String description) {}

  public record CompleteRequest(
      @Schema(requiredMode = Schema.RequiredMode.REQUIRED) String uploadId,
      String fileName,
      String contentType,
      @Schema(description = "video title, stored in its metadata") String title,
      @Schema(description = "video description") String description) {}
}
