package com.xeadline.uploads.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code /bench/discard} (only with server.bench-endpoint): reads a body with the same buffer size
 * as a tus PATCH and drops it. The ceiling the benchmark compares the tus path with.
 */
final class DiscardServlet extends HttpServlet {
  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
    byte[] buffer = new byte[256 * 1024];
    long total = 0;
    try (InputStream in = request.getInputStream()) {
      for (int n; (n = in.read(buffer)) >= 0; ) {
        total += n;
      }
    }
    response.setStatus(204);
    response.setHeader("Upload-Offset", Long.toString(total));
  }
}
