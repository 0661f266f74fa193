package io.logpipe.core.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/** Reads YAML configuration text into a tree for {@link ConfigNode}. */
public final class ConfigFiles {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory()).enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private ConfigFiles() {}

  /**
   * Parses YAML text; an empty document is an empty mapping.
   *
   * @throws ConfigException naming the line and column of a syntax error
   */
  public static JsonNode parse(String yaml, String source) {
    try {
      JsonNode n = YAML.readTree(yaml);
      return n == null ? MissingNode.getInstance() : n;
    } catch (JsonProcessingException e) {
      String where =
          e.getLocation() == null
              ? ""
              : " at line "
                  + e.getLocation().getLineNr()
                  + ", column "
                  + e.getLocation().getColumnNr();
      throw new ConfigException(
          source, List.of("(syntax)" + where + ": " + firstLine(e.getOriginalMessage())));
    }
  }

  /**
   * Reads and parses a YAML file.
   *
   * @throws ConfigException if the file cannot be read or is not valid YAML
   */
  public static JsonNode read(Path file) {
    try {
      return parse(Files.readString(file), file.toString());
    } catch (NoSuchFileException e) {
      throw new ConfigException(file.toString(), List.of("(file): no such file"));
    } catch (IOException e) {
      throw new ConfigException(file.toString(), List.of("(file): cannot read: " + e.getMessage()));
    }
  }

  private static String firstLine(String s) {
    if (s == null) {
      return "invalid YAML";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
