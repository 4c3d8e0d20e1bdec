package com.xeadline.uploads.server.video;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** One video_metadata row (the old service's fields) with the renditions made so far. */
public record VideoRow(
    String storageId,
    String userId,
    String title,
    String description,
    double durationSeconds,
    int width,
    int height,
    long fileSize,
    String format,
    String codec,
    long bitrate,
    double framerate,
    List<Map<String, Object>> transcodedVersions,
    Instant createdAt,
    Instant updatedAt) {

  /** The JSON shape shown by upload-status, /api/videos and tus HEAD metadata. */
  public Map<String, Object> toJson() {
    Map<String, Object> json = new java.util.LinkedHashMap<>();
    json.put("storageId", storageId);
    json.put("title", title);
    json.put("description", description);
    json.put("durationSeconds", durationSeconds);
    json.put("width", width);
    json.put("height", height);
    json.put("fileSize", fileSize);
    json.put("format", format);
    json.put("codec", codec);
    json.put("bitrate", bitrate);
    json.put("framerate", framerate);
    json.put("transcodedVersions", transcodedVersions);
    json.put("createdAt", createdAt.toString());
    json.put("updatedAt", updatedAt.toString());
    return json;
  }
}
