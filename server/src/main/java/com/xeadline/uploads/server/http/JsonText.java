package com.xeadline.uploads.server.http;

/** JSON strings written by hand where a JSON library would be the only reason to load one. */
public final class JsonText {
  private JsonText() {}

  /** Appends {@code text} as a JSON string, quotes included; null as the string "null". */
  public static StringBuilder appendQuoted(StringBuilder out, String text) {
    String value = String.valueOf(text);
    out.append('"');
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        case '\b' -> out.append("\\b");
        case '\f' -> out.append("\\f");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }
}
