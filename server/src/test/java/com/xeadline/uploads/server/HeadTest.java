package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** HEAD: where to resume, never cached. */
class HeadTest extends ServerPerClass {

  @Test
  void reportsOffsetLengthExpiryAndIsNeverCached() throws Exception {
    String location = server.create(100, "Upload-Metadata", "filename YS5tcDQ=");
    server.patch(location, 0, new byte[40]);
    HttpResponse<String> head = server.head(location);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue("40");
    assertThat(head.headers().firstValue("Upload-Length")).hasValue("100");
    assertThat(head.headers().firstValue("Upload-Metadata")).hasValue("filename YS5tcDQ=");
    assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
    assertThat(head.headers().firstValue("Upload-Expires")).isPresent();
    assertThat(head.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
  }

  @Test
  void aFinishedUploadHasNoExpiry() throws Exception {
    String location = server.create(10);
    server.patch(location, 0, new byte[10]);
    HttpResponse<String> head = server.head(location);
    assertThat(head.headers().firstValue("Upload-Offset")).hasValue("10");
    assertThat(head.headers().firstValue("Upload-Expires")).isEmpty();
  }

  @Test
  void unknownUploadsAre404AndAMissingTusResumableIs412() throws Exception {
    assertThat(server.head("/files/00000000-0000-0000-0000-000000000000").statusCode()).isEqualTo(404);
    assertThat(server.head("/files/nonsense").statusCode()).isEqualTo(404);
    String location = server.create(10);
    HttpResponse<String> noVersion =
        server.send(HttpRequest.newBuilder(server.uri(location.substring(location.indexOf("/files")))).method("HEAD", BodyPublishers.noBody()).build());
    assertThat(noVersion.statusCode()).isEqualTo(412);
    assertThat(noVersion.headers().firstValue("Tus-Version")).hasValue("1.0.0");
  }

  @Test
  void anExpiredUploadIsGone() throws Exception {
    MutableClock clock = new MutableClock();
    try (TestServer shortLived = TestServer.start(clock, "--tus.expiration=1h")) {
      String location = shortLived.create(10);
      shortLived.patch(location, 0, Arrays.copyOf(new byte[5], 5));
      assertThat(shortLived.head(location).statusCode()).isEqualTo(200);
      clock.advance(Duration.ofMinutes(61));
      assertThat(shortLived.head(location).statusCode()).isEqualTo(404);
      assertThat(shortLived.patch(location, 5, new byte[5]).statusCode()).isEqualTo(404);
    }
  }
}
