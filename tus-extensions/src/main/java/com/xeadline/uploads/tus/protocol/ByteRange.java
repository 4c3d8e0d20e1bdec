package com.xeadline.uploads.tus.protocol;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One satisfiable byte range of a representation of {@code length} bytes (RFC 9110 14.1.2). */
record ByteRange(long first, long last) {
  private static final Pattern SINGLE = Pattern.compile("bytes=(\\d{0,18})-(\\d{0,18})");

  long length() {
    return last - first + 1;
  }

  /** What a Range header asks of a representation. */
  sealed interface Request permits Whole, Partial, Unsatisfiable {}

  record Whole() implements Request {}

  record Partial(ByteRange range) implements Request {}

  record Unsatisfiable() implements Request {}

  /**
   * Parses a Range header. Anything but one well-formed byte range (absent, malformed, several
   * ranges) is answered with the whole representation, which RFC 9110 allows.
   */
  static Request parse(String header, long length) {
    if (header == null) {
      return new Whole();
    }
    Matcher m = SINGLE.matcher(header.trim());
    if (!m.matches() || (m.group(1).isEmpty() && m.group(2).isEmpty())) {
      return new Whole();
    }
    if (m.group(1).isEmpty()) {
      long suffix = Long.parseLong(m.group(2));
      if (suffix == 0 || length == 0) {
        return new Unsatisfiable();
      }
      return new Partial(new ByteRange(Math.max(0, length - suffix), length - 1));
    }
    long first = Long.parseLong(m.group(1));
    if (first >= length) {
      return new Unsatisfiable();
    }
    long last = m.group(2).isEmpty() ? length - 1 : Long.parseLong(m.group(2));
    if (last < first) {
      return new Whole();
    }
    return new Partial(new ByteRange(first, Math.min(last, length - 1)));
  }
}
