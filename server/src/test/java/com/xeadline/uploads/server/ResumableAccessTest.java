package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Draft requests pass the same gates as tus: tokens, owners, the maximum size, quotas and content checks. */
class ResumableAccessTest {
  private static final String V8 = ResumableUploadTest.V8;
  private static TestServer server;

  @BeforeAll
  static void start() throws Exception {
    server =
        TestServer.start(
            "--auth.mode=jwt",
            "--auth.hmac-secret=test-secret-of-more-than-thirty-two-bytes!!",
            "--auth.issuer=https://id.example",
            "--auth.audience=uploads",
            "--tus.max-size=100000",
            "--quota.uploads-per-day=3",
            "--uploads.verify-content=true");
  }

  @AfterAll
  static void stop() throws Exception {
    server.close();
  }

  @Test
  void aTokenIsRequiredAndUploadsStayTheirOwners() throws Exception {
    assertThat(RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, "Upload-Complete: ?0")).status())
        .isEqualTo(401);
    String alice = "Authorization: Bearer " + AuthTest.token("alice");
    String bob = "Authorization: Bearer " + AuthTest.token("bob");
    RawHttp.Response created = RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, alice, "Upload-Complete: ?0"));
    assertThat(created.status()).isEqualTo(201);
    URI upload = URI.create(created.header("Location"));
    assertThat(RawHttp.last(RawHttp.exchange(upload, "HEAD", null, V8, bob)).status()).isEqualTo(404);
    assertThat(RawHttp.last(RawHttp.exchange(upload, "PATCH", new byte[5], V8, bob, ResumableUploadTest.PARTIAL, "Upload-Offset: 0", "Upload-Complete: ?0")).status())
        .isEqualTo(404);
    assertThat(RawHttp.last(RawHttp.exchange(upload, "DELETE", null, V8, bob)).status()).isEqualTo(404);
    RawHttp.Response head = RawHttp.last(RawHttp.exchange(upload, "HEAD", null, V8, alice));
    assertThat(head.status()).isEqualTo(204);
    assertThat(head.header("Upload-Limit")).startsWith("max-size=100000");
    assertThat(RawHttp.last(RawHttp.exchange(server.uri("/files/"), "OPTIONS", null, V8)).header("Upload-Limit"))
        .isEqualTo("max-size=100000");
  }

  @Test
  void anUploadOverTheMaximumSizeIsRefusedBeforeItExists() throws Exception {
    String carol = "Authorization: Bearer " + AuthTest.token("carol");
    List<RawHttp.Response> responses =
        RawHttp.exchange(server.uri("/files/"), "POST", new byte[100_001], V8, carol, "Upload-Complete: ?1");
    assertThat(responses).hasSize(1);
    assertThat(responses.get(0).status()).isEqualTo(413);
    assertThat(responses.get(0).header("Content-Type")).startsWith("application/problem+json");
  }

  @Test
  void theDailyQuotaCountsDraftUploads() throws Exception {
    String dave = "Authorization: Bearer " + AuthTest.token("dave");
    for (int i = 0; i < 3; i++) {
      assertThat(RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, dave, "Upload-Complete: ?0")).status())
          .isEqualTo(201);
    }
    List<RawHttp.Response> refused = RawHttp.exchange(server.uri("/files/"), "POST", new byte[0], V8, dave, "Upload-Complete: ?0");
    assertThat(refused).hasSize(1);
    assertThat(refused.get(0).status()).isEqualTo(403);
  }

  @Test
  void bytesThatAreNotTheDeclaredTypeFailTheUpload() throws Exception {
    String erin = "Authorization: Bearer " + AuthTest.token("erin");
    List<RawHttp.Response> responses =
        RawHttp.exchange(
            server.uri("/files/"), "POST", TestServer.randomBytes(5000, 4), V8, erin, "Upload-Complete: ?1", "Content-Type: video/mp4");
    assertThat(responses.get(0).status()).isEqualTo(104);
    RawHttp.Response failed = RawHttp.last(responses);
    assertThat(failed.status()).isEqualTo(415);
    assertThat(failed.header("Location")).isEqualTo(responses.get(0).header("Location"));
    assertThat(RawHttp.last(RawHttp.exchange(URI.create(failed.header("Location")), "HEAD", null, V8, erin)).status()).isEqualTo(404);
  }
}
