package com.xeadline.uploads.server.jobs;

import com.xeadline.uploads.storage.StorageProviders;
import com.xeadline.uploads.tus.upload.InProgressParts;
import com.xeadline.uploads.tus.repair.ExpirySweep;
import com.xeadline.uploads.tus.upload.UploadService;
import com.xeadline.uploads.tus.upload.UploadLocks;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.rows.UploadStatus;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduled sweep: abandoned uploads (unfinished, idle past the expiry) go with their bytes;
 * upload files without a row, stale scratch files and stale job directories go; rows whose bytes
 * are gone are marked failed; the parts of parallel uploads go once the expiry has passed and no
 * unfinished final needs them (their bytes are in the final). Everything in batches, never all
 * rows or files in memory at once. Completed uploads and uploads being written are never touched.
 */
public final class CleanupJob {
  private static final Logger log = LoggerFactory.getLogger(CleanupJob.class);
  /** Its kind in the jobs table, one job per period (the payload), not tied to an upload. */
  public static final String KIND = "cleanup";
  public static final String NO_UPLOAD = "-";
  private static final int BATCH = 500;
  private static final Duration SETTLING = Duration.ofMinutes(1);

  /** What one run did. */
  public record Result(int expired, int spentPartials, int orphanFiles, int scratchFiles, int missingBytes, int jobDirs) {}

  private final UploadService storage;
  private final ExpirySweep expiry;
  private final JobQueue jobs;
  private final UploadSessions sessions;
  private final UploadLocks locks;
  private final StorageProviders providers;
  private final Path jobsDir;
  private final Clock clock;
  private final Duration expiration;
  private final MeterRegistry metrics;

  public CleanupJob(
      UploadService storage,
      ExpirySweep expiry,
      JobQueue jobs,
      UploadSessions sessions,
      UploadLocks locks,
      StorageProviders providers,
      Path jobsDir,
      Clock clock,
      Duration expiration,
      MeterRegistry metrics) {
    this.storage = storage;
    this.expiry = expiry;
    this.jobs = jobs;
    this.sessions = sessions;
    this.locks = locks;
    this.providers = providers;
    this.jobsDir = jobsDir;
    this.clock = clock;
    this.expiration = expiration;
    this.metrics = metrics;
  }

  /** Old cleanup jobs: their rows only record that a period was swept. */
  private static final Duration KEEP_RUNS = Duration.ofDays(2);

  public Result run() throws IOException {
    long start = System.nanoTime();
    Instant staleBefore = clock.instant().minus(expiration);
    int expired = expiry.removeExpired(locks);
    int partials = expiry.removeSpentPartials(locks);
    int[] files = sweepUploadDir(staleBefore);
    if (storage.bytes() instanceof InProgressParts parts) {
      files[0] += parts.sweepOrphans(sessions::existing); // part objects in the bucket with no row
    }
    int missing = markRowsWithoutBytes();
    int jobDirs = sweepJobDirs(staleBefore);
    jobs.deleteFinished(KIND, clock.instant().minus(KEEP_RUNS));
    Result result = new Result(expired, partials, files[0], files[1], missing, jobDirs);
    count("expired_upload", expired);
    count("spent_partial", partials);
    count("orphan_file", files[0]);
    count("scratch_file", files[1]);
    count("row_without_bytes", missing);
    count("job_dir", jobDirs);
    log.atInfo()
        .addKeyValue("expired_uploads", expired)
        .addKeyValue("spent_partials", partials)
        .addKeyValue("orphan_files", files[0])
        .addKeyValue("scratch_files", files[1])
        .addKeyValue("rows_without_bytes", missing)
        .addKeyValue("job_dirs", jobDirs)
        .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000)
        .log("cleanup.done");
    return result;
  }

  private void count(String what, int n) {
    metrics.counter("cleanup_removed_total", "what", what).increment(n);
  }

  /**
   * Upload files ({@code <id>.bin}) with no row, and scratch files (chunk spills, partial moves),
   * once they are older than the expiry: a file that new is perhaps a creation in flight.
   */
  private int[] sweepUploadDir(Instant staleBefore) throws IOException {
    int orphans = 0;
    int scratch = 0;
    Map<String, Path> candidates = new HashMap<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(storage.files().dir())) {
      for (Path file : dir) {
        if (!Files.isRegularFile(file) || !olderThan(file, staleBefore)) {
          continue;
        }
        String name = file.getFileName().toString();
        if (name.endsWith(".bin")) {
          candidates.put(name.substring(0, name.length() - 4), file);
          if (candidates.size() >= BATCH) {
            orphans += deleteOrphans(candidates);
          }
        } else if (Files.deleteIfExists(file)) {
          scratch++;
          log.atInfo().addKeyValue("file", name).log("cleanup.scratch_file_removed");
        }
      }
    }
    orphans += deleteOrphans(candidates);
    return new int[] {orphans, scratch};
  }

  private int deleteOrphans(Map<String, Path> candidates) throws IOException {
    Set<String> known = sessions.existing(candidates.keySet());
    int deleted = 0;
    for (Map.Entry<String, Path> entry : candidates.entrySet()) {
      if (!known.contains(entry.getKey()) && Files.deleteIfExists(entry.getValue())) {
        deleted++;
        log.atInfo().addKeyValue("upload_id", entry.getKey()).log("cleanup.orphan_file_removed");
      }
    }
    candidates.clear();
    return deleted;
  }

  /**
   * Unfinished rows whose upload file is gone, and completed rows whose final on local disk is
   * gone, are marked failed: a client then gets a clear answer instead of a broken resume.
   */
  private int markRowsWithoutBytes() throws IOException {
    int marked = 0;
    String after = "";
    for (List<UploadRow> batch;
        !(batch = sessions.findByStatus(List.of("initialized", "in-progress", "completed"), after, BATCH)).isEmpty(); ) {
      for (UploadRow row : batch) {
        after = row.id();
        if (locks.isLocked(row.id()) || !bytesMissing(row)) {
          continue;
        }
        String reason = row.isFinished() ? "the stored file is gone" : "the upload's bytes are gone";
        storage.markFailedKeepingBytes(row.id(), reason);
        marked++;
        log.atWarn().addKeyValue("upload_id", row.id()).addKeyValue("reason", reason).log("cleanup.row_without_bytes");
      }
    }
    return marked;
  }

  private boolean bytesMissing(UploadRow row) throws IOException {
    if (row.storageProvider() != null) {
      // Only local finals are checked: asking a remote store about every object costs too much.
      if (!"local".equals(row.storageProvider()) || !row.isFinished()) {
        return false;
      }
      return providers.named("local").isPresent() && providers.named("local").get().stat(row.storageKey()).isEmpty();
    }
    if ("CONCATENATED".equals(row.uploadType())) {
      return false; // its bytes appear when the parts are joined
    }
    // A finished upload not yet handed to a provider, or an unfinished one, lives in the upload
    // dir. A row touched within the last minute may be mid-creation or mid-publish: left alone.
    return row.lastActivityAt().isBefore(clock.instant().minus(SETTLING))
        && !storage.bytes().holds(row.id(), 0)
        && sessions.find(row.id()).map(r -> r.storageProvider() == null && r.status() != UploadStatus.FAILED).orElse(false);
  }

  /** Directories of jobs that died with their process (a finished job removes its own). */
  private int sweepJobDirs(Instant staleBefore) throws IOException {
    if (!Files.isDirectory(jobsDir)) {
      return 0;
    }
    List<Path> stale = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(jobsDir)) {
      for (Path entry : dir) {
        if (olderThan(entry, staleBefore)) {
          stale.add(entry);
        }
      }
    }
    for (Path entry : stale) {
      JobDirs.deleteTree(entry);
    }
    return stale.size();
  }

  private static boolean olderThan(Path file, Instant instant) {
    try {
      return Files.getLastModifiedTime(file).toInstant().isBefore(instant);
    } catch (IOException e) {
      return false; // gone meanwhile
    }
  }
}
