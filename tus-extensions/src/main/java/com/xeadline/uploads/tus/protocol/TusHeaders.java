package com.xeadline.uploads.tus.protocol;

import com.xeadline.uploads.tus.TusError;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Locale;
import java.util.regex.Pattern;
import me.desair.tus.server.exception.TusException;

/** Strict reading of the numeric and media-type headers tus requests carry. */
final class TusHeaders {
  static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
  private static final Pattern DIGITS = Pattern.compile("\\d{1,18}");

  private TusHeaders() {}

  /** A non-negative integer header, or null when absent; 400 when present but malformed. */
  static Long nonNegative(HttpServletRequest request, String name) throws TusException {
    String value = request.getHeader(name);
    if (value == null) {
      return null;
    }
    String trimmed = value.trim();
    if (!DIGITS.matcher(trimmed).matches()) {
      throw TusError.BAD_NUMBER.exception(name, abbreviate(trimmed));
    }
    return Long.parseLong(trimmed);
  }

  static boolean isOffsetOctetStream(HttpServletRequest request) {
    String type = request.getContentType();
    if (type == null) {
      return false;
    }
    int semicolon = type.indexOf(';');
    String mediaType = (semicolon >= 0 ? type.substring(0, semicolon) : type).trim();
    return mediaType.toLowerCase(Locale.ROOT).equals(OFFSET_OCTET_STREAM);
  }

  /** Whether the request carries a body: a positive Content-Length or a chunked body. */
  static boolean hasBody(HttpServletRequest request) {
    return request.getContentLengthLong() > 0
        || "chunked".equalsIgnoreCase(String.valueOf(request.getHeader("Transfer-Encoding")).trim());
  }

  static String abbreviate(String text) {
    return text.length() <= 40 ? text : text.substring(0, 40) + "...";
  }
}
