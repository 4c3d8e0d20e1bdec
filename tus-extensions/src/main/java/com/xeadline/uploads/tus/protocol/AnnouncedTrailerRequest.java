package com.xeadline.uploads.tus.protocol;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.util.Locale;

/**
 * tus-java-server computes every digest algorithm over every chunked body in case a checksum
 * trailer follows. That costs five hashes per byte on the hot path, so the chunked encoding is only
 * shown to it when the client announced the trailer ({@code Trailer: Upload-Checksum}); Jetty has
 * already decoded the chunks either way.
 */
final class AnnouncedTrailerRequest extends HttpServletRequestWrapper {
  private final boolean hideTransferEncoding;

  AnnouncedTrailerRequest(HttpServletRequest request) {
    super(request);
    String trailer = request.getHeader("Trailer");
    hideTransferEncoding =
        trailer == null || !trailer.toLowerCase(Locale.ROOT).contains("upload-checksum");
  }

  @Override
  public String getHeader(String name) {
    if (hideTransferEncoding && "Transfer-Encoding".equalsIgnoreCase(name)) {
      return null;
    }
    return super.getHeader(name);
  }
}
