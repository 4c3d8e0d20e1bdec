package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.io.InputStream;
import me.desair.tus.server.exception.TusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable append loop: writes one request body into an {@link AppendTarget} at the row's
 * committed offset and raises the offset only after the bytes below it are written (and forced
 * to disk when fsync is on), every {@code checkpointBytes} and at the end.
 *
 * <p>A refused body (too large, checksum or content mismatch) keeps none of its bytes; a broken
 * one keeps what was committed, unless a {@link BodyCheck} is pending; bytes above the committed
 * offset are cut before the next write, so nothing unacknowledged survives into the file.
 */
final class BodyWriter {
  private static final Logger log = LoggerFactory.getLogger(BodyWriter.class);

  private final Offsets offsets;
  private final boolean fsync;
  private final long checkpointBytes;
  private final int bufferSize;

  /** Looks at the bytes once the upload's head is complete (the content-type check). */
  @FunctionalInterface
  interface HeadCheck {
    HeadCheck NONE = (row, target, before, after) -> {};

    void check(UploadRow row, AppendTarget target, long before, long after) throws IOException, TusException;
  }

  BodyWriter(Offsets offsets, boolean fsync, long checkpointBytes, int bufferSize) {
    this.offsets = offsets;
    this.fsync = fsync;
    this.checkpointBytes = checkpointBytes;
    this.bufferSize = bufferSize;
  }

  /** The buffer a target needs for a body of at most {@code limit} bytes. */
  int bufferLength(long limit) {
    return (int) Math.min(bufferSize, Math.max(limit, 1));
  }

  /**
   * Appends {@code body} (at most {@code limit} bytes) at {@code row}'s offset and returns how
   * many bytes it appended. 413 when the body is longer than the limit, 409 when the target holds
   * fewer bytes than the row acknowledged (the row is lowered first) or the row moved under us.
   */
  long append(UploadRow row, long limit, AppendTarget target, InputStream body, BodyCheck check, HeadCheck head)
      throws IOException, TusException {
    long start = row.offset();
    long size = target.size();
    if (size < start) {
      // Acknowledged bytes are gone (fsync off and a power loss, or a disk restored from an
      // older copy): writing at the offset would leave a hole. The row goes back to what the
      // file holds and the client, told 409, asks HEAD and resends from there.
      offsets.lowerToFileSize(row, size);
      throw TusError.BYTES_MISSING.exception(size);
    }
    if (size > start) {
      target.truncate(start);
    }
    target.seek(start);
    Append append = new Append(row, limit, target, check);
    try {
      append.copy(body);
      head.check(row, target, start, start + append.written);
      append.commit();
      append.refused = false;
    } catch (Superseded e) {
      append.superseded = true;
      throw e;
    } catch (IOException broken) {
      append.refused = false;
      throw append.broken(broken);
    } finally {
      append.cutUncommitted();
    }
    return append.written;
  }

  /** One request's append: what is written, what is committed, and how it ended. */
  private final class Append {
    private final UploadRow row;
    private final long start;
    private final long limit;
    private final AppendTarget target;
    private final BodyCheck check;
    private long committed;
    private long written;
    private boolean refused = true;
    private boolean superseded;

    Append(UploadRow row, long limit, AppendTarget target, BodyCheck check) {
      this.row = row;
      this.start = row.offset();
      this.committed = start;
      this.limit = limit;
      this.target = target;
      this.check = check;
    }

    void copy(InputStream body) throws IOException, TusException {
      byte[] buffer = new byte[bufferLength(limit)];
      long sinceCheckpoint = 0;
      while (true) {
        // One byte past the limit is asked for, to tell an exact body from an oversized one.
        int n = body.read(buffer, 0, (int) Math.min(buffer.length, Math.max(limit - written, 1)));
        if (n < 0) {
          break;
        }
        if (written + n > limit) {
          throw (row.length() != null ? TusError.BODY_TOO_LARGE : TusError.BODY_PAST_DEFERRED_CAP).exception();
        }
        try {
          target.write(buffer, n);
        } catch (IOException e) {
          throw new StorageFailure(e);
        }
        written += n;
        sinceCheckpoint += n;
        if (!check.pending() && sinceCheckpoint >= checkpointBytes) {
          commit();
          sinceCheckpoint = 0;
        }
      }
      check.verify();
    }

    /** Makes the bytes written so far durable, then moves the row's offset to them. */
    void commit() throws IOException, Superseded {
      if (fsync) {
        try {
          target.force();
        } catch (IOException e) {
          throw new StorageFailure(e);
        }
      }
      long offset = start + written;
      if (!target.commit(offsets, row, committed, offset)) {
        log.atWarn()
            .addKeyValue("upload_id", row.id())
            .addKeyValue("expected_offset", committed)
            .log("upload.writer_superseded");
        throw new Superseded(row.id());
      }
      committed = offset;
    }

    /** The body broke off: what arrived is committed if it can be, and the failure says where it ends. */
    IOException broken(IOException broken) throws IOException, Superseded {
      if (!check.pending() && start + written > committed) {
        try {
          commit();
        } catch (Superseded e) {
          superseded = true;
          throw e;
        } catch (StorageFailure notCommitted) {
          // the disk refuses even the sync: the offset stays at the last commit
          broken = broken instanceof StorageFailure ? broken : notCommitted;
        }
      }
      log.atInfo()
          .addKeyValue("upload_id", row.id())
          .addKeyValue("offset", committed)
          .addKeyValue("reason", String.valueOf(broken.getMessage()))
          .addKeyValue("side", broken instanceof StorageFailure ? "server" : "client")
          .log("upload.body_interrupted");
      return broken instanceof StorageFailure failure ? failure.at(committed) : broken;
    }

    /**
     * A refused body keeps none of its bytes, checkpointed or not; a broken one keeps what was
     * committed. A superseded writer touches nothing more: the file and the row are the new
     * writer's.
     */
    void cutUncommitted() throws IOException {
      long keep = refused ? start : committed;
      if (!superseded && target.size() > keep) {
        target.truncate(keep);
      }
      if (!superseded && keep < committed) {
        offsets.advance(row, committed, keep);
      }
    }
  }

  /**
   * The row's offset moved (or the upload failed or went) while this request was writing: only
   * possible when this node lost its lock, e.g. cut off from a shared database for longer than a
   * lease while another node took the upload over. 409, as for any offset the client got wrong.
   */
  static final class Superseded extends TusException {
    Superseded(String id) {
      super(TusError.SUPERSEDED.status(), TusError.SUPERSEDED.message(id));
    }
  }
}
