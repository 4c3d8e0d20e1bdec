package com.xeadline.uploads.tus.repair;

import com.xeadline.uploads.tus.rows.SweepBatches;
import com.xeadline.uploads.tus.rows.UploadRow;
import com.xeadline.uploads.tus.rows.UploadSessions;
import com.xeadline.uploads.tus.upload.UploadBytes;
import com.xeadline.uploads.tus.upload.UploadLocks;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Removes uploads nobody will finish or reuse (row and bytes), a batch at a time, skipping any
 * upload being written right now.
 */
public final class ExpirySweep {
  private static final Logger log = LoggerFactory.getLogger(ExpirySweep.class);
  private static final int BATCH = 500;

  private final UploadSessions sessions;
  private final SweepBatches batches;
  private final UploadBytes files;
  private final Clock clock;
  private final Duration expiration;

  public ExpirySweep(UploadSessions sessions, UploadBytes files, Clock clock, Duration expiration) {
    this.sessions = sessions;
    this.batches = new SweepBatches(sessions);
    this.files = files;
    this.clock = clock;
    this.expiration = expiration;
  }

  /** Removes unfinished uploads idle past their expiry (row, chunk rows, bytes). Returns how many went. */
  public int removeExpired(UploadLocks locks) throws IOException {
    int removed = 0;
    String after = "";
    Instant now = clock.instant();
    for (List<UploadRow> batch; !(batch = batches.findExpired(now, after, BATCH)).isEmpty(); ) {
      for (UploadRow row : batch) {
        after = row.id();
        if (locks.isLocked(row.id())) {
          continue;
        }
        delete(row.id());
        removed++;
        log.atInfo().addKeyValue("upload_id", row.id()).log("upload.expired_removed");
      }
    }
    return removed;
  }

  /**
   * Removes finished partial uploads (the parts of parallel uploads) once they are older than the
   * expiry and no unfinished final still waits for them: their bytes live on in the final's file,
   * and until then a client may still reuse them in another concatenation, as tus allows. Returns
   * how many went.
   */
  public int removeSpentPartials(UploadLocks locks) throws IOException {
    int removed = 0;
    String after = "";
    Instant before = clock.instant().minus(expiration);
    for (List<UploadRow> batch; !(batch = batches.findFinishedPartials(before, after, BATCH)).isEmpty(); ) {
      for (UploadRow part : batch) {
        after = part.id();
        if (locks.isLocked(part.id()) || !sessions.findFinalsWaitingFor(part.id(), part.userId()).isEmpty()) {
          continue;
        }
        delete(part.id());
        removed++;
        log.atInfo().addKeyValue("upload_id", part.id()).log("upload.spent_partial_removed");
      }
    }
    return removed;
  }

  private void delete(String id) throws IOException {
    sessions.delete(id);
    files.delete(id);
  }
}
