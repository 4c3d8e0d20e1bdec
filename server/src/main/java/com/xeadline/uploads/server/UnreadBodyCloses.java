package com.xeadline.uploads.server;

import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpHeaderValue;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Answers sent before the request's body was read to its end say {@code Connection: close}. The
 * JSON API refuses some requests part-way through their body (a chunk with a bad index is refused
 * as its part begins) and Jersey commits its answers as it writes them; Jetty then closes the
 * connection after the answer, too late to say so, and a client that reused the connection for
 * its next request (as the JDK's HttpClient and browsers do) lost that request to a broken pipe.
 */
final class UnreadBodyCloses extends Handler.Wrapper {
  UnreadBodyCloses(Handler handler) {
    super(handler);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    return super.handle(request, new ClosingResponse(request, response), callback);
  }

  /**
   * Whether the body has been read to its end, once what has already arrived of it is read and
   * dropped (never waiting for more).
   */
  private static boolean bodyFinished(Request request) {
    while (true) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        return false;
      }
      try {
        if (Content.Chunk.isFailure(chunk)) {
          return false;
        }
        if (chunk.isLast()) {
          return true;
        }
      } finally {
        chunk.release();
      }
    }
  }

  private static final class ClosingResponse extends Response.Wrapper {
    private boolean checked;

    ClosingResponse(Request request, Response wrapped) {
      super(request, wrapped);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!checked && !isCommitted()) {
        checked = true;
        if (!bodyFinished(getRequest())) {
          getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
        }
      }
      super.write(last, content, callback);
    }
  }
}
