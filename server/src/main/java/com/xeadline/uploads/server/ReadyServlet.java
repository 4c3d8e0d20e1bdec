package com.xeadline.uploads.server;

import com.xeadline.uploads.storage.StorageProviders;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.jdbi.v3.core.Jdbi;

/**
 * {@code /readyz}: ready to take uploads when the database answers, the data directory is
 * writable, every directory the server writes has enough free space, the storage provider
 * answers and the JSON API is in place. 503 lists what is not.
 */
final class ReadyServlet extends HttpServlet {
  private final transient Jdbi jdbi;
  private final transient Path dataDir;
  private final transient FreeSpace freeSpace;
  private final transient StorageProviders providers;
  private final transient BooleanSupplier jsonApiOpen;

  ReadyServlet(Jdbi jdbi, Path dataDir, FreeSpace freeSpace, StorageProviders providers, BooleanSupplier jsonApiOpen) {
    this.jdbi = jdbi;
    this.dataDir = dataDir;
    this.freeSpace = freeSpace;
    this.providers = providers;
    this.jsonApiOpen = jsonApiOpen;
  }

  @Override
  protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
    Map<String, Boolean> checks = new LinkedHashMap<>();
    checks.put("database", check(() -> jdbi.withHandle(h -> h.createQuery("SELECT 1").mapTo(Integer.class).one()) == 1));
    checks.put("dataDirWritable", check(() -> {
      Path probe = Files.createTempFile(dataDir, ".ready", ".tmp");
      Files.delete(probe);
      return true;
    }));
    Map<String, Boolean> space = freeSpace.check();
    checks.put("freeSpace", !space.containsValue(false));
    space.forEach((dir, enough) -> checks.put("freeSpace." + dir, enough));
    checks.put("storage", check(() -> {
      providers.current().stat("readiness/probe");
      return true;
    }));
    checks.put("jsonApi", jsonApiOpen.getAsBoolean());
    boolean ready = !checks.containsValue(false);
    StringBuilder json = new StringBuilder("{\"status\":\"").append(ready ? "ready" : "not-ready").append("\",\"checks\":{");
    checks.forEach((name, ok) -> json.append('"').append(name).append("\":").append(ok).append(','));
    json.setLength(json.length() - 1);
    json.append("}}");
    byte[] body = json.toString().getBytes(StandardCharsets.UTF_8);
    response.setStatus(ready ? 200 : 503);
    response.setHeader("Cache-Control", "no-store");
    response.setContentType("application/json");
    response.setContentLength(body.length);
    response.getOutputStream().write(body);
  }

  private interface Check {
    boolean run() throws Exception;
  }

  private static boolean check(Check check) {
    try {
      return check.run();
    } catch (Exception e) {
      return false;
    }
  }
}
