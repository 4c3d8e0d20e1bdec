package com.xeadline.uploads.tus;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
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

  /** Reads the key file, creating it with 32 random bytes and mode 600 on first start. */
  public static byte[] loadOrCreateKey(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readAllBytes(file);
    }
    Files.createDirectories(file.getParent());
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // a non-POSIX file system keeps its default permissions
    }
    Files.write(temp, key);
    Files.move(temp, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    return key;
  }

  public String grant(String uploadId, String userId, Duration validity) {
    long expiry = clock.instant().plus(validity).getEpochSecond();
    return expiry + "." + sign(uploadId, userId, expiry);
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
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      String message = uploadId + "\n" + Optional.ofNullable(userId).orElse("") + "\n" + expiry;
      return Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
