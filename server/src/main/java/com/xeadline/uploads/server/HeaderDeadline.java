package com.xeadline.uploads.server;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a new connection whose first request line and headers have not all arrived within the
 * deadline. Every byte resets Jetty's idle timeout, so without this a client that trickles one
 * header line every few seconds holds its connection forever (slowloris). Once headers are
 * complete the body is the idle timeout's business: a slow upload is not cut here.
 */
final class HeaderDeadline implements Connection.Listener {
  private static final Logger log = LoggerFactory.getLogger(HeaderDeadline.class);

  private final Scheduler scheduler;
  private final Duration deadline;

  HeaderDeadline(Scheduler scheduler, Duration deadline) {
    this.scheduler = scheduler;
    this.deadline = deadline;
  }

  @Override
  public void onOpened(Connection connection) {
    scheduler.schedule(() -> closeIfNoRequestYet(connection), deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** {@code getMessagesIn()} counts requests whose headers were complete. */
  private void closeIfNoRequestYet(Connection connection) {
    if (connection.getMessagesIn() == 0 && connection.getEndPoint().isOpen()) {
      log.atInfo()
          .addKeyValue("remote", String.valueOf(connection.getEndPoint().getRemoteSocketAddress()))
          .addKeyValue("bytes_in", connection.getBytesIn())
          .addKeyValue("deadline", deadline.toString())
          .log("http.header_timeout");
      connection.getEndPoint().close();
    }
  }
}
