package com.xeadline.uploads.server.auth;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;

/** A random secret kept in the data directory, readable by its owner only. */
public final class KeyFile {
  private KeyFile() {}

  /** The key in {@code file}; on first use 32 random bytes are written there with mode 600. */
  public static byte[] loadOrCreate(Path file) throws IOException {
    if (Files.exists(file)) {
      return Files.readAllBytes(file);
    }
    Files.createDirectories(file.getParent());
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    Path temp = Files.createTempFile(file.getParent(), "key", ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-------"));
    } catch (UnsupportedOperationException notPosix) {
      // a non-POSIX file system keeps its default permissions
    }
    Files.write(temp, key);
    try {
      // A hard link fails when the file exists, unlike a rename: when several nodes share the
      // data directory and start at once, the first key stays and the others read it.
      Files.createLink(file, temp);
      return key;
    } catch (java.nio.file.FileAlreadyExistsException anotherNodeWasFirst) {
      return Files.readAllBytes(file);
    } catch (UnsupportedOperationException noHardLinks) {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      return key;
    } finally {
      Files.deleteIfExists(temp);
    }
  }
}
