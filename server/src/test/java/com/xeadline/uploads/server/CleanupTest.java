package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled cleanup removes exactly the abandoned uploads (unfinished, idle past the expiry)
 * and orphaned files, marks rows whose bytes are gone as failed, and touches nothing else. Time
 * moves on an injected clock.
 */
class CleanupTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void removesExactlyTheExpiredUnfinishedUploadsAndOrphans(@TempDir Path data) throws Exception {
    MutableClock clock = new MutableClock();
    try (TestServer server = TestServer.start(data, clock, "--tus.expiration=1h", "--cleanup.interval=1s")) {
      String abandoned = server.create(10);
      server.patch(abandoned, 0, new byte[4]);
      String finished = server.create(3);
      server.patch(finished, 0, new byte[] {1, 2, 3});
      // A parallel upload: two finished parts joined into a final; and a finished part that a
      // final created later still waits for (that one must stay).
      String partA = server.create(2, "Upload-Concat", "partial");
      server.patch(partA, 0, new byte[] {4, 5});
      String partB = server.create(1, "Upload-Concat", "partial");
      server.patch(partB, 0, new byte[] {6});
      String joined = createFinal(server, partA, partB);
      String partWaiting = server.create(1, "Upload-Concat", "partial");
      server.patch(partWaiting, 0, new byte[] {7});

      // A sweep runs every second: partWaiting must have its final before it is an hour old.
      clock.advance(Duration.ofMinutes(50));
      String partUnsent = server.create(1, "Upload-Concat", "partial");
      String waitingFinal = createFinal(server, partWaiting, partUnsent);
      clock.advance(Duration.ofMinutes(20));
      String fresh = server.create(10);
      server.patch(fresh, 0, new byte[6]);
      String bytesLost = server.create(10);
      Path uploads = data.resolve("uploads");
      Files.delete(uploads.resolve(id(bytesLost) + ".bin"));
      FileTime old = FileTime.from(Instant.now().minus(Duration.ofHours(3)));
      Path orphan = placed(data, uploads.resolve(UUID.randomUUID() + ".bin"), old);
      Path scratch = placed(data, uploads.resolve("chunk-123.part"), old);
      Path newScratch = placed(data, uploads.resolve("chunk-456.part"), FileTime.from(clock.instant()));
      clock.advance(Duration.ofMinutes(2)); // past the settling minute of a fresh row

      awaitCounter(server, "row_without_bytes", 1);
      awaitCounter(server, "expired_upload", 1);
      awaitCounter(server, "spent_partial", 2);
      // A sweep that began before the files were placed may have ended after the clock moved.
      awaitCounter(server, "orphan_file", 1);
      awaitCounter(server, "scratch_file", 1);

      assertThat(server.head(abandoned).statusCode()).isEqualTo(404);
      assertThat(server.head(fresh).headers().firstValue("Upload-Offset")).hasValue("6");
      HttpRequest get = server.tus(finished).GET().build();
      assertThat(server.sendForBytes(get).body()).containsExactly(1, 2, 3);
      assertThat(server.sendForBytes(server.tus(joined).GET().build()).body()).containsExactly(4, 5, 6);
      assertThat(server.head(partA).statusCode()).isEqualTo(404);
      assertThat(server.head(partB).statusCode()).isEqualTo(404);
      assertThat(server.head(partWaiting).statusCode()).isEqualTo(200);
      assertThat(server.head(waitingFinal).statusCode()).isEqualTo(200);
      String lost =
          server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id(bytesLost))).build()).body();
      assertThat(JSON.readTree(lost).get("status").asText()).isEqualTo("failed");
      assertThat(JSON.readTree(lost).get("failureReason").asText()).contains("bytes are gone");
      assertThat(orphan).doesNotExist();
      assertThat(scratch).doesNotExist();
      assertThat(newScratch).exists();
      assertThat(uploads.resolve(id(fresh) + ".bin")).exists();
      assertThat(counter(server, "expired_upload")).isEqualTo(1);
      assertThat(counter(server, "orphan_file")).isEqualTo(1);
      assertThat(counter(server, "spent_partial")).isEqualTo(2);
    }
  }

  /**
   * A file of 100 bytes that appears in {@code target} already carrying {@code modified}: written
   * beside it and renamed in, so that no sweep sees it with the time of its writing.
   */
  private static Path placed(Path data, Path target, FileTime modified) throws Exception {
    Path staging = Files.createDirectories(data.resolve("staging")).resolve(target.getFileName());
    Files.write(staging, new byte[100]);
    Files.setLastModifiedTime(staging, modified);
    return Files.move(staging, target);
  }

  private static String createFinal(TestServer server, String... parts) throws Exception {
    HttpResponse<String> created =
        server.send(
            server.tus("/files/")
                .header("Upload-Concat", "final;" + String.join(" ", parts))
                .POST(HttpRequest.BodyPublishers.noBody())
                .build());
    assertThat(created.statusCode()).isEqualTo(201);
    return created.headers().firstValue("Location").orElseThrow();
  }

  private static String id(String location) {
    return location.substring(location.lastIndexOf('/') + 1);
  }

  private static void awaitCounter(TestServer server, String what, double atLeast) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (counter(server, what) < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("cleanup never counted " + what);
      }
      Thread.sleep(100);
    }
  }

  private static double counter(TestServer server, String what) throws Exception {
    String metrics = server.send(HttpRequest.newBuilder(server.uri("/metrics")).build()).body();
    return MetricsTest.value(metrics, "cleanup_removed_total", "what=\"" + what + "\"");
  }
}
