package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The app's PostgreSQL, already holding Prisma's tables in public: the server starts on it from a
 * Prisma-style URL, keeps every table of its own in its schema, and leaves the app's untouched.
 */
class SharedDatabaseIT {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void sharesTheAppsDatabaseWithoutTouchingItsTables(@TempDir Path work) throws Exception {
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().setDataDirectory(work.resolve("pg")).start()) {
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        s.execute("CREATE TABLE \"_prisma_migrations\" (id VARCHAR(36) PRIMARY KEY, migration_name VARCHAR(255) NOT NULL)");
        s.execute("INSERT INTO \"_prisma_migrations\" VALUES ('m1', '20240101_init')");
        s.execute("CREATE TABLE \"User\" (id TEXT PRIMARY KEY, email TEXT)");
        s.execute("INSERT INTO \"User\" VALUES ('alice', 'alice@example.com')");
        s.execute("CREATE TABLE \"Session\" (id TEXT PRIMARY KEY, \"sessionToken\" TEXT UNIQUE, \"userId\" TEXT, expires TIMESTAMP(3))");
        s.execute("INSERT INTO \"Session\" VALUES ('s1', 'tok', 'alice', now() + interval '1 day')");
        s.execute("INSERT INTO \"Session\" VALUES ('s2', 'stale', 'alice', now() - interval '1 day')");
      }
      List<String> before = publicTables(pg);
      String prismaUrl = "postgresql://postgres:@localhost:" + pg.getPort() + "/postgres?schema=public&connection_limit=5";
      try (TestServer server =
          TestServer.start(
              work.resolve("data"), "--database.url=" + prismaUrl, "--auth.mode=jwt", "--auth.nextauth-sessions-url=" + prismaUrl)) {
        // next-auth's database strategy: the cookie is the Session row's token.
        String origin = server.uri("/").toString().replaceAll("/$", "");
        String id = StorageApiTestSupport.chunkedUpload(server, new byte[1234], "Cookie", "next-auth.session-token=tok", "Origin", origin);
        assertThat(id).isNotBlank();
        HttpResponse<String> stale = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id))
            .header("Cookie", "next-auth.session-token=stale").build());
        assertThat(stale.statusCode()).isEqualTo(401);
        assertThat(JSON.readTree(stale.body()).get("error").asText()).isEqualTo("The next-auth session has expired; sign in again");
        HttpResponse<String> unknown = server.send(HttpRequest.newBuilder(server.uri("/api/storage/upload-status?uploadId=" + id))
            .header("Cookie", "next-auth.session-token=forged").build());
        assertThat(JSON.readTree(unknown.body()).get("error").asText()).contains("not known");
      }
      assertThat(publicTables(pg)).isEqualTo(before);
      try (Connection c = pg.getPostgresDatabase().getConnection(); Statement s = c.createStatement()) {
        assertThat(one(s, "SELECT user_id FROM xeadline_uploads.upload_sessions WHERE status = 'completed'")).isEqualTo("alice");
        assertThat(one(s, "SELECT count(*) FROM xeadline_uploads.flyway_schema_history WHERE success")).isNotEqualTo("0");
        assertThat(one(s, "SELECT email FROM \"User\" WHERE id = 'alice'")).isEqualTo("alice@example.com");
        assertThat(one(s, "SELECT \"sessionToken\" FROM \"Session\"")).isEqualTo("tok");
        assertThat(one(s, "SELECT migration_name FROM \"_prisma_migrations\"")).isEqualTo("20240101_init");
      }
    }
  }

  /** Every table and column in public, in order: what the server must never change. */
  private static List<String> publicTables(EmbeddedPostgres pg) throws Exception {
    List<String> out = new ArrayList<>();
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT table_name, column_name, data_type FROM information_schema.columns WHERE table_schema = 'public' ORDER BY 1, 2")) {
      while (rs.next()) {
        out.add(rs.getString(1) + "." + rs.getString(2) + ":" + rs.getString(3));
      }
    }
    assertThat(out).isNotEmpty();
    return out;
  }

  private static String one(Statement s, String sql) throws Exception {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  /** A whole chunked upload through the JSON API. */
  static final class StorageApiTestSupport {
    static String chunkedUpload(TestServer server, byte[] bytes, String... headers) throws Exception {
      HttpResponse<String> init =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/storage/init-chunked-upload"))
                  .header("Content-Type", "application/json")
                  .headers(headers)
                  .POST(HttpRequest.BodyPublishers.ofString(
                      "{\"fileName\":\"a.mp4\",\"fileSize\":" + bytes.length + ",\"contentType\":\"video/mp4\",\"totalChunks\":1}"))
                  .build());
      assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
      String id = JSON.readTree(init.body()).get("uploadId").asText();
      HttpResponse<String> chunk =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/storage/upload-chunk"))
                  .header("Content-Type", Multipart.contentType())
                  .headers(headers)
                  .POST(new Multipart().field("uploadId", id).field("chunkIndex", "0").file("chunk", bytes).publisher())
                  .build());
      assertThat(chunk.statusCode()).as(chunk.body()).isEqualTo(200);
      HttpResponse<String> done =
          server.send(
              HttpRequest.newBuilder(server.uri("/api/storage/complete-chunked-upload"))
                  .header("Content-Type", "application/json")
                  .headers(headers)
                  .POST(HttpRequest.BodyPublishers.ofString("{\"uploadId\":\"" + id + "\"}"))
                  .build());
      assertThat(done.statusCode()).as(done.body()).isEqualTo(200);
      return id;
    }
  }
}
