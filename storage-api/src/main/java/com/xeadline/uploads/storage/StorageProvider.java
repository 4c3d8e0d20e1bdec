package com.xeadline.uploads.storage;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * Where finished uploads live: local disk by default, Google Cloud Storage in {@code storage-gcs}.
 * Keys are ours ({@code user/<millis>-<random>-<name>}, sanitised); nothing here takes a byte array.
 */
public interface StorageProvider {
  /** Recorded in each upload's row, so a later change of provider still finds old files. */
  String name();

  /** Stores {@code length} bytes from {@code data} under {@code key}. */
  StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
      throws IOException;

  /**
   * Stores a finished upload's file. By default streams it; a provider on the same file system
   * moves it instead.
   */
  default StoredObject storeFile(String key, Path file, String contentType, Map<String, String> metadata)
      throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return store(key, in, Files.size(file), contentType, metadata);
    }
  }

  void delete(String key) throws IOException;

  Optional<StoredObject> stat(String key) throws IOException;

  /** {@code length} bytes from {@code offset}. */
  InputStream openRange(String key, long offset, long length) throws IOException;

  /** A URL a client can PUT the object to directly, valid for {@code validity}. */
  default URI directUploadUrl(String key, String contentType, Duration validity) throws IOException {
    throw new UnsupportedOperationException(name() + " storage has no direct-upload URLs");
  }

  /** The object as a file on this machine, when the provider keeps it as one (local disk). */
  default Optional<Path> localPath(String key) throws IOException {
    return Optional.empty();
  }

  /**
   * The same store holding the bytes of unfinished uploads as part objects
   * (storage.in-progress=gcs), when it can; a final is then composed from them in place.
   */
  default Optional<UploadParts> uploadParts() {
    return Optional.empty();
  }
}
