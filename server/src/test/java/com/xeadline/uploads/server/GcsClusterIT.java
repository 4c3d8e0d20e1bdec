package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.api.services.storage.model.StorageObject;
import com.xeadline.uploads.gcs.FakeGcs;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one PostgreSQL with no shared directory (storage.in-progress=gcs): each has a data
 * directory of its own, and the bytes of unfinished uploads are part objects in a bucket, reached
 * through the real google-cloud-storage client over HTTP (the fake GCS of storage-gcs's tests).
 */
class GcsClusterIT {
  private static final int MiB = 1024 * 1024;
  private static EmbeddedPostgres pg;
  @TempDir static Path work;
  private FakeGcs gcs;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  @BeforeEach
  void startGcs() throws Exception {
    gcs = FakeGcs.start();
  }

  @AfterEach
  void stopGcs() {
    gcs.close();
  }

  private String[] nodeFlags(String node, String... extra) {
    List<String> flags = new ArrayList<>(List.of(
        "--database.url=jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
        "--database.user=postgres",
        "--node.id=" + node,
        "--cluster.lock-lease=2s",
        "--tus.lock-wait=6s",
        "--storage.provider=gcs",
        "--storage.in-progress=gcs",
        "--gcs.bucket=videos",
        "--gcs.prefix=xu",
        "--gcs.endpoint=" + gcs.host()));
    flags.addAll(List.of(extra));
    return flags.toArray(String[]::new);
  }

  /** Three nodes, each on a data directory of its own under {@code test}. */
  private List<TestServer> nodes(String test, String... extra) throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(TestServer.start(work.resolve(test).resolve("n" + i), nodeFlags(test + "-n" + i, extra)));
    }
    return nodes;
  }

  private static void closeAll(List<TestServer> nodes) throws Exception {
    for (TestServer node : nodes) {
      node.close();
    }
  }

  private static String on(TestServer node, String location) {
    return node.uri(URI.create(location).getPath()).toString();
  }

  private static long offset(TestServer node, String location) throws Exception {
    return Long.parseLong(node.head(on(node, location)).headers().firstValue("Upload-Offset").orElseThrow());
  }

  private List<StorageObject> inProgress() {
    return gcs.objects().list("videos", "xu/in-progress/");
  }

  private byte[] finalBytes(String location) {
    String id = location.substring(location.lastIndexOf('/') + 1);
    List<StorageObject> finals =
        gcs.objects().list("videos", "xu/anonymous/").stream().filter(o -> o.getName().contains(id)).toList();
    assertThat(finals).hasSize(1);
    return gcs.objects().get("videos", finals.get(0).getName()).orElseThrow().bytes();
  }

  /** What the nodes' own directories hold of upload bytes: nothing, in this mode. */
  private static long localUploadBytes(Path dir) throws Exception {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(p -> p.toString().endsWith(".bin")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  @Test
  void patchesRotatingAcrossNodesWithNoSharedDirectoryFinishByteExact() throws Exception {
    List<TestServer> nodes = nodes("rotate");
    try {
      byte[] file = TestServer.randomBytes(10 * MiB + 123, 1);
      String location = nodes.get(0).create(file.length);
      for (int offset = 0, i = 0; offset < file.length; offset += MiB, i++) {
        TestServer node = nodes.get(i % 3);
        byte[] part = Arrays.copyOfRange(file, offset, Math.min(file.length, offset + MiB));
        assertThat(node.patch(on(node, location), offset, part).statusCode()).as("PATCH at %d on node %d", offset, i % 3 + 1).isEqualTo(204);
        if (offset + MiB < file.length) {
          assertThat(offset(nodes.get((i + 1) % 3), location)).isEqualTo(offset + MiB);
          assertThat(localUploadBytes(work.resolve("rotate"))).as("no node keeps the bytes").isZero();
        }
      }
      assertThat(finalBytes(location)).isEqualTo(file);
      for (TestServer node : nodes) {
        byte[] stored = node.sendForBytes(node.tus(on(node, location)).GET().build()).body();
        assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
      }
      assertThat(inProgress()).as("the parts are deleted once composed").isEmpty();
      assertThat(gcs.routes()).contains("compose");
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void aFinalComposedFromMoreThan32PartsIsByteExact() throws Exception {
    List<TestServer> nodes = nodes("many", "--tus.checkpoint=64KiB");
    try {
      int piece = 100 * 1024;
      byte[] file = TestServer.randomBytes(70 * piece + 17, 2);
      String location = nodes.get(0).create(file.length);
      for (int offset = 0, i = 0; offset < file.length; offset += piece, i++) {
        TestServer node = nodes.get(i % 3);
        byte[] part = Arrays.copyOfRange(file, offset, Math.min(file.length, offset + piece));
        assertThat(node.patch(on(node, location), offset, part).statusCode()).isEqualTo(204);
      }
      assertThat(finalBytes(location)).isEqualTo(file);
      assertThat(gcs.routes().stream().filter("compose"::equals).count()).as("rounds of at most 32").isGreaterThanOrEqualTo(3);
      assertThat(inProgress()).isEmpty();
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void aNodeKilledMidPatchLeavesTheUploadResumableFromItsLastAcknowledgedOffset() throws Exception {
    TestServer survivor = TestServer.start(work.resolve("kill").resolve("survivor"), nodeFlags("survivor"));
    ChildServer doomed = ChildServer.start(Files.createDirectories(work.resolve("kill").resolve("doomed")), nodeFlags("doomed", "--tus.checkpoint=1MiB"));
    try {
      byte[] file = TestServer.randomBytes(4 * MiB, 3);
      String location = survivor.create(file.length);
      URI onDoomed = doomed.base().resolve(URI.create(location).getPath());
      try (RawPatch hanging = new RawPatch(onDoomed, 0, file.length)) {
        hanging.send(file, 0, 2 * MiB + MiB / 2);
        Poll.until("the doomed node acknowledges two checkpoints", () -> offset(survivor, location) >= 2 * MiB);
        doomed.kill();
      }
      long offset = offset(survivor, location);
      assertThat(offset).isBetween(2L * MiB, 2L * MiB + MiB / 2);
      HttpResponse<String> resumed = survivor.patch(location, offset, Arrays.copyOfRange(file, (int) offset, file.length));
      assertThat(resumed.statusCode()).isEqualTo(204);
      assertThat(finalBytes(location)).isEqualTo(file);
      assertThat(inProgress()).isEmpty();
    } finally {
      doomed.kill();
      survivor.close();
    }
  }

  @Test
  void aTransientGcsFailureDuringAnAppendIsRetriedAndAPermanentOneLeavesTheOffset() throws Exception {
    List<TestServer> nodes = nodes("faults");
    try {
      byte[] file = TestServer.randomBytes(3 * MiB, 4);
      String location = nodes.get(0).create(file.length);
      gcs.faults().on("resumable-chunk").times(1).status(503);
      assertThat(nodes.get(1).patch(on(nodes.get(1), location), 0, Arrays.copyOfRange(file, 0, MiB)).statusCode()).isEqualTo(204);
      gcs.faults().on("resumable-chunk").times(1).reset();
      assertThat(nodes.get(2).patch(on(nodes.get(2), location), MiB, Arrays.copyOfRange(file, MiB, 2 * MiB)).statusCode()).isEqualTo(204);
      assertThat(offset(nodes.get(0), location)).isEqualTo(2 * MiB);

      // Permanent: the bucket refuses every part (403 is not retried by the client).
      gcs.faults().on("resumable-start").times(1000).status(403);
      HttpResponse<String> refused = nodes.get(0).patch(on(nodes.get(0), location), 2 * MiB, Arrays.copyOfRange(file, 2 * MiB, 3 * MiB));
      assertThat(refused.statusCode()).isBetween(500, 599);
      assertThat(offset(nodes.get(1), location)).isEqualTo(2 * MiB);
      gcs.faults().clear();

      assertThat(nodes.get(1).patch(on(nodes.get(1), location), 2 * MiB, Arrays.copyOfRange(file, 2 * MiB, 3 * MiB)).statusCode()).isEqualTo(204);
      assertThat(finalBytes(location)).isEqualTo(file);
      assertThat(inProgress()).isEmpty();
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void legacyChunksAndPartialUploadsSpreadOverTheNodesComeTogetherByteExact() throws Exception {
    List<TestServer> nodes = nodes("spread");
    try {
      byte[] file = TestServer.randomBytes(3 * MiB + 11, 6);
      String init = "{\"fileName\":\"a.bin\",\"fileSize\":" + file.length + ",\"contentType\":\"video/mp4\",\"totalChunks\":4}";
      HttpResponse<String> created = nodes.get(0).send(java.net.http.HttpRequest.newBuilder(nodes.get(0).uri("/api/storage/init-chunked-upload"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString(init)).build());
      assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
      String id = new com.fasterxml.jackson.databind.ObjectMapper().readTree(created.body()).get("uploadId").asText();
      int chunk = MiB;
      for (int index : new int[] {3, 1, 0, 2}) {
        TestServer node = nodes.get(index % 3);
        byte[] bytes = Arrays.copyOfRange(file, index * chunk, Math.min(file.length, (index + 1) * chunk));
        HttpResponse<String> stored = node.send(java.net.http.HttpRequest.newBuilder(node.uri("/api/storage/upload-chunk"))
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index)).file("chunk", bytes).publisher())
            .build());
        assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
      }
      HttpResponse<String> done = nodes.get(1).send(java.net.http.HttpRequest.newBuilder(nodes.get(1).uri("/api/storage/complete-chunked-upload"))
          .header("Content-Type", "application/json").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"uploadId\":\"" + id + "\"}")).build());
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      String url = new com.fasterxml.jackson.databind.ObjectMapper().readTree(done.body()).get("url").asText();
      byte[] legacy = nodes.get(2).sendForBytes(java.net.http.HttpRequest.newBuilder(nodes.get(2).uri(URI.create(url).getPath())).build()).body();
      assertThat(TestServer.sha256(legacy)).isEqualTo(TestServer.sha256(file));

      int cut = MiB + 5;
      String a = nodes.get(0).create(cut, "Upload-Concat", "partial");
      String b = nodes.get(1).create(file.length - cut, "Upload-Concat", "partial");
      assertThat(nodes.get(2).patch(on(nodes.get(2), a), 0, Arrays.copyOf(file, cut)).statusCode()).isEqualTo(204);
      assertThat(nodes.get(0).patch(on(nodes.get(0), b), 0, Arrays.copyOfRange(file, cut, file.length)).statusCode()).isEqualTo(204);
      HttpResponse<String> joined = nodes.get(1).send(nodes.get(1).tus("/files/")
          .header("Upload-Concat", "final;" + URI.create(a).getPath() + " " + URI.create(b).getPath())
          .POST(java.net.http.HttpRequest.BodyPublishers.noBody()).build());
      assertThat(joined.statusCode()).isEqualTo(201);
      String location = joined.headers().firstValue("Location").orElseThrow();
      byte[] stored = nodes.get(2).sendForBytes(nodes.get(2).tus(on(nodes.get(2), location)).GET().build()).body();
      assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
      assertThat(localUploadBytes(work.resolve("spread"))).isZero();
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void terminationDeletesTheParts() throws Exception {
    List<TestServer> nodes = nodes("terminate");
    try {
      byte[] file = TestServer.randomBytes(2 * MiB, 5);
      String location = nodes.get(0).create(file.length);
      assertThat(nodes.get(1).patch(on(nodes.get(1), location), 0, Arrays.copyOfRange(file, 0, MiB)).statusCode()).isEqualTo(204);
      assertThat(inProgress()).isNotEmpty();
      assertThat(nodes.get(2).send(nodes.get(2).tus(on(nodes.get(2), location)).DELETE().build()).statusCode()).isEqualTo(204);
      assertThat(inProgress()).isEmpty();
    } finally {
      closeAll(nodes);
    }
  }
}
