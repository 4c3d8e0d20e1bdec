package com.xeadline.uploads.server.video;

import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * A finished upload's bytes, wherever they are: as a local file for ffmpeg (the file itself when
 * it is on this disk, else a temporary copy fetched from the provider into the job's directory),
 * or removed.
 */
final class FinalFiles {
  private final UploadFiles uploads;
  private final StorageProviders providers;

  FinalFiles(UploadFiles uploads, StorageProviders providers) {
    this.uploads = uploads;
    this.providers = providers;
  }

  Path localCopy(UploadRow row, Path workDir) throws IOException {
    if (row.storageProvider() == null) {
      if (!uploads.exists(row.id())) {
        throw new IOException("the upload's bytes are gone");
      }
      return uploads.path(row.id());
    }
    StorageProvider provider =
        providers.named(row.storageProvider()).orElseThrow(() -> new IOException("unknown storage provider " + row.storageProvider()));
    Optional<Path> local = provider.localPath(row.storageKey());
    if (local.isPresent()) {
      return local.get();
    }
    long size = provider.stat(row.storageKey()).orElseThrow(() -> new IOException("the stored final is gone")).size();
    Files.createDirectories(workDir);
    Path copy = workDir.resolve("input");
    try (InputStream in = provider.openRange(row.storageKey(), 0, size)) {
      Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
    }
    return copy;
  }

  /** Removes the finished upload's bytes: its local file, and its object at its provider. */
  void delete(UploadRow row) throws IOException {
    uploads.delete(row.id());
    if (row.storageProvider() != null) {
      StorageProvider provider =
          providers.named(row.storageProvider()).orElseThrow(() -> new IOException("unknown storage provider " + row.storageProvider()));
      provider.delete(row.storageKey());
    }
  }
}
