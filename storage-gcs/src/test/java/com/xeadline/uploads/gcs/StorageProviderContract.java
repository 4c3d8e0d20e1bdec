package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StoredObject;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What every StorageProvider must do; subclasses supply the provider. */
abstract class StorageProviderContract {
  abstract StorageProvider provider() throws Exception;

  static byte[] bytes(int size) {
    byte[] data = new byte[size];
    new Random(size).nextBytes(data);
    return data;
  }

  @Test
  void storesStatsReadsRangesAndDeletes() throws Exception {
    StorageProvider provider = provider();
    byte[] data = bytes(3 * 1024 * 1024 + 17);
    String key = "alice/" + System.nanoTime() + "-clip.mp4";
    StoredObject stored =
        provider.store(key, new ByteArrayInputStream(data), data.length, "video/mp4", Map.of("upload-id", "u1"));
    assertThat(stored.size()).isEqualTo(data.length);
    assertThat(provider.stat(key)).get().extracting(StoredObject::size).isEqualTo((long) data.length);
    try (InputStream in = provider.openRange(key, 1000, 5000)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 1000, 6000));
    }
    try (InputStream in = provider.openRange(key, 0, data.length)) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    provider.delete(key);
    assertThat(provider.stat(key)).isEmpty();
  }

  @Test
  void refusesAStreamShorterThanDeclared() throws Exception {
    StorageProvider provider = provider();
    assertThatThrownBy(() -> provider.store("alice/short.mp4", new ByteArrayInputStream(new byte[10]), 11, "video/mp4", Map.of()))
        .hasMessageContaining("expected 11 bytes");
  }

  @Test
  void refusesUnsafeKeys() throws Exception {
    StorageProvider provider = provider();
    assertThatThrownBy(() -> provider.stat("../escape")).hasMessageContaining("unsafe");
  }
}
