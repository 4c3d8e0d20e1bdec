package com.xeadline.uploads.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parsing of the value syntaxes the configuration accepts: sizes, durations, booleans. */
public final class ConfigValues {
  private static final Pattern SIZE =
      Pattern.compile("(\\d+)\\s*(b|k|kb|kib|m|mb|mib|g|gb|gib|t|tb|tib)?", Pattern.CASE_INSENSITIVE);
  private static final Pattern DURATION =
      Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);

  private ConfigValues() {}

  /** Bytes, with an optional binary unit: {@code 500MiB}, {@code 16m}, {@code 1048576}. */
  public static long parseSize(String text) {
    Matcher m = SIZE.matcher(text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("not a size (use bytes or a unit: 512KiB, 500MiB, 1GiB)");
    }
    long number = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "b" : m.group(2).toLowerCase(Locale.ROOT);
    int shift =
        switch (unit.charAt(0)) {
          case 'k' -> 10;
          case 'm' -> 20;
          case 'g' -> 30;
          case 't' -> 40;
          default -> 0;
        };
    if (shift > 0 && number > (Long.MAX_VALUE >> shift)) {
      throw new IllegalArgumentException("size too large");
    }
    return number << shift;
  }

  /** {@code 500ms}, {@code 30s}, {@code 5m}, {@code 24h}, {@code 7d} or ISO-8601 {@code PT30S}. */
  public static Duration parseDuration(String text) {
    String t = text.trim();
    if (t.toUpperCase(Locale.ROOT).startsWith("P")) {
      return Duration.parse(t);
    }
    Matcher m = DURATION.matcher(t);
    if (!m.matches()) {
      throw new IllegalArgumentException("not a duration (use 500ms, 30s, 5m, 24h, 7d)");
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** {@code 30/1m}: a count of requests per period. */
  public static UploadsConfig.Rate parseRate(String text) {
    String[] parts = text.trim().split("/");
    if (parts.length != 2) {
      throw new IllegalArgumentException("not a rate (use count/period, like 30/1m)");
    }
    long count = Long.parseLong(parts[0].trim());
    Duration period = parseDuration(parts[1]);
    if (count < 1 || period.isZero() || period.isNegative()) {
      throw new IllegalArgumentException("count and period must be positive");
    }
    return new UploadsConfig.Rate(count, period);
  }

  public static boolean parseBoolean(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "true", "yes", "on", "1" -> true;
      case "false", "no", "off", "0" -> false;
      default -> throw new IllegalArgumentException("not a boolean (use true or false)");
    };
  }

  public static int parsePort(String text) {
    int port = Integer.parseInt(text.trim());
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port must be between 0 and 65535");
    }
    return port;
  }
}
