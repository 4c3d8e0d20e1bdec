package com.xeadline.uploads.server;

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
  private final transient TusService tus;

  TusServlet(TusService tus) {
    this.tus = tus;
  }

  @Override
  protected void service(HttpServletRequest request, HttpServletResponse response) {
    try {
      tus.process(request, response, null, () -> cutConnection(request));
    } catch (IOException e) {
      // The client went away, stalled past the idle timeout, or its connection was cut so that a
      // newer request could take the upload; what it sent is already saved.
      log.atInfo()
          .addKeyValue("path", request.getRequestURI())
          .addKeyValue("reason", String.valueOf(e.getMessage()))
          .log("tus.request_broken");
    }
  }

  private static void cutConnection(HttpServletRequest request) {
    ServletContextRequest jettyRequest = ServletContextRequest.getServletContextRequest(request);
    if (jettyRequest != null) {
      jettyRequest.getConnectionMetaData().getConnection().getEndPoint().close();
    }
  }
}
