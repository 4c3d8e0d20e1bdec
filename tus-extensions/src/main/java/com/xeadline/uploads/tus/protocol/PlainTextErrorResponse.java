package com.xeadline.uploads.tus.protocol;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * tus routes answer errors with their status and a short text body, keeping the tus headers
 * already set (the container's HTML error page would drop them).
 */
final class PlainTextErrorResponse extends HttpServletResponseWrapper {
  PlainTextErrorResponse(HttpServletResponse response) {
    super(response);
  }

  @Override
  public void sendError(int status, String message) throws IOException {
    if (isCommitted()) {
      return;
    }
    byte[] body = ((message == null ? "" : message) + "\n").getBytes(StandardCharsets.UTF_8);
    setStatus(status);
    setHeader("Content-Type", "text/plain; charset=utf-8");
    setContentLengthLong(body.length);
    getOutputStream().write(body);
  }

  @Override
  public void sendError(int status) throws IOException {
    sendError(status, null);
  }
}
