package com.xeadline.uploads.tus.protocol;

import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import me.desair.tus.server.checksum.ChecksumAlgorithm;

/**
 * The answer to a tus {@code OPTIONS} (204 with these headers): what the server speaks. It needs
 * only the configuration, so the server can give it while it is still starting; the one instance
 * answers before and after it is ready, so the two answers cannot differ.
 */
public final class TusDiscovery {
  /** In the order of {@link TusService}'s extensions. */
  static final String EXTENSIONS =
      "creation,creation-defer-length,creation-with-upload,checksum,checksum-trailer,termination,expiration,"
          + "concatenation,concatenation-unfinished";

  private final Map<String, String> headers;

  public TusDiscovery(long maxSize) {
    Map<String, String> h = new LinkedHashMap<>();
    h.put("Tus-Resumable", "1.0.0");
    if (maxSize > 0) {
      h.put("Tus-Max-Size", Long.toString(maxSize));
    }
    h.put("Tus-Version", "1.0.0");
    h.put("Tus-Extension", EXTENSIONS);
    h.put(
        "Tus-Checksum-Algorithm",
        Arrays.stream(ChecksumAlgorithm.values()).map(ChecksumAlgorithm::getTusName).collect(Collectors.joining(",")));
    this.headers = Collections.unmodifiableMap(h);
  }

  /** Status 204 with these headers, in this order. */
  public Map<String, String> headers() {
    return headers;
  }

  /**
   * Whether a request is tus discovery: OPTIONS on the upload collection, not one of the IETF
   * resumable-upload draft (which carries its interop version and is answered by its own code).
   */
  public static boolean isDiscovery(String method, String path, String uploadPath, boolean draftVersionHeader) {
    return "OPTIONS".equals(method) && !draftVersionHeader && (path.equals(uploadPath) || path.equals(uploadPath + "/"));
  }
}
