package com.xeadline.uploads.tus.upload;

import com.xeadline.uploads.tus.TusError;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import me.desair.tus.server.exception.TusException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The durable append loop: writes one request body into an {@link AppendTarget} at the row's
 * committed offset and raises the offset only after the bytes below it are written (and forced
 * to disk when fsync is on), every {@code checkpointBytes} and at the end.
 *
 * <p>On a target that can sync while it is written (a local file), a checkpoint's sync and commit
 * run beside the loop, which goes on writing the next bytes: the disk flushes while the network
 * delivers, instead of one waiting for the other. At most one checkpoint is in flight; the offset
 * still moves only once its sync has returned.
 *
 * <p>A refused body (too large, checksum or content mismatch) keeps none of its bytes; a broken
 * one keeps what was committed, unless a {@link BodyCheck} is pending; bytes above the committed
 * offset are cut before the next write, so nothing unacknowledged survives into the file.
 */
final class BodyWriter {
  private static final Logger log = LoggerFactory.getLogger(BodyWriter.class);

  /**
   * The most a batch of received buffers may hold before it is written: large writes while bytes
   * stream in (fewer than 1,100 write calls per GiB), never more than this held per request.
   */
  static final int BATCH_BYTES = 1 << 20;

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
  long append(UploadRow row, long limit, AppendTarget target, BodySource body, BodyCheck check, HeadCheck head)
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
    } catch (RuntimeException unexpected) {
      // Not a refusal: what earlier checkpoints committed (and HEAD may have reported) stays.
      append.refused = false;
      throw unexpected;
    } finally {
      append.cutUncommitted();
    }
    return append.written;
  }

  /** 413 if the body holds even one byte (an upload that is already complete). */
  static void refuseAnyByte(BodySource body) throws IOException, TusException {
    try {
      while (body.poll() == null) {
        if (!body.await()) {
          return;
        }
      }
      throw TusError.BODY_TOO_LARGE.exception();
    } finally {
      body.release();
    }
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
    /** Buffers received and not yet written: at most {@link #BATCH_BYTES}. */
    private final List<ByteBuffer> batch = new ArrayList<>();
    private long batched;
    private long sinceCheckpoint;
    /** The checkpoint whose sync is still running, or null. */
    private Checkpoint inFlight;
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

    void copy(BodySource body) throws IOException, TusException {
      try {
        while (true) {
          ByteBuffer bytes;
          try {
            bytes = body.poll();
          } catch (IOException broken) {
            flush(body); // what arrived before the break is kept, as with any broken body
            throw broken;
          }
          if (bytes != null) {
            if (written + batched + bytes.remaining() > limit) {
              throw (row.length() != null ? TusError.BODY_TOO_LARGE : TusError.BODY_PAST_DEFERRED_CAP).exception();
            }
            batch.add(bytes);
            batched += bytes.remaining();
            if (batched < BATCH_BYTES) {
              continue;
            }
          }
          if (batched > 0) {
            flush(body);
          } else if (!body.await()) {
            break;
          }
        }
      } finally {
        body.release();
      }
      check.verify();
    }

    /** Writes whatever has arrived in one write, gives the buffers back, and commits at checkpoints. */
    private void flush(BodySource body) throws IOException, Superseded {
      if (batched == 0) {
        return;
      }
      try {
        target.write(batch.toArray(ByteBuffer[]::new));
      } catch (IOException e) {
        throw new StorageFailure(e);
      }
      body.release();
      batch.clear();
      written += batched;
      sinceCheckpoint += batched;
      batched = 0;
      if (!check.pending() && sinceCheckpoint >= checkpointBytes) {
        if (fsync && target.syncsWhileWriting()) {
          awaitCheckpoint();
          inFlight = new Checkpoint(committed, start + written);
        } else {
          commit();
        }
        sinceCheckpoint = 0;
      }
    }

    /** Makes the bytes written so far durable, then moves the row's offset to them. */
    void commit() throws IOException, Superseded {
      awaitCheckpoint();
      if (committed > start && committed == start + written) {
        return; // a body that ended on a checkpoint: that commit (and its sync) covers the end
      }
      syncAndAdvance(committed, start + written);
      committed = start + written;
    }

    private void syncAndAdvance(long from, long to) throws IOException, Superseded {
      if (fsync) {
        try {
          target.force();
        } catch (IOException e) {
          throw new StorageFailure(e);
        }
      }
      if (!target.commit(offsets, row, from, to)) {
        log.atWarn()
            .addKeyValue("upload_id", row.id())
            .addKeyValue("expected_offset", from)
            .log("upload.writer_superseded");
        throw new Superseded(row.id());
      }
    }

    /** Waits for the checkpoint in flight, if any: its offset becomes the committed one, or its failure is thrown. */
    private void awaitCheckpoint() throws IOException, Superseded {
      Checkpoint checkpoint = inFlight;
      if (checkpoint == null) {
        return;
      }
      inFlight = null;
      Throwable failure = checkpoint.await();
      if (failure == null) {
        committed = checkpoint.offset;
      } else if (failure instanceof IOException e) {
        throw e;
      } else if (failure instanceof Superseded e) {
        throw e;
      } else if (failure instanceof RuntimeException e) {
        throw e;
      } else {
        throw (Error) failure;
      }
    }

    /** A checkpoint's sync and commit, on a thread of its own while the loop goes on writing. */
    private final class Checkpoint {
      private final long offset;
      private final Thread thread;
      private Throwable failure;

      Checkpoint(long from, long to) {
        this.offset = to;
        this.thread = Thread.ofVirtual().name("checkpoint-" + row.id()).start(() -> {
          try {
            syncAndAdvance(from, to);
          } catch (Throwable e) {
            failure = e;
          }
        });
      }

      /** The failure, or null once the offset is committed. Not interruptible: the commit may land either way. */
      Throwable await() {
        boolean interrupted = false;
        while (true) {
          try {
            thread.join();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
        return failure;
      }
    }

    /** The body broke off: what arrived is committed if it can be, and the failure says where it ends. */
    IOException broken(IOException broken) throws IOException, Superseded {
      if (!check.pending()) {
        try {
          awaitCheckpoint();
          if (start + written > committed) {
            commit();
          }
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
      if (inFlight != null) {
        try {
          awaitCheckpoint(); // the request already failed: this only learns what is committed
        } catch (IOException | Superseded | RuntimeException alreadyFailing) {
          superseded |= alreadyFailing instanceof Superseded;
        }
      }
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
