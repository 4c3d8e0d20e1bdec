package com.xeadline.uploads.server.resumable;

import com.xeadline.uploads.server.http.JsonText;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpStatus;

/**
 * Writes a refusal as RFC 9457 problem+json, with the draft's problem type where the client's
 * interop version defines it (about:blank otherwise) and, for an offset mismatch, the
 * expected-offset and provided-offset members.
 */
final class Problems {
  private Problems() {}

  static void write(HttpServletResponse response, InteropVersion version, DraftProblem problem) throws IOException {
    if (response.isCommitted()) {
      return;
    }
    boolean typed = version != null && version.hasProblemType(problem.kind());
    StringBuilder json = new StringBuilder("{\"type\":");
    JsonText.appendQuoted(json, typed ? problem.kind().typeUri() : "about:blank").append(",\"title\":");
    JsonText.appendQuoted(json, title(problem, typed)).append(",\"status\":").append(problem.status()).append(",\"detail\":");
    JsonText.appendQuoted(json, problem.getMessage());
    if (problem.kind() == DraftProblem.Kind.MISMATCHING_OFFSET) {
      json.append(",\"expected-offset\":").append(problem.expectedOffset());
      json.append(",\"provided-offset\":").append(problem.providedOffset());
    }
    json.append("}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(problem.status());
    if (version != null) {
      response.setHeader(InteropVersion.HEADER, version.toString());
    }
    response.setContentType("application/problem+json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private static String title(DraftProblem problem, boolean typed) {
    if (!typed) {
      return HttpStatus.getMessage(problem.status());
    }
    return switch (problem.kind()) {
      case MISMATCHING_OFFSET -> "offset from request does not match offset of resource";
      case COMPLETED_UPLOAD -> "upload is already completed";
      case INCONSISTENT_LENGTH -> "inconsistent length values for upload";
      case OTHER -> HttpStatus.getMessage(problem.status());
    };
  }
}
