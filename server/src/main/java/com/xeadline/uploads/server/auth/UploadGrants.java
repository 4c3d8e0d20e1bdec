package com.xeadline.uploads.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived signed grants that let a client without the bearer token write one upload (the
 * direct-upload URL). A grant is {@code expiry.signature}, an HMAC-SHA256 over upload id, user and
 * expiry, with a key kept in the data directory (owner-only) so grants survive restarts.
 */
public final class UploadGrants {
  private final byte[] key;
  private final Clock clock;

  public UploadGrants(byte[] key, Clock clock) {
    this.key = key.clone();
    this.clock = clock;
  }

  public String grant(String uploadId, String userId, Duration validity) {
    long expiry = clock.instant().plus(validity).getEpochSecond();
    return expiry + "." + sign(uploadId, userId, expiry);
  }

  /**
   * A read-only link to a finished upload (its {@code url} when finals are private): signed over
   * a message no write grant can have (those start with the upload id), so it never opens writes.
   */
  public String readLink(String uploadId, Duration validity) {
    long expiry = clock.instant().plus(validity).getEpochSecond();
    return expiry + "." + mac("read\n" + uploadId + "\n" + expiry);
  }

  public boolean verifyRead(String link, String uploadId) {
    int dot = link == null ? -1 : link.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long expiry;
    try {
      expiry = Long.parseLong(link.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    if (clock.instant().getEpochSecond() > expiry) {
      return false;
    }
    byte[] expected = mac("read\n" + uploadId + "\n" + expiry).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, link.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  public Instant expiry(String grant) {
    return Instant.ofEpochSecond(Long.parseLong(grant.substring(0, grant.indexOf('.'))));
  }

  /** True when {@code grant} was made for this upload and user and has not expired. */
  public boolean verify(String grant, String uploadId, String userId) {
    int dot = grant == null ? -1 : grant.indexOf('.');
    if (dot <= 0) {
      return false;
    }
    long expiry;
    try {
      expiry = Long.parseLong(grant.substring(0, dot));
    } catch (NumberFormatException e) {
      return false;
    }
    if (clock.instant().getEpochSecond() > expiry) {
      return false;
    }
    byte[] expected = sign(uploadId, userId, expiry).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, grant.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
  }

  private String sign(String uploadId, String userId, long expiry) {
    return mac(uploadId + "\n" + Optional.ofNullable(userId).orElse("") + "\n" + expiry);
  }

  private String mac(String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
