package com.xeadline.uploads.server;

import com.xeadline.uploads.server.http.EarlyRefusal;
import com.xeadline.uploads.tus.protocol.TusDiscovery;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.MDC;

/**
 * In front of the application from the moment the port is bound, while the database, the routes
 * and the start-up repair are still being made in the background. Answers itself, always (before
 * and after ready, so the answers cannot differ): tus discovery ({@code OPTIONS /files/}) and
 * {@code /livez}. Until the application is in place, {@code /readyz} is 503 and every other request
 * waits for it up to {@code server.start-wait}, then gets 503 with Retry-After (a tus text on tus
 * routes, problem+json on the JSON API). The application is installed only once the start-up
 * repair has finished, so no upload request is served before it.
 */
final class StartupGate extends Handler.Wrapper {
  static final int RETRY_AFTER_SECONDS = 2;

  private final TusDiscovery discovery;
  private final Duration wait;
  private final CountDownLatch ready = new CountDownLatch(1);

  StartupGate(TusDiscovery discovery, Duration wait) {
    super(true); // the application is set while the server runs
    this.discovery = discovery;
    this.wait = wait;
  }

  /** Puts the built application behind the gate (started now, stopped with it) and lets waiting requests through. */
  void open(Handler application) throws Exception {
    install(this, application);
    ready.countDown();
  }

  /**
   * Sets {@code handler} below {@code wrapper} in a server that may be running. Jetty adds a
   * handler set on a started wrapper as a bean it neither starts nor stops: it is made managed
   * here, so the server's stop stops it (Jersey, the session table's pool, the servlets).
   */
  static void install(Handler.Wrapper wrapper, Handler handler) throws Exception {
    Handler below = LookupsFirst.below(handler);
    wrapper.setHandler(below);
    if (wrapper.isStarted()) {
      wrapper.manage(below);
      below.start();
    }
  }

  boolean isOpen() {
    return ready.getCount() == 0;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (path.equals("/livez")) {
      return answer(request, response, callback, 200, "{\"status\":\"live\"}");
    }
    boolean draft = request.getHeaders().get("Upload-Draft-Interop-Version") != null;
    if (TusDiscovery.isDiscovery(request.getMethod(), path, UploadsApp.UPLOAD_PATH, draft)) {
      return discover(request, response, callback);
    }
    if (!isOpen()) {
      if (path.equals("/readyz")) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
        return answer(request, response, callback, 503, "{\"status\":\"starting\"}");
      }
      if (!ready.await(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        return stillStarting(request, response, callback);
      }
    }
    return super.handle(request, response, callback);
  }

  /** The answer to a request that waited {@code server.start-wait} for the server to start, in vain. */
  static boolean stillStarting(Request request, Response response, Callback callback) throws java.io.IOException {
    response.getHeaders().put(HttpHeader.RETRY_AFTER, Integer.toString(RETRY_AFTER_SECONDS));
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    return EarlyRefusal.send(request, response, callback, 503, "Service Unavailable",
        "The server is still starting; retry shortly.", ",\"retryAfter\":" + RETRY_AFTER_SECONDS);
  }

  /** 204 with the discovery headers, the request id and the request's log line, as the servlets do. */
  private boolean discover(Request request, Response response, Callback callback) {
    long start = System.nanoTime();
    String id = RequestLogFilter.requestId(request.getHeaders().get("X-Request-Id"));
    response.getHeaders().put("X-Request-Id", id);
    discovery.headers().forEach(response.getHeaders()::put);
    response.setStatus(204);
    response.write(true, null, callback);
    MDC.put("request_id", id);
    try {
      RequestLogFilter.logLine(request.getMethod(), request.getHttpURI().getPath(), 204, start, Request.getRemoteAddr(request));
    } finally {
      MDC.remove("request_id");
    }
    return true;
  }

  private static boolean answer(Request request, Response response, Callback callback, int status, String json) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    response.write(true, ByteBuffer.wrap(json.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }
}
