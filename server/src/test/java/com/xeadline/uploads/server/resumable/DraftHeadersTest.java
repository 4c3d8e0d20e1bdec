package com.xeadline.uploads.server.resumable;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Reading the draft's structured fields and the names and limits it carries. */
class DraftHeadersTest {
  @Test
  void booleansAreStructuredOrIgnored() {
    assertThat(DraftHeaders.bool("?1")).isTrue();
    assertThat(DraftHeaders.bool(" ?0 ")).isFalse();
    assertThat(DraftHeaders.bool("?1;param=1")).isTrue();
    assertThat(DraftHeaders.bool("true")).isNull();
    assertThat(DraftHeaders.bool("1")).isNull();
    assertThat(DraftHeaders.bool(null)).isNull();
  }

  @Test
  void fileNamesPreferTheExtendedParameter() {
    assertThat(DraftHeaders.fileName("inline; filename=\"file name.jpg\"; filename*=UTF-8''f%C3%BCr%20mich.jpg"))
        .isEqualTo("für mich.jpg");
    assertThat(DraftHeaders.fileName("attachment; filename=\"a \\\"quoted\\\" name.mp4\"")).isEqualTo("a \"quoted\" name.mp4");
    assertThat(DraftHeaders.fileName("inline; filename=plain.mp4")).isEqualTo("plain.mp4");
    assertThat(DraftHeaders.fileName("inline")).isNull();
  }

  @Test
  void theLifetimeKeyFollowsTheVersion() {
    Instant now = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(DraftHeaders.limits(InteropVersion.V6, 100, now.plusSeconds(60), now)).isEqualTo("max-size=100, expires=60");
    assertThat(DraftHeaders.limits(InteropVersion.V8, 100, now.plusSeconds(60), now)).isEqualTo("max-size=100, max-age=60");
    assertThat(DraftHeaders.limits(InteropVersion.V8, 100, null, now)).isEqualTo("max-size=100");
  }

  @Test
  void onlyServedVersionsAreRecognised() {
    assertThat(InteropVersion.of("8")).contains(InteropVersion.V8);
    assertThat(InteropVersion.of(" 3 ")).contains(InteropVersion.V3);
    assertThat(InteropVersion.of("2")).isEmpty();
    assertThat(InteropVersion.of("9")).isEmpty();
    assertThat(InteropVersion.of("eight")).isEmpty();
  }

  @Test
  void reprDigestTakesTheStrongestSupportedAlgorithm() {
    var both = ReprDigestCheck.parse("sha-256=:AAAA:, sha-512=:AQID:");
    assertThat(both).hasValueSatisfying(e -> assertThat(e.name()).isEqualTo("sha-512"));
    assertThat(ReprDigestCheck.parse("md5=:AAAA:")).isEmpty();
    assertThat(ReprDigestCheck.parse("sha-256=:not base64!:")).isEmpty();
  }
}
