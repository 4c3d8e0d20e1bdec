package com.xeadline.uploads.server;

import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.server.auth.GrantAccess;
import com.xeadline.uploads.server.http.RefusedBody;
import com.xeadline.uploads.tus.db.DatabaseOutage;
import com.xeadline.uploads.tus.upload.StorageFailure;
import com.xeadline.uploads.tus.protocol.TusService;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** {@code /files/*}: hands every method to the tus service. */
final class TusServlet extends HttpServlet {
  private static final Logger log = LoggerFactory.getLogger(TusServlet.class);
  /** As much of a refused request's body as is read (and dropped) so its client sees the answer. */
  private final transient TusService tus;
  private final transient GrantAccess grants;

  TusServlet(TusService tus, GrantAccess grants) {
    this.tus = tus;
    this.grants = grants;
  }

  @Override
  protected void service(HttpServletRequest original, HttpServletResponse response) {
    HttpServletRequest request = original;
    try {
      String grant = request.getParameter("grant");
      java.util.Optional<com.xeadline.uploads.tus.rows.UploadRow> granted =
          grant == null ? java.util.Optional.empty() : grants.granted(lastSegment(request.getRequestURI()), grant);
      if (grant != null && granted.isEmpty()) {
        response.setHeader("Tus-Resumable", "1.0.0");
        response.sendError(403, "The upload grant is invalid or has expired");
        return;
      }
      if ("PUT".equals(request.getMethod()) && granted.isPresent()) {
        String[] refusal = WholeBodyPut.refusal(request, granted.get());
        if (refusal != null) {
          response.sendError(Integer.parseInt(refusal[0]), refusal[1]);
          RefusedBody.drain(request);
          return;
        }
        request = WholeBodyPut.asPatch(request, granted.get());
      }
      String owner = (String) request.getAttribute(AuthHandler.USER);
      tus.process(request, response, owner, () -> cutConnection(original));
      if (response.getStatus() >= 400) {
        RefusedBody.drain(request);
      }
    } catch (RuntimeException e) {
      if (!DatabaseOutage.isCause(e)) {
        throw e;
      }
      log.atWarn().addKeyValue("path", request.getRequestURI()).addKeyValue("reason", String.valueOf(e.getMessage()))
          .log("tus.database_unavailable");
      if (!response.isCommitted()) {
        // No reset(): the CORS headers already on the response must stay for browsers to read it.
        response.setStatus(503);
        response.setHeader("Tus-Resumable", "1.0.0");
        response.setHeader("Retry-After", Integer.toString(DatabaseOutage.RETRY_AFTER_SECONDS));
        response.setHeader("Cache-Control", "no-store");
        writeText(response, "The database is unavailable; retry shortly. Bytes already acknowledged are kept.");
      }
    } catch (IOException e) {
      if (ClientGone.is(e)) {
        // The client went away, stalled past the idle timeout, or its connection was cut so that a
        // newer request could take the upload; what it sent is already saved.
        log.atInfo()
            .addKeyValue("path", request.getRequestURI())
            .addKeyValue("reason", String.valueOf(e.getMessage()))
            .log("tus.request_broken");
        answerBrokenBody(request, response, e);
      } else {
        answerServerFailure(request, response, e);
      }
    }
  }

  /**
   * A body that broke off is never answered with Jetty's default 200, which a client would take
   * for success: 500, as tusd answers a read timeout or a reset, so that tus clients retry (they
   * give up on most 4xx) and ask HEAD where to resume; the connection closes, so the rest of a
   * stalled body is never read as a next request. Only a stalled client may still read it.
   */
  private static void answerBrokenBody(HttpServletRequest request, HttpServletResponse response, IOException e) {
    ClientGone.markUnlessStalled(request, e);
    if (response.isCommitted()) {
      return;
    }
    ClientGone.closeAfter(response);
    if (response.getStatus() == 201) {
      return; // a creation with upload: the upload exists, its Location says where to ask HEAD
    }
    response.setStatus(500);
    response.setHeader("Tus-Resumable", "1.0.0");
    response.setHeader("Cache-Control", "no-store");
    writeText(response, "The request body broke off; what arrived is kept: ask HEAD for the offset and resume.");
  }

  /** A short text answer, whatever length the handler had already declared. */
  private static void writeText(HttpServletResponse response, String text) {
    byte[] body = (text + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8);
    response.setContentType("text/plain; charset=utf-8");
    response.setContentLength(body.length);
    try {
      response.getOutputStream().write(body);
    } catch (IOException | IllegalStateException ignored) {
      // the client went away: the log line says what happened
    }
  }

  /**
   * The server failed (disk full, I/O error): never a bare 200. 507 when out of space, else 500,
   * with the offset that is kept so the client knows where to resume once space is back.
   */
  private static void answerServerFailure(HttpServletRequest request, HttpServletResponse response, IOException e) {
    int status = StorageFailure.isDiskFull(e) ? 507 : 500;
    log.atError()
        .addKeyValue("path", request.getRequestURI())
        .addKeyValue("status", status)
        .addKeyValue("reason", String.valueOf(e.getMessage()))
        .setCause(status == 507 ? null : e)
        .log("tus.storage_failed");
    if (response.isCommitted()) {
      ClientGone.markBroken(request, status);
      return;
    }
    response.setStatus(status);
    response.setHeader("Tus-Resumable", "1.0.0");
    response.setHeader("Cache-Control", "no-store");
    if (e instanceof StorageFailure failure && failure.committedOffset() >= 0) {
      response.setHeader("Upload-Offset", Long.toString(failure.committedOffset()));
    }
    writeText(response, status == 507
        ? "The server is out of disk space; the bytes up to Upload-Offset are kept: resume from there later."
        : "The server could not store the upload's bytes; ask HEAD for the offset and resume.");
  }

  private static String lastSegment(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  private static void cutConnection(HttpServletRequest request) {
    ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
    if (jettyRequest != null) {
      jettyRequest.getConnectionMetaData().getConnection().getEndPoint().close();
    }
  }
}
