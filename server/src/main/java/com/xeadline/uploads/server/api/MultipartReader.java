package com.xeadline.uploads.server.api;

import com.xeadline.uploads.tus.upload.BodySource;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.util.Blocker;

/**
 * multipart/form-data parts one after the other, read straight from Jetty's request content: each
 * part's body is a {@link BodySource} of slices of the buffers the connection filled (retained, not
 * copied), so a chunk goes from the socket to its file in large writes, as a tus PATCH body does.
 * Jetty's parser does the parsing (it pushes events); this class turns them into pulls: it parses
 * one received buffer at a time, and only when everything found in the last one is consumed.
 */
final class MultipartReader {
  private static final Pattern NAME = Pattern.compile("(?:^|[; ])name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  private static final Object PART_END = new Object();
  private static final Object COMPLETE = new Object();

  private final Content.Source source;
  private final MultiPart.Parser parser;
  /** What the parser found so far and nobody took yet: part starts, content, ends, completion, failure. */
  private final ArrayDeque<Object> events = new ArrayDeque<>();
  private boolean ended;
  private PartBody current;

  /** A malformed body: the API answers 400. */
  static final class MalformedException extends IOException {
    MalformedException(String message) {
      super(message);
    }
  }

  record Part(String name, PartBody body) {}

  private record PartStart(String name) {}

  private record Failure(Throwable cause) {}

  MultipartReader(Content.Source source, String contentType) throws MalformedException {
    String boundary =
        contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
            ? MultiPart.extractBoundary(contentType)
            : null;
    if (boundary == null || boundary.isEmpty()) {
      throw new MalformedException("Content-Type must be multipart/form-data with a boundary");
    }
    this.source = source;
    this.parser = new MultiPart.Parser(boundary, new Events());
    parser.setPartHeadersMaxLength(MAX_HEADER_BYTES);
  }

  /** The next part, or null after the closing boundary. Drains what is left of the previous one. */
  Part next() throws IOException {
    if (current != null) {
      current.drain();
      current = null;
    }
    while (true) {
      Object event = nextEvent();
      if (event == COMPLETE) {
        return null;
      }
      if (event instanceof PartStart start) {
        if (start.name() == null) {
          throw new MalformedException("multipart part without a form field name");
        }
        current = new PartBody();
        return new Part(start.name(), current);
      }
      // Content or an end outside a part cannot come from the parser; nothing to hand out.
    }
  }

  /** Gives back whatever is still retained (a request that failed half-way). */
  void close() {
    if (current != null) {
      current.release();
    }
    for (Object event : events) {
      if (event instanceof Content.Chunk chunk) {
        chunk.release();
      }
    }
    events.clear();
  }

  private Object nextEvent() throws IOException {
    while (events.isEmpty()) {
      if (!parseMore()) {
        awaitContent();
      }
    }
    Object event = events.poll();
    if (event instanceof Failure failure) {
      throw malformed(failure);
    }
    return event;
  }

  /**
   * Parses the next buffer that has arrived, if one has; false when none has right now. Only
   * called with no event left, so every slice of earlier buffers has been handed out.
   */
  private boolean parseMore() throws IOException {
    if (ended) {
      throw new MalformedException("multipart body ends before its closing boundary");
    }
    Content.Chunk chunk = source.read();
    if (chunk == null) {
      return false;
    }
    try {
      if (Content.Chunk.isFailure(chunk)) {
        Throwable failure = chunk.getFailure();
        throw failure instanceof IOException io ? io : new EofException(failure);
      }
      ended = chunk.isLast();
      parser.parse(chunk);
      if (ended && events.isEmpty()) {
        throw new MalformedException("multipart body ends before its closing boundary");
      }
    } finally {
      chunk.release(); // the slices the parser handed out hold their own references
    }
    return true;
  }

  /** Parks the thread until more of the body has arrived (nothing of it is held meanwhile). */
  private void awaitContent() throws IOException {
    try (Blocker.Runnable woken = Blocker.runnable()) {
      source.demand(woken);
      woken.block();
    }
  }

  private static MalformedException malformed(Failure failure) {
    return new MalformedException("malformed multipart body: " + failure.cause().getMessage());
  }

  private final class Events implements MultiPart.Parser.Listener {
    private String disposition;

    @Override
    public void onPartBegin() {
      disposition = null;
    }

    @Override
    public void onPartHeader(String name, String value) {
      if ("content-disposition".equalsIgnoreCase(name)) {
        disposition = value;
      }
    }

    @Override
    public void onPartHeaders() {
      Matcher name = NAME.matcher(disposition == null ? "" : disposition);
      events.add(new PartStart(name.find() ? name.group(1) : null));
    }

    @Override
    public void onPartContent(Content.Chunk chunk) {
      if (!chunk.hasRemaining()) {
        return;
      }
      if (chunk.canRetain()) {
        chunk.retain();
        events.add(chunk);
      } else {
        // A few bytes that looked like a boundary and were not: the parser's, so copied.
        ByteBuffer copy = ByteBuffer.allocate(chunk.remaining()).put(chunk.getByteBuffer().slice()).flip();
        events.add(Content.Chunk.from(copy, false));
      }
    }

    @Override
    public void onPartEnd() {
      events.add(PART_END);
    }

    @Override
    public void onComplete() {
      events.add(COMPLETE);
    }

    @Override
    public void onFailure(Throwable failure) {
      events.add(new Failure(failure));
    }
  }

  /**
   * One part's body: the content the parser found, up to the part's end. Its buffers stay valid
   * (retained) until {@link #release()}.
   */
  final class PartBody implements BodySource {
    private final List<Content.Chunk> held = new ArrayList<>();
    private boolean done;

    @Override
    public ByteBuffer poll() throws IOException {
      while (!done) {
        Object event = events.peek();
        if (event == null) {
          if (!parseMore()) {
            return null;
          }
          continue;
        }
        if (event instanceof Content.Chunk chunk) {
          events.poll();
          held.add(chunk);
          return chunk.getByteBuffer();
        }
        if (event instanceof Failure failure) {
          events.poll();
          throw malformed(failure);
        }
        if (event == PART_END) {
          events.poll();
        }
        done = true; // the part ended (or, malformed, the next began): next() goes on from here
      }
      return null;
    }

    @Override
    public boolean await() throws IOException {
      if (done) {
        return false;
      }
      if (events.isEmpty()) {
        awaitContent();
      }
      return true;
    }

    @Override
    public void release() {
      held.forEach(Content.Chunk::release);
      held.clear();
    }

    /** Up to {@code max} bytes of the part, for a form field; more than that is {@code max + 1}. */
    byte[] read(int max) throws IOException {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
      try {
        while (out.size() <= max) {
          ByteBuffer bytes = poll();
          if (bytes == null) {
            if (!await()) {
              break;
            }
            continue;
          }
          byte[] some = new byte[Math.min(bytes.remaining(), max + 1 - out.size())];
          bytes.get(some);
          out.write(some, 0, some.length);
        }
      } finally {
        release();
      }
      return out.toByteArray();
    }

    /** Reads the rest of the part and drops it. */
    void drain() throws IOException {
      try {
        while (poll() != null || await()) {
          release();
        }
      } finally {
        release();
      }
    }
  }
}
