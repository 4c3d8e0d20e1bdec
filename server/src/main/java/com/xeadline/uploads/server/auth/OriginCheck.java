package com.xeadline.uploads.server.auth;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Request;

/**
 * Cross-site request forgery guard for requests authenticated by a cookie (the browser sends it
 * whoever made the page): a state-changing request must carry an {@code Origin} that is this
 * server's own or one of {@code cors.allowed-origins}. A wildcard there does not count: it opens
 * CORS for Bearer clients, never for cookies.
 */
public final class OriginCheck {
  private static final Set<String> SAFE_METHODS = Set.of("GET", "HEAD", "OPTIONS");

  private final List<String> allowed;

  public OriginCheck(List<String> allowedOrigins) {
    this.allowed = allowedOrigins.stream().filter(o -> !o.equals("*")).map(OriginCheck::normal).toList();
  }

  /** Null when the request may go on; else why it is refused. */
  public String refusal(Request request) {
    if (SAFE_METHODS.contains(request.getMethod())) {
      return null;
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    if (origin == null || origin.isBlank() || origin.equals("null")) {
      return "A request signed in by a session cookie must carry an Origin header";
    }
    String normal = normal(origin);
    if (normal.equals(own(request)) || allowed.contains(normal)) {
      return null;
    }
    return "Origin " + origin + " may not send requests with the session cookie (not this server nor in cors.allowed-origins)";
  }

  private static String own(Request request) {
    HttpURI uri = request.getHttpURI();
    int port = uri.getPort();
    boolean defaultPort = port < 0 || (port == 80 && "http".equals(uri.getScheme())) || (port == 443 && "https".equals(uri.getScheme()));
    return normal(uri.getScheme() + "://" + uri.getHost() + (defaultPort ? "" : ":" + port));
  }

  private static String normal(String origin) {
    String o = origin.trim().toLowerCase(Locale.ROOT);
    if (o.endsWith("/")) {
      o = o.substring(0, o.length() - 1);
    }
    if (o.startsWith("http://") && o.endsWith(":80")) {
      o = o.substring(0, o.length() - 3);
    } else if (o.startsWith("https://") && o.endsWith(":443")) {
      o = o.substring(0, o.length() - 4);
    }
    return o;
  }
}
