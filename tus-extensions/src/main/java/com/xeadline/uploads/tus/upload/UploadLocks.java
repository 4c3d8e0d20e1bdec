package com.xeadline.uploads.tus.upload;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import me.desair.tus.server.exception.UploadAlreadyLockedException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One writer per upload. As in tusd, a request that finds the upload locked first asks the holder
 * to let go (the holder's {@code onReleaseRequest} typically cuts its dead or duplicate
 * connection, after which it saves what it received and unlocks), then waits a bounded time before
 * giving up with 423.
 *
 * <p>Within a process the lock is a map under a mutex. With {@link LockLeases} (several nodes on
 * one PostgreSQL) each acquisition also holds a database lease, renewed while held; a request on
 * another node asks for release through the database, and a node that dies stops renewing, so its
 * locks pass on after one lease.
 */
public final class UploadLocks implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UploadLocks.class);
  private static final long POLL_MILLIS = 50;

  private final ReentrantLock mutex = new ReentrantLock();
  private final Condition released = mutex.newCondition();
  private final Map<String, Holder> held = new HashMap<>();
  /** Holders whose database lease is taken: the ones to renew (a waiting one has none yet). */
  private final Map<String, Holder> leased = new java.util.concurrent.ConcurrentHashMap<>();
  private final LockLeases leases;
  private final String node;
  private final Duration leaseTime;
  private final Clock clock;
  private final ScheduledExecutorService renewer;
  private volatile long lastRenewal = System.nanoTime();

  /** Held until closed. */
  public interface Lease extends AutoCloseable {
    @Override
    void close();
  }

  private record Holder(Runnable onReleaseRequest, String token) {}

  /** Locks within this process only (one node). */
  public UploadLocks() {
    this(null, null, null, null);
  }

  /** Locks shared by every node through the database. */
  public UploadLocks(LockLeases leases, String node, Duration leaseTime, Clock clock) {
    this.leases = leases;
    this.node = node;
    this.leaseTime = leaseTime;
    this.clock = clock;
    if (leases == null) {
      this.renewer = null;
    } else {
      this.renewer =
          Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().daemon().name("lock-leases").factory());
      long every = Math.max(100, leaseTime.toMillis() / 3);
      renewer.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    }
  }

  public Lease acquire(String uploadId, Duration wait, Runnable onReleaseRequest)
      throws UploadAlreadyLockedException {
    long deadline = System.nanoTime() + wait.toNanos();
    // Only a caller willing to wait asks the holder to let go: a mere try (start-up
    // reconciliation, a sweep) must not cut a live writer's connection on its way past.
    boolean askHolder = wait.isPositive();
    Holder mine = acquireLocally(uploadId, deadline, askHolder, onReleaseRequest);
    if (leases != null) {
      try {
        acquireLease(uploadId, mine.token(), deadline, askHolder);
        leased.put(uploadId, mine);
      } catch (UploadAlreadyLockedException | RuntimeException e) {
        releaseLocally(uploadId, mine);
        throw e;
      }
    }
    return () -> release(uploadId, mine);
  }

  private Holder acquireLocally(String uploadId, long deadline, boolean mayAsk, Runnable onReleaseRequest)
      throws UploadAlreadyLockedException {
    Runnable askHolder = null;
    mutex.lock();
    try {
      Holder current = held.get(uploadId);
      if (current != null && mayAsk) {
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
          throw locked(uploadId);
        }
        released.await(remaining, TimeUnit.NANOSECONDS);
      }
      Holder mine = new Holder(onReleaseRequest, leases == null ? null : node + "/" + UUID.randomUUID());
      held.put(uploadId, mine);
      return mine;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UploadAlreadyLockedException("Interrupted while waiting for upload " + uploadId);
    } finally {
      mutex.unlock();
    }
  }

  /** The database lease; a holder on another node is asked once to let go, then waited for. */
  private void acquireLease(String uploadId, String token, long deadline, boolean mayAsk)
      throws UploadAlreadyLockedException {
    boolean asked = !mayAsk;
    while (!leases.tryAcquire(uploadId, token, clock.instant(), clock.instant().plus(leaseTime))) {
      if (!asked) {
        leases.requestRelease(uploadId);
        asked = true;
      }
      if (System.nanoTime() >= deadline) {
        throw locked(uploadId);
      }
      try {
        Thread.sleep(Math.min(POLL_MILLIS, Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UploadAlreadyLockedException("Interrupted while waiting for upload " + uploadId);
      }
    }
  }

  private static UploadAlreadyLockedException locked(String uploadId) {
    return new UploadAlreadyLockedException("Upload " + uploadId + " is being written by another request; retry shortly");
  }

  /** Held by a request here, or (with leases) by a live request on any node. */
  public boolean isLocked(String uploadId) {
    mutex.lock();
    try {
      if (held.containsKey(uploadId)) {
        return true;
      }
    } finally {
      mutex.unlock();
    }
    return leases != null && leases.isHeld(uploadId, clock.instant());
  }

  private void release(String uploadId, Holder holder) {
    try {
      if (leases != null) {
        leased.remove(uploadId, holder);
        leases.release(uploadId, holder.token());
      }
    } catch (RuntimeException e) {
      // The database is away: the lease runs out by itself.
      log.atWarn().addKeyValue("upload_id", uploadId).setCause(e).log("lock.release_failed");
    } finally {
      releaseLocally(uploadId, holder);
    }
  }

  private void releaseLocally(String uploadId, Holder holder) {
    mutex.lock();
    try {
      if (held.remove(uploadId, holder)) {
        released.signalAll();
      }
    } finally {
      mutex.unlock();
    }
  }

  /** Keeps this node's leases alive and lets go of those another node asked for (or took). */
  private void renewLeases() {
    Map<String, Holder> snapshot = new HashMap<>(leased);
    if (snapshot.isEmpty()) {
      lastRenewal = System.nanoTime();
      return;
    }
    Map<String, String> tokens = new HashMap<>();
    snapshot.forEach((id, holder) -> tokens.put(id, holder.token()));
    try {
      List<String> letGo = leases.renew(tokens, clock.instant().plus(leaseTime));
      lastRenewal = System.nanoTime();
      for (String id : letGo) {
        log.atInfo().addKeyValue("upload_id", id).log("lock.release_requested_by_another_node");
        snapshot.get(id).onReleaseRequest().run();
      }
    } catch (RuntimeException e) {
      log.atWarn().setCause(e).log("lock.renew_failed");
      // Unable to renew for half a lease: another node may soon take these uploads over, so the
      // requests writing them here stop (what they wrote and committed stays).
      if (System.nanoTime() - lastRenewal > leaseTime.toNanos() / 2) {
        snapshot.values().forEach(holder -> holder.onReleaseRequest().run());
      }
    }
  }

  @Override
  public void close() {
    if (renewer != null) {
      renewer.shutdownNow();
    }
  }
}
