package com.xeadline.uploads.server;

import java.nio.file.Path;

/** Where the server keeps an upload's bytes, for tests that look at the disk. */
final class PatchTestFiles {
  private PatchTestFiles() {}

  static Path of(TestServer server, String location) {
    String id = location.substring(location.lastIndexOf('/') + 1);
    return server.dataDir.resolve("uploads").resolve(id + ".bin");
  }
}
