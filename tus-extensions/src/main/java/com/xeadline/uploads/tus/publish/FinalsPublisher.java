package com.xeadline.uploads.tus.publish;

import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.storage.StoredObject;
import com.xeadline.uploads.tus.upload.InProgressParts;
import com.xeadline.uploads.tus.upload.CrashPoint;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.upload.UploadFinishedListener;
import com.xeadline.uploads.tus.upload.UploadTerminatedListener;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import me.desair.tus.server.upload.UploadType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands every finished upload (not the parts of a concatenation) to the configured provider and
 * records provider and key in its row. When the provider refuses for good, the upload is marked
 * failed with the reason; its local bytes stay, so publishing can be retried.
 *
 * <p>Publishing is recoverable at every step: the key is written to the row before the bytes
 * move, so after a crash {@link #repairPending} finds the bytes either still in the upload
 * directory (publish again under the same key) or already at the provider (record it).
 */
public final class FinalsPublisher implements UploadFinishedListener, UploadTerminatedListener {
  private static final Logger log = LoggerFactory.getLogger(FinalsPublisher.class);

  private final UploadService storage;
  private final StorageProviders providers;

  public FinalsPublisher(UploadService storage, StorageProviders providers) {
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
    for (UploadRow row : storage.publishRecords().findUnpublished()) {
      if (storage.bytes().holds(row.id(), row.length()) && publish(row, true)) {
        published++;
      }
    }
    return published;
  }

  /**
   * At start: finishes every publish a crash interrupted (row completed, no provider recorded).
   * Each upload is repaired under its write lock; one another node holds is left to that node.
   * Returns how many were repaired.
   */
  public int repairPending(UploadLocks locks) {
    int repaired = 0;
    for (UploadRow pending : storage.publishRecords().findPublishPending()) {
      try (UploadLocks.Lease lease = locks.acquire(pending.id(), Duration.ZERO, () -> {})) {
        Optional<UploadRow> current = storage.find(pending.id()).filter(r -> r.storageProvider() == null);
        if (current.isPresent() && repair(current.get())) {
          repaired++;
        }
      } catch (UploadAlreadyLockedException busy) {
        // being written or published right now
      } catch (IOException | RuntimeException e) {
        log.atError().addKeyValue("upload_id", pending.id()).setCause(e).log("upload.publish_repair_failed");
      }
    }
    return repaired;
  }

  private boolean repair(UploadRow row) throws IOException {
    if (storage.bytes().holds(row.id(), row.length())) {
      return publish(row, false); // the move never happened: do it now, under the recorded key if any
    }
    StorageProvider provider = providers.current();
    Optional<StoredObject> stored = row.storageKey() == null ? Optional.empty() : provider.stat(row.storageKey());
    if (stored.isPresent() && row.length() != null && stored.get().size() == row.length()) {
      storage.publishRecords().recordPublished(row.id(), provider.name(), row.storageKey());
      log.atInfo()
          .addKeyValue("upload_id", row.id())
          .addKeyValue("provider", provider.name())
          .addKeyValue("key", row.storageKey())
          .log("upload.publish_repaired");
      return true;
    }
    log.atError().addKeyValue("upload_id", row.id()).addKeyValue("key", row.storageKey()).log("upload.final_bytes_missing");
    return false;
  }

  private boolean publish(UploadRow row, boolean retry) {
    StorageProvider provider = providers.current();
    String key = row.storageKey();
    if (key == null) {
      key = ObjectKeys.forUpload(row.userId(), row.fileName(), row.id());
      storage.publishRecords().recordPublishIntent(row.id(), key);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    metadata.put("upload-id", row.id());
    metadata.put("user-id", row.userId() == null ? "" : row.userId());
    metadata.put("original-name", row.fileName() == null ? "" : row.fileName());
    long start = System.nanoTime();
    try {
      if (storage.bytes() instanceof InProgressParts parts) {
        parts.compose(row, key, row.contentType(), metadata); // the parts are in the provider's bucket
      } else {
        provider.storeFile(key, storage.files().path(row.id()), row.contentType(), metadata);
      }
      CrashPoint.reach("publish.stored");
      if (retry) {
        storage.publishRecords().markRepublished(row.id(), provider.name(), key, storage.clock().instant());
      } else {
        storage.publishRecords().recordPublished(row.id(), provider.name(), key);
      }
      storage.bytes().delete(row.id()); // one copy: a provider that streamed left the original

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
