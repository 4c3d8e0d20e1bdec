package com.xeadline.uploads.tus.repair;

import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.upload.Offsets;
import com.xeadline.uploads.tus.upload.UploadFiles;
import com.xeadline.uploads.tus.upload.UploadLocks;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Crash repair at start-up: after a crash the file may hold bytes the row never acknowledged (cut
 * them) or, with fsync off and a power loss, fewer bytes than the row says (lower the row). Run
 * before serving. An upload is only fixed under its write lock: on a cluster another node may be
 * writing it right now, and its bytes above the committed offset are not debris.
 */
public final class Reconciliation {
  private static final Logger log = LoggerFactory.getLogger(Reconciliation.class);

  private final UploadSessions sessions;
  private final UploadFiles files;
  private final Clock clock;
  private final boolean fsync;

  public Reconciliation(UploadSessions sessions, UploadFiles files, Clock clock, boolean fsync) {
    this.sessions = sessions;
    this.files = files;
    this.clock = clock;
    this.fsync = fsync;
  }

  /** Repairs every unfinished upload whose file and row disagree; returns how many it fixed. */
  public int run(UploadLocks locks) throws IOException {
    int fixed = 0;
    int busy = 0;
    for (UploadRow row : sessions.findUnfinished()) {
      if (row.isChunked() || (files.exists(row.id()) && files.size(row.id()) == row.offset())) {
        // Chunks sit at their places in a sparse file (their table says which are stored); a
        // file that matches its row needs nothing.
        continue;
      }
      try (UploadLocks.Lease lease = locks.acquire(row.id(), Duration.ZERO, () -> {})) {
        Optional<UploadRow> current = sessions.find(row.id()).filter(r -> !r.isFinished());
        if (current.isPresent() && repair(current.get())) {
          fixed++;
        }
      } catch (UploadAlreadyLockedException e) {
        busy++;
      }
    }
    log.atInfo().addKeyValue("uploads_fixed", fixed).addKeyValue("uploads_busy", busy).log("storage.reconciled");
    return fixed;
  }

  private boolean repair(UploadRow row) throws IOException {
    if (!files.exists(row.id())) {
      files.create(row.id());
    }
    long size = files.size(row.id());
    if (size > row.offset()) {
      files.truncate(row.id(), row.offset(), fsync);
      return true;
    }
    if (size < row.offset()) {
      Offsets.lowerToFileSize(sessions, clock, row, size);
      return true;
    }
    return false;
  }
}
