package com.xeadline.uploads.server.api;

import com.xeadline.uploads.tus.upload.UploadRules;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An RFC 9457 problem+json answer. */
final class Problem {
  static final String MEDIA_TYPE = "application/problem+json";

  private Problem() {}

  static Response of(int status, String title, String detail) {
    return of(status, title, detail, List.of(), Map.of());
  }

  static Response of(
      int status, String title, String detail, List<UploadRules.Violation> violations, Map<String, Object> extra) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", "about:blank");
    body.put("title", title);
    body.put("status", status);
    body.put("detail", detail);
    // The old front end shows data.error: every refusal carries one.
    body.put("error", detail == null || detail.isBlank() ? title : detail);
    if (!violations.isEmpty()) {
      body.put(
          "errors",
          violations.stream().map(v -> Map.of("field", v.field(), "message", v.message())).toList());
    }
    body.putAll(extra);
    return Response.status(status).type(MEDIA_TYPE).entity(body).build();
  }
}
