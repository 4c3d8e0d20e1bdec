package com.xeadline.uploads.server;

import java.time.Duration;

/** Waits on observable state instead of sleeping a guessed time. */
final class Poll {
  /** Long enough for a busy 2-core machine; a condition that holds returns at once. */
  static final Duration DEFAULT_BOUND = Duration.ofSeconds(60);

  interface Condition {
    boolean holds() throws Exception;
  }

  private Poll() {}

  static void until(String what, Condition condition) throws Exception {
    until(what, DEFAULT_BOUND, condition);
  }

  static void until(String what, Duration bound, Condition condition) throws Exception {
    long deadline = System.nanoTime() + bound.toNanos();
    while (!condition.holds()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out after " + bound + " waiting until " + what);
      }
      Thread.sleep(10);
    }
  }
}
