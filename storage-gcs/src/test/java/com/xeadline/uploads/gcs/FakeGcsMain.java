package com.xeadline.uploads.gcs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The fake GCS as a process of its own, for servers in other JVMs (scripts/cluster/run,
 * scripts/bench): {@code --port=N} (0: a free one), {@code --latency=MS} added to every answer,
 * {@code --host-file=PATH} where its http://host:port is written once it listens. On SIGTERM it
 * prints how many requests it answered by route, as one line {@code routes route=count ...}.
 * Objects live in memory: give the JVM room for what the uploads hold.
 */
public final class FakeGcsMain {
  private FakeGcsMain() {}

  public static void main(String[] args) throws Exception {
    int port = 0;
    long latencyMillis = 0;
    Path hostFile = null;
    for (String arg : args) {
      if (arg.startsWith("--port=")) {
        port = Integer.parseInt(arg.substring("--port=".length()));
      } else if (arg.startsWith("--latency=")) {
        latencyMillis = Long.parseLong(arg.substring("--latency=".length()));
      } else if (arg.startsWith("--host-file=")) {
        hostFile = Path.of(arg.substring("--host-file=".length()));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + " (--port=N --latency=MS --host-file=PATH)");
      }
    }
    FakeGcs gcs = FakeGcs.start(port);
    if (latencyMillis > 0) {
      gcs.faults().on("*").times(Integer.MAX_VALUE).delay(Duration.ofMillis(latencyMillis));
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      Map<String, Integer> counts = new TreeMap<>();
      gcs.routes().forEach(route -> counts.merge(route, 1, Integer::sum));
      StringBuilder line = new StringBuilder("routes total=" + gcs.routes().size());
      counts.forEach((route, n) -> line.append(' ').append(route).append('=').append(n));
      System.out.println(line);
      System.out.flush();
      gcs.close();
      stopped.countDown();
    }));
    System.out.println("fake-gcs: " + gcs.host() + " latency=" + latencyMillis + "ms");
    if (hostFile != null) {
      Files.writeString(hostFile, gcs.host());
    }
    stopped.await();
  }
}
