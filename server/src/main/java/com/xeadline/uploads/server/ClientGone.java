package com.xeadline.uploads.server;

import com.xeadline.uploads.tus.upload.StorageFailure;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EofException;

/**
 * Tells a client that went away (closed, reset, timed out, cut for a newer request) from a
 * failure of the server, and records for the request log what the client really got.
 */
public final class ClientGone {
  /** Request attribute: the status to log when it differs from the response's (499: no answer reached the client). */
  static final String LOGGED_STATUS = "uploads.logged_status";
  static final int NO_ANSWER = 499;

  private ClientGone() {}

  public static boolean is(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof StorageFailure) {
        return false;
      }
      if (t instanceof EofException || t instanceof TimeoutException || t instanceof ClosedChannelException) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Broken pipe") || message.contains("Connection reset") || message.contains("Early EOF")) {
        return true;
      }
    }
    return false;
  }

  /**
   * Whether the body stalled past the idle timeout: unlike a reset or a closed connection, the
   * client may still be there to read an answer.
   */
  public static boolean stalled(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TimeoutException) {
        return true;
      }
    }
    return false;
  }

  /** The client hears nothing more on this connection (a stalled body's rest must not be read as a request). */
  public static void closeAfter(HttpServletResponse response) {
    response.setHeader("Connection", "close");
  }

  /**
   * For the request log, after a body broke off: 499 unless the body only stalled, in which case
   * the client may still read the answer written for it.
   */
  public static void markUnlessStalled(HttpServletRequest request, Throwable e) {
    if (!stalled(e)) {
      mark(request);
    }
  }

  static void mark(HttpServletRequest request) {
    request.setAttribute(LOGGED_STATUS, NO_ANSWER);
  }

  /** The response had started when the server failed: the client got a cut-off answer. */
  static void markBroken(HttpServletRequest request, int status) {
    request.setAttribute(LOGGED_STATUS, status);
  }
}
