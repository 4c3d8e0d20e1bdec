package com.xeadline.uploads.server;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Gives every request an id (the caller's X-Request-Id when it looks sane), logs one line when it
 * ends, and turns an unexpected exception into a bare 500 that carries the id, logged with its
 * stack trace.
 */
final class RequestLogFilter extends HttpFilter {
  private static final Logger log = LoggerFactory.getLogger("http");
  private static final Pattern SANE_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    String id = requestId(request.getHeader("X-Request-Id"));
    long start = System.nanoTime();
    MDC.put("request_id", id);
    response.setHeader("X-Request-Id", id);
    try {
      chain.doFilter(request, response);
    } catch (RuntimeException | ServletException e) {
      log.atError().setCause(e).addKeyValue("path", request.getRequestURI()).log("http.unhandled_error");
      if (!response.isCommitted()) {
        response.reset();
        response.setHeader("X-Request-Id", id);
        byte[] body = ("Internal server error (request " + id + ")\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(500);
        response.setContentType("text/plain; charset=utf-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
      }
    } finally {
      logLine(request.getMethod(), request.getRequestURI(), loggedStatus(request, response), start, request.getRemoteAddr());
      MDC.remove("request_id");
    }
  }

  /** The caller's X-Request-Id when it looks sane, else a new one. */
  static String requestId(String incoming) {
    return incoming != null && SANE_ID.matcher(incoming).matches() ? incoming : UUID.randomUUID().toString();
  }

  /** The one line per request (also written by {@link StartupGate} for what it answers itself). */
  static void logLine(String method, String path, Object status, long startNanos, String remote) {
    log.atInfo()
        .addKeyValue("method", method)
        .addKeyValue("path", path)
        .addKeyValue("status", status)
        .addKeyValue("millis", (System.nanoTime() - startNanos) / 1_000_000)
        .addKeyValue("remote", remote)
        .log("http.request");
  }

  /** What the client got: a request whose answer never reached it is not logged as the status set. */
  private static Object loggedStatus(HttpServletRequest request, HttpServletResponse response) {
    Object override = request.getAttribute(ClientGone.LOGGED_STATUS);
    return override != null ? override : response.getStatus();
  }
}
