package com.xeadline.uploads.server.api;

import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.server.auth.AuthHandler;
import com.xeadline.uploads.tus.rows.UploadQuotas;
import io.swagger.v3.oas.annotations.Operation;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.eclipse.jetty.server.Request;

/**
 * What the caller's quotas leave: uploads left today and bytes left, counted as creation counts
 * them (a UTC day; bytes held by every live upload). Without a signed-in caller (auth.mode=none)
 * no quota applies and the figures left are null.
 */
@Path("/api/storage/usage")
@Produces(MediaType.APPLICATION_JSON)
public final class UsageResource {
  private final UploadQuotas quotas;
  private final UploadsConfig.Limits limits;
  private final Clock clock;

  public UsageResource(UploadQuotas quotas, UploadsConfig.Limits limits, Clock clock) {
    this.quotas = quotas;
    this.limits = limits;
    this.clock = clock;
  }

  @GET
  @Operation(summary = "What the caller's quotas leave: uploads left today (UTC) and bytes left")
  public Bodies.Usage usage(@Context Request jetty) {
    String user = AuthHandler.userOf(jetty);
    Instant now = clock.instant();
    Instant dayStart = now.truncatedTo(ChronoUnit.DAYS);
    long today = user == null ? 0 : quotas.uploadsSince(user, dayStart);
    long held = user == null ? 0 : quotas.bytesHeld(user);
    return new Bodies.Usage(
        user != null,
        today,
        limits.uploadsPerDay(),
        user == null ? null : Math.max(0, limits.uploadsPerDay() - today),
        held,
        limits.quotaBytes(),
        user == null ? null : Math.max(0, limits.quotaBytes() - held),
        dayStart.plus(1, ChronoUnit.DAYS).toString());
  }
}
