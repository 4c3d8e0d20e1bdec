package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.storage.UploadParts.Part;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Unfinished uploads as part objects, through the real client over HTTP against {@link FakeGcs}. */
class GcsUploadPartsTest {
  private static final String BUCKET = "uploads-bucket";
  private static final int MIB = 1024 * 1024;

  private FakeGcs gcs;
  private GcsStorageProvider provider;
  private GcsUploadParts parts;
  private final String uploadId = UUID.randomUUID().toString();

  @BeforeEach
  void start() throws Exception {
    gcs = FakeGcs.start();
    provider = new GcsStorageProvider(gcs.client(), BUCKET, "bucket-prefix");
    parts = new GcsUploadParts(provider);
  }

  @AfterEach
  void stop() {
    gcs.close();
  }

  private static byte[] bytes(int size, long seed) {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    return data;
  }

  /** Writes {@code data} as parts of the given sizes, the way successive PATCHes would. */
  private List<Part> writeAsParts(byte[] data, int... sizes) throws IOException {
    List<Part> written = new ArrayList<>();
    int at = 0;
    for (int size : sizes) {
      written.add(parts.write(uploadId, at, new ByteArrayInputStream(data, at, size), size));
      at += size;
    }
    assertThat(at).isEqualTo(data.length);
    return written;
  }

  @Test
  void fortyPartsComposeByteExactIntoTheFinalAndAreDeletedAfterwards() throws Exception {
    int[] sizes = new int[40];
    Arrays.fill(sizes, 64 * 1024);
    sizes[39] = 17;
    sizes[0] = 9 * MIB + 3;
    byte[] data = bytes(Arrays.stream(sizes).sum(), 1);
    List<Part> recorded = writeAsParts(data, sizes);
    var composed = parts.compose(recorded, "alice/1-clip.mp4", "video/mp4", Map.of("upload-id", uploadId));
    assertThat(composed.size()).isEqualTo(data.length);
    try (InputStream in = provider.openRange("alice/1-clip.mp4", 0, data.length)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    assertThat(gcs.objects().get(BUCKET, "bucket-prefix/alice/1-clip.mp4").orElseThrow().meta().getContentType()).isEqualTo("video/mp4");
    assertThat(gcs.routes().stream().filter("compose"::equals).count()).isEqualTo(3);
    parts.deleteAll(uploadId);
    assertThat(provider.list(GcsUploadParts.DIR)).isEmpty();
    assertThat(provider.list("alice/")).containsExactly("alice/1-clip.mp4");
  }

  @Test
  void aPartUpToEightMibIsTwoRequestsAndLargerOnesOneMorePerChunk() throws Exception {
    byte[] data = bytes(8 * MIB, 7);
    parts.write(uploadId, 0, new ByteArrayInputStream(data), data.length);
    assertThat(gcs.routes()).containsExactly("resumable-start", "resumable-chunk");
    byte[] larger = bytes(20 * MIB, 8);
    parts.write(uploadId, data.length, new ByteArrayInputStream(larger), larger.length);
    // 20 MiB through an 8.25 MiB buffer: three PUTs, the last one carrying the total.
    assertThat(gcs.routes()).hasSize(2 + 4);
  }

  @Test
  void partsOfOtherUploadsComposeIntoOnePartThatReadsAndComposesOn() throws Exception {
    byte[] a = bytes(300 * 1024 + 5, 7);
    byte[] b = bytes(40 * 1024, 8);
    String other = UUID.randomUUID().toString();
    Part first = parts.write(other, 0, new ByteArrayInputStream(a), a.length);
    Part second = parts.write(uploadId, 0, new ByteArrayInputStream(b), b.length);
    String joinedId = UUID.randomUUID().toString();
    Part joined = parts.composePart(joinedId, 0, List.of(first, second));
    assertThat(joined.start()).isZero();
    assertThat(joined.end()).isEqualTo(a.length + b.length);
    assertThat(joined.key()).startsWith(GcsUploadParts.DIR + joinedId + "/");
    byte[] both = new byte[a.length + b.length];
    System.arraycopy(a, 0, both, 0, a.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    try (InputStream in = parts.open(List.of(joined), 0, both.length)) {
      assertThat(in.readAllBytes()).isEqualTo(both);
    }
    assertThat(parts.compose(List.of(joined), "final.bin", null, Map.of()).size()).isEqualTo(both.length);
    assertThat(provider.list(GcsUploadParts.DIR + other + "/")).hasSize(1);
  }

  @Test
  void readsAcrossPartBoundaries() throws Exception {
    byte[] data = bytes(3000, 2);
    List<Part> recorded = writeAsParts(data, 1000, 1000, 1000);
    try (InputStream in = parts.open(recorded, 900, 1300)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 900, 2200));
    }
    assertThatThrownBy(() -> parts.open(recorded.subList(0, 2), 1500, 1000)).hasMessageContaining("do not cover");
  }

  @Test
  void anUnrecordedPartIsNeverComposedAndARecordedOneCannotBeReplaced() throws Exception {
    byte[] data = bytes(2000, 3);
    List<Part> recorded = writeAsParts(data, 1000, 1000);
    // A superseded writer finishes a part at the same offset after the other one was recorded.
    Part stale = parts.write(uploadId, 1000, new ByteArrayInputStream(bytes(1000, 99)), 1000);
    assertThat(stale.key()).isNotEqualTo(recorded.get(1).key());
    parts.compose(recorded, "alice/2-clip.mp4", "video/mp4", Map.of());
    try (InputStream in = provider.openRange("alice/2-clip.mp4", 0, data.length)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    // Pinned generations: a part object that changed since it was recorded is refused.
    Part changed = new Part(recorded.get(1).key(), 1000, 2000, recorded.get(1).generation() + 1);
    assertThatThrownBy(() -> parts.compose(List.of(recorded.get(0), changed), "alice/3-clip.mp4", "video/mp4", Map.of()))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(() -> parts.compose(List.of(recorded.get(1)), "alice/3-clip.mp4", "video/mp4", Map.of()))
        .hasMessageContaining("gap");
  }

  @Test
  void aComposeAnsweredTooLateIsRetriedAndRecognisedAsDone() throws Exception {
    byte[] data = bytes(3000, 6);
    List<Part> recorded = writeAsParts(data, 1000, 1000, 1000);
    // The compose is done, but its answer comes after the client's read timeout: the retry
    // finds the target there (412 on its does-not-exist condition), of the expected size.
    gcs.faults().on("compose").times(1).delay(java.time.Duration.ofMillis(2500));
    assertThat(parts.compose(recorded, "alice/4-clip.mp4", "video/mp4", Map.of()).size()).isEqualTo(3000);
    assertThat(gcs.routes().stream().filter("compose"::equals).count()).isEqualTo(2);
    try (InputStream in = provider.openRange("alice/4-clip.mp4", 0, data.length)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void aTransient503WhileWritingAPartIsRetried() throws Exception {
    gcs.faults().on("resumable-chunk").after(1).times(1).status(503);
    byte[] data = bytes(20 * MIB, 4);
    Part part = parts.write(uploadId, 0, new ByteArrayInputStream(data), data.length);
    try (InputStream in = parts.open(List.of(part), 0, data.length)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
  }

  @Test
  void aPermanentFailureOrAShortBodyLeavesNoPartToAcknowledge() throws Exception {
    gcs.faults().on("resumable-chunk").times(100).status(503);
    assertThatThrownBy(() -> parts.write(uploadId, 0, new ByteArrayInputStream(bytes(1000, 5)), 1000))
        .isInstanceOf(IOException.class);
    gcs.faults().clear();
    assertThatThrownBy(() -> parts.write(uploadId, 0, new ByteArrayInputStream(bytes(999, 5)), 1000))
        .hasMessageContaining("expected 1000 bytes");
    assertThat(provider.list(GcsUploadParts.DIR)).isEmpty();
  }
}
