package com.xeadline.uploads.server.resumable;

import com.xeadline.uploads.server.ClientGone;
import com.xeadline.uploads.server.http.RefusedBody;
import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.tus.db.DatabaseOutage;
import com.xeadline.uploads.tus.upload.StorageFailure;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * In front of the tus servlet on {@code /files/*}: requests that name a served
 * Upload-Draft-Interop-Version are the draft's, everything else goes on to tus untouched. A
 * creation naming a version not served here that carries the whole upload is taken as an ordinary
 * upload (the draft's fallback: no 104); other requests of such versions go to tus as before.
 * Downloads (GET) are always tus's.
 */
public final class ResumableUploadFilter extends HttpFilter {
  private static final Logger log = LoggerFactory.getLogger(ResumableUploadFilter.class);
  /** As much of a refused request's body as is read (and dropped) so its client sees the answer. */

  /** What browsers may send and read besides tus's headers (CORS). */
  public static final Set<String> CORS_REQUEST_HEADERS =
      Set.of(
          InteropVersion.HEADER,
          DraftHeaders.COMPLETE,
          DraftHeaders.INCOMPLETE,
          DraftHeaders.OFFSET,
          DraftHeaders.LENGTH,
          "Content-Disposition",
          "Repr-Digest");

  public static final Set<String> CORS_RESPONSE_HEADERS =
      Set.of(InteropVersion.HEADER, DraftHeaders.COMPLETE, DraftHeaders.INCOMPLETE, DraftHeaders.LIMIT, "Accept-Patch");

  private final transient DraftUploads uploads;
  private final transient DraftCreations creations;

  public ResumableUploadFilter(DraftUploads uploads, DraftCreations creations) {
    this.uploads = uploads;
    this.creations = creations;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String named = request.getHeader(InteropVersion.HEADER);
    String method = method(request);
    if (named == null || "GET".equals(method)) {
      chain.doFilter(request, response);
      return;
    }
    Optional<InteropVersion> version = InteropVersion.of(named);
    boolean plain =
        version.isEmpty()
            && request.getHeader("Tus-Resumable") == null
            && "POST".equals(method)
            && DraftHeaders.claimsWholeUpload(request);
    if (version.isEmpty() && !plain) {
      chain.doFilter(request, response);
      return;
    }
    serve(request, response, version.orElse(null), method);
  }

  private void serve(HttpServletRequest request, HttpServletResponse response, InteropVersion version, String method)
      throws IOException {
    String owner = (String) request.getAttribute(AuthHandler.USER);
    Runnable cut = () -> cutConnection(request);
    try {
      if (version == null) {
        creations.createPlain(request, response, owner);
        return;
      }
      switch (method) {
        case "POST" -> uploads.create(request, response, version, owner, cut);
        case "PATCH" -> uploads.append(request, response, version, owner, cut);
        case "HEAD" -> uploads.head(request, response, version, owner, cut);
        case "DELETE" -> uploads.cancel(request, response, version, owner, cut);
        case "OPTIONS" -> uploads.options(response, version);
        default -> throw new DraftProblem(405, method + " is not a method of resumable uploads");
      }
    } catch (DraftProblem problem) {
      log.atInfo()
          .addKeyValue("path", request.getRequestURI())
          .addKeyValue("status", problem.status())
          .addKeyValue("reason", problem.getMessage())
          .log("resumable.refused");
      Problems.write(response, version, problem);
      drain(request);
    } catch (IOException e) {
      answerFailure(request, response, version, e);
    } catch (RuntimeException e) {
      if (!DatabaseOutage.isCause(e) || response.isCommitted()) {
        throw e;
      }
      log.atWarn().addKeyValue("path", request.getRequestURI()).addKeyValue("reason", String.valueOf(e.getMessage()))
          .log("resumable.database_unavailable");
      response.setHeader("Retry-After", Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
      Problems.write(
          response, version, new DraftProblem(503, "The database is unavailable; retry shortly. Bytes already acknowledged are kept."));
    }
  }

  /**
   * A body that broke off (the client went away, stalled past the idle timeout, or its connection
   * was cut so that a newer request could take the upload: what it sent is already saved), or the
   * server failed to store it. Never Jetty's default 200, which a client would take for a
   * completed append: 500 (507 when the disk is full), with the connection closed.
   */
  private static void answerFailure(HttpServletRequest request, HttpServletResponse response, InteropVersion version, IOException e)
      throws IOException {
    boolean broken = ClientGone.is(e);
    int status = broken ? 500 : StorageFailure.isDiskFull(e) ? 507 : 500;
    var line = broken ? log.atInfo() : log.atError().setCause(status == 507 ? null : e);
    line.addKeyValue("path", request.getRequestURI())
        .addKeyValue("status", status)
        .addKeyValue("reason", String.valueOf(e.getMessage()))
        .log(broken ? "resumable.request_broken" : "resumable.storage_failed");
    if (broken) {
      ClientGone.markUnlessStalled(request, e);
    }
    if (response.isCommitted()) {
      return;
    }
    ClientGone.closeAfter(response);
    Problems.write(response, version, new DraftProblem(status, broken
        ? "The request body broke off; what arrived is kept: ask for the offset with HEAD and resume."
        : status == 507 ? "The server is out of disk space; the bytes up to the upload's offset are kept."
        : "The server could not store the upload's bytes; ask for the offset with HEAD and resume."));
  }

  /** The method, or the one X-HTTP-Method-Override names on a POST (as tus allows). */
  private static String method(HttpServletRequest request) {
    String override = request.getHeader("X-HTTP-Method-Override");
    if ("POST".equals(request.getMethod()) && override != null && !override.isBlank()) {
      return override.trim().toUpperCase(Locale.ROOT);
    }
    return request.getMethod();
  }

  private static void drain(HttpServletRequest request) {
    try {
      RefusedBody.drain(request);
    } catch (IOException | IllegalStateException ignored) {
      // the client is gone, or the body was already taken as a reader: the answer is written anyway
    }
  }

  private static void cutConnection(HttpServletRequest request) {
    ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
    if (jettyRequest != null) {
      jettyRequest.getConnectionMetaData().getConnection().getEndPoint().close();
    }
  }
}
