package com.xeadline.uploads.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

/**
 * Jersey reports a client that stopped reading a response ("An I/O error has occurred while
 * writing a response ... Broken pipe") as an error with a stack trace. A client going away is not
 * the server's fault: such events become one INFO line {@code http.client_gone}. Real errors pass.
 */
public final class ClientDisconnectLogFilter extends TurboFilter {

  @Override
  public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (t == null
        || level == null
        || !level.isGreaterOrEqual(Level.WARN)
        || !logger.getName().startsWith("org.glassfish.jersey")
        || !ClientGone.is(t)) {
      return FilterReply.NEUTRAL;
    }
    http().atInfo().addKeyValue("reason", String.valueOf(innermost(t).getMessage())).log("http.client_gone");
    return FilterReply.DENY;
  }

  /**
   * The "http" logger of the context this filter serves; not a static field, which would be made
   * while SLF4J is still being set up (JsonLogProvider installs this filter then) and stay a stand-in.
   */
  private org.slf4j.Logger http() {
    return getContext() instanceof ch.qos.logback.classic.LoggerContext context
        ? context.getLogger("http")
        : LoggerFactory.getLogger("http");
  }

  private static Throwable innermost(Throwable t) {
    Throwable inner = t;
    while (inner.getCause() != null && inner.getCause() != inner) {
      inner = inner.getCause();
    }
    return inner;
  }
}
