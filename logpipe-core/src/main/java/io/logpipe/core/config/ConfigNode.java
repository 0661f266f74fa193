package io.logpipe.core.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One mapping of the configuration tree, read key by key into typed values. Each getter takes the
 * key's default, so a missing key is never an error; a present key with a bad value records a
 * problem (with its full key path) and yields the default, so that reading goes on and {@link
 * #finish()} can report every problem at once.
 *
 * <p>Every key can be overridden from the environment: {@code kafka.producer.linger} by {@code
 * LOGPIPE_KAFKA_PRODUCER_LINGER}. Lists are comma-separated there, maps {@code k=v,k=v}.
 *
 * <p>Use: {@link #root}, read sections and keys, then {@link #finish()} on the root, which also
 * reports keys that nobody read (typos) and unknown {@code LOGPIPE_*} variables. Not thread-safe;
 * configuration is read once at start-up.
 */
public final class ConfigNode {
  /** Environment variables that belong to the launcher, not to a configuration key. */
  public static final Set<String> LAUNCHER_VARIABLES =
      Set.of(
          "LOGPIPE_HOME",
          "LOGPIPE_OPTS",
          "LOGPIPE_JAVA_OPTS",
          "LOGPIPE_CONFIG",
          "LOGPIPE_LOG_LEVEL",
          "LOGPIPE_REQUIRE_TOOLS");

  private static final String ENV_PREFIX = "LOGPIPE_";

  private final Shared shared;
  private final String path;
  private final JsonNode node;
  private final Set<String> readKeys = new LinkedHashSet<>();
  private final Map<String, ConfigNode> children = new LinkedHashMap<>();

  private static final class Shared {
    final String source;
    final Map<String, String> env;
    final List<String> problems = new ArrayList<>();
    final Set<String> readPaths = new TreeSet<>();
    final Set<String> usedVariables = new LinkedHashSet<>();

    Shared(String source, Map<String, String> env) {
      this.source = source;
      this.env = env;
    }
  }

  private ConfigNode(Shared shared, String path, JsonNode node) {
    this.shared = shared;
    this.path = path;
    this.node = node;
  }

  /**
   * The root of a configuration.
   *
   * @param tree the parsed YAML ({@link ConfigFiles#parse}); an empty document is an empty mapping
   * @param env the environment, for overrides
   * @param source how to name the configuration in messages, such as the file name
   */
  public static ConfigNode root(JsonNode tree, Map<String, String> env, String source) {
    Shared shared = new Shared(source, Map.copyOf(env));
    JsonNode n = tree == null || tree.isNull() ? MissingNode.getInstance() : tree;
    ConfigNode root = new ConfigNode(shared, "", n);
    if (!n.isMissingNode() && !n.isObject()) {
      shared.problems.add("(top level): expected a mapping of settings, got " + describe(n));
      return new ConfigNode(shared, "", MissingNode.getInstance());
    }
    return root;
  }

  /** The key path of this mapping, empty for the root. */
  public String path() {
    return path;
  }

  /** The nested mapping under {@code key}; empty if absent. */
  public ConfigNode section(String key) {
    ConfigNode existing = children.get(key);
    if (existing != null) {
      return existing;
    }
    readKeys.add(key);
    JsonNode child = node.path(key);
    String childPath = pathOf(key);
    if (!child.isMissingNode() && !child.isNull() && !child.isObject()) {
      problem(key, "expected a mapping of settings, got " + describe(child));
      child = MissingNode.getInstance();
    }
    ConfigNode c =
        new ConfigNode(shared, childPath, child.isNull() ? MissingNode.getInstance() : child);
    children.put(key, c);
    return c;
  }

  /** True if the configuration file has this key in this mapping. */
  public boolean has(String key) {
    return node.has(key) || shared.env.containsKey(envName(key));
  }

  /** A string; numbers and booleans are taken as their text. */
  public String string(String key, String def) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    return v.text;
  }

  /** One of the given words (case-insensitive), returned in lower case. */
  public String oneOf(String key, String def, Collection<String> allowed) {
    String s = string(key, def);
    if (s == null) {
      return def;
    }
    String lower = s.toLowerCase(Locale.ROOT);
    if (!allowed.contains(lower)) {
      problem(key, quote(s) + " is not one of " + String.join(", ", allowed));
      return def;
    }
    return lower;
  }

  /** An integer within [min, max]. */
  public int integer(String key, int def, int min, int max) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    long n;
    try {
      n = Long.parseLong(v.text.trim());
    } catch (NumberFormatException e) {
      v.fail(quote(v.text) + " is not a whole number");
      return def;
    }
    if (n < min || n > max) {
      v.fail(n + " is outside " + min + ".." + max);
      return def;
    }
    return (int) n;
  }

  /** A boolean: {@code true} or {@code false}. */
  public boolean bool(String key, boolean def) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    String s = v.text.trim().toLowerCase(Locale.ROOT);
    if (s.equals("true")) {
      return true;
    }
    if (s.equals("false")) {
      return false;
    }
    v.fail(quote(v.text) + " is not true or false");
    return def;
  }

  /** A duration such as {@code 5s} within [min, max]. */
  public Duration duration(String key, Duration def, Duration min, Duration max) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    Duration d;
    try {
      d = Durations.parse(v.text);
    } catch (IllegalArgumentException e) {
      v.fail(e.getMessage());
      return def;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      v.fail(quote(v.text) + " is outside " + Durations.format(min) + ".." + Durations.format(max));
      return def;
    }
    return d;
  }

  /** A size such as {@code 64KiB} within [min, max]. */
  public DataSize size(String key, DataSize def, DataSize min, DataSize max) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    DataSize d;
    try {
      d = DataSize.parse(v.text);
    } catch (IllegalArgumentException e) {
      v.fail(e.getMessage());
      return def;
    }
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      v.fail(quote(v.text) + " is outside " + min + ".." + max);
      return def;
    }
    return d;
  }

  /** An address such as {@code 127.0.0.1:8080}. */
  public HostPort hostPort(String key, HostPort def) {
    Value v = scalarValue(key);
    if (v == null) {
      return def;
    }
    try {
      return HostPort.parse(v.text);
    } catch (IllegalArgumentException e) {
      v.fail(e.getMessage());
      return def;
    }
  }

  /** A list of strings: a YAML sequence, or a comma-separated string. */
  public List<String> stringList(String key, List<String> def) {
    Value v = value(key);
    if (v == null) {
      return def;
    }
    List<String> out = new ArrayList<>();
    if (v.yaml != null && v.yaml.isArray()) {
      int i = 0;
      for (JsonNode item : v.yaml) {
        if (!item.isValueNode() || item.isNull()) {
          problem(key + "[" + i + "]", "expected a text value, got " + describe(item));
        } else {
          out.add(item.asText().trim());
        }
        i++;
      }
    } else if (v.yaml != null && !v.yaml.isValueNode()) {
      v.fail("expected a list, got " + describe(v.yaml));
      return def;
    } else {
      for (String part : v.text.split(",", -1)) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * A free-form mapping of strings to strings (such as extra client properties). Its keys are not
   * checked against a schema.
   */
  public Map<String, String> stringMap(String key) {
    Value v = value(key);
    if (v == null) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    if (v.yaml != null && v.yaml.isObject()) {
      for (Map.Entry<String, JsonNode> e : v.yaml.properties()) {
        if (!e.getValue().isValueNode() || e.getValue().isNull()) {
          problem(key + "." + e.getKey(), "expected a text value, got " + describe(e.getValue()));
        } else {
          out.put(e.getKey(), e.getValue().asText());
        }
      }
    } else if (v.yaml == null) {
      for (String part : v.text.split(",", -1)) {
        if (part.isBlank()) {
          continue;
        }
        int eq = part.indexOf('=');
        if (eq <= 0) {
          v.fail("expected k=v pairs separated by commas, got " + quote(part.trim()));
          return Map.of();
        }
        out.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    } else {
      v.fail("expected a mapping, got " + describe(v.yaml));
    }
    return Map.copyOf(out);
  }

  /** Records a problem found by a check that spans several keys. */
  public void problem(String key, String message) {
    shared.problems.add(pathOf(key) + ": " + message);
  }

  /** Every key path read so far, from the whole tree (for checking the defaults file). */
  public Set<String> readPaths() {
    return Set.copyOf(shared.readPaths);
  }

  /** The problems found so far. */
  public List<String> problems() {
    return List.copyOf(shared.problems);
  }

  /**
   * Ends reading: reports keys present in the file that nobody read, and {@code LOGPIPE_*}
   * environment variables that name no key.
   *
   * @throws ConfigException with every problem, if there is any
   */
  public void finish() {
    reportUnknownKeys();
    for (String name : new TreeSet<>(shared.env.keySet())) {
      if (name.startsWith(ENV_PREFIX)
          && !shared.usedVariables.contains(name)
          && !LAUNCHER_VARIABLES.contains(name)) {
        shared.problems.add(
            name
                + ": environment variable names no configuration key (see `logpipe config defaults`)");
      }
    }
    if (!shared.problems.isEmpty()) {
      throw new ConfigException(shared.source, shared.problems);
    }
  }

  private void reportUnknownKeys() {
    if (node.isObject()) {
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        String name = field.getKey();
        if (!readKeys.contains(name)) {
          String hint = closest(name, readKeys);
          problem(name, "unknown key" + (hint == null ? "" : " (did you mean '" + hint + "'?)"));
        }
      }
    }
    for (ConfigNode c : children.values()) {
      c.reportUnknownKeys();
    }
  }

  private static String closest(String name, Set<String> known) {
    String best = null;
    int bestDistance = 3;
    for (String k : known) {
      int d = distance(name.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
      if (d < bestDistance) {
        best = k;
        bestDistance = d;
      }
    }
    return best;
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private String pathOf(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  private String envName(String key) {
    return ENV_PREFIX + pathOf(key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** A single value (not a mapping or list); null if absent or of the wrong shape. */
  private Value scalarValue(String key) {
    Value v = value(key);
    if (v != null && v.yaml != null && !v.yaml.isValueNode()) {
      v.fail("expected a single value, got " + describe(v.yaml));
      return null;
    }
    return v;
  }

  /** A key's value from the environment or the file; null if absent (use the default). */
  private Value value(String key) {
    readKeys.add(key);
    shared.readPaths.add(pathOf(key));
    String var = envName(key);
    String fromEnv = shared.env.get(var);
    if (fromEnv != null) {
      shared.usedVariables.add(var);
      return new Value(key, null, fromEnv, var);
    }
    JsonNode n = node.path(key);
    if (n.isMissingNode() || n.isNull()) {
      return null;
    }
    return new Value(key, n, n.isValueNode() ? n.asText() : "", null);
  }

  private final class Value {
    final String key;
    final JsonNode yaml;
    final String text;
    final String variable;

    Value(String key, JsonNode yaml, String text, String variable) {
      this.key = key;
      this.yaml = yaml;
      this.text = text;
      this.variable = variable;
    }

    void fail(String message) {
      String where = variable == null ? pathOf(key) : pathOf(key) + " (from " + variable + ")";
      shared.problems.add(where + ": " + message);
    }
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static String describe(JsonNode n) {
    if (n.isObject()) {
      return "a mapping";
    }
    if (n.isArray()) {
      return "a list";
    }
    if (n.isNumber()) {
      return "the number " + n.asText();
    }
    if (n.isBoolean()) {
      return n.asText();
    }
    return quote(n.asText());
  }
}
