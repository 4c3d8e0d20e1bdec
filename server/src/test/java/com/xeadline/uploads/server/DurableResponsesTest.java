package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.NetworkConnector;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.Test;

/** An acknowledgement to a writing request leaves only after the database sync has run. */
class DurableResponsesTest {
  @Test
  void writingRequestsWaitForTheSyncAndReadsDoNot() throws Exception {
    AtomicInteger syncs = new AtomicInteger();
    AtomicInteger syncsSeenByClient = new AtomicInteger(-1);
    Handler application =
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback) {
            response.setStatus(204);
            callback.succeeded();
            return true;
          }
        };
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    server.addConnector(connector);
    server.setHandler(
        new DurableResponses(
            application,
            () -> {
              sleep(200); // a slow disk: the answer must still wait for it
              syncs.incrementAndGet();
            }));
    server.start();
    try {
      URI base = URI.create("http://127.0.0.1:" + ((NetworkConnector) server.getConnectors()[0]).getLocalPort() + "/files/x");
      HttpClient http = HttpClient.newHttpClient();
      HttpResponse<Void> patched =
          http.send(HttpRequest.newBuilder(base).method("PATCH", HttpRequest.BodyPublishers.ofString("x")).build(), HttpResponse.BodyHandlers.discarding());
      syncsSeenByClient.set(syncs.get());
      assertThat(patched.statusCode()).isEqualTo(204);
      assertThat(syncsSeenByClient.get()).isEqualTo(1);

      http.send(HttpRequest.newBuilder(base).method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
      assertThat(syncs.get()).isEqualTo(1);
    } finally {
      server.stop();
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
