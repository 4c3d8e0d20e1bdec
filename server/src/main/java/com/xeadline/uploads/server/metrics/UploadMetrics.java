package com.xeadline.uploads.server.metrics;

import com.xeadline.uploads.tus.upload.UploadEvents;
import com.xeadline.uploads.tus.upload.UploadFinishedListener;
import com.xeadline.uploads.tus.upload.UploadTerminatedListener;
import com.xeadline.uploads.tus.rows.UploadRow;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/** The upload counters, gauge and PATCH timer, fed by the storage's events. */
public final class UploadMetrics implements UploadEvents, UploadFinishedListener, UploadTerminatedListener {
  private final MeterRegistry registry;
  private final Counter bytes;
  private final Timer appends;
  private final AtomicInteger inFlight = new AtomicInteger();

  public UploadMetrics(MeterRegistry registry) {
    this.registry = registry;
    this.bytes = Counter.builder("upload.received").description("Bytes appended to uploads").baseUnit("bytes").register(registry);
    this.appends =
        Timer.builder("upload.patch.duration")
            .description("Time to receive and store one PATCH (or chunk) body")
            .publishPercentileHistogram()
            .minimumExpectedValue(Duration.ofMillis(1))
            .maximumExpectedValue(Duration.ofMinutes(10))
            .register(registry);
    registry.gauge("uploads.in.flight", inFlight);
    // Every series exists from the start at 0, so dashboards and rate() see the first event.
    for (String api : new String[] {"tus", "json"}) {
      registry.counter("upload.creations", "api", api);
      registry.counter("upload.completions", "api", api);
      registry.counter("upload.terminations", "api", api);
    }
    registry.counter("upload.failures");
    for (String quota : new String[] {"uploads-per-day", "bytes"}) {
      registry.counter("quota.refusals", "quota", quota);
    }
  }

  /** tus, or json for uploads made through the legacy API. */
  private static String api(UploadRow row) {
    return row.isChunked() || (row.storageKey() != null && row.length() == null) ? "json" : "tus";
  }

  @Override
  public void created(UploadRow row) {
    registry.counter("upload.creations", "api", api(row)).increment();
  }

  @Override
  public void uploadFinished(UploadRow row) {
    registry.counter("upload.completions", "api", api(row)).increment();
  }

  @Override
  public void terminated(UploadRow row) {
    registry.counter("upload.terminations", "api", api(row)).increment();
  }

  @Override
  public void failed(String uploadId, String reason) {
    registry.counter("upload.failures").increment();
  }

  @Override
  public void appended(UploadRow row, long count, long nanos) {
    bytes.increment(count);
    appends.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void appendStarted() {
    inFlight.incrementAndGet();
  }

  @Override
  public void appendEnded() {
    inFlight.decrementAndGet();
  }

  @Override
  public void quotaRefused(String quota) {
    registry.counter("quota.refusals", "quota", quota).increment();
  }
}
