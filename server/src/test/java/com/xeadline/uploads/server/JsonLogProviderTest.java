package com.xeadline.uploads.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The SLF4J binding Main names: the JSON lines by default, the operator's logback file when given. */
class JsonLogProviderTest {
  @Test
  void setsUpTheJsonLinesWithoutLogbacksOwnLookups() {
    JsonLogProvider provider = new JsonLogProvider();
    provider.initialize();
    LoggerContext context = (LoggerContext) provider.getLoggerFactory();
    try {
      assertThat(JsonLogging.installed(context)).isTrue();
      assertThat(context.getLogger("org.eclipse.jetty").getLevel()).isEqualTo(Level.WARN);
      assertThat(provider.getMDCAdapter()).isNotNull();
      assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
    } finally {
      context.stop();
    }
  }

  @Test
  void anOperatorsOwnFileConfiguresLogbackInstead(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("logback.xml");
    Files.writeString(
        file,
        """
        <configuration>
          <appender name="OWN" class="ch.qos.logback.core.ConsoleAppender">
            <encoder><pattern>%msg%n</pattern></encoder>
          </appender>
          <root level="DEBUG"><appender-ref ref="OWN"/></root>
        </configuration>
        """);
    System.setProperty(JsonLogging.OWN_FILE_PROPERTY, file.toString());
    JsonLogProvider provider = new JsonLogProvider();
    try {
      provider.initialize();
    } finally {
      System.clearProperty(JsonLogging.OWN_FILE_PROPERTY);
    }
    LoggerContext context = (LoggerContext) provider.getLoggerFactory();
    try {
      assertThat(JsonLogging.installed(context)).isFalse();
      assertThat(context.getLogger("ROOT").getAppender("OWN")).isNotNull();
      assertThat(context.getLogger("ROOT").getLevel()).isEqualTo(Level.DEBUG);
    } finally {
      context.stop();
    }
  }
}
