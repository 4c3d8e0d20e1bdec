package com.xeadline.uploads.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class UploadGrantsTest {
  private static final byte[] KEY = "0123456789abcdef0123456789abcdef".getBytes();
  private static final Instant NOW = Instant.parse("2026-11-24T12:00:00Z");

  @Test
  void aGrantOpensOneUploadOfOneUserUntilItExpires() {
    UploadGrants issuer = new UploadGrants(KEY, Clock.fixed(NOW, ZoneOffset.UTC));
    String grant = issuer.grant("upload-1", "alice", Duration.ofMinutes(15));

    assertThat(issuer.verify(grant, "upload-1", "alice")).isTrue();
    assertThat(issuer.verify(grant, "upload-2", "alice")).isFalse();
    assertThat(issuer.verify(grant, "upload-1", "bob")).isFalse();
    assertThat(issuer.verify(grant.substring(0, grant.length() - 1) + "x", "upload-1", "alice")).isFalse();
    assertThat(issuer.verify("garbage", "upload-1", "alice")).isFalse();
    assertThat(new UploadGrants("another-key-of-thirty-two-bytes!".getBytes(), Clock.fixed(NOW, ZoneOffset.UTC))
            .verify(grant, "upload-1", "alice")).isFalse();

    UploadGrants later = new UploadGrants(KEY, Clock.fixed(NOW.plus(Duration.ofMinutes(16)), ZoneOffset.UTC));
    assertThat(later.verify(grant, "upload-1", "alice")).isFalse();
  }
}
