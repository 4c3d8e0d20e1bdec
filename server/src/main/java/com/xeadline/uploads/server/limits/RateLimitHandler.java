package com.xeadline.uploads.server.limits;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.http.EarlyRefusal;
import com.xeadline.uploads.server.auth.AuthHandler;
import io.github.bucket4j.Bucket;
import io.micrometer.core.instrument.MeterRegistry;
import io.github.bucket4j.ConsumptionProbe;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Token-bucket budgets (bucket4j) per user, or per client IP when the caller is anonymous: one for
 * creations, one for writes (PATCH, upload-chunk), one for probes. Limited responses say where
 * the caller stands (X-RateLimit-*); a refused request is 429 with Retry-After. The client IP is
 * the connection's, or the proxy's report of it only when proxy trust is on (the container
 * rewrites it then).
 */
public final class RateLimitHandler extends Handler.Wrapper {
  enum Kind {
    CREATION,
    WRITE,
    PROBE
  }

  private final Map<Kind, UploadsConfig.Rate> rates;
  private final MeterRegistry metrics;
  private final Buckets buckets;

  public RateLimitHandler(UploadsConfig.Limits limits, Buckets buckets, MeterRegistry metrics, Handler next) {
    super(next);
    this.buckets = buckets;
    this.metrics = metrics;
    this.rates = Map.of(Kind.CREATION, limits.creations(), Kind.WRITE, limits.writes(), Kind.PROBE, limits.probes());
    for (Kind kind : Kind.values()) {
      refusals(kind); // present at 0 from the start, for dashboards
    }
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    Kind kind = classify(request);
    if (kind == null) {
      return super.handle(request, response, callback);
    }
    UploadsConfig.Rate rate = rates.get(kind);
    Object user = request.getAttribute(AuthHandler.USER);
    String caller = user != null ? "user:" + user : "ip:" + Request.getRemoteAddr(request);
    Bucket bucket = buckets.bucket(kind + " " + caller, rate);
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
    long resetSeconds = ceilSeconds(probe.getNanosToWaitForReset());
    response.getHeaders().put("X-RateLimit-Limit", Long.toString(rate.count()));
    response.getHeaders().put("X-RateLimit-Remaining", Long.toString(probe.getRemainingTokens()));
    response.getHeaders().put("X-RateLimit-Reset", Long.toString(resetSeconds));
    if (probe.isConsumed()) {
      return super.handle(request, response, callback);
    }
    long retryAfter = Math.max(1, ceilSeconds(probe.getNanosToWaitForRefill()));
    refusals(kind).increment();
    response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(retryAfter));
    String detail = "Too many " + kind.name().toLowerCase() + " requests: " + rate.count() + " per " + rate.period() + "; retry in " + retryAfter + " s";
    return EarlyRefusal.send(
        request, response, callback, 429, "Too Many Requests", detail, ",\"retryAfter\":" + retryAfter);
  }

  /** Drops cached buckets that are full again: a fresh one would be identical. */
  public void forgetIdleBuckets() {
    buckets.forgetFull(key -> rates.get(Kind.valueOf(key.substring(0, key.indexOf(' ')))).count());
  }

  static Kind classify(Request request) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    String override = request.getHeaders().get("X-HTTP-Method-Override");
    if (override != null && !override.isBlank()) {
      method = override.trim().toUpperCase(java.util.Locale.ROOT);
    }
    if (path.equals("/files") || path.equals("/files/")) {
      return "POST".equals(method) ? Kind.CREATION : null;
    }
    if (path.startsWith("/files/")) {
      return "PATCH".equals(method) || "PUT".equals(method) ? Kind.WRITE : null;
    }
    return switch (path) {
      case "/api/storage/init-chunked-upload", "/api/storage/get-direct-upload-url" -> Kind.CREATION;
      case "/api/storage/upload-chunk" -> Kind.WRITE;
      case "/api/storage/network-test" -> Kind.PROBE;
      default -> null;
    };
  }

  private static long ceilSeconds(long nanos) {
    return (nanos + 999_999_999L) / 1_000_000_000L;
  }

  private io.micrometer.core.instrument.Counter refusals(Kind kind) {
    return metrics.counter("ratelimit.refusals", "kind", kind.name().toLowerCase(java.util.Locale.ROOT));
  }
}
