package com.xeadline.uploads.server.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.xeadline.uploads.tus.upload.UploadRules;
import com.xeadline.uploads.tus.legacy.ApiProblem;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failure of the JSON API becomes problem+json; only a bug is a 500, logged with its stack. */
final class ProblemMappers {
  private static final Logger log = LoggerFactory.getLogger(ProblemMappers.class);

  private ProblemMappers() {}

  static final class Refusals implements ExceptionMapper<ApiProblem> {
    @Override
    public Response toResponse(ApiProblem e) {
      return Problem.of(e.status(), e.title(), e.getMessage(), e.violations(), e.extra());
    }
  }

  static final class BadJson implements ExceptionMapper<JsonProcessingException> {
    @Override
    public Response toResponse(JsonProcessingException e) {
      if (e instanceof MismatchedInputException mismatch && !mismatch.getPath().isEmpty()) {
        // A value of the wrong kind ("12", 1.5 or true for an integer): a field violation, as zod said.
        String field = mismatch.getPath().stream()
            .map(r -> r.getFieldName() != null ? r.getFieldName() : String.valueOf(r.getIndex()))
            .collect(java.util.stream.Collectors.joining("."));
        String message = Number.class.isAssignableFrom(boxed(mismatch.getTargetType())) ? "must be an integer" : "has the wrong type";
        return Problem.of(
            400, "Invalid request", field + " " + message, java.util.List.of(new UploadRules.Violation(field, message)), Map.of());
      }
      return Problem.of(400, "Malformed JSON", e.getOriginalMessage());
    }

    private static Class<?> boxed(Class<?> type) {
      if (type == null) {
        return Object.class;
      }
      return type == int.class || type == long.class ? Number.class : type;
    }
  }

  static final class BadMultipart implements ExceptionMapper<MultipartReader.MalformedException> {
    @Override
    public Response toResponse(MultipartReader.MalformedException e) {
      return Problem.of(400, "Malformed multipart body", e.getMessage());
    }
  }

  /** Jersey's own answers (unknown path 404, wrong method 405, wrong media type 415 ...). */
  static final class Http implements ExceptionMapper<WebApplicationException> {
    @Override
    public Response toResponse(WebApplicationException e) {
      Response original = e.getResponse();
      Response.StatusType status = original.getStatusInfo();
      Response problem = Problem.of(status.getStatusCode(), status.getReasonPhrase(), e.getMessage());
      if (original.getHeaderString("Allow") != null) {
        return Response.fromResponse(problem).header("Allow", original.getHeaderString("Allow")).build();
      }
      return problem;
    }
  }

  static final class Bug implements ExceptionMapper<Throwable> {
    @Override
    public Response toResponse(Throwable e) {
      if (e instanceof java.io.IOException io) {
        // The client went away or stalled mid-body: nothing left to answer.
        log.atInfo().addKeyValue("reason", String.valueOf(io.getMessage())).log("api.request_broken");
        return Problem.of(400, "Request body broken off", "The request body could not be read");
      }
      if (com.xeadline.uploads.tus.db.DatabaseOutage.isCause(e)) {
        log.atWarn().addKeyValue("reason", String.valueOf(e.getMessage())).log("api.database_unavailable");
        int retry = com.xeadline.uploads.tus.db.DatabaseOutage.RETRY_AFTER_SECONDS;
        return Response.fromResponse(
                Problem.of(503, "Service Unavailable", "The database is unavailable; retry shortly", java.util.List.of(), Map.of("retryAfter", retry)))
            .header("Retry-After", retry)
            .build();
      }
      log.atError().setCause(e).log("api.unhandled_error");
      return Problem.of(
          500, "Internal Server Error", "An unexpected error occurred", java.util.List.of(), Map.of("message", "An unexpected error occurred"));
    }
  }
}
