package com.xeadline.uploads.server;

import java.io.ByteArrayOutputStream;
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

  /**
   * Once it says {@code Connection: close}, the answer is held until its end and sent whole with
   * its length (up to {@link #HOLD_LIMIT}; refusals are small): else it would end at the close,
   * and closing a connection with an unread body in it is a reset, which the client may meet
   * before the answer's end (seen as "http1_0 content" failures of the JDK's HttpClient).
   */
  private static final class ClosingResponse extends Response.Wrapper {
    private static final int HOLD_LIMIT = 64 * 1024;
    private boolean checked;
    private ByteArrayOutputStream held;

    ClosingResponse(Request request, Response wrapped) {
      super(request, wrapped);
    }

    @Override
    public void write(boolean last, ByteBuffer content, Callback callback) {
      if (!checked && !isCommitted()) {
        checked = true;
        if (!bodyFinished(getRequest())) {
          getHeaders().put(HttpHeader.CONNECTION, HttpHeaderValue.CLOSE.asString());
          held = new ByteArrayOutputStream();
        }
      }
      if (held == null) {
        super.write(last, content, callback);
        return;
      }
      if (content != null) {
        ByteBuffer copy = content.slice();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        held.writeBytes(bytes);
      }
      if (!last && held.size() <= HOLD_LIMIT) {
        callback.succeeded();
        return;
      }
      ByteBuffer whole = ByteBuffer.wrap(held.toByteArray());
      held = null;
      if (last) {
        getHeaders().put(HttpHeader.CONTENT_LENGTH, whole.remaining());
      }
      super.write(last, whole, callback);
    }
  }
}
