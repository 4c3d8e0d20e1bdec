package com.xeadline.uploads.server.http;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * A refusal answered before the request reaches its API (401, 429): problem+json on the JSON API,
 * a short text with Tus-Resumable on tus routes. Up to 1 MiB of the body is read and dropped first,
 * so a client still sending it reads the status instead of a broken pipe.
 */
public final class EarlyRefusal {
  private static final int DRAIN_LIMIT = 1024 * 1024;

  private EarlyRefusal() {}

  public static boolean send(
      Request request, Response response, Callback callback, int status, String title, String detail, String extraJson)
      throws IOException {
    drain(request);
    response.setStatus(status);
    String body;
    if (Request.getPathInContext(request).startsWith("/api/")) {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/problem+json");
      String quoted = JsonText.appendQuoted(new StringBuilder(), detail).toString();
      body =
          "{\"type\":\"about:blank\",\"title\":\"" + title + "\",\"status\":" + status + ",\"detail\":" + quoted
              + ",\"error\":" + quoted + extraJson + "}";
    } else {
      response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
      response.getHeaders().put("Tus-Resumable", "1.0.0");
      body = detail + "\n";
    }
    response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    return true;
  }

  private static void drain(Request request) {
    try (InputStream in = Content.Source.asInputStream(request)) {
      byte[] buffer = new byte[64 * 1024];
      long drained = 0;
      for (int n; drained < DRAIN_LIMIT && (n = in.read(buffer)) >= 0; ) {
        drained += n;
      }
    } catch (IOException ignored) {
      // the client is gone; the refusal is written anyway
    }
  }
}
