package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * HEAD is answered while every carrier of the virtual threads is busy, as when a burst of
 * creations and PATCH starts keeps hundreds of virtual threads queued: it never waits for one.
 */
class LookupsFirstTest extends ServerPerClass {
  private static final long BUSY_MILLIS = 4_000;

  @Test
  void headIsAnsweredWhileEveryCarrierIsBusy() throws Exception {
    String location = server.create(100);
    server.patch(location, 0, new byte[40]);
    assertThat(server.head(location).statusCode()).isEqualTo(200); // warm: classes loaded, connections open

    int carriers = Integer.getInteger("jdk.virtualThreadScheduler.parallelism", Runtime.getRuntime().availableProcessors());
    long busyUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(BUSY_MILLIS);
    CountDownLatch allBusy = new CountDownLatch(carriers);
    List<Thread> spinners = new ArrayList<>();
    for (int i = 0; i < carriers; i++) {
      // A virtual thread that never parks holds its carrier until it ends.
      spinners.add(Thread.ofVirtual().start(() -> {
        allBusy.countDown();
        while (System.nanoTime() < busyUntil) {
          Thread.onSpinWait();
        }
      }));
    }
    assertThat(allBusy.await(10, TimeUnit.SECONDS)).isTrue();
    long[] queuedStarted = new long[1];
    Thread queued = Thread.ofVirtual().start(() -> queuedStarted[0] = System.nanoTime());
    try {
      long sent = System.nanoTime();
      HttpResponse<String> head = server.head(location);
      long answered = System.nanoTime();

      assertThat(head.statusCode()).isEqualTo(200);
      assertThat(head.headers().firstValue("Upload-Offset")).hasValue("40");
      assertThat(answered).isLessThan(busyUntil);
      assertThat(TimeUnit.NANOSECONDS.toMillis(answered - sent)).isLessThan(BUSY_MILLIS / 2);
    } finally {
      for (Thread spinner : spinners) {
        spinner.join();
      }
      queued.join();
    }
    // The carriers really were all busy: a virtual thread started meanwhile only ran after them.
    assertThat(queuedStarted[0]).isGreaterThanOrEqualTo(busyUntil);
  }
}
