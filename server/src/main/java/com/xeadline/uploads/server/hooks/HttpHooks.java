package com.xeadline.uploads.server.hooks;

import com.xeadline.uploads.tus.JsonMappers;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.xeadline.uploads.config.UploadsConfig;
import com.xeadline.uploads.tus.upload.CreationGate;
import com.xeadline.uploads.tus.rows.NewUpload;
import com.xeadline.uploads.tus.upload.UploadEvents;
import com.xeadline.uploads.tus.upload.UploadFinishedListener;
import com.xeadline.uploads.tus.upload.UploadTerminatedListener;
import com.xeadline.uploads.tus.rows.UploadRow;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * tusd-style HTTP hooks: a JSON event POSTed to one endpoint ({@code Hook-Name} header and
 * {@code Type} field). pre-create is asked before an upload exists and may refuse it with a status
 * (4xx) and a message the client sees; if the endpoint fails or times out, the creation is refused
 * with 503 after at most the timeout. post-receive (at most once a second per upload),
 * post-finish and post-terminate are sent in the background with retries and never hold an
 * upload up.
 */
public final class HttpHooks implements CreationGate, UploadFinishedListener, UploadTerminatedListener, UploadEvents {
  private static final Logger log = LoggerFactory.getLogger(HttpHooks.class);
  private static final ObjectMapper JSON = JsonMappers.create();
  private static final long RECEIVE_INTERVAL_NANOS = 1_000_000_000L;

  private final UploadsConfig.Hooks config;
  private final HttpClient http;
  private final Map<String, Long> lastReceive = new ConcurrentHashMap<>();

  public HttpHooks(UploadsConfig.Hooks config) {
    this.config = config;
    // Without a hooks URL nothing is ever sent: no client (its selector thread and buffers cost
    // start-up time and idle memory).
    this.http = config.url() == null ? null : HttpClient.newBuilder().connectTimeout(config.timeout()).build();
  }

  private boolean enabled(String hook) {
    return config.url() != null && config.events().contains(hook);
  }

  @Override
  public void check(NewUpload request) throws Refused {
    if (!enabled("pre-create")) {
      return;
    }
    Map<String, Object> upload = new LinkedHashMap<>();
    upload.put("Size", request.length());
    upload.put("MetaData", request.metadata());
    upload.put("IsPartial", "PARTIAL".equals(request.uploadType()));
    upload.put("IsFinal", "CONCATENATED".equals(request.uploadType()));
    HttpResponse<String> answer;
    try {
      answer = post("pre-create", upload, request.userId());
    } catch (IOException e) {
      throw new Refused(503, "The pre-create hook did not answer: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new Refused(503, "Interrupted while asking the pre-create hook");
    }
    int status = answer.statusCode();
    if (status >= 400 && status < 500) {
      throw new Refused(status, answer.body() == null || answer.body().isBlank() ? "Refused by the pre-create hook" : answer.body().strip());
    }
    if (status >= 300) {
      throw new Refused(503, "The pre-create hook answered " + status);
    }
  }

  @Override
  public void uploadFinished(UploadRow row) {
    lastReceive.remove(row.id());
    sendLater("post-finish", row);
  }

  @Override
  public void terminated(UploadRow row) {
    lastReceive.remove(row.id());
    sendLater("post-terminate", row);
  }

  /** post-receive after an append, at most once a second per upload. */
  @Override
  public void appended(UploadRow row, long bytes, long nanos) {
    if (!enabled("post-receive")) {
      return;
    }
    long now = System.nanoTime();
    Long last = lastReceive.get(row.id());
    if (last != null && now - last < RECEIVE_INTERVAL_NANOS) {
      return;
    }
    lastReceive.put(row.id(), now);
    sendLater("post-receive", row);
  }

  private void sendLater(String hook, UploadRow row) {
    if (!enabled(hook)) {
      return;
    }
    Map<String, Object> upload = new LinkedHashMap<>();
    upload.put("ID", row.id());
    upload.put("Size", row.length());
    upload.put("Offset", row.offset());
    upload.put("MetaData", row.metadata());
    upload.put("Storage", Map.of("Provider", String.valueOf(row.storageProvider()), "Key", String.valueOf(row.storageKey())));
    Thread.ofVirtual().name("hook-" + hook).start(() -> deliver(hook, upload, row.userId()));
  }

  private void deliver(String hook, Map<String, Object> upload, String user) {
    for (int attempt = 0; attempt <= config.retries(); attempt++) {
      try {
        HttpResponse<String> answer = post(hook, upload, user);
        if (answer.statusCode() < 300) {
          return;
        }
        log.atWarn().addKeyValue("hook", hook).addKeyValue("status", answer.statusCode()).log("hook.refused");
      } catch (IOException e) {
        log.atWarn().addKeyValue("hook", hook).addKeyValue("reason", String.valueOf(e.getMessage())).log("hook.failed");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      try {
        Thread.sleep(500L << attempt);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private HttpResponse<String> post(String hook, Map<String, Object> upload, String user)
      throws IOException, InterruptedException {
    Map<String, Object> event = new LinkedHashMap<>();
    event.put("Type", hook);
    event.put("Upload", upload);
    event.put("User", user);
    HttpRequest request =
        HttpRequest.newBuilder(config.url())
            .timeout(config.timeout())
            .header("Content-Type", "application/json")
            .header("Hook-Name", hook)
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(event)))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }
}
