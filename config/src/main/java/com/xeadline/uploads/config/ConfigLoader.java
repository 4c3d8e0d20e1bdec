package com.xeadline.uploads.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Builds {@link UploadsConfig} from, in rising precedence: built-in defaults, an optional
 * properties file ({@code --config FILE} or {@code UPLOADS_CONFIG}), environment variables, and
 * {@code --key=value} flags. Every problem is collected and reported in one {@link
 * ConfigException}.
 */
public final class ConfigLoader {
  public static final String CONFIG_FILE_ENV = "UPLOADS_CONFIG";

  private final Map<String, String> env;

  public ConfigLoader(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  public UploadsConfig load(List<String> flags) {
    List<String> problems = new ArrayList<>();
    Map<String, String> raw = new HashMap<>();
    for (ConfigOption option : ConfigOption.ALL) {
      raw.put(option.key(), option.defaultValue());
    }
    Map<String, String> fromFlags = parseFlags(flags, problems);
    String file = fromFlags.getOrDefault("config", env.get(CONFIG_FILE_ENV));
    fromFlags.remove("config");
    if (file != null && !file.isBlank()) {
      readPropertiesFile(Path.of(file), raw, problems);
    }
    for (ConfigOption option : ConfigOption.ALL) {
      String value = env.get(option.env());
      if (value != null) {
        raw.put(option.key(), value);
      }
    }
    raw.putAll(fromFlags);
    UploadsConfig config = build(raw, problems);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  private static Map<String, String> parseFlags(List<String> flags, List<String> problems) {
    Map<String, String> values = new LinkedHashMap<>();
    for (int i = 0; i < flags.size(); i++) {
      String flag = flags.get(i);
      if (!flag.startsWith("--")) {
        problems.add("unexpected argument '" + flag + "' (options look like --server.port=8080)");
        continue;
      }
      String body = flag.substring(2);
      String key;
      String value;
      int eq = body.indexOf('=');
      if (eq >= 0) {
        key = body.substring(0, eq);
        value = body.substring(eq + 1);
      } else if (i + 1 < flags.size() && !flags.get(i + 1).startsWith("--")) {
        key = body;
        value = flags.get(++i);
      } else {
        problems.add("option --" + body + " needs a value");
        continue;
      }
      if (!key.equals("config") && findOption(key) == null) {
        problems.add("unknown option --" + key + " (see --help)");
        continue;
      }
      values.put(key, value);
    }
    return values;
  }

  private static void readPropertiesFile(Path file, Map<String, String> raw, List<String> problems) {
    Properties properties = new Properties();
    try (Reader reader = Files.newBufferedReader(file)) {
      properties.load(reader);
    } catch (IOException e) {
      problems.add("config file '" + file + "' cannot be read: " + e.getMessage());
      return;
    }
    for (String key : properties.stringPropertyNames()) {
      if (findOption(key) == null) {
        problems.add("config file '" + file + "': unknown key '" + key + "'");
      } else {
        raw.put(key, properties.getProperty(key).trim());
      }
    }
  }

  private static ConfigOption findOption(String key) {
    return ConfigOption.ALL.stream().filter(o -> o.key().equals(key)).findFirst().orElse(null);
  }

  private static UploadsConfig build(Map<String, String> raw, List<String> problems) {
    Values v = new Values(raw, problems);
    Path dataDir = v.get(ConfigOption.DATA_DIR, Path::of, Path.of("data"));
    // H2 refuses implicit relative paths, and a printed absolute path is clearer anyway.
    String dataDirText = dataDir.toAbsolutePath().normalize().toString();
    Function<String, String> expand = s -> s.replace(ConfigOption.DATA_DIR_PLACEHOLDER, dataDirText);
    // In this order, which is the order the problems are reported in.
    UploadsConfig.Server server = ConfigSections.server(v);
    UploadsConfig.Storage storage = ConfigSections.storage(raw, v, dataDir, expand);
    UploadsConfig.Database database = ConfigSections.database(raw, v, expand);
    UploadsConfig.Tus tus = ConfigSections.tus(v);
    UploadsConfig.Rules rules = ConfigSections.rules(raw, v);
    UploadsConfig.Auth auth = ConfigSections.auth(raw, v);
    UploadsConfig.Limits limits = ConfigSections.limits(v);
    UploadsConfig.Hooks hooks = ConfigSections.hooks(raw, v);
    UploadsConfig.Cors cors = ConfigSections.cors(raw, v);
    return new UploadsConfig(
        server, storage, database, tus, rules, auth, limits, hooks, cors, ConfigSections.video(raw, v), ConfigSections.cluster(raw, v));
  }

}
