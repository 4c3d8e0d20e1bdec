package com.xeadline.uploads.server.resumable;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The draft's header fields, read as the structured fields (RFC 9651) they are: a value that is
 * not a well-formed Boolean or non-negative Integer makes the field count as absent, as the draft
 * asks. Parameters after {@code ;} are ignored.
 */
final class DraftHeaders {
  static final String COMPLETE = "Upload-Complete";
  static final String INCOMPLETE = "Upload-Incomplete";
  static final String OFFSET = "Upload-Offset";
  static final String LENGTH = "Upload-Length";
  static final String LIMIT = "Upload-Limit";
  static final String PARTIAL_UPLOAD = "application/partial-upload";

  private static final Pattern INTEGER = Pattern.compile("\\d{1,15}");
  private static final Pattern EXTENDED_NAME =
      Pattern.compile("(?i)(?:^|;)\\s*filename\\*\\s*=\\s*UTF-8'[^']*'([^;\\s]+)");
  private static final Pattern QUOTED_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename\\s*=\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
  private static final Pattern TOKEN_NAME = Pattern.compile("(?i)(?:^|;)\\s*filename\\s*=\\s*([^;\\s\"]+)");

  private DraftHeaders() {}

  /** Whether the request says its content ends the upload; null when it does not say. */
  static Boolean complete(HttpServletRequest request, InteropVersion version) {
    if (version.usesIncomplete()) {
      Boolean incomplete = bool(request.getHeader(INCOMPLETE));
      return incomplete == null ? null : !incomplete;
    }
    return bool(request.getHeader(COMPLETE));
  }

  /** For a version not served here: does the request say, in either spelling, that it is the whole upload? */
  static boolean claimsWholeUpload(HttpServletRequest request) {
    return Boolean.TRUE.equals(bool(request.getHeader(COMPLETE)))
        || Boolean.FALSE.equals(bool(request.getHeader(INCOMPLETE)));
  }

  static void setComplete(HttpServletResponse response, InteropVersion version, boolean complete) {
    if (version.usesIncomplete()) {
      response.setHeader(INCOMPLETE, complete ? "?0" : "?1");
    } else {
      response.setHeader(COMPLETE, complete ? "?1" : "?0");
    }
  }

  /** A non-negative Integer field, or null when absent or malformed. */
  static Long integer(HttpServletRequest request, String name) {
    String value = bareItem(request.getHeader(name));
    return value != null && INTEGER.matcher(value).matches() ? Long.parseLong(value) : null;
  }

  static Boolean bool(String header) {
    String value = bareItem(header);
    if ("?1".equals(value)) {
      return true;
    }
    return "?0".equals(value) ? false : null;
  }

  private static String bareItem(String header) {
    if (header == null) {
      return null;
    }
    int semicolon = header.indexOf(';');
    return (semicolon >= 0 ? header.substring(0, semicolon) : header).trim();
  }

  /** The media type without parameters, lower-cased; null when absent. */
  static String mediaType(String contentType) {
    String value = bareItem(contentType);
    return value == null || value.isEmpty() ? null : value.toLowerCase(Locale.ROOT);
  }

  static boolean isPartialUpload(HttpServletRequest request) {
    return PARTIAL_UPLOAD.equals(mediaType(request.getContentType()));
  }

  /** The file name a Content-Disposition carries (RFC 6266: filename* wins over filename); null if none. */
  static String fileName(String contentDisposition) {
    if (contentDisposition == null) {
      return null;
    }
    Matcher extended = EXTENDED_NAME.matcher(contentDisposition);
    if (extended.find()) {
      try {
        return URLDecoder.decode(extended.group(1).replace("+", "%2B"), StandardCharsets.UTF_8);
      } catch (IllegalArgumentException malformed) {
        // fall back to the plain parameter
      }
    }
    Matcher quoted = QUOTED_NAME.matcher(contentDisposition);
    if (quoted.find()) {
      return quoted.group(1).replaceAll("\\\\(.)", "$1");
    }
    Matcher token = TOKEN_NAME.matcher(contentDisposition);
    return token.find() ? token.group(1) : null;
  }

  /**
   * The Upload-Limit dictionary: the maximum size, and the lifetime left when the upload can still
   * expire (this server's expiry is idle time, renewed by every append).
   */
  static String limits(InteropVersion version, long maxSize, Instant expiresAt, Instant now) {
    StringBuilder value = new StringBuilder("max-size=").append(maxSize);
    if (expiresAt != null) {
      long seconds = Math.max(0, Duration.between(now, expiresAt).toSeconds());
      value.append(", ").append(version.lifetimeKey()).append('=').append(seconds);
    }
    return value.toString();
  }
}
