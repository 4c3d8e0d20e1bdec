package com.xeadline.uploads.server;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.status.StatusUtil;
import ch.qos.logback.core.util.StatusPrinter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * SLF4J's binding to logback, named by Main in the {@code slf4j.provider} property so that the
 * server's logs are set up without a look into the jar: SLF4J's service lookup and logback's own
 * (configurators, logback-test.xml, logback.xml), then the default console set-up JsonLogging
 * replaced, opened the 24,000-entry jar and parsed a pattern on the way to the bound port.
 * {@code -Dlogback.configurationFile=...} still configures logback the usual way.
 */
public final class JsonLogProvider implements SLF4JServiceProvider {
  private final LoggerContext context = new LoggerContext();
  private final IMarkerFactory markers = new BasicMarkerFactory();
  private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();

  /**
   * Names this provider for SLF4J unless something else was named: before any logger is asked for.
   * SLF4J then reports at INFO, on stderr, which provider it loads; only its warnings are kept.
   */
  static void select() {
    if (System.getProperty("slf4j.provider") == null) {
      System.setProperty("slf4j.provider", JsonLogProvider.class.getName());
      if (System.getProperty("slf4j.internal.verbosity") == null) {
        System.setProperty("slf4j.internal.verbosity", "WARN");
      }
    }
  }

  /** As logback's own provider: a failed set-up is reported on stderr, never thrown into SLF4J. */
  @Override
  public void initialize() {
    context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
    context.setMDCAdapter(mdc);
    try {
      if (System.getProperty(JsonLogging.OWN_FILE_PROPERTY) != null) {
        new ContextInitializer(context).autoConfig();
      } else {
        JsonLogging.install(context);
      }
    } catch (Exception e) {
      System.err.println("logging set-up failed: " + e);
    }
    if (!StatusUtil.contextHasStatusListener(context)) {
      StatusPrinter.printInCaseOfErrorsOrWarnings(context);
    }
    context.start();
  }

  @Override
  public ILoggerFactory getLoggerFactory() {
    return context;
  }

  @Override
  public IMarkerFactory getMarkerFactory() {
    return markers;
  }

  @Override
  public MDCAdapter getMDCAdapter() {
    return mdc;
  }

  @Override
  public String getRequestedApiVersion() {
    return "2.0.99";
  }
}
