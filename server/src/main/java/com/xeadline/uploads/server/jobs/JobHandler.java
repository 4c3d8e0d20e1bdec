package com.xeadline.uploads.server.jobs;

/** Runs the jobs of one kind. Throwing retries the job later, up to its attempts. */
public interface JobHandler {
  void run(Job job, Progress progress) throws Exception;

  /** Called once when a job has failed for good, to record the failure where users see it. */
  default void gaveUp(Job job, String reason) {}

  /** Whole percents of a running job; reported with the lease heartbeat. */
  interface Progress {
    void report(int percent);
  }

  /** A failure that no retry can fix (the input itself is bad): the job fails at once. */
  final class PermanentFailure extends Exception {
    public PermanentFailure(String message) {
      super(message);
    }
  }
}
