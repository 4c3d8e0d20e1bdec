package com.xeadline.uploads.gcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.cloud.storage.BlobId;
import com.google.cloud.storage.Storage;
import com.google.cloud.storage.contrib.nio.testing.LocalStorageHelper;
import com.xeadline.uploads.storage.StorageProvider;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The GCS provider through the real google-cloud-storage client on LocalStorageHelper, Google's
 * in-process fake of the storage RPC layer (no GCS-API server can run offline here).
 */
class GcsOnLocalHelperTest extends StorageProviderContract {
  private final Storage storage = LocalStorageHelper.getOptions().getService();

  @Override
  StorageProvider provider() {
    return new GcsStorageProvider(storage, "uploads-bucket", "/finals/");
  }

  @Test
  void setsContentTypeCacheControlAndOurMetadataUnderThePrefix() throws Exception {
    byte[] data = bytes(1000);
    provider().store("bob/1-a.mp4", new ByteArrayInputStream(data), data.length, "video/mp4",
        Map.of("upload-id", "u-1", "user-id", "bob", "original-name", "a.mp4"));
    var blob = storage.get(BlobId.of("uploads-bucket", "finals/bob/1-a.mp4"));
    assertThat(blob.getContentType()).isEqualTo("video/mp4");
    assertThat(blob.getCacheControl()).isEqualTo("private, max-age=0");
    assertThat(blob.getMetadata()).containsEntry("upload-id", "u-1").containsEntry("user-id", "bob").containsEntry("original-name", "a.mp4");
  }

  @Test
  void credentialsThatCannotSignGiveAClearError() {
    assertThatThrownBy(() -> provider().directUploadUrl("bob/1-a.mp4", "video/mp4", Duration.ofMinutes(15)))
        .isInstanceOf(UnsupportedOperationException.class)
        .hasMessageContaining("cannot sign");
  }
}
