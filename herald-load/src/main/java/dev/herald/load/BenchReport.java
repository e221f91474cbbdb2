package dev.herald.load;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Objects;

/** The result of a load run: its JSON document and a table for people. Immutable. */
public final class BenchReport {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final ObjectNode json;

  BenchReport(ObjectNode json) {
    this.json = Objects.requireNonNull(json, "json").deepCopy();
  }

  /** Returns a copy of the result as a JSON object (keys as documented in docs/BENCHMARKS.md). */
  public ObjectNode node() {
    return json.deepCopy();
  }

  /** Returns the result as indented JSON text. */
  public String json() {
    try {
      return MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(json);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a tree always serialises", e);
    }
  }

  /** Returns the result as a two-column table, one line per value, nested keys joined by dots. */
  public String table() {
    StringBuilder out = new StringBuilder();
    appendRows(out, "", json);
    return out.toString();
  }

  private static void appendRows(StringBuilder out, String prefix, JsonNode node) {
    for (Map.Entry<String, JsonNode> field : node.properties()) {
      String key = prefix + field.getKey();
      JsonNode value = field.getValue();
      if (value.isObject()) {
        appendRows(out, key + ".", value);
      } else {
        out.append(String.format("  %-28s %s%n", key, value.isNull() ? "-" : value.asText()));
      }
    }
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
