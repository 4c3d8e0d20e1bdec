package com.xeadline.uploads.tus.legacy;

import com.xeadline.uploads.tus.upload.UploadRules;
import java.util.List;
import java.util.Map;

/**
 * A refusal of the legacy JSON API, carrying what its problem+json answer needs: status, title,
 * detail, field violations and extra members (such as receivedChunks / totalChunks).
 */
public final class ApiProblem extends Exception {
  private final int status;
  private final String title;
  private final List<UploadRules.Violation> violations;
  private final Map<String, Object> extra;

  public ApiProblem(
      int status, String title, String detail, List<UploadRules.Violation> violations, Map<String, Object> extra) {
    super(detail);
    this.status = status;
    this.title = title;
    this.violations = List.copyOf(violations);
    this.extra = Map.copyOf(extra);
  }

  public static ApiProblem invalid(List<UploadRules.Violation> violations) {
    String detail =
        String.join("; ", violations.stream().map(v -> v.field() + " " + v.message()).toList());
    return new ApiProblem(400, "Invalid request", detail, violations, Map.of());
  }

  public static ApiProblem notFound(String uploadId) {
    return new ApiProblem(404, "Upload not found", "No upload " + uploadId, List.of(), Map.of());
  }

  public int status() {
    return status;
  }

  public String title() {
    return title;
  }

  public List<UploadRules.Violation> violations() {
    return violations;
  }

  public Map<String, Object> extra() {
    return extra;
  }
}
