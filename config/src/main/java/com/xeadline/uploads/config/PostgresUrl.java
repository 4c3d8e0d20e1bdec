package com.xeadline.uploads.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The common DATABASE_URL form ({@code postgres://user:password@host:port/db?params}, as Prisma
 * and Heroku write it) as a JDBC URL with its credentials. Prisma's own parameters (its
 * {@code schema}, pool and pgbouncer settings) mean nothing to JDBC and are dropped: the server's
 * tables live in {@code database.schema}, whatever schema the app uses.
 */
record PostgresUrl(String jdbcUrl, String user, String password, String schema) {
  private static final Set<String> PRISMA_ONLY =
      Set.of("schema", "connection_limit", "pool_timeout", "pgbouncer", "statement_cache_size", "sslaccept", "socket_timeout");

  static PostgresUrl parse(String url) {
    URI uri = URI.create(url);
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("no host");
    }
    String user = "";
    String password = "";
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      String[] parts = userInfo.split(":", 2);
      user = URLDecoder.decode(parts[0], StandardCharsets.UTF_8);
      password = parts.length == 2 ? URLDecoder.decode(parts[1], StandardCharsets.UTF_8) : "";
    }
    String jdbc =
        "jdbc:postgresql://" + uri.getHost() + (uri.getPort() > 0 ? ":" + uri.getPort() : "")
            + (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
            + query(uri.getRawQuery());
    return new PostgresUrl(jdbc, user, password, prismaSchema(uri.getRawQuery()));
  }

  /** The app's database for next-auth's Session table, from either URL form. */
  static UploadsConfig.SessionsDb sessionsDb(String url) {
    PostgresUrl parsed;
    if (url.startsWith("postgres://") || url.startsWith("postgresql://")) {
      parsed = parse(url);
    } else if (url.startsWith("jdbc:postgresql:")) {
      parsed = new PostgresUrl(url, "", "", "public");
    } else {
      throw new IllegalArgumentException("must be a postgresql:// or jdbc:postgresql: URL");
    }
    if (!parsed.schema().matches("[A-Za-z_][A-Za-z0-9_]{0,62}")) {
      throw new IllegalArgumentException("its schema must be a plain SQL name");
    }
    return new UploadsConfig.SessionsDb(parsed.jdbcUrl(), parsed.user(), new Secret(parsed.password()), parsed.schema());
  }

  /** Prisma's {@code ?schema=} (the app's tables), public when absent. */
  private static String prismaSchema(String rawQuery) {
    if (rawQuery != null) {
      for (String pair : rawQuery.split("&")) {
        if (pair.startsWith("schema=") && pair.length() > 7) {
          return URLDecoder.decode(pair.substring(7), StandardCharsets.UTF_8);
        }
      }
    }
    return "public";
  }

  private static String query(String rawQuery) {
    if (rawQuery == null || rawQuery.isEmpty()) {
      return "";
    }
    List<String> kept = new ArrayList<>();
    for (String pair : rawQuery.split("&")) {
      String name = pair.contains("=") ? pair.substring(0, pair.indexOf('=')) : pair;
      if (name.equals("connect_timeout")) {
        kept.add("connectTimeout" + pair.substring(name.length()));
      } else if (!name.isEmpty() && !PRISMA_ONLY.contains(name)) {
        kept.add(pair);
      }
    }
    return kept.isEmpty() ? "" : "?" + String.join("&", kept);
  }

  @Override
  public String toString() {
    return jdbcUrl; // never the password
  }
}
