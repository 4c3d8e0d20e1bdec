package com.xeadline.uploads.server.auth;

import com.xeadline.uploads.server.http.EarlyRefusal;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.Fields;

/**
 * Who is calling, decided once for both APIs: a valid Bearer JWT (its sub is the user id), the
 * app's next-auth session (cookie or Bearer; state-changing cookie requests must pass the Origin
 * check), or a direct-upload grant in the query of the one upload it was made for (writing it and
 * asking its offset only). Everything else but the probes, health and tus capability discovery is
 * refused with 401 and an RFC 6750 challenge.
 */
public final class AuthHandler extends Handler.Wrapper {
  /** Request attribute holding the caller's user id. */
  public static final String USER = "uploads.user";

  /** The caller of a request this handler let through (null when auth.mode=none). */
  public static String userOf(org.eclipse.jetty.server.Request request) {
    return request == null ? null : (String) request.getAttribute(USER);
  }

  private static final Set<String> OPEN_PATHS =
      Set.of("/healthz", "/readyz", "/metrics", "/api/storage/network-test", "/api/openapi.json");
  /** A grant writes its upload (tus PATCH, or the old client's single PUT) and asks its offset. */
  private static final Set<String> GRANTED_METHODS = Set.of("PATCH", "PUT", "HEAD");
  private static final java.util.regex.Pattern RENDITION =
      java.util.regex.Pattern.compile("/api/videos/([0-9a-f-]{36})/renditions/[A-Za-z0-9_-]{1,64}");
  private static final String REALM = "Bearer realm=\"xeadline-uploads\"";

  private final JwtVerifier verifier;
  private final GrantAccess grants;
  private final boolean publicFinals;
  private final NextAuthSessions nextAuth;
  private final OriginCheck origins;

  public AuthHandler(JwtVerifier verifier, GrantAccess grants, boolean publicFinals, Handler next) {
    this(verifier, grants, publicFinals, null, null, next);
  }

  /** {@code nextAuth} null: no session cookies, Bearer JWTs only. */
  public AuthHandler(
      JwtVerifier verifier,
      GrantAccess grants,
      boolean publicFinals,
      NextAuthSessions nextAuth,
      OriginCheck origins,
      Handler next) {
    super(next);
    this.verifier = verifier;
    this.grants = grants;
    this.publicFinals = publicFinals;
    this.nextAuth = nextAuth;
    this.origins = origins;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String path = Request.getPathInContext(request);
    if (OPEN_PATHS.contains(path)
        || ("OPTIONS".equals(request.getMethod()) && path.startsWith("/files"))
        || isUploadPageAsset(request.getMethod(), path)) {
      return super.handle(request, response, callback);
    }
    String grant = grantOf(request, path);
    if (grant != null) {
      return handleGranted(request, response, callback, path, grant);
    }
    if ("GET".equals(request.getMethod()) && request.getHeaders().get(HttpHeader.AUTHORIZATION) == null) {
      Optional<UploadRow> readable = publicRead(request, path);
      if (readable.isPresent()) {
        request.setAttribute(USER, readable.get().userId());
        return super.handle(request, response, callback);
      }
    }
    String authorization = request.getHeaders().get(HttpHeader.AUTHORIZATION);
    if (authorization == null && nextAuth != null) {
      Optional<NextAuthSessions.Found> session = nextAuth.find(Request.getCookies(request));
      if (session.isPresent()) {
        return withSession(request, response, callback, session.get());
      }
    }
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return refuse(request, response, callback, REALM, nextAuth == null ? "A Bearer token is required" : "A Bearer token or a next-auth session cookie is required");
    }
    try {
      String token = authorization.substring(7).trim();
      boolean session = nextAuth != null && NextAuthSessions.looksEncrypted(token);
      request.setAttribute(USER, session ? nextAuth.verify(token, null) : verifier.verify(token));
    } catch (InvalidTokenException e) {
      String challenge =
          REALM + ", error=\"invalid_token\", error_description=\"" + e.getMessage().replace("\"", "'") + "\"";
      return refuse(request, response, callback, challenge, e.getMessage());
    }
    return super.handle(request, response, callback);
  }

  private boolean withSession(Request request, Response response, Callback callback, NextAuthSessions.Found session)
      throws Exception {
    try {
      request.setAttribute(USER, nextAuth.verify(session.token(), session.name()));
    } catch (InvalidTokenException e) {
      return refuse(request, response, callback, REALM, e.getMessage());
    }
    String refusal = origins.refusal(request);
    if (refusal != null) {
      request.removeAttribute(USER);
      return EarlyRefusal.send(request, response, callback, 403, "Forbidden", refusal, "");
    }
    return super.handle(request, response, callback);
  }

  /**
   * A completed upload's file or rendition read without credentials: by anyone while finals are
   * public, else with a signed, expiring read link.
   */
  private Optional<UploadRow> publicRead(Request request, String path) {
    Optional<String> readable = publicUpload(path);
    if (readable.isEmpty()) {
      return Optional.empty();
    }
    if (publicFinals) {
      return grants.finished(readable.get());
    }
    String link = request.getHttpURI().getQuery() == null ? null : Request.extractQueryParameters(request).getValue("read");
    return link == null ? Optional.empty() : grants.readable(readable.get(), link);
  }

  /** The upload whose final or rendition {@code path} reads, if it is one of those. */
  private static Optional<String> publicUpload(String path) {
    if (path.startsWith("/files/")) {
      return Optional.of(path.substring("/files/".length()));
    }
    java.util.regex.Matcher rendition = RENDITION.matcher(path);
    return rendition.matches() ? Optional.of(rendition.group(1)) : Optional.empty();
  }

  /** The upload page and its assets: top-level files, readable by anyone so it can ask for a token. */
  private static boolean isUploadPageAsset(String method, String path) {
    return ("GET".equals(method) || "HEAD".equals(method))
        && path.startsWith("/")
        && path.indexOf('/', 1) < 0
        && !path.equals("/files");
  }

  /**
   * A grant decides alone, whatever else the request carries: a genuine, current one lets its
   * upload be written and its offset asked (PATCH, HEAD, also as POST with X-HTTP-Method-Override),
   * nothing else; a forged, expired or misplaced one is 403.
   */
  private boolean handleGranted(Request request, Response response, Callback callback, String path, String grant)
      throws Exception {
    Optional<UploadRow> granted = grants.granted(path.substring("/files/".length()), grant);
    if (granted.isEmpty()) {
      return EarlyRefusal.send(request, response, callback, 403, "Forbidden", "The upload grant is invalid or has expired", "");
    }
    if (!grantAllows(request)) {
      return EarlyRefusal.send(request, response, callback, 403, "Forbidden",
          "An upload grant lets a client write its upload (PATCH, or one PUT) and ask its offset, nothing else", "");
    }
    request.setAttribute(USER, granted.get().userId());
    return super.handle(request, response, callback);
  }

  /**
   * Whether the method tus will act on is one a grant allows. tus-java-server honours
   * X-HTTP-Method-Override on any request (clients behind restrictive proxies send POST with it),
   * so both the method and the override must be allowed.
   */
  private static boolean grantAllows(Request request) {
    String override = request.getHeaders().get("X-HTTP-Method-Override");
    if (override == null || override.isBlank()) {
      return GRANTED_METHODS.contains(request.getMethod());
    }
    return GRANTED_METHODS.contains(override.trim().toUpperCase(Locale.ROOT))
        && (GRANTED_METHODS.contains(request.getMethod()) || "POST".equals(request.getMethod()));
  }

  private static String grantOf(Request request, String path) {
    if (!path.startsWith("/files/") || request.getHttpURI().getQuery() == null) {
      return null;
    }
    Fields query = Request.extractQueryParameters(request);
    return query.getValue("grant");
  }

  private static boolean refuse(
      Request request, Response response, Callback callback, String challenge, String detail)
      throws java.io.IOException {
    response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, challenge);
    return EarlyRefusal.send(request, response, callback, 401, "Unauthorized", detail, "");
  }
}
