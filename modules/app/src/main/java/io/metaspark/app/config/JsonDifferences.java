package io.metaspark.app.config;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.TreeSet;

/**
 * Where two JSON documents differ, as "path (before -> after)" with paths such as
 * {@code confs[0].layer.activationFn.@class}: what a user needs to see of two network
 * configurations, not the two whole documents. Objects compare by key, whatever their order; objects
 * of different types (their {@code @class}) by their type alone.
 */
final class JsonDifferences {
  private JsonDifferences() {}

  /** At most {@code limit} differences, in document order. */
  static List<String> between(JsonNode before, JsonNode after, int limit) {
    List<String> out = new ArrayList<>();
    collect("", before, after, out, limit);
    return out;
  }

  private static void collect(String path, JsonNode a, JsonNode b, List<String> out, int limit) {
    if (out.size() >= limit || a.equals(b)) {
      return;
    }
    if (a.isObject() && b.isObject() && !a.path("@class").equals(b.path("@class"))) {
      // another type (Jackson's type tag): its fields follow from it, listing them says nothing more
      collect(path + ".@class", a.path("@class"), b.path("@class"), out, limit);
    } else if (a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.fieldNames().forEachRemaining(keys::add);
      b.fieldNames().forEachRemaining(keys::add);
      for (String key : keys) {
        collect(path.isEmpty() ? key : path + "." + key, a.path(key), b.path(key), out, limit);
      }
    } else if (a.isArray() && b.isArray() && a.size() == b.size()) {
      Iterator<JsonNode> ia = a.elements();
      Iterator<JsonNode> ib = b.elements();
      for (int i = 0; ia.hasNext(); i++) {
        collect(path + "[" + i + "]", ia.next(), ib.next(), out, limit);
      }
    } else {
      out.add((path.isEmpty() ? "(the document)" : path) + " (" + shown(a) + " -> " + shown(b) + ")");
    }
  }

  private static String shown(JsonNode node) {
    if (node.isMissingNode()) {
      return "unset";
    }
    String text = node.isValueNode() ? node.asText() : node.toString();
    return text.length() > 80 ? text.substring(0, 77) + "..." : text;
  }
}
