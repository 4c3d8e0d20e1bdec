package com.xeadline.uploads.server;

import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/** A storage provider whose every call waits until the test releases it ({@link #entered} says one came). */
final class GatedStorage implements StorageProvider {
  private final StorageProvider inner;
  final CountDownLatch entered = new CountDownLatch(1);
  private final CountDownLatch gate = new CountDownLatch(1);

  GatedStorage(StorageProvider inner) {
    this.inner = inner;
  }

  void release() {
    gate.countDown();
  }

  private void pass() throws IOException {
    entered.countDown();
    try {
      gate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  @Override
  public String name() {
    return inner.name();
  }

  @Override
  public StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
      throws IOException {
    pass();
    return inner.store(key, data, length, contentType, metadata);
  }

  @Override
  public StoredObject storeFile(String key, Path file, String contentType, Map<String, String> metadata) throws IOException {
    pass();
    return inner.storeFile(key, file, contentType, metadata);
  }

  @Override
  public void delete(String key) throws IOException {
    pass();
    inner.delete(key);
  }

  @Override
  public Optional<StoredObject> stat(String key) throws IOException {
    pass();
    return inner.stat(key);
  }

  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    pass();
    return inner.openRange(key, offset, length);
  }

  @Override
  public Optional<Path> localPath(String key) throws IOException {
    pass();
    return inner.localPath(key);
  }
}
