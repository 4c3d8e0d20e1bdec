package com.xeadline.uploads.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * multipart/form-data parts one after the other, each as a stream that ends with its part, so a
 * chunk flows from the socket to its place through one small buffer and is never held whole.
 * Jetty's parser does the parsing (it pushes events); this class only turns them into pulls: it
 * reads the body a buffer at a time and hands out what the parser found in it before reading more,
 * so the slices of the buffer the parser passes on stay valid until they are consumed.
 */
final class MultipartReader {
  private static final Pattern NAME = Pattern.compile("(?:^|[; ])name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final int MAX_HEADER_BYTES = 8 * 1024;
  private static final Object PART_END = new Object();
  private static final Object COMPLETE = new Object();

  private final InputStream in;
  private final MultiPart.Parser parser;
  private final byte[] buffer = new byte[64 * 1024];
  /** What the parser found in the last buffer: part starts, content, ends, completion, failure. */
  private final ArrayDeque<Object> events = new ArrayDeque<>();
  private boolean ended;
  private PartStream current;

  /** A malformed body: the API answers 400. */
  static final class MalformedException extends IOException {
    MalformedException(String message) {
      super(message);
    }
  }

  record Part(String name, InputStream body) {}

  private record PartStart(String name) {}

  private record Failure(Throwable cause) {}

  MultipartReader(InputStream in, String contentType) throws MalformedException {
    String boundary =
        contentType != null && contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
            ? MultiPart.extractBoundary(contentType)
            : null;
    if (boundary == null || boundary.isEmpty()) {
      throw new MalformedException("Content-Type must be multipart/form-data with a boundary");
    }
    this.in = in;
    this.parser = new MultiPart.Parser(boundary, new Events());
    parser.setPartHeadersMaxLength(MAX_HEADER_BYTES);
  }

  /** The next part, or null after the closing boundary. Drains what is left of the previous one. */
  Part next() throws IOException {
    if (current != null) {
      current.transferTo(java.io.OutputStream.nullOutputStream());
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
        current = new PartStream();
        return new Part(start.name(), current);
      }
      // Content or an end outside a part cannot come from the parser; nothing to hand out.
    }
  }

  private Object nextEvent() throws IOException {
    while (events.isEmpty()) {
      readMore();
    }
    Object event = events.poll();
    if (event instanceof Failure failure) {
      throw new MalformedException("malformed multipart body: " + failure.cause().getMessage());
    }
    return event;
  }

  private Object peekEvent() throws IOException {
    while (events.isEmpty()) {
      readMore();
    }
    return events.peek();
  }

  /** Only called with no event left: the buffer's earlier bytes are all consumed. */
  private void readMore() throws IOException {
    if (ended) {
      throw new MalformedException("multipart body ends before its closing boundary");
    }
    int n = in.read(buffer);
    if (n < 0) {
      ended = true;
      parser.parse(Content.Chunk.EOF);
      if (events.isEmpty()) {
        throw new MalformedException("multipart body ends before its closing boundary");
      }
      return;
    }
    parser.parse(Content.Chunk.from(ByteBuffer.wrap(buffer, 0, n), false));
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
      if (chunk.hasRemaining()) {
        events.add(chunk.getByteBuffer());
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

  /** One part's body: the content events up to its end. */
  private final class PartStream extends InputStream {
    private boolean done;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (done) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      Object event = peekEvent();
      if (event instanceof ByteBuffer content) {
        int n = Math.min(length, content.remaining());
        content.get(target, offset, n);
        if (!content.hasRemaining()) {
          events.poll();
        }
        return n;
      }
      if (event instanceof Failure) {
        nextEvent(); // throws
      }
      if (event == PART_END) {
        events.poll();
      }
      done = true; // the part ended (or, malformed, the next began): next() goes on from here
      return -1;
    }
  }
}
