package com.xeadline.uploads.server.jobs;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A bounded pool of workers that claim jobs from the {@link JobQueue} and run them by kind. While a
 * job runs, a heartbeat renews its lease (and records progress); if this process dies, the lease
 * runs out and any node claims the job again. Failures retry with doubling backoff.
 */
public final class JobWorkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(JobWorkers.class);
  private static final Duration IDLE_POLL = Duration.ofSeconds(2);

  private final JobQueue queue;
  private final Map<String, JobHandler> handlers;
  private final String node;
  private final Clock clock;
  private final Duration lease;
  private final Duration backoff;
  private final int workers;
  private final Semaphore wakeUp = new Semaphore(0);
  private final Map<String, AtomicInteger> running = new ConcurrentHashMap<>();
  private final ExecutorService pool;
  private final ScheduledExecutorService heartbeat;
  private volatile boolean stopping;

  public JobWorkers(
      JobQueue queue, Map<String, JobHandler> handlers, String node, Clock clock, int workers, Duration lease, Duration backoff) {
    this.queue = queue;
    this.handlers = Map.copyOf(handlers);
    this.node = node;
    this.clock = clock;
    this.lease = lease;
    this.backoff = backoff;
    this.workers = workers;
    this.pool = Executors.newFixedThreadPool(workers, Thread.ofPlatform().name("job-worker-", 1).daemon().factory());
    this.heartbeat =
        Executors.newSingleThreadScheduledExecutor(Thread.ofPlatform().name("job-heartbeat").daemon().factory());
  }

  public void start() {
    long every = Math.max(200, lease.toMillis() / 3);
    heartbeat.scheduleWithFixedDelay(this::renewLeases, every, every, TimeUnit.MILLISECONDS);
    for (int i = 0; i < workers; i++) {
      pool.execute(this::work);
    }
  }

  /** New work was queued: a sleeping worker looks now instead of at its next poll. */
  public void wake() {
    wakeUp.release(workers);
  }

  private void work() {
    while (!stopping) {
      try {
        Optional<Job> job = queue.claim(node, clock.instant(), lease);
        if (job.isPresent()) {
          run(job.get());
        } else {
          wakeUp.tryAcquire(IDLE_POLL.toMillis(), TimeUnit.MILLISECONDS);
          wakeUp.drainPermits();
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException e) {
        // The database is away, say: wait and try again, never let the worker die.
        log.atWarn().setCause(e).log("jobs.claim_failed");
        try {
          Thread.sleep(IDLE_POLL.toMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  private void run(Job job) {
    JobHandler handler = handlers.get(job.kind());
    long start = System.nanoTime();
    AtomicInteger percent = new AtomicInteger();
    running.put(job.id(), percent);
    try {
      if (job.attempts() > job.maxAttempts()) {
        giveUp(job, handler, "gave up after " + job.maxAttempts() + " attempts; the last one never finished");
        return;
      }
      if (handler == null) {
        giveUp(job, null, "no handler for job kind " + job.kind());
        return;
      }
      log.atInfo().addKeyValue("job_id", job.id()).addKeyValue("kind", job.kind()).addKeyValue("upload_id", job.uploadId())
          .addKeyValue("payload", job.payload()).addKeyValue("attempt", job.attempts()).log("job.started");
      handler.run(job, p -> percent.set(Math.max(0, Math.min(100, p))));
      queue.complete(job.id(), node, clock.instant());
      log.atInfo().addKeyValue("job_id", job.id()).addKeyValue("kind", job.kind()).addKeyValue("upload_id", job.uploadId())
          .addKeyValue("millis", (System.nanoTime() - start) / 1_000_000).log("job.done");
    } catch (InterruptedException e) {
      if (stopping) {
        queue.release(job.id(), node, clock.instant());
        log.atInfo().addKeyValue("job_id", job.id()).log("job.released_for_shutdown");
      }
      Thread.currentThread().interrupt();
    } catch (JobHandler.PermanentFailure e) {
      giveUp(job, handler, e.getMessage());
    } catch (Exception e) {
      String reason = e.getMessage() == null ? e.toString() : e.getMessage();
      if (job.attempts() >= job.maxAttempts()) {
        giveUp(job, handler, reason);
      } else {
        Instant retryAt = clock.instant().plus(backoff.multipliedBy(1L << Math.min(16, job.attempts() - 1)));
        queue.retryLater(job.id(), node, reason, retryAt, clock.instant());
        log.atWarn().addKeyValue("job_id", job.id()).addKeyValue("kind", job.kind()).addKeyValue("upload_id", job.uploadId())
            .addKeyValue("attempt", job.attempts()).addKeyValue("retry_at", retryAt.toString())
            .addKeyValue("reason", firstLine(reason)).log("job.retry_scheduled");
      }
    } finally {
      running.remove(job.id());
    }
  }

  private void giveUp(Job job, JobHandler handler, String reason) {
    queue.fail(job.id(), node, reason, clock.instant());
    log.atWarn().addKeyValue("job_id", job.id()).addKeyValue("kind", job.kind()).addKeyValue("upload_id", job.uploadId())
        .addKeyValue("reason", firstLine(reason)).log("job.failed");
    if (handler != null) {
      try {
        handler.gaveUp(job, reason);
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue("job_id", job.id()).setCause(e).log("job.gave_up_handler_failed");
      }
    }
  }

  private void renewLeases() {
    for (Map.Entry<String, AtomicInteger> entry : running.entrySet()) {
      try {
        queue.heartbeat(entry.getKey(), node, entry.getValue().get(), clock.instant(), lease);
      } catch (RuntimeException e) {
        log.atWarn().addKeyValue("job_id", entry.getKey()).setCause(e).log("job.heartbeat_failed");
      }
    }
  }

  private static String firstLine(String text) {
    int newline = text.indexOf('\n');
    return newline < 0 ? text : text.substring(0, newline);
  }

  @Override
  public void close() throws InterruptedException {
    stopping = true;
    pool.shutdownNow();
    pool.awaitTermination(10, TimeUnit.SECONDS);
    heartbeat.shutdownNow();
  }
}
