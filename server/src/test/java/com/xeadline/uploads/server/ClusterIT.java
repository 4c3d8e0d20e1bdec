package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three nodes on one real PostgreSQL and one shared data directory, as behind a load balancer:
 * any node continues any upload, one writer per upload across nodes, budgets are cluster-wide,
 * and each job runs once.
 */
class ClusterIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MiB = 1024 * 1024;
  private static EmbeddedPostgres pg;
  @TempDir static Path work;

  @BeforeAll
  static void startPostgres() throws Exception {
    pg = EmbeddedPostgres.builder().start();
  }

  @AfterAll
  static void stopPostgres() throws Exception {
    pg.close();
  }

  private static String[] nodeFlags(String node, String... extra) {
    List<String> flags = new ArrayList<>(List.of(
        "--database.url=jdbc:postgresql://localhost:" + pg.getPort() + "/postgres",
        "--database.user=postgres",
        "--node.id=" + node,
        "--cluster.lock-lease=2s",
        "--tus.lock-wait=6s"));
    flags.addAll(List.of(extra));
    return flags.toArray(String[]::new);
  }

  private static List<TestServer> nodes(Path shared, String... extra) throws Exception {
    List<TestServer> nodes = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      nodes.add(TestServer.start(shared, nodeFlags("n" + i, extra)));
    }
    return nodes;
  }

  private static void closeAll(List<TestServer> nodes) throws Exception {
    for (TestServer node : nodes) {
      node.close();
    }
  }

  /** The same upload URL, on another node. */
  private static String on(TestServer node, String location) {
    return node.uri(URI.create(location).getPath()).toString();
  }

  @Test
  void patchesRotatingAcrossTheNodesFinishByteExact() throws Exception {
    List<TestServer> nodes = nodes(work.resolve("rotate"));
    try {
      byte[] file = random(10 * MiB + 123, 1);
      String location = nodes.get(0).create(file.length);
      int chunk = MiB;
      for (int offset = 0, i = 0; offset < file.length; offset += chunk, i++) {
        TestServer node = nodes.get(i % 3);
        byte[] part = Arrays.copyOfRange(file, offset, Math.min(file.length, offset + chunk));
        HttpResponse<String> patched = node.patch(on(node, location), offset, part);
        assertThat(patched.statusCode()).as("PATCH at %d on node %d", offset, i % 3 + 1).isEqualTo(204);
        // Every node reads the offset from the shared row.
        assertThat(nodes.get((i + 1) % 3).head(on(nodes.get((i + 1) % 3), location)).headers().firstValue("Upload-Offset"))
            .hasValue(Long.toString(Math.min(file.length, offset + chunk)));
      }
      for (TestServer node : nodes) {
        byte[] stored = node.sendForBytes(node.tus(on(node, location)).GET().build()).body();
        assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
      }
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void twoNodesRacingPatchesOnOneUploadNeverCorruptIt() throws Exception {
    List<TestServer> nodes = nodes(work.resolve("race"));
    ExecutorService racers = Executors.newFixedThreadPool(2);
    try {
      byte[] file = random(8 * MiB, 2);
      String location = nodes.get(0).create(file.length);
      for (int round = 0; round < 5; round++) {
        long offset = Long.parseLong(nodes.get(2).head(on(nodes.get(2), location)).headers().firstValue("Upload-Offset").orElseThrow());
        if (offset == file.length) {
          break;
        }
        byte[] rest = Arrays.copyOfRange(file, (int) offset, file.length);
        List<Future<Integer>> results = new ArrayList<>();
        for (TestServer node : nodes.subList(0, 2)) {
          Callable<Integer> racer = () -> {
            try {
              return node.patch(on(node, location), offset, rest).statusCode();
            } catch (java.io.IOException cut) {
              return -1; // cut by the other request, as tusd does: what arrived is kept
            }
          };
          results.add(racers.submit(racer));
        }
        for (Future<Integer> result : results) {
          assertThat(result.get()).isIn(204, 409, 423, 460, -1);
        }
      }
      String offset = nodes.get(2).head(on(nodes.get(2), location)).headers().firstValue("Upload-Offset").orElseThrow();
      long done = Long.parseLong(offset);
      if (done < file.length) {
        assertThat(nodes.get(2).patch(on(nodes.get(2), location), done, Arrays.copyOfRange(file, (int) done, file.length)).statusCode())
            .isEqualTo(204);
      }
      byte[] stored = nodes.get(1).sendForBytes(nodes.get(1).tus(on(nodes.get(1), location)).GET().build()).body();
      assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
    } finally {
      racers.shutdownNow();
      closeAll(nodes);
    }
  }

  @Test
  void whenTheNodeHoldingALockDiesAnotherTakesOverWithinTheLease() throws Exception {
    Path shared = work.resolve("takeover");
    Files.createDirectories(shared);
    TestServer survivor = TestServer.start(shared, nodeFlags("survivor"));
    ChildServer doomed = ChildServer.start(shared, nodeFlags("doomed"));
    try {
      byte[] file = random(4 * MiB, 3);
      String location = survivor.create(file.length);
      URI onDoomed = doomed.base().resolve(URI.create(location).getPath());
      // A PATCH on the doomed node that sends half its body and then hangs, holding the lock.
      RawPatch hanging = new RawPatch(onDoomed, 0, file.length);
      hanging.send(file, 0, file.length / 2);
      Path bytes = shared.resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1) + ".bin");
      Poll.until("the doomed node writes the half it got", () -> Files.size(bytes) == file.length / 2);
      doomed.kill();

      long start = System.nanoTime();
      long offset = Long.parseLong(survivor.head(location).headers().firstValue("Upload-Offset").orElseThrow());
      HttpResponse<String> resumed = survivor.patch(location, offset, Arrays.copyOfRange(file, (int) offset, file.length));
      long waitedMillis = (System.nanoTime() - start) / 1_000_000;
      assertThat(resumed.statusCode()).isEqualTo(204);
      assertThat(waitedMillis).as("bounded by the 2 s lease (plus slack)").isLessThan(6_000);
      byte[] stored = survivor.sendForBytes(survivor.tus(location).GET().build()).body();
      assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
      hanging.close();
    } finally {
      doomed.kill();
      survivor.close();
    }
  }

  @Test
  void aNodeStartingUpLeavesAnUploadAnotherNodeIsWritingAlone() throws Exception {
    Path shared = work.resolve("startup");
    // The writer's PATCH waits while another node starts, which on a busy machine can outlast the
    // default 30 s idle timeout.
    TestServer writer = TestServer.start(shared, nodeFlags("writer", "--server.idle-timeout=10m"));
    try {
      byte[] file = random(3 * MiB, 4);
      String location = writer.create(file.length);
      Path bytes = shared.resolve("uploads").resolve(location.substring(location.lastIndexOf('/') + 1) + ".bin");
      try (RawPatch patch = new RawPatch(URI.create(location), 0, file.length)) {
        // Below the checkpoint: on disk, not yet committed, exactly what a crash would leave.
        patch.send(file, 0, MiB);
        Poll.until("the first MiB is on disk", () -> Files.size(bytes) == MiB);
        TestServer.start(shared, nodeFlags("newcomer")).close(); // reconciles the shared uploads at start
        assertThat(Files.size(bytes)).as("the newcomer must not cut bytes being written").isEqualTo(MiB);
        patch.send(file, MiB, file.length - MiB);
        assertThat(patch.status()).isEqualTo(204);
      }
      byte[] stored = writer.sendForBytes(writer.tus(location).GET().build()).body();
      assertThat(TestServer.sha256(stored)).isEqualTo(TestServer.sha256(file));
    } finally {
      writer.close();
    }
  }

  @Test
  void aRateLimitOfNIsNAcrossTheCluster() throws Exception {
    List<TestServer> nodes = nodes(work.resolve("limits"), "--limits.creations=7/1h", "--limits.writes=1000/1m", "--limits.probes=100/1m");
    try {
      for (int i = 0; i < 7; i++) {
        TestServer node = nodes.get(i % 3);
        HttpResponse<String> created = node.send(node.tus("/files/").header("Upload-Length", "1").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(created.statusCode()).as("creation %d", i + 1).isEqualTo(201);
      }
      for (TestServer node : nodes) {
        HttpResponse<String> refused = node.send(node.tus("/files/").header("Upload-Length", "1").POST(HttpRequest.BodyPublishers.noBody()).build());
        assertThat(refused.statusCode()).isEqualTo(429);
        assertThat(refused.headers().firstValue("X-RateLimit-Remaining")).hasValue("0");
      }
    } finally {
      closeAll(nodes);
    }
  }

  @Test
  void aByteQuotaHoldsAcrossTheClusterUnderRacingCreations() throws Exception {
    String secret = "cluster-quota-secret-of-more-than-32-bytes";
    List<TestServer> nodes =
        nodes(work.resolve("quota"), "--auth.mode=jwt", "--auth.hmac-secret=" + secret, "--quota.bytes=1000", "--quota.uploads-per-day=100");
    ExecutorService creators = Executors.newFixedThreadPool(12);
    try {
      String[] auth = {"Authorization", "Bearer " + AuthTest.hs256(secret, c -> c.subject("quinn").issuer(null).audience((String) null))};
      List<Future<HttpResponse<String>>> answers = new ArrayList<>();
      for (int i = 0; i < 12; i++) {
        TestServer node = nodes.get(i % 3);
        answers.add(creators.submit(() -> node.send(node.tus("/files/").headers(auth).header("Upload-Length", "300")
            .POST(HttpRequest.BodyPublishers.noBody()).build())));
      }
      int created = 0;
      for (Future<HttpResponse<String>> answer : answers) {
        int status = answer.get().statusCode();
        assertThat(status).isIn(201, 403);
        created += status == 201 ? 1 : 0;
      }
      assertThat(created).isEqualTo(3);

      // A deferred length is checked when declared, on whichever node (100 bytes left).
      TestServer first = nodes.get(0);
      String deferred = first.send(first.tus("/files/").headers(auth).header("Upload-Defer-Length", "1")
          .POST(HttpRequest.BodyPublishers.noBody()).build()).headers().firstValue("Location").orElseThrow();
      TestServer second = nodes.get(1);
      assertThat(second.patch(on(second, deferred), 0, new byte[10], auth).statusCode()).isEqualTo(204);
      assertThat(second.patch(on(second, deferred), 10, new byte[0], auth[0], auth[1], "Upload-Length", "200").statusCode())
          .isEqualTo(403);
      assertThat(nodes.get(2).patch(on(nodes.get(2), deferred), 10, new byte[90], auth[0], auth[1], "Upload-Length", "100")
              .statusCode())
          .isEqualTo(204);
    } finally {
      creators.shutdownNow();
      closeAll(nodes);
    }
  }

  @Test
  void eachTranscodeAndCleanupJobRunsOnceInTheCluster() throws Exception {
    byte[] clip = Files.readAllBytes(VideoClips.in(work).mp4("cluster.mp4", 1, 320, 240));
    List<TestServer> nodes =
        nodes(work.resolve("jobs"), "--video.probe=true", "--video.renditions=a:160x120@150k,b:240x180@200k", "--cleanup.interval=1s");
    try {
      String location = nodes.get(0).create(clip.length, "Upload-Metadata", "filetype dmlkZW8vbXA0");
      assertThat(nodes.get(1).patch(on(nodes.get(1), location), 0, clip).statusCode()).isEqualTo(204);
      String id = location.substring(location.lastIndexOf('/') + 1);
      JsonNode status = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (System.nanoTime() < deadline) {
        TestServer node = nodes.get(2);
        status = JSON.readTree(node.send(HttpRequest.newBuilder(node.uri("/api/storage/upload-status?uploadId=" + id)).build()).body());
        // A rendition is listed as soon as it is stored; its job is marked done just after.
        if (status.path("transcodedVersions").size() == 2 && allJobsEnded(status)) {
          break;
        }
        Thread.sleep(100);
      }
      assertThat(status.get("transcodedVersions")).hasSize(2);
      for (JsonNode job : status.get("jobs")) {
        assertThat(job.get("status").asText()).isEqualTo("done");
        assertThat(job.get("attempts").asInt()).as(job.toString()).isEqualTo(1);
      }
      // A few cleanup periods, each of which all three nodes try to queue.
      Poll.until("three cleanup periods are queued", () -> cleanupPeriods() >= 3);
      try (Connection db = pg.getPostgresDatabase().getConnection();
          ResultSet runs = db.createStatement().executeQuery(
              "SELECT payload, COUNT(*) AS n, MAX(attempts) AS attempts FROM xeadline_uploads.jobs WHERE kind = 'cleanup' GROUP BY payload")) {
        int periods = 0;
        while (runs.next()) {
          periods++;
          assertThat(runs.getInt("n")).isEqualTo(1);
          assertThat(runs.getInt("attempts")).isLessThanOrEqualTo(1);
        }
        assertThat(periods).isGreaterThanOrEqualTo(2);
      }
    } finally {
      closeAll(nodes);
    }
  }

  private static boolean allJobsEnded(JsonNode status) {
    for (JsonNode job : status.path("jobs")) {
      String state = job.path("status").asText();
      if (!state.equals("done") && !state.equals("failed")) {
        return false;
      }
    }
    return true;
  }

  private static int cleanupPeriods() throws Exception {
    try (Connection db = pg.getPostgresDatabase().getConnection();
        ResultSet periods = db.createStatement().executeQuery("SELECT COUNT(DISTINCT payload) FROM xeadline_uploads.jobs WHERE kind = 'cleanup'")) {
      periods.next();
      return periods.getInt(1);
    }
  }

  private static byte[] random(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
