package com.xeadline.uploads.server;

import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.rows.NewUpload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Free space on every directory the server writes (data directory with the database, upload
 * directory, local finals). Below {@code server.min-free-space} on any of them, {@code /readyz}
 * fails and new uploads are refused with 507, so the room left goes to uploads already under
 * way.
 */
final class FreeSpace implements CreationGate {
  private final Map<String, Path> directories;
  private final long minFreeSpace;

  FreeSpace(Map<String, Path> directories, long minFreeSpace) {
    this.directories = new LinkedHashMap<>(directories);
    this.minFreeSpace = minFreeSpace;
  }

  /** Each directory's name and whether it has enough free space (an unreadable one has not). */
  Map<String, Boolean> check() {
    Map<String, Boolean> enough = new LinkedHashMap<>();
    directories.forEach((name, dir) -> enough.put(name, usable(dir) >= minFreeSpace));
    return enough;
  }

  @Override
  public void check(NewUpload request) throws Refused {
    List<String> low = check().entrySet().stream().filter(e -> !e.getValue()).map(Map.Entry::getKey).toList();
    if (!low.isEmpty()) {
      throw new Refused(507, "The server is low on disk space (" + String.join(", ", low) + "); new uploads are refused for now");
    }
  }

  private static long usable(Path dir) {
    try {
      Path existing = dir;
      while (existing != null && !Files.exists(existing)) {
        existing = existing.getParent();
      }
      // File's statvfs, not Files.getFileStore: that one reads the whole mount table (getmntent)
      // on every call, three times per creation.
      return existing == null ? 0 : existing.toFile().getUsableSpace();
    } catch (SecurityException e) {
      return 0;
    }
  }
}
