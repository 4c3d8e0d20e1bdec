package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.storage.model.StorageObject;
import com.xeadline.uploads.gcs.FakeGcs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finals in GCS through the whole server, configured only by flags (storage.provider=gcs,
 * gcs.endpoint), with the real client speaking HTTP to the fake GCS.
 */
class GcsOverHttpTest {
  @TempDir Path scratch;

  private FakeGcs gcs;

  @BeforeEach
  void start() throws Exception {
    gcs = FakeGcs.start();
  }

  @AfterEach
  void stop() {
    gcs.close();
  }

  private TestServer server() throws Exception {
    return TestServer.start(
        scratch.resolve("data"), "--storage.provider=gcs", "--gcs.bucket=videos", "--gcs.prefix=xu", "--gcs.endpoint=" + gcs.host());
  }

  private StorageObject onlyFinal() {
    List<StorageObject> finals = gcs.objects().list("videos", "xu/anonymous/");
    assertThat(finals).hasSize(1);
    return finals.get(0);
  }

  @Test
  void aFinishedUploadGoesToTheBucketIsServedFromItAndDeletedWithIt() throws Exception {
    try (TestServer server = server()) {
      byte[] source = TestServer.randomBytes(9 * 1024 * 1024 + 7, 50);
      String location = server.create(source.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
      assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);
      StorageObject stored = onlyFinal();
      assertThat(stored.getName()).endsWith("-clip.mp4");
      assertThat(stored.getContentType()).isEqualTo("video/mp4");
      assertThat(gcs.objects().get("videos", stored.getName()).orElseThrow().bytes()).isEqualTo(source);
      assertThat(gcs.routes()).contains("resumable-start", "resumable-chunk");

      HttpResponse<byte[]> range =
          server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=1000-2999").build());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(source, 1000, 3000));

      assertThat(server.send(server.tus(location).DELETE().build()).statusCode()).isEqualTo(204);
      assertThat(gcs.objects().get("videos", stored.getName())).isEmpty();
    }
  }

  @Test
  void aTransient503WhilePublishingIsRetriedByTheClient() throws Exception {
    gcs.faults().on("resumable-chunk").after(1).times(1).status(503);
    try (TestServer server = server()) {
      byte[] source = TestServer.randomBytes(9 * 1024 * 1024 + 7, 51);
      String location = server.create(source.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
      assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);
      assertThat(gcs.objects().get("videos", onlyFinal().getName()).orElseThrow().bytes()).isEqualTo(source);
      assertThat(gcs.routes().stream().filter("resumable-chunk"::equals).count()).isEqualTo(3);
    }
  }
}
