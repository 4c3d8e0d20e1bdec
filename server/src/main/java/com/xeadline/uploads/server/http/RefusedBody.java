package com.xeadline.uploads.server.http;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;

/**
 * A request refused before its body was read: the connection would be closed under a client
 * that is still sending, which then sees a broken pipe instead of the status. A small remainder
 * is read and dropped first, as Go's HTTP server (and so tusd) does.
 */
public final class RefusedBody {
  private static final long DRAIN_LIMIT = 1024 * 1024;

  private RefusedBody() {}

  public static void drain(HttpServletRequest request) throws IOException {
    byte[] buffer = new byte[64 * 1024];
    long drained = 0;
    var in = request.getInputStream();
    while (drained < DRAIN_LIMIT && !in.isFinished()) {
      int n = in.read(buffer);
      if (n < 0) {
        break;
      }
      drained += n;
    }
  }
}
