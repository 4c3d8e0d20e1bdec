package com.xeadline.uploads.tus;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import me.desair.tus.server.exception.UploadAlreadyLockedException;

/**
 * One writer per upload within this process. As in tusd, a request that finds the upload locked
 * first asks the holder to let go (the holder's {@code onReleaseRequest} typically cuts its dead or
 * duplicate connection, after which it saves what it received and unlocks), then waits a bounded
 * time before giving up with 423.
 */
public final class UploadLocks {
  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition released = mutex.newCondition();
  private final Map<String, Holder> held = new HashMap<>();

  /** Held until closed. */
  public interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  private record Holder(Runnable onReleaseRequest) {}

  public Lease acquire(String uploadId, Duration wait, Runnable onReleaseRequest)
      throws UploadAlreadyLockedException {
    long deadline = System.nanoTime() + wait.toNanos();
    Runnable askHolder = null;
    mutex.lock();
    try {
      Holder current = held.get(uploadId);
      if (current != null) {
        askHolder = current.onReleaseRequest();
      }
    } finally {
      mutex.unlock();
    }
    if (askHolder != null) {
      askHolder.run();
    }
    mutex.lock();
    try {
      while (held.containsKey(uploadId)) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
          throw new UploadAlreadyLockedException(
              "Upload " + uploadId + " is being written by another request; retry shortly");
        }
        released.await(remaining, TimeUnit.NANOSECONDS);
      }
      Holder mine = new Holder(onReleaseRequest);
      held.put(uploadId, mine);
      return () -> release(uploadId, mine);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadAlreadyLockedException("Interrupted while waiting for upload " + uploadId);
    } finally {
      mutex.unlock();
    }
  }

  public boolean isLocked(String uploadId) {
    mutex.lock();
    try {
      return held.containsKey(uploadId);
    } finally {
      mutex.unlock();
    }
  }

  private void release(String uploadId, Holder holder) {
    mutex.lock();
    try {
      if (held.remove(uploadId, holder)) {
        released.signalAll();
      }
    } finally {
      mutex.unlock();
    }
  }
}
