package com.xeadline.uploads.server.jobs;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's working directory: its temp files go whatever the outcome. */
public final class JobDirs {
  private static final Logger log = LoggerFactory.getLogger(JobDirs.class);

  private JobDirs() {}

  public static void deleteTree(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      log.atWarn().addKeyValue("dir", dir.toString()).setCause(e).log("job.temp_cleanup_failed");
    }
  }
}
