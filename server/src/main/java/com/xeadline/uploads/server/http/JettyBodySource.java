package com.xeadline.uploads.server.http;

import com.xeadline.uploads.tus.upload.BodySource;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.ee10.servlet.ServletContextRequest;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Blocker;

/**
 * A request body read from Jetty's own buffers, without copying them: each {@link #poll()} hands
 * over a chunk as the connection received it (it stays retained until {@link #release()}), and
 * {@link #await()} parks the thread on Jetty's demand, holding no buffer while the client is slow.
 * It reads below the servlet layer, through every core wrapper (the body-rate floor included).
 */
public final class JettyBodySource implements BodySource {
  private final Request request;
  private final List<Content.Chunk> held = new ArrayList<>();
  private boolean ended;

  private JettyBodySource(Request request) {
    this.request = request;
  }

  /** The body of {@code request} as Jetty's chunks, or null when it is not a Jetty request. */
  public static JettyBodySource of(HttpServletRequest request) {
    try {
      ServletContextRequest jetty = ServletContextRequest.getServletContextRequest(request);
      return jetty == null ? null : new JettyBodySource(jetty);
    } catch (IllegalStateException notJetty) {
      return null;
    }
  }

  @Override
  public ByteBuffer poll() throws IOException {
    while (!ended) {
      Content.Chunk chunk = request.read();
      if (chunk == null) {
        return null;
      }
      if (Content.Chunk.isFailure(chunk)) {
        throw asIOException(chunk.getFailure());
      }
      ended = chunk.isLast();
      if (chunk.hasRemaining()) {
        held.add(chunk);
        return chunk.getByteBuffer();
      }
      chunk.release();
    }
    return null;
  }

  @Override
  public boolean await() throws IOException {
    if (ended) {
      return false;
    }
    try (Blocker.Runnable woken = Blocker.runnable()) {
      request.demand(woken);
      woken.block();
    }
    return true;
  }

  @Override
  public void release() {
    held.forEach(Content.Chunk::release);
    held.clear();
  }

  /** As the servlet input stream would throw it: the cause (a timeout, a reset) stays findable. */
  private static IOException asIOException(Throwable failure) {
    return failure instanceof IOException io ? io : new EofException(failure);
  }
}
