package com.xeadline.uploads.server;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The millis of each start-up phase, for the one {@code server.started} line: {@code ms_jvm} from
 * the JVM's start to {@code main}, then each phase of the main sequence, each section
 * run beside it ({@link Forks}), and {@code ms_total} from the JVM's start to the end of the start (the JSON API open too).
 */
final class StartupPhases {
  private final long origin = System.nanoTime();
  private final long originWall = System.currentTimeMillis();
  private final Map<String, Long> millis = new LinkedHashMap<>();
  private long last = origin;
  private long openedAt;

  /** Ends the current phase of the main sequence. */
  synchronized void end(String phase) {
    long now = System.nanoTime();
    millis.put(phase, (now - last) / 1_000_000);
    last = now;
    if (phase.equals("api_open")) {
      openedAt = now;
    }
  }

  private synchronized void took(String section, long nanos) {
    millis.put(section, nanos / 1_000_000);
  }

  synchronized void addTo(LoggingEventBuilder line) {
    // Read only now: java.management is not loaded on the way to the first answer.
    long jvmMillis = originWall - ManagementFactory.getRuntimeMXBean().getStartTime();
    line.addKeyValue("ms_jvm", jvmMillis);
    millis.forEach((phase, ms) -> line.addKeyValue("ms_" + phase, ms));
    line.addKeyValue("ms_total", jvmMillis + ((openedAt == 0 ? System.nanoTime() : openedAt) - origin) / 1_000_000);
  }

  Forks forks() {
    return new Forks();
  }

  /** Sections run on platform threads of their own beside the main sequence; closing waits for all. */
  final class Forks implements AutoCloseable {
    private final List<CompletableFuture<?>> started = new ArrayList<>();

    <T> Fork<T> fork(String section, Callable<T> work) {
      CompletableFuture<T> result = new CompletableFuture<>();
      Thread.ofPlatform().name("startup-" + section).start(() -> {
        long start = System.nanoTime();
        try {
          result.complete(work.call());
        } catch (Throwable e) {
          result.completeExceptionally(e);
        } finally {
          took(section, System.nanoTime() - start);
        }
      });
      started.add(result);
      return new Fork<>(result);
    }

    @Override
    public void close() {
      for (CompletableFuture<?> fork : started) {
        try {
          fork.join();
        } catch (RuntimeException ignored) {
          // its failure is thrown by join() on its Fork
        }
      }
    }
  }

  /** A forked section's result. */
  record Fork<T>(CompletableFuture<T> result) {
    /** Waits for it; its failure is thrown as it was. */
    T join() throws Exception {
      try {
        return result.get();
      } catch (ExecutionException e) {
        if (e.getCause() instanceof Exception cause) {
          throw cause;
        }
        if (e.getCause() instanceof Error error) {
          throw error;
        }
        throw e;
      }
    }
  }
}
