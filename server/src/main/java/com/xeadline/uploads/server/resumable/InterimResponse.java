package com.xeadline.uploads.server.resumable;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.util.Callback;

/**
 * Sends a 1xx interim response, which the Servlet API cannot, and waits until it is written, so it
 * reaches the client before the body is read.
 *
 * <p>Jetty's core {@code Response.writeInterim} sends the status of any 1xx, but its HTTP/1.1
 * generator (12.1.14) writes header fields only for 101 and 103: a 104 would go out without its
 * Location. On HTTP/1.1 the interim response is therefore written to the connection's endpoint
 * directly. That is safe only because nothing of this request's response has been generated yet
 * and HTTP/1.1 carries one exchange at a time; other protocols go through {@code writeInterim}.
 */
final class InterimResponse {
  static final int UPLOAD_RESUMPTION_SUPPORTED = 104;
  private static final long WRITE_TIMEOUT_SECONDS = 30;

  private InterimResponse() {}

  /** False when none can be sent: not on Jetty, already committed, or HTTP/1.0 (which must never see a 1xx). */
  static boolean send(HttpServletRequest request, int status, String reason, HttpFields fields) throws IOException {
    ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
    if (jetty == null || jetty.getServletContextResponse().isCommitted()) {
      return false;
    }
    HttpVersion version = jetty.getConnectionMetaData().getHttpVersion();
    if (version == HttpVersion.HTTP_1_1) {
      Callback.Completable written = new Callback.Completable();
      jetty.getConnectionMetaData().getConnection().getEndPoint().write(written, head(status, reason, fields));
      await(written);
      return true;
    }
    if (version == HttpVersion.HTTP_2 || version == HttpVersion.HTTP_3) {
      await(jetty.getServletContextResponse().writeInterim(status, fields));
      return true;
    }
    return false;
  }

  private static ByteBuffer head(int status, String reason, HttpFields fields) {
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n");
    for (HttpField field : fields) {
      String value = field.getValue();
      if (value.indexOf('\r') < 0 && value.indexOf('\n') < 0) {
        head.append(field.getName()).append(": ").append(value).append("\r\n");
      }
    }
    head.append("\r\n");
    return ByteBuffer.wrap(head.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  private static void await(CompletableFuture<Void> written) throws IOException {
    try {
      written.get(WRITE_TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IOException("The interim response could not be written: " + e.getCause().getMessage(), e.getCause());
    } catch (TimeoutException e) {
      throw new IOException("The interim response was not written within " + WRITE_TIMEOUT_SECONDS + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("Interrupted while writing the interim response", e);
    }
  }
}
