package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** HTTP hooks: pre-create may refuse, post-* arrive without holding uploads up. */
class HookTest {
  private final List<JsonNode> received = new CopyOnWriteArrayList<>();

  private HttpServer hookEndpoint(long delayMillis) throws Exception {
    HttpServer endpoint = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    endpoint.createContext("/hooks", exchange -> {
      JsonNode event = new ObjectMapper().readTree(exchange.getRequestBody().readAllBytes());
      received.add(event);
      try {
        Thread.sleep(delayMillis);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      boolean refuse = "pre-create".equals(event.get("Type").asText())
          && event.get("Upload").get("MetaData").path("filename").asText().contains("forbidden");
      byte[] body = (refuse ? "Names with 'forbidden' are not accepted here" : "").getBytes(StandardCharsets.UTF_8);
      exchange.sendResponseHeaders(refuse ? 403 : 200, body.length == 0 ? -1 : body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    endpoint.setExecutor(java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor());
    endpoint.start();
    return endpoint;
  }

  @Test
  void preCreateRefusesWithItsMessageAndPostHooksArrive() throws Exception {
    HttpServer endpoint = hookEndpoint(0);
    try (TestServer server = TestServer.start("--hooks.url=http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hooks")) {
      HttpResponse<String> refused =
          server.send(server.tus("/files/").header("Upload-Length", "5")
              .header("Upload-Metadata", "filename Zm9yYmlkZGVuLm1wNA==").POST(HttpRequest.BodyPublishers.noBody()).build());
      assertThat(refused.statusCode()).isEqualTo(403);
      assertThat(refused.body()).contains("Names with 'forbidden' are not accepted here");

      String location = server.create(5, "Upload-Metadata", "filename b2subXA0");
      String id = location.substring(location.lastIndexOf('/') + 1);
      server.patch(location, 0, new byte[5]);
      String other = server.create(5);
      server.send(server.tus(other).DELETE().build());

      long deadline = System.currentTimeMillis() + 10_000;
      while (System.currentTimeMillis() < deadline && types().stream().filter(t -> t.startsWith("post-")).count() < 3) {
        Thread.sleep(50);
      }
      assertThat(types()).contains("pre-create", "post-receive", "post-finish", "post-terminate");
      JsonNode finish = received.stream().filter(e -> e.get("Type").asText().equals("post-finish")).findFirst().orElseThrow();
      assertThat(finish.get("Upload").get("ID").asText()).isEqualTo(id);
      assertThat(finish.get("Upload").get("Offset").asLong()).isEqualTo(5);
    } finally {
      endpoint.stop(0);
    }
  }

  @Test
  void aSlowHookEndpointHoldsCreationsNoLongerThanItsTimeout() throws Exception {
    HttpServer endpoint = hookEndpoint(5_000);
    try (TestServer server = TestServer.start(
        "--hooks.url=http://127.0.0.1:" + endpoint.getAddress().getPort() + "/hooks", "--hooks.timeout=500ms")) {
      long start = System.nanoTime();
      HttpResponse<String> answer =
          server.send(server.tus("/files/").header("Upload-Length", "5").POST(HttpRequest.BodyPublishers.noBody()).build());
      long millis = (System.nanoTime() - start) / 1_000_000;
      assertThat(answer.statusCode()).isEqualTo(503);
      assertThat(answer.body()).contains("pre-create hook");
      assertThat(millis).as("well below the endpoint's 5 s").isLessThan(4_500);
    } finally {
      endpoint.stop(0);
    }
  }

  private List<String> types() {
    return received.stream().map(e -> e.get("Type").asText()).toList();
  }
}
