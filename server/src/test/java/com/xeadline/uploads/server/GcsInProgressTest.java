package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.api.services.storage.model.StorageObject;
import com.xeadline.uploads.gcs.FakeGcs;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unfinished uploads as part objects (storage.in-progress=gcs) on one node, through the real
 * client over HTTP to the fake GCS: every way bytes arrive ends byte-exact in the final, with no
 * upload bytes on the node's disk and no parts left in the bucket.
 */
class GcsInProgressTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MiB = 1024 * 1024;
  @TempDir Path scratch;
  private FakeGcs gcs;
  private TestServer server;

  @BeforeEach
  void start() throws Exception {
    gcs = FakeGcs.start();
    server = TestServer.start(
        scratch.resolve("data"),
        "--storage.provider=gcs", "--storage.in-progress=gcs", "--gcs.bucket=videos", "--gcs.prefix=xu",
        "--gcs.endpoint=" + gcs.host(), "--tus.checkpoint=1MiB", "--uploads.verify-content=true");
  }

  @AfterEach
  void stop() throws Exception {
    server.close();
    gcs.close();
  }

  /** Random bytes that start like an MP4 (an ftyp box), so the content check passes. */
  private static byte[] mp4(int size, long seed) {
    byte[] bytes = TestServer.randomBytes(size, seed);
    System.arraycopy("\0\0\0\u0018ftypisom".getBytes(StandardCharsets.ISO_8859_1), 0, bytes, 0, 12);
    return bytes;
  }

  private List<StorageObject> inProgress() {
    return gcs.objects().list("videos", "xu/in-progress/");
  }

  private long localUploadBytes() throws Exception {
    try (Stream<Path> files = Files.walk(scratch.resolve("data"))) {
      return files.filter(p -> p.toString().endsWith(".bin") || p.toString().endsWith(".part")).mapToLong(p -> p.toFile().length()).sum();
    }
  }

  private void assertFinal(String url, byte[] source) throws Exception {
    HttpResponse<byte[]> got = server.sendForBytes(HttpRequest.newBuilder(URI.create(url)).build());
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(TestServer.sha256(got.body())).isEqualTo(TestServer.sha256(source));
    assertThat(inProgress()).as("parts are deleted once composed").isEmpty();
  }

  private static String mp4Metadata() {
    return "filename " + Base64.getEncoder().encodeToString("clip.mp4".getBytes()) + ",filetype "
        + Base64.getEncoder().encodeToString("video/mp4".getBytes());
  }

  @Test
  void aLongPatchBecomesOnePartPerCheckpointAndAChecksummedOneIsKeptOnlyWhole() throws Exception {
    byte[] source = mp4(3 * MiB + 5, 1);
    String location = server.create(source.length, "Upload-Metadata", mp4Metadata());
    byte[] first = Arrays.copyOf(source, 2 * MiB + 100);
    assertThat(server.patch(location, 0, first).statusCode()).isEqualTo(204);
    // A part per checkpoint of 1 MiB, and one for the rest unless the second checkpoint took it all.
    assertThat(inProgress()).hasSizeBetween(2, 3);
    assertThat(localUploadBytes()).isZero();

    byte[] rest = Arrays.copyOfRange(source, first.length, source.length);
    String wrong = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(new byte[1]));
    assertThat(server.patch(location, first.length, rest, "Upload-Checksum", wrong).statusCode()).isEqualTo(460);
    assertThat(server.head(location).headers().firstValue("Upload-Offset")).hasValue(Long.toString(first.length));
    String right = "sha1 " + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1").digest(rest));
    assertThat(server.patch(location, first.length, rest, "Upload-Checksum", right).statusCode()).isEqualTo(204);
    assertFinal(location, source);
  }

  @Test
  void creationWithUploadAndTheContentCheckWorkOnParts() throws Exception {
    byte[] source = mp4(200_000, 2);
    HttpResponse<String> created = server.send(server.tus("/files/")
        .header("Upload-Length", Integer.toString(source.length))
        .header("Upload-Metadata", mp4Metadata())
        .header("Content-Type", "application/offset+octet-stream")
        .POST(BodyPublishers.ofByteArray(source)).build());
    assertThat(created.statusCode()).isEqualTo(201);
    assertFinal(created.headers().firstValue("Location").orElseThrow(), source);

    byte[] notVideo = TestServer.randomBytes(100_000, 3);
    String refused = server.create(notVideo.length, "Upload-Metadata", mp4Metadata());
    assertThat(server.patch(refused, 0, Arrays.copyOf(notVideo, 50_000)).statusCode()).isEqualTo(415);
    assertThat(inProgress()).as("a failed upload's parts go").isEmpty();
  }

  @Test
  void partialUploadsConcatenateByCompose() throws Exception {
    byte[] source = mp4(2 * MiB + 77, 4);
    int cut = MiB + 3;
    String a = server.create(cut, "Upload-Concat", "partial");
    String b = server.create(source.length - cut, "Upload-Concat", "partial");
    assertThat(server.patch(b, 0, Arrays.copyOfRange(source, cut, source.length)).statusCode()).isEqualTo(204);
    assertThat(server.patch(a, 0, Arrays.copyOf(source, cut)).statusCode()).isEqualTo(204);
    HttpResponse<String> created = server.send(server.tus("/files/")
        .header("Upload-Concat", "final;" + URI.create(a).getPath() + " " + URI.create(b).getPath())
        .header("Upload-Metadata", mp4Metadata())
        .POST(BodyPublishers.noBody()).build());
    assertThat(created.statusCode()).isEqualTo(201);
    String location = created.headers().firstValue("Location").orElseThrow();
    HttpResponse<byte[]> got = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build());
    assertThat(got.statusCode()).isEqualTo(200);
    assertThat(TestServer.sha256(got.body())).isEqualTo(TestServer.sha256(source));
    assertThat(localUploadBytes()).isZero();
  }

  @Test
  void legacyChunksInAnyOrderAndOfAnySizeAreComposedInIndexOrder() throws Exception {
    byte[] source = mp4(50_000, 5);
    String id = JSON.readTree(post("/api/storage/init-chunked-upload",
        "{\"fileName\":\"a.mp4\",\"fileSize\":" + source.length + ",\"contentType\":\"video/mp4\",\"totalChunks\":3}").body())
        .get("uploadId").asText();
    int[][] chunks = {{2, 40_000, 50_000}, {0, 0, 20_000}, {1, 20_000, 40_000}, {2, 40_000, 50_000}};
    for (int[] chunk : chunks) {
      HttpResponse<String> stored = uploadChunk(id, chunk[0], Arrays.copyOfRange(source, chunk[1], chunk[2]));
      assertThat(stored.statusCode()).as(stored.body()).isEqualTo(200);
    }
    assertThat(localUploadBytes()).isZero();
    HttpResponse<String> done = post("/api/storage/complete-chunked-upload", "{\"uploadId\":\"" + id + "\"}");
    assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
    JsonNode completed = JSON.readTree(done.body());
    assertFinal(completed.get("url").asText(), source);
  }

  @Test
  void aDraftUploadsDigestCoversTheBytesAlreadyInParts() throws Exception {
    byte[] source = mp4(150 * 1024 + 9, 8);
    String digest = "Repr-Digest: sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(source)) + ":";
    byte[] other = source.clone();
    other[50_000] ^= 1; // in the part already stored: only reading it back tells the two apart
    String wrong = "Repr-Digest: sha-256=:" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(other)) + ":";
    for (boolean right : new boolean[] {false, true}) {
      RawHttp.Response created = RawHttp.last(RawHttp.exchange(server.uri("/files/"), "POST", new byte[0],
          ResumableUploadTest.V8, "Upload-Complete: ?0", "Upload-Length: " + source.length, "Upload-Metadata: " + mp4Metadata()));
      String location = created.header("Location");
      assertThat(ResumableUploadTest.append(location, 0, Arrays.copyOf(source, 100_000), false).status()).isEqualTo(204);
      RawHttp.Response last = RawHttp.last(RawHttp.exchange(URI.create(location), "PATCH", Arrays.copyOfRange(source, 100_000, source.length),
          ResumableUploadTest.V8, ResumableUploadTest.PARTIAL, "Upload-Offset: 100000", "Upload-Complete: ?1",
          right ? digest : wrong));
      if (right) {
        assertThat(last.status()).isEqualTo(204);
        assertFinal(location, source);
      } else {
        assertThat(last.status()).isEqualTo(400);
        assertThat(inProgress()).as("a failed upload's parts go").isEmpty();
      }
    }
  }

  @Test
  void terminationDeletesTheParts() throws Exception {
    byte[] source = mp4(300_000, 6);
    String location = server.create(source.length, "Upload-Metadata", mp4Metadata());
    assertThat(server.patch(location, 0, Arrays.copyOf(source, 100_000)).statusCode()).isEqualTo(204);
    assertThat(inProgress()).hasSize(1);
    assertThat(server.send(server.tus(location).DELETE().build()).statusCode()).isEqualTo(204);
    assertThat(inProgress()).isEmpty();
  }

  @Test
  void theCleanupDeletesPartsWhoseUploadIsGoneAndKeepsLiveOnes() throws Exception {
    String location = server.create(300_000, "Upload-Metadata", mp4Metadata());
    assertThat(server.patch(location, 0, mp4(100_000, 7)).statusCode()).isEqualTo(204);
    String gone = java.util.UUID.randomUUID().toString();
    gcs.client().create(com.google.cloud.storage.BlobInfo.newBuilder("videos", "xu/in-progress/" + gone + "/0000000000000000000-debris").build(), new byte[10]);
    server.close(); // the same node again, now sweeping every second
    server = TestServer.start(scratch.resolve("data"),
        "--storage.provider=gcs", "--storage.in-progress=gcs", "--gcs.bucket=videos", "--gcs.prefix=xu",
        "--gcs.endpoint=" + gcs.host(), "--cleanup.interval=1s");
    Poll.until("the debris is swept", () -> inProgress().stream().noneMatch(o -> o.getName().contains(gone)));
    String id = location.substring(location.lastIndexOf('/') + 1);
    assertThat(inProgress()).extracting(StorageObject::getName).anyMatch(name -> name.contains(id));
  }

  @Test
  void anExpiredUploadsPartsGoWithIt() throws Exception {
    MutableClock clock = new MutableClock();
    server.close(); // the same node on a clock the test moves
    server = TestServer.start(scratch.resolve("data"), clock,
        "--storage.provider=gcs", "--storage.in-progress=gcs", "--gcs.bucket=videos", "--gcs.prefix=xu",
        "--gcs.endpoint=" + gcs.host(), "--tus.expiration=1h", "--cleanup.interval=1s");
    String abandoned = server.create(300_000, "Upload-Metadata", mp4Metadata());
    assertThat(server.patch(abandoned, 0, mp4(100_000, 9)).statusCode()).isEqualTo(204);
    String id = abandoned.substring(abandoned.lastIndexOf('/') + 1);
    assertThat(inProgress()).extracting(StorageObject::getName).anyMatch(name -> name.contains(id));
    clock.advance(java.time.Duration.ofHours(2));
    Poll.until("the expired upload's parts are deleted", () -> inProgress().stream().noneMatch(o -> o.getName().contains(id)));
    assertThat(server.head(abandoned).statusCode()).isEqualTo(404);
  }

  private HttpResponse<String> post(String path, String json) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri(path)).header("Content-Type", "application/json").POST(BodyPublishers.ofString(json)).build());
  }

  private HttpResponse<String> uploadChunk(String id, int index, byte[] chunk) throws Exception {
    return server.send(
        HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
            .header("Content-Type", Multipart.contentType())
            .POST(new Multipart().field("uploadId", id).field("chunkIndex", Integer.toString(index)).file("chunk", chunk).publisher())
            .build());
  }
}
