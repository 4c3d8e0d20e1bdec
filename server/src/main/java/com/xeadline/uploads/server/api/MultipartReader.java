package com.xeadline.uploads.server.api;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A streaming multipart/form-data reader: parts are handed out one after the other, each as a
 * stream that ends at the next boundary, so a chunk flows from the socket to its place in a file
 * through one small buffer and is never held whole.
 */
final class MultipartReader {
  private static final Pattern BOUNDARY = Pattern.compile("boundary=(?:\"([^\"]+)\"|([^;\\s]+))", Pattern.CASE_INSENSITIVE);
  private static final Pattern NAME = Pattern.compile("[; ]name=\"([^\"]*)\"", Pattern.CASE_INSENSITIVE);
  private static final int MAX_HEADER_BYTES = 8 * 1024;

  private final InputStream in;
  private final byte[] delimiter; // CRLF--boundary
  private final byte[] buffer = new byte[64 * 1024];
  private int position;
  private int limit;
  private boolean finished;
  private PartStream current;

  /** A malformed body: the API answers 400. */
  static final class MalformedException extends IOException {
    MalformedException(String message) {
      super(message);
    }
  }

  record Part(String name, InputStream body) {}

  MultipartReader(InputStream in, String contentType) throws MalformedException {
    Matcher m = BOUNDARY.matcher(contentType == null ? "" : contentType);
    if (contentType == null
        || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")
        || !m.find()) {
      throw new MalformedException("Content-Type must be multipart/form-data with a boundary");
    }
    String boundary = m.group(1) != null ? m.group(1) : m.group(2);
    this.in = in;
    this.delimiter = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
    // The body starts with --boundary (no CRLF before it): pretend one was there.
    buffer[0] = '\r';
    buffer[1] = '\n';
    limit = 2;
  }

  /** The next part, or null after the closing boundary. Drains what is left of the previous one. */
  Part next() throws IOException {
    if (current != null) {
      current.transferTo(java.io.OutputStream.nullOutputStream());
      current = null;
    } else if (!skipTo(delimiter)) {
      throw new MalformedException("multipart body has no opening boundary");
    }
    if (finished) {
      return null;
    }
    // After a boundary: "--" ends the body, CRLF starts a part's headers.
    fill(2);
    if (limit - position >= 2 && buffer[position] == '-' && buffer[position + 1] == '-') {
      finished = true;
      return null;
    }
    expect("\r\n");
    String headers = readHeaders();
    Matcher name = NAME.matcher(headers);
    if (!name.find()) {
      throw new MalformedException("multipart part without a form field name");
    }
    current = new PartStream();
    return new Part(name.group(1), current);
  }

  private String readHeaders() throws IOException {
    StringBuilder headers = new StringBuilder();
    while (true) {
      fill(4);
      if (limit == position) {
        throw new MalformedException("multipart headers end early");
      }
      if (startsWith("\r\n\r\n")) {
        position += 4;
        return headers.toString();
      }
      if (headers.length() == 0 && startsWith("\r\n")) {
        position += 2;
        return "";
      }
      headers.append((char) (buffer[position++] & 0xff));
      if (headers.length() > MAX_HEADER_BYTES) {
        throw new MalformedException("multipart part headers too long");
      }
    }
  }

  private boolean startsWith(String text) {
    if (limit - position < text.length()) {
      return false;
    }
    for (int i = 0; i < text.length(); i++) {
      if (buffer[position + i] != text.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  private void expect(String text) throws IOException {
    fill(text.length());
    if (!startsWith(text)) {
      throw new MalformedException("malformed multipart boundary line");
    }
    position += text.length();
  }

  /** Skips everything up to and past {@code marker}; false at end of input. */
  private boolean skipTo(byte[] marker) throws IOException {
    while (true) {
      fill(marker.length);
      int found = indexOf(marker, position, limit);
      if (found >= 0) {
        position = found + marker.length;
        return true;
      }
      if (limit - position < marker.length) {
        return false;
      }
      position = limit - marker.length + 1;
    }
  }

  /** Makes at least {@code wanted} bytes available unless the input ends first. */
  private void fill(int wanted) throws IOException {
    if (limit - position >= wanted) {
      return;
    }
    System.arraycopy(buffer, position, buffer, 0, limit - position);
    limit -= position;
    position = 0;
    while (limit < wanted) {
      int n = in.read(buffer, limit, buffer.length - limit);
      if (n < 0) {
        return;
      }
      limit += n;
    }
  }

  private int indexOf(byte[] marker, int from, int to) {
    outer:
    for (int i = from; i <= to - marker.length; i++) {
      for (int j = 0; j < marker.length; j++) {
        if (buffer[i + j] != marker[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** One part's body: ends where the next delimiter starts. */
  private final class PartStream extends InputStream {
    private boolean ended;

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] target, int offset, int length) throws IOException {
      if (ended) {
        return -1;
      }
      if (length == 0) {
        return 0;
      }
      fill(Math.min(buffer.length, delimiter.length + length));
      int found = indexOf(delimiter, position, limit);
      int available;
      if (found >= 0) {
        available = found - position;
        if (available == 0) {
          position += delimiter.length;
          ended = true;
          return -1;
        }
      } else {
        if (limit - position < delimiter.length) {
          throw new MalformedException("multipart body ends inside a part");
        }
        // Bytes that could begin a delimiter stay buffered until more input decides.
        available = limit - position - delimiter.length + 1;
      }
      int n = Math.min(available, length);
      System.arraycopy(buffer, position, target, offset, n);
      position += n;
      return n;
    }
  }
}
