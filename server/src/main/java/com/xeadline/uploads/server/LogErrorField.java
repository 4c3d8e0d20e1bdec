package com.xeadline.uploads.server;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import net.logstash.logback.composite.AbstractFieldJsonProvider;

/**
 * The {@code error} field of a log line: "class: message" of the event's throwable, on one line
 * (the whole trace goes in {@code stack}). logstash-logback-encoder has the two halves only as
 * separate fields; the log lines have always carried them as one.
 */
public final class LogErrorField extends AbstractFieldJsonProvider<ILoggingEvent> {
  public LogErrorField() {
    setFieldName("error");
  }

  @Override
  public void writeTo(JsonGenerator generator, ILoggingEvent event) throws IOException {
    IThrowableProxy error = event.getThrowableProxy();
    if (error != null) {
      generator.writeStringField(getFieldName(), error.getClassName() + ": " + error.getMessage());
    }
  }
}
