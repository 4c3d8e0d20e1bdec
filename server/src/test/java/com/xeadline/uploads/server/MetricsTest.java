package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpRequest;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** /metrics counters move by exactly what a scripted session did. */
class MetricsTest {
  @Test
  void countersMoveByTheRightAmounts() throws Exception {
    try (TestServer server = TestServer.start("--limits.creations=3/1m", "--node.id=metrics-node")) {
      String before = scrape(server);
      String kept = server.create(1000);
      server.patch(kept, 0, new byte[400]);
      server.patch(kept, 400, new byte[600]);
      String dropped = server.create(10);
      server.send(server.tus(dropped).DELETE().build());
      server.send(server.tus("/files/").header("Upload-Length", "1").POST(HttpRequest.BodyPublishers.noBody()).build());
      server.send(server.tus("/files/").header("Upload-Length", "1").POST(HttpRequest.BodyPublishers.noBody()).build());
      String after = scrape(server);

      assertThat(delta(before, after, "upload_creations_total", "api=\"tus\"")).isEqualTo(3);
      assertThat(delta(before, after, "upload_completions_total", "api=\"tus\"")).isEqualTo(1);
      assertThat(delta(before, after, "upload_terminations_total", "api=\"tus\"")).isEqualTo(1);
      assertThat(delta(before, after, "upload_received_bytes_total", "")).isEqualTo(1000);
      assertThat(delta(before, after, "upload_patch_duration_seconds_count", "")).isEqualTo(2);
      assertThat(delta(before, after, "ratelimit_refusals_total", "kind=\"creation\"")).isEqualTo(1);
      assertThat(value(after, "uploads_in_flight", "")).isZero();
      // Every series names its node.
      assertThat(after).contains("upload_creations_total{api=\"tus\",node=\"metrics-node\"}");
      assertThat(after).contains("jvm_memory_used_bytes").contains("hikaricp_connections").contains("jetty_connections");
    }
  }

  private static String scrape(TestServer server) throws Exception {
    return server.send(HttpRequest.newBuilder(server.uri("/metrics")).build()).body();
  }

  private static double delta(String before, String after, String metric, String label) {
    return value(after, metric, label) - value(before, metric, label);
  }

  /** The value of the series of {@code metric} whose labels include {@code label} (any when empty). */
  static double value(String scrape, String metric, String label) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(metric) + "\\{([^}]*)\\} ([0-9.eE+-]+)$").matcher(scrape);
    while (m.find()) {
      if (label.isEmpty() || List.of(m.group(1).split(",")).contains(label)) {
        return Double.parseDouble(m.group(2));
      }
    }
    return 0;
  }
}
