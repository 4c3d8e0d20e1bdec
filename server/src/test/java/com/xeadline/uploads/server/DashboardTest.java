package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The Grafana dashboard in scripts/deploy queries only series a fresh server exports. */
class DashboardTest {
  private static final Path DASHBOARD = Path.of("..", "scripts", "deploy", "grafana-dashboard.json");
  /** PromQL words that are not metric names. */
  private static final Set<String> PROMQL =
      Set.of("sum", "max", "min", "avg", "rate", "irate", "increase", "by", "without", "histogram_quantile", "le");

  @Test
  void everyQueriedMetricIsExported() throws Exception {
    List<String> expressions = new ArrayList<>();
    collectExpressions(new ObjectMapper().readTree(DASHBOARD.toFile()), expressions);
    assertThat(expressions).hasSizeGreaterThanOrEqualTo(10);
    Set<String> queried = new TreeSet<>();
    expressions.forEach(e -> queried.addAll(metricNames(e)));
    assertThat(queried).contains("uploads_in_flight", "upload_patch_duration_seconds_bucket", "hikaricp_connections_active");

    try (TestServer server = TestServer.start()) {
      String scrape = server.send(HttpRequest.newBuilder(server.uri("/metrics")).build()).body();
      for (String metric : queried) {
        assertThat(scrape).as("the dashboard queries %s; exported: %s", metric, scrape.lines().filter(l -> !l.startsWith("#")).map(l -> l.replaceAll("[{ ].*", "")).distinct().toList()).containsPattern("(?m)^" + Pattern.quote(metric) + "[{ ]");
      }
    }
  }

  @Test
  void metricNamesAreReadFromPromQl() {
    assertThat(metricNames("histogram_quantile(0.99, sum by (le) (rate(a_b_bucket{node=~\"$node\"}[$__rate_interval])))"))
        .containsExactly("a_b_bucket");
    assertThat(metricNames("sum by (api) (rate(x_total{node=~\"$node\"}[5m])) * 60")).containsExactly("x_total");
  }

  private static void collectExpressions(JsonNode node, List<String> into) {
    if (node.isObject() && node.has("expr")) {
      into.add(node.get("expr").asText());
    }
    node.forEach(child -> collectExpressions(child, into));
  }

  /** Identifiers outside label matchers, ranges and by(...) lists that are not PromQL words. */
  static Set<String> metricNames(String expression) {
    String bare = expression.replaceAll("\\{[^}]*}", " ").replaceAll("\\[[^]]*]", " ").replaceAll("\\b(by|without)\\s*\\([^)]*\\)", " ");
    Set<String> names = new TreeSet<>();
    Matcher m = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*").matcher(bare);
    while (m.find()) {
      if (!PROMQL.contains(m.group())) {
        names.add(m.group());
      }
    }
    return names;
  }
}
