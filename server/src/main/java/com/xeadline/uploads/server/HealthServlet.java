package com.xeadline.uploads.server;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jdbi.v3.core.Jdbi;

/** {@code /healthz}: 200 when the database answers, 503 otherwise. */
final class HealthServlet extends HttpServlet {
  private final transient Jdbi jdbi;

  HealthServlet(Jdbi jdbi) {
    this.jdbi = jdbi;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    boolean up;
    try {
      up = jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1;
    } catch (RuntimeException e) {
      up = false;
    }
    byte[] body = (up ? "{\"status\":\"up\"}" : "{\"status\":\"down\"}").getBytes(StandardCharsets.UTF_8);
    response.setStatus(up ? 200 : 503);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }
}
