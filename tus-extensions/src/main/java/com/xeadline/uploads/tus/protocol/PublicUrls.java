package com.xeadline.uploads.tus.protocol;

import jakarta.servlet.http.HttpServletRequest;
import java.util.regex.Pattern;

/**
 * Absolute URLs of uploads as the client must see them. Scheme, host and port come from the
 * request, which the container has already rewritten from Forwarded / X-Forwarded-* when proxy
 * trust is on; X-Forwarded-Prefix (a path a proxy strips) is added here, under the same trust.
 */
public final class PublicUrls {
  private static final Pattern SAFE_PREFIX = Pattern.compile("(/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)*/?");
  private final boolean trustProxy;
  private final String uploadPath;

  public PublicUrls(boolean trustProxy, String uploadPath) {
    this.trustProxy = trustProxy;
    this.uploadPath = uploadPath.endsWith("/") ? uploadPath.substring(0, uploadPath.length() - 1) : uploadPath;
  }

  public String upload(HttpServletRequest request, String id) {
    return origin(request) + prefix(request) + uploadPath + "/" + id;
  }

  private String prefix(HttpServletRequest request) {
    if (!trustProxy) {
      return "";
    }
    String prefix = request.getHeader("X-Forwarded-Prefix");
    if (prefix == null || prefix.isBlank() || !SAFE_PREFIX.matcher(prefix.trim()).matches()) {
      return "";
    }
    String trimmed = prefix.trim();
    return trimmed.endsWith("/") ? trimmed.substring(0, trimmed.length() - 1) : trimmed;
  }

  private static String origin(HttpServletRequest request) {
    String scheme = request.getScheme();
    int port = request.getServerPort();
    boolean defaultPort =
        port <= 0 || ("http".equals(scheme) && port == 80) || ("https".equals(scheme) && port == 443);
    String host = request.getServerName();
    if (host.contains(":") && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    return scheme + "://" + host + (defaultPort ? "" : ":" + port);
  }
}
