package com.xeadline.uploads.tus.upload;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The bytes of uploads on local disk, one file per upload named by its id. Ids are UUIDs we
 * generated, so no client text ever reaches a path.
 */
public final class UploadFiles {
  private final Path dir;

  public UploadFiles(Path dir) throws IOException {
    this.dir = Files.createDirectories(dir);
  }

  public Path dir() {
    return dir;
  }

  public Path path(String id) {
    return dir.resolve(UUID.fromString(id) + ".bin");
  }

  /** Where a legacy chunk of another size than the upload's fixed one waits to be joined. */
  public Path chunkPath(String id, int index) throws IOException {
    return Files.createDirectories(chunkDir(id)).resolve(index + ".part");
  }

  public Path chunkDir(String id) {
    return dir.resolve(UUID.fromString(id) + ".chunks");
  }

  /** Removes the spilled chunks of an upload (after their join, or with the upload). */
  public void deleteChunks(String id) throws IOException {
    Path chunks = chunkDir(id);
    if (!Files.isDirectory(chunks)) {
      return;
    }
    try (var entries = Files.list(chunks)) {
      for (Path entry : entries.toList()) {
        Files.deleteIfExists(entry);
      }
    }
    Files.deleteIfExists(chunks);
  }

  public void create(String id) throws IOException {
    Files.createFile(path(id));
  }

  public boolean exists(String id) {
    return Files.exists(path(id));
  }

  public long size(String id) throws IOException {
    return Files.size(path(id));
  }

  public FileChannel openForWrite(String id) throws IOException {
    return FileChannel.open(path(id), StandardOpenOption.READ, StandardOpenOption.WRITE);
  }

  public FileChannel openForRead(String id) throws IOException {
    return FileChannel.open(path(id), StandardOpenOption.READ);
  }

  public InputStream openStream(String id) throws IOException {
    return Channels.newInputStream(openForRead(id));
  }

  /** Cuts the file back to {@code length} bytes, dropping bytes that were never acknowledged. */
  public void truncate(String id, long length, boolean fsync) throws IOException {
    try (FileChannel channel = openForWrite(id)) {
      channel.truncate(length);
      if (fsync) {
        channel.force(false);
      }
    }
  }

  public void delete(String id) throws IOException {
    deleteChunks(id);
    Files.deleteIfExists(path(id));
  }
}
