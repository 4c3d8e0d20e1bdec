package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.spi.FilterReply;
import java.io.IOException;
import org.eclipse.jetty.io.EofException;
import org.junit.jupiter.api.Test;

/** Jersey's "I/O error while writing a response" is a client going away, unless it is not. */
class ClientDisconnectLogFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final ClientDisconnectLogFilter filter = new ClientDisconnectLogFilter();
  private final String message = "An I/O error has occurred while writing a response message entity to the container output stream.";

  @Test
  void aBrokenPipeUnderJerseysErrorIsNotAnError() {
    Throwable brokenPipe = new RuntimeException("mapped", new EofException(new IOException("Broken pipe")));
    assertThat(filter.decide(null, context.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder"), Level.ERROR, message, null, brokenPipe))
        .isEqualTo(FilterReply.DENY);
  }

  @Test
  void aServerSideFailureStillLogsAsAnError() {
    Throwable diskFailure = new IOException("Input/output error");
    assertThat(filter.decide(null, context.getLogger("org.glassfish.jersey.server.ServerRuntime$Responder"), Level.ERROR, message, null, diskFailure))
        .isEqualTo(FilterReply.NEUTRAL);
    assertThat(filter.decide(null, context.getLogger("com.xeadline.uploads"), Level.ERROR, "x", null, new EofException("gone")))
        .isEqualTo(FilterReply.NEUTRAL);
  }
}
