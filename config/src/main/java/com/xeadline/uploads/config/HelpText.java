package com.xeadline.uploads.config;

/** The option table printed by {@code --help}, made from {@link ConfigOption#ALL}. */
public final class HelpText {
  private HelpText() {}

  public static String options() {
    StringBuilder out = new StringBuilder();
    out.append("Options (flag --key=value > environment > --config FILE > default):\n");
    for (ConfigOption o : ConfigOption.ALL) {
      out.append(String.format("  --%-22s %-22s default: %s%n", o.key(), o.env(), o.defaultValue().isEmpty() ? "(none)" : o.defaultValue()));
      out.append("      ").append(o.description()).append('\n');
    }
    out.append("  --config FILE            ").append(ConfigLoader.CONFIG_FILE_ENV).append("  a properties file with the keys above\n");
    out.append("Variables of the old Xeadline upload service:\n");
    for (ConfigOption o : OldEnvironment.HONOURED) {
      out.append(String.format("  %-30s read, as --%s%n", o.env(), o.key()));
    }
    for (OldEnvironment.Ignored old : OldEnvironment.ignored()) {
      out.append(String.format("  %-30s ignored (a warning at start): %s%n", old.variable(), old.replacement()));
    }
    return out.toString();
  }
}
