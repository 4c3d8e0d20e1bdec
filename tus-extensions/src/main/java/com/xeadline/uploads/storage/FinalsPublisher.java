package com.xeadline.uploads.storage;

import com.xeadline.uploads.tus.SqlUploadStorage;
import com.xeadline.uploads.tus.UploadFinishedListener;
import com.xeadline.uploads.tus.UploadRow;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import me.desair.tus.server.upload.UploadType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every finished upload (not the parts of a concatenation) to the configured provider and
 * records provider and key in its row. When the provider refuses for good, the upload is marked
 * failed with the reason; its local bytes stay, so publishing can be retried.
 */
public final class FinalsPublisher implements UploadFinishedListener, SqlUploadStorage.TerminationListener {
  private static final Logger log = LoggerFactory.getLogger(FinalsPublisher.class);

  private final SqlUploadStorage storage;
  private final StorageProviders providers;

  public FinalsPublisher(SqlUploadStorage storage, StorageProviders providers) {
    this.storage = storage;
    this.providers = providers;
  }

  /** A terminated upload's published final goes too. */
  @Override
  public void terminated(UploadRow row) throws IOException {
    if (row.storageProvider() != null) {
      StorageProvider provider =
          providers.named(row.storageProvider()).orElseThrow(() -> new IOException("unknown storage provider " + row.storageProvider()));
      provider.delete(row.storageKey());
    }
  }

  @Override
  public void uploadFinished(UploadRow row) {
    if (UploadType.PARTIAL.name().equals(row.uploadType()) || row.storageProvider() != null) {
      return;
    }
    publish(row, false);
  }

  /** Tries again to store finals whose earlier attempt failed; returns how many made it. */
  public int retryFailed() {
    int published = 0;
    for (UploadRow row : storage.unpublished()) {
      if (storage.files().exists(row.id()) && publish(row, true)) {
        published++;
      }
    }
    return published;
  }

  private boolean publish(UploadRow row, boolean retry) {
    StorageProvider provider = providers.current();
    String key = row.storageKey() != null ? row.storageKey() : ObjectKeys.forUpload(row.userId(), row.fileName(), row.id());
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("upload-id", row.id());
    metadata.put("user-id", row.userId() == null ? "" : row.userId());
    metadata.put("original-name", row.fileName() == null ? "" : row.fileName());
    long start = System.nanoTime();
    try {
      provider.storeFile(key, storage.files().path(row.id()), row.contentType(), metadata);
      if (retry) {
        storage.recordRepublished(row.id(), provider.name(), key);
      } else {
        storage.recordPublished(row.id(), provider.name(), key);
      }
      storage.files().delete(row.id()); // one copy: a provider that streamed left the original

      log.atInfo()
          .addKeyValue("upload_id", row.id())
          .addKeyValue("provider", provider.name())
          .addKeyValue("key", key)
          .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
          .log("upload.published");
      return true;
    } catch (IOException | RuntimeException e) {
      log.atError().addKeyValue("upload_id", row.id()).setCause(e).log("upload.publish_failed");
      if (!retry) {
        storage.markFailedKeepingBytes(row.id(), "storing the final in " + provider.name() + " failed: " + e.getMessage());
      }
      return false;
    }
  }

}
