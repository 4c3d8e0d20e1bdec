package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JSON API made after the routes opened: its requests wait for it, up to the start wait. Below
 * {@link LookupsFirst}, as in the server: Jetty refuses a blocking handler added below a
 * non-blocking one in a running server unless it is declared non-blocking there.
 */
class PendingHandlerTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
  private Server server;

  @AfterEach
  void stop() throws Exception {
    server.stop();
    http.close();
    threads.close();
  }

  @Test
  void aRequestWaitsForTheHandlerAndIsAnsweredByIt() throws Exception {
    PendingHandler pending = new PendingHandler(Duration.ofSeconds(30));
    URI base = start(pending);
    CompletableFuture<HttpResponse<String>> early = waitingRequest(base);

    Handler made = answering("made");
    pending.open(made);
    HttpResponse<String> answered = early.get(10, TimeUnit.SECONDS);
    assertThat(answered.statusCode()).isEqualTo(200);
    assertThat(answered.body()).isEqualTo("made");
    assertThat(pending.isOpen()).isTrue();

    server.stop(); // the handler put in place while running stops with the server
    assertThat(made.isStopped()).isTrue();
  }

  @Test
  void whenTheStartFailsAWaitingRequestIsRefusedAtOnce() throws Exception {
    PendingHandler pending = new PendingHandler(Duration.ofSeconds(30));
    URI base = start(pending);
    CompletableFuture<HttpResponse<String>> early = waitingRequest(base);

    pending.fail();
    assertThat(early.get(5, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
    assertThat(pending.isOpen()).isFalse();
  }

  /** A request sent before the handler is in place, still unanswered a moment later. */
  private CompletableFuture<HttpResponse<String>> waitingRequest(URI base) throws InterruptedException {
    CompletableFuture<HttpResponse<String>> early =
        http.sendAsync(HttpRequest.newBuilder(base.resolve("/api/storage/upload-status?uploadId=x")).build(), HttpResponse.BodyHandlers.ofString());
    Thread.sleep(300);
    assertThat(early).isNotDone();
    return early;
  }

  private static Handler answering(String body) {
    return new Handler.Abstract() {
      @Override
      public boolean handle(Request request, Response response, Callback callback) {
        response.setStatus(200);
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
        return true;
      }
    };
  }

  @Test
  void pastTheWaitTheJsonApisStartingProblem() throws Exception {
    URI base = start(new PendingHandler(Duration.ofMillis(200)));
    HttpResponse<String> refused =
        http.send(HttpRequest.newBuilder(base.resolve("/api/storage/upload-status?uploadId=x")).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(refused.statusCode()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("2");
    assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
    assertThat(refused.body()).contains("\"status\":503").contains("\"error\":\"The server is still starting; retry shortly.\"");
  }

  private URI start(Handler handler) throws Exception {
    server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    server.addConnector(connector);
    server.setHandler(new LookupsFirst(handler, threads, threads));
    server.start();
    return URI.create("http://127.0.0.1:" + ((NetworkConnector) server.getConnectors()[0]).getLocalPort());
  }
}
