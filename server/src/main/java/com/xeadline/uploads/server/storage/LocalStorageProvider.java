package com.xeadline.uploads.server.storage;

import com.xeadline.uploads.storage.ObjectKeys;
import com.xeadline.uploads.storage.StorageProvider;
import com.xeadline.uploads.storage.StoredObject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Optional;

/**
 * Finals on local disk under {@code <data>/finals/<key>}. A finished upload is moved there (a
 * rename on the same file system, so completing costs nothing per byte); keys are checked to be
 * our sanitised form before they become paths.
 */
public final class LocalStorageProvider implements StorageProvider {
  private final Path root;

  public LocalStorageProvider(Path root) throws IOException {
    this.root = Files.createDirectories(root).toRealPath();
  }

  @Override
  public String name() {
    return "local";
  }

  @Override
  public StoredObject store(String key, InputStream data, long length, String contentType, Map<String, String> metadata)
      throws IOException {
    Path target = path(key);
    Files.createDirectories(target.getParent());
    Path temp = Files.createTempFile(target.getParent(), ".incoming-", ".tmp");
    try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.WRITE)) {
      long copied = data.transferTo(out);
      if (copied != length) {
        throw new IOException("expected " + length + " bytes, got " + copied);
      }
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return stat(key).orElseThrow();
  }

  @Override
  public StoredObject storeFile(String key, Path file, String contentType, Map<String, String> metadata)
      throws IOException {
    Path target = path(key);
    Files.createDirectories(target.getParent());
    try {
      Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
    } catch (AtomicMoveNotSupportedException otherFileSystem) {
      try (InputStream in = Files.newInputStream(file)) {
        store(key, in, Files.size(file), contentType, metadata);
      }
      Files.delete(file);
    }
    return stat(key).orElseThrow();
  }

  @Override
  public void delete(String key) throws IOException {
    Files.deleteIfExists(path(key));
  }

  @Override
  public Optional<StoredObject> stat(String key) throws IOException {
    Path file = path(key);
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    return Optional.of(new StoredObject(key, Files.size(file), null, Files.getLastModifiedTime(file).toInstant()));
  }

  @Override
  public InputStream openRange(String key, long offset, long length) throws IOException {
    return FileRanges.open(path(key), offset, length);
  }

  @Override
  public Optional<Path> localPath(String key) throws IOException {
    Path file = path(key);
    return Files.exists(file) ? Optional.of(file) : Optional.empty();
  }

  private Path path(String key) throws IOException {
    if (!ObjectKeys.isSafe(key)) {
      throw new IOException("unsafe object key");
    }
    Path resolved = root.resolve(key).normalize();
    if (!resolved.startsWith(root)) {
      throw new IOException("object key leaves the storage directory");
    }
    return resolved;
  }
}
