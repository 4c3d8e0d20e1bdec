package com.xeadline.uploads.gcs;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Faults the fake GCS injects, by route ({@code "resumable-chunk"}, {@code "media"}, …; see
 * {@link FakeGcs}): skip the first {@code after} matching requests, then hit the next {@code times}.
 */
public final class FakeGcsFaults {
  enum Kind {
    /** Answer this status (with GCS's JSON error body); nothing is stored. */
    STATUS,
    /** Read part of the request body and close the connection without an answer; nothing is stored. */
    RESET,
    /** Do the work, then wait before answering (the client may time out after the bytes are stored). */
    DELAY
  }

  record Fault(Kind kind, int status, Duration delay) {}

  private static final class Rule {
    final String route;
    final Fault fault;
    int skip;
    int left;

    Rule(String route, Fault fault, int skip, int times) {
      this.route = route;
      this.fault = fault;
      this.skip = skip;
      this.left = times;
    }
  }

  private final List<Rule> rules = new ArrayList<>();

  /** Builder for one rule: {@code faults.on("resumable-chunk").after(1).times(1).status(503)}. */
  public final class On {
    private final String route;
    private int after;
    private int times = 1;

    private On(String route) {
      this.route = route;
    }

    public On after(int requests) {
      this.after = requests;
      return this;
    }

    public On times(int count) {
      this.times = count;
      return this;
    }

    public void status(int status) {
      add(new Fault(Kind.STATUS, status, Duration.ZERO));
    }

    public void reset() {
      add(new Fault(Kind.RESET, 0, Duration.ZERO));
    }

    public void delay(Duration delay) {
      add(new Fault(Kind.DELAY, 0, delay));
    }

    private void add(Fault fault) {
      synchronized (FakeGcsFaults.this) {
        rules.add(new Rule(route, fault, after, times));
      }
    }
  }

  public On on(String route) {
    return new On(route);
  }

  public synchronized void clear() {
    rules.clear();
  }

  /** The fault for this request, if a rule hits it; counts the request against every matching rule. */
  synchronized Optional<Fault> next(String route) {
    Fault hit = null;
    for (Rule rule : rules) {
      if (!rule.route.equals(route) && !rule.route.equals("*")) {
        continue;
      }
      if (rule.skip > 0) {
        rule.skip--;
      } else if (rule.left > 0 && hit == null) {
        rule.left--;
        hit = rule.fault;
      }
    }
    return Optional.ofNullable(hit);
  }
}
