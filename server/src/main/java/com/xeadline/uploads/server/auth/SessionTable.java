package com.xeadline.uploads.server.auth;

import com.xeadline.uploads.config.UploadsConfig;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import org.eclipse.jetty.util.component.AbstractLifeCycle;

/**
 * next-auth's database session strategy: the cookie holds an opaque session token, and the app's
 * Prisma {@code Session} table ({@code sessionToken}, {@code userId}, {@code expires}) says whose it
 * is. Read only, through a small pool of read-only connections, in the app's schema.
 */
public final class SessionTable extends AbstractLifeCycle {
  private final UploadsConfig.SessionsDb db;
  private final Clock clock;
  private HikariDataSource pool;

  public SessionTable(UploadsConfig.SessionsDb db, Clock clock) {
    this.db = db;
    this.clock = clock;
  }

  @Override
  protected void doStart() {
    HikariConfig hikari = new HikariConfig();
    hikari.setJdbcUrl(db.url());
    if (!db.user().isEmpty()) {
      hikari.setUsername(db.user());
    }
    if (!db.password().isEmpty()) {
      hikari.setPassword(db.password().value());
    }
    hikari.setReadOnly(true);
    hikari.setMaximumPoolSize(2);
    hikari.setMinimumIdle(0);
    hikari.setPoolName("nextauth-sessions");
    hikari.setConnectionTimeout(3_000);
    hikari.setInitializationFailTimeout(-1); // the app's database may come up after us
    pool = new HikariDataSource(hikari);
  }

  @Override
  protected void doStop() {
    pool.close();
  }

  /** The user id of a current session, or why there is none. */
  public String userOf(String sessionToken) throws InvalidTokenException {
    String sql = "SELECT \"userId\", \"expires\" FROM \"" + db.schema() + "\".\"Session\" WHERE \"sessionToken\" = ?";
    try (Connection c = pool.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, sessionToken);
      try (ResultSet rs = s.executeQuery()) {
        if (!rs.next()) {
          throw new InvalidTokenException("The next-auth session is not known (signed out, or never signed in)");
        }
        String user = rs.getString(1);
        Timestamp expires = rs.getTimestamp(2);
        if (expires != null && expires.toInstant().isBefore(clock.instant())) {
          throw new InvalidTokenException("The next-auth session has expired; sign in again");
        }
        if (user == null || user.isBlank() || user.length() > 255) {
          throw new InvalidTokenException("The next-auth session has no usable user id");
        }
        return user;
      }
    } catch (SQLException e) {
      throw new InvalidTokenException("The app's session table cannot be read right now");
    }
  }
}
