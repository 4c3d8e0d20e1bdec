package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.xeadline.uploads.storage.StorageProvider;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The GCS provider through the real google-cloud-storage client over HTTP, against {@link FakeGcs}:
 * the resumable-upload protocol, retries of injected faults, compose and metadata updates.
 */
class GcsOnFakeServerTest extends StorageProviderContract {
  private static final String BUCKET = "uploads-bucket";
  private static final int MIB = 1024 * 1024;

  private FakeGcs gcs;
  private Storage storage;
  private GcsStorageProvider provider;

  @BeforeEach
  void start() throws Exception {
    gcs = FakeGcs.start();
    storage = gcs.client();
    provider = new GcsStorageProvider(storage, BUCKET, "finals");
  }

  @AfterEach
  void stop() {
    gcs.close();
  }

  @Override
  StorageProvider provider() {
    return provider;
  }

  private byte[] storeAndRead(String key, byte[] data) throws Exception {
    provider.store(key, new ByteArrayInputStream(data), data.length, "video/mp4", Map.of("upload-id", "u1"));
    try (InputStream in = provider.openRange(key, 0, data.length)) {
      return in.readAllBytes();
    }
  }

  private long count(String route) {
    return gcs.routes().stream().filter(route::equals).count();
  }

  @Test
  void aLargeObjectGoesUpAsAResumableSessionOfChunksEachAnswered308() throws Exception {
    byte[] data = bytes(20 * MIB + 5);
    assertThat(storeAndRead("alice/1-big.mp4", data)).isEqualTo(data);
    assertThat(count("resumable-start")).isEqualTo(1);
    assertThat(count("resumable-chunk")).isEqualTo(3);
    var stored = gcs.objects().get(BUCKET, "finals/alice/1-big.mp4").orElseThrow();
    assertThat(stored.meta().getContentType()).isEqualTo("video/mp4");
    assertThat(stored.meta().getCacheControl()).isEqualTo("private, max-age=0");
    assertThat(stored.meta().getMetadata()).containsEntry("upload-id", "u1");
  }

  @Test
  void aTransient503InTheMiddleOfAResumableUploadIsRetried() throws Exception {
    gcs.faults().on("resumable-chunk").after(1).times(2).status(503);
    byte[] data = bytes(20 * MIB + 5);
    assertThat(storeAndRead("alice/2-retried.mp4", data)).isEqualTo(data);
    assertThat(count("resumable-chunk")).isGreaterThan(3);
  }

  @Test
  void aConnectionResetInTheMiddleOfAResumableUploadIsRetried() throws Exception {
    gcs.faults().on("resumable-chunk").after(1).times(1).reset();
    byte[] data = bytes(20 * MIB + 5);
    assertThat(storeAndRead("alice/3-reset.mp4", data)).isEqualTo(data);
    assertThat(count("resumable-chunk")).isGreaterThan(3);
  }

  @Test
  void aChunkStoredButAnsweredTooLateIsNotSentTwice() throws Exception {
    // The fake keeps the chunk, then answers after the client's read timeout: the client must
    // ask where the session stands (a PUT of "bytes */*") and go on from there.
    gcs.faults().on("resumable-chunk").after(1).times(1).delay(Duration.ofMillis(2500));
    byte[] data = bytes(20 * MIB + 5);
    assertThat(storeAndRead("alice/4-slow.mp4", data)).isEqualTo(data);
    assertThat(count("resumable-query")).isGreaterThanOrEqualTo(1);
    assertThat(count("resumable-chunk")).isEqualTo(3);
  }

  @Test
  void transientFailuresOfReadsAndStatsAreRetried() throws Exception {
    byte[] data = bytes(MIB);
    provider.store("alice/5-read.mp4", new ByteArrayInputStream(data), data.length, "video/mp4", Map.of());
    gcs.faults().on("get").times(2).status(503);
    gcs.faults().on("media").times(1).status(502);
    assertThat(provider.stat("alice/5-read.mp4")).get().extracting(s -> s.size()).isEqualTo((long) data.length);
    try (InputStream in = provider.openRange("alice/5-read.mp4", 100, 1000)) {
      assertThat(in.readAllBytes()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 1100));
    }
  }

  @Test
  void aPermanentFailureSurfacesAndStoresNothing() throws Exception {
    gcs.faults().on("resumable-chunk").after(1).times(100).status(503);
    byte[] data = bytes(20 * MIB);
    assertThatThrownBy(() -> provider.store("alice/6-never.mp4", new ByteArrayInputStream(data), data.length, "video/mp4", Map.of()))
        .isInstanceOf(java.io.IOException.class)
        .hasMessageContaining("GCS write of alice/6-never.mp4 failed");
    assertThat(gcs.objects().get(BUCKET, "finals/alice/6-never.mp4")).isEmpty();
    gcs.faults().clear();
    gcs.faults().on("get").times(100).status(403);
    assertThatThrownBy(() -> provider.stat("alice/6-never.mp4")).hasMessageContaining("GCS stat");
    assertThat(count("get")).as("403 is not retried").isEqualTo(1);
  }

  @Test
  void composeConcatenatesInOrderEvenBeyond32SourcesAndCleansUp() throws Exception {
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      byte[] part = bytes(1000 + i);
      String key = "alice/u1.parts/" + String.format("%06d", i);
      provider.store(key, new ByteArrayInputStream(part), part.length, "application/octet-stream", Map.of());
      parts.add(key);
      expected.write(part);
    }
    var composed = provider.compose(parts, "alice/7-joined.mp4", "video/mp4", Map.of("upload-id", "u1"));
    assertThat(composed.size()).isEqualTo(expected.size());
    try (InputStream in = provider.openRange("alice/7-joined.mp4", 0, expected.size())) {
      assertThat(in.readAllBytes()).isEqualTo(expected.toByteArray());
    }
    var stored = gcs.objects().get(BUCKET, "finals/alice/7-joined.mp4").orElseThrow();
    assertThat(stored.meta().getContentType()).isEqualTo("video/mp4");
    assertThat(stored.meta().getMetadata()).containsEntry("upload-id", "u1");
    assertThat(count("compose")).as("70 sources: 3 calls of <= 32, then one of those 3").isEqualTo(4);
    assertThat(provider.list("alice/7-joined.mp4")).containsExactly("alice/7-joined.mp4");
    assertThat(provider.list("alice/u1.parts/")).hasSize(70).isSorted();
  }

  @Test
  void composeNeverReplacesAnExistingObjectAndRetriesA503() throws Exception {
    for (String key : List.of("alice/a", "alice/b", "alice/10-taken.mp4")) {
      provider.store(key, new ByteArrayInputStream(bytes(10)), 10, "video/mp4", Map.of());
    }
    assertThatThrownBy(() -> provider.compose(List.of("alice/a", "alice/b"), "alice/10-taken.mp4", "video/mp4", Map.of()))
        .hasMessageContaining("already exists");
    assertThat(provider.stat("alice/10-taken.mp4")).get().extracting(s -> s.size()).isEqualTo(10L);
    gcs.faults().on("compose").times(1).status(503);
    assertThat(provider.compose(List.of("alice/a", "alice/b"), "alice/11-new.mp4", "video/mp4", Map.of()).size()).isEqualTo(20);
  }

  @Test
  void metadataUpdatesReachTheObject() throws Exception {
    byte[] data = bytes(100);
    provider.store("alice/8-meta.mp4", new ByteArrayInputStream(data), data.length, "video/mp4", Map.of("upload-id", "u1", "state", "partial"));
    Map<String, String> change = new HashMap<>();
    change.put("state", "final");
    change.put("upload-id", null);
    provider.updateMetadata("alice/8-meta.mp4", change);
    var stored = gcs.objects().get(BUCKET, "finals/alice/8-meta.mp4").orElseThrow();
    assertThat(stored.meta().getMetadata()).containsEntry("state", "final").doesNotContainKey("upload-id");
    assertThat(stored.meta().getMetageneration()).isEqualTo(2L);
    assertThat(gcs.routes()).contains("patch");
    assertThatThrownBy(() -> provider.updateMetadata("alice/missing.mp4", Map.of("a", "b"))).isInstanceOf(java.io.IOException.class);
  }

  @Test
  void theFactorysEndpointOptionReachesAnEmulatorWithoutCredentials() throws Exception {
    GcsStorageProvider configured = GcsStorageFactory.create(BUCKET, "emulated", null, gcs.host());
    byte[] data = bytes(1000);
    configured.store("alice/9-e.mp4", new ByteArrayInputStream(data), data.length, "video/mp4", Map.of());
    assertThat(gcs.objects().get(BUCKET, "emulated/alice/9-e.mp4")).isPresent();
  }

  @Test
  void smallInsertsListingPagesAndGenerationsWorkThroughTheClient() throws Exception {
    for (int i = 0; i < 5; i++) {
      storage.create(com.google.cloud.storage.BlobInfo.newBuilder(BUCKET, "raw/" + i).setContentType("text/plain").build(),
          ("object " + i).getBytes());
    }
    assertThat(gcs.routes()).contains("insert-multipart");
    List<String> names = new ArrayList<>();
    storage.list(BUCKET, Storage.BlobListOption.prefix("raw/"), Storage.BlobListOption.pageSize(2))
        .iterateAll().forEach(b -> names.add(b.getName()));
    assertThat(names).containsExactly("raw/0", "raw/1", "raw/2", "raw/3", "raw/4");
    var blob = storage.get(BlobId.of(BUCKET, "raw/3"));
    assertThat(storage.get(BlobId.of(BUCKET, "raw/3", blob.getGeneration()))).isNotNull();
    assertThat(storage.get(BlobId.of(BUCKET, "raw/3", blob.getGeneration() + 1))).isNull();
    assertThat(new String(storage.readAllBytes(BlobId.of(BUCKET, "raw/3")))).isEqualTo("object 3");
    assertThat(storage.get(BUCKET).getName()).isEqualTo(BUCKET);
    assertThat(storage.delete(BlobId.of(BUCKET, "raw/3"))).isTrue();
    assertThat(storage.delete(BlobId.of(BUCKET, "raw/3"))).isFalse();
  }
}
