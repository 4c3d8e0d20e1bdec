package com.xeadline.uploads.config;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Typed reads of raw values that record a problem instead of throwing. */
record Values(Map<String, String> raw, List<String> problems) {
  <T> T get(ConfigOption option, Function<String, T> parser, T fallback) {
    String text = raw.get(option.key());
    try {
      return parser.apply(text);
    } catch (NumberFormatException e) {
      problem(option, "not a whole number");
      return fallback;
    } catch (RuntimeException e) {
      problem(option, e.getMessage() == null ? "invalid value" : e.getMessage());
      return fallback;
    }
  }

  Duration positiveDuration(ConfigOption option) {
    Duration d = get(option, ConfigValues::parseDuration, Duration.ofSeconds(1));
    if (d.isZero() || d.isNegative()) {
      problem(option, "must be positive");
    }
    return d;
  }

  void problem(ConfigOption option, String message) {
    String shown = option.isSecret() ? "****" : raw.get(option.key());
    problems.add(
        option.key() + " (" + option.env() + ") = '" + shown + "': " + message);
  }
}
