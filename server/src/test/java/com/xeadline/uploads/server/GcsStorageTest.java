package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.cloud.storage.Blob;
import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.xeadline.uploads.gcs.GcsStorageProvider;
import com.xeadline.uploads.server.storage.LocalStorageProvider;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Finals in GCS through the whole server (the real client on Google's in-process fake). */
class GcsStorageTest {
  @TempDir Path scratch;

  private final Storage storage = LocalStorageHelper.getOptions().getService();

  @Test
  void aFinishedUploadIsStreamedToTheBucketServedFromItAndDeletedWithIt() throws Exception {
    Path dataDir = scratch.resolve("data");
    StorageProviders providers =
        new StorageProviders(new GcsStorageProvider(storage, "videos", "xu"), List.of(new LocalStorageProvider(dataDir.resolve("finals"))));
    try (TestServer server = TestServer.start(dataDir, providers)) {
      byte[] source = TestServer.randomBytes(2 * 1024 * 1024 + 3, 40);
      String location = server.create(source.length, "Upload-Metadata", "filename Y2xpcC5tcDQ=,filetype dmlkZW8vbXA0");
      assertThat(server.patch(location, 0, source).statusCode()).isEqualTo(204);
      String id = location.substring(location.lastIndexOf('/') + 1);

      List<Blob> blobs = new ArrayList<>();
      storage.list("videos").iterateAll().forEach(blobs::add);
      Blob blob = blobs.stream().filter(b -> b.getName().endsWith("-clip.mp4")).findFirst().orElseThrow();
      assertThat(blob.getName()).startsWith("xu/anonymous/");
      assertThat(blob.getContentType()).isEqualTo("video/mp4");
      assertThat(blob.getMetadata()).containsEntry("upload-id", id).containsEntry("original-name", "clip.mp4");
      assertThat(Files.exists(PatchTestFiles.of(server, location))).isFalse();

      HttpResponse<byte[]> range = server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).header("Range", "bytes=1000-2999").build());
      assertThat(range.statusCode()).isEqualTo(206);
      assertThat(range.body()).isEqualTo(Arrays.copyOfRange(source, 1000, 3000));
      assertThat(TestServer.sha256(server.sendForBytes(HttpRequest.newBuilder(URI.create(location)).build()).body()))
          .isEqualTo(TestServer.sha256(source));

      assertThat(server.send(server.tus(location).DELETE().build()).statusCode()).isEqualTo(204);
      assertThat(storage.get(BlobId.of("videos", blob.getName()))).isNull();
    }
  }

  @Test
  void aPermanentStorageFailureMarksTheUploadFailedAndKeepsItsBytes() throws Exception {
    Path dataDir = scratch.resolve("data");
    StorageProvider refusing = new RefusingProvider();
    try (TestServer server = TestServer.start(dataDir, new StorageProviders(refusing, List.of()))) {
      byte[] source = TestServer.randomBytes(1000, 41);
      String location = server.create(source.length, "Upload-Metadata", "filename YS5tcDQ=,filetype dmlkZW8vbXA0");
      server.patch(location, 0, source);
      String id = location.substring(location.lastIndexOf('/') + 1);
      String status = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body();
      assertThat(new ObjectMapper().readTree(status).get("status").asText()).isEqualTo("failed");
      assertThat(Files.readAllBytes(PatchTestFiles.of(server, location))).isEqualTo(source);
    }
  }

  @Test
  void theDirectUploadUrlIsAV4SignedPutAndTheUploadCompletesWhenTheObjectArrives() throws Exception {
    java.security.KeyPairGenerator generator = java.security.KeyPairGenerator.getInstance("RSA");
    generator.initialize(2048);
    com.google.auth.oauth2.ServiceAccountCredentials signer =
        com.google.auth.oauth2.ServiceAccountCredentials.newBuilder()
            .setClientEmail("uploads@test-project.iam.gserviceaccount.com")
            .setPrivateKey(generator.generateKeyPair().getPrivate())
            .setPrivateKeyId("k")
            .setProjectId("test-project")
            .build();
    GcsStorageProvider signing =
        new GcsStorageProvider(
            com.google.cloud.storage.StorageOptions.newBuilder().setCredentials(signer).setProjectId("test-project").build().getService(),
            "videos",
            "xu");
    GcsStorageProvider fake = new GcsStorageProvider(storage, "videos", "xu");
    // Signs with the service-account key (offline), stores in the in-process fake.
    StorageProvider gcs =
        new StorageProvider() {
          public String name() { return "gcs"; }
          public StoredObject store(String k, InputStream d, long l, String t, Map<String, String> m) throws IOException { return fake.store(k, d, l, t, m); }
          public void delete(String k) throws IOException { fake.delete(k); }
          public Optional<StoredObject> stat(String k) throws IOException { return fake.stat(k); }
          public InputStream openRange(String k, long o, long l) throws IOException { return fake.openRange(k, o, l); }
          public URI directUploadUrl(String k, String t, java.time.Duration v) throws IOException { return signing.directUploadUrl(k, t, v); }
        };
    Path dataDir = scratch.resolve("data");
    try (TestServer server = TestServer.start(dataDir, new StorageProviders(gcs, List.of()))) {
      var answer = new ObjectMapper().readTree(server.send(HttpRequest.newBuilder(
          server.uri("/api/storage/get-direct-upload-url?fileName=clip.mp4&contentType=video/mp4")).build()).body());
      URI uploadUrl = URI.create(answer.get("uploadUrl").asText());
      assertThat(uploadUrl.getHost()).isEqualTo("storage.googleapis.com");
      assertThat(uploadUrl.getRawQuery()).contains("X-Goog-Algorithm=GOOG4-RSA-SHA256").contains("X-Goog-Expires=900");
      String objectName = uploadUrl.getRawPath().substring("/videos/".length());
      String id = answer.get("url").asText().substring(answer.get("url").asText().lastIndexOf('/') + 1);

      String status = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body();
      assertThat(new ObjectMapper().readTree(status).get("status").asText()).isEqualTo("initialized");
      // The client's PUT to the signed URL, played against the fake bucket.
      byte[] source = TestServer.randomBytes(4096, 42);
      storage.create(com.google.cloud.storage.BlobInfo.newBuilder("videos", objectName).setContentType("video/mp4").build(), source);
      status = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id)).build()).body();
      assertThat(new ObjectMapper().readTree(status).get("status").asText()).isEqualTo("completed");
      assertThat(new ObjectMapper().readTree(status).get("fileSize").asLong()).isEqualTo(4096);
      assertThat(server.sendForBytes(HttpRequest.newBuilder(server.uri("/files/" + id)).build()).body()).isEqualTo(source);
    }
  }

  @Test
  void credentialsThatCannotSignAreAClearErrorAndCreateNothing() throws Exception {
    Path dataDir = scratch.resolve("data");
    StorageProviders providers = new StorageProviders(new GcsStorageProvider(storage, "videos", "xu"), List.of());
    try (TestServer server = TestServer.start(dataDir, providers)) {
      HttpResponse<String> answer = server.send(HttpRequest.newBuilder(
          server.uri("/api/storage/get-direct-upload-url?fileName=clip.mp4&contentType=video/mp4")).build());
      assertThat(answer.statusCode()).isEqualTo(501);
      assertThat(answer.body()).contains("cannot sign");
    }
  }

  /** A provider whose store always fails for good, as a bucket without permission would. */
  private static final class RefusingProvider implements StorageProvider {
    @Override
    public String name() {
      return "refusing";
    }

    @Override
    public StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
        throws IOException {
      throw new IOException("403 Forbidden: no storage.objects.create permission");
    }

    @Override
    public void delete(String key) {}

    @Override
    public Optional<StoredObject> stat(String key) {
      return Optional.empty();
    }

    @Override
    public InputStream openRange(String key, long offset, long length) throws IOException {
      throw new IOException("nothing stored");
    }
  }
}
