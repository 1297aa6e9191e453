package io.hearsay.runtime.admin;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The little JSON the command line and the admin endpoint write: quoted strings and arrays. */
public final class Json {

  private Json() {}

  /** {@code s} as a JSON string literal, quotes included. */
  public static String quote(String s) {
    return '"' + escape(s) + '"';
  }

  /** {@code s} escaped for use between JSON quotes. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder();
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }

  /** A JSON array of already-encoded elements. */
  public static String array(Collection<String> elements) {
    return elements.stream().collect(Collectors.joining(", ", "[", "]"));
  }

  /**
   * Parses JSON into maps, lists, strings, doubles, booleans and null (what the command line
   * reads back from admin endpoints); malformed input is an {@link IllegalArgumentException}.
   */
  public static Object parse(String json) {
    Reader reader = new Reader(json);
    Object value;
    try {
      value = reader.value();
    } catch (IndexOutOfBoundsException e) {
      throw new IllegalArgumentException("truncated escape in JSON", e);
    }
    reader.skipSpace();
    if (reader.at < json.length()) {
      throw new IllegalArgumentException("trailing characters at " + reader.at);
    }
    return value;
  }

  private static final class Reader {
    private final String s;
    private int at;

    Reader(String s) {
      this.s = s;
    }

    private char peek() {
      if (at >= s.length()) {
        throw new IllegalArgumentException("unexpected end of JSON");
      }
      return s.charAt(at);
    }

    private char next() {
      char c = peek();
      at++;
      return c;
    }

    void skipSpace() {
      while (at < s.length() && Character.isWhitespace(s.charAt(at))) {
        at++;
      }
    }

    Object value() {
      skipSpace();
      if (at >= s.length()) {
        throw new IllegalArgumentException("unexpected end of JSON");
      }
      char c = peek();
      return switch (c) {
        case '{' -> object();
        case '[' -> array();
        case '"' -> string();
        case 't' -> literal("true", Boolean.TRUE);
        case 'f' -> literal("false", Boolean.FALSE);
        case 'n' -> literal("null", null);
        default -> number();
      };
    }

    private Map<String, Object> object() {
      Map<String, Object> map = new LinkedHashMap<>();
      at++;
      skipSpace();
      if (peek() == '}') {
        at++;
        return map;
      }
      while (true) {
        skipSpace();
        String key = string();
        skipSpace();
        expect(':');
        map.put(key, value());
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect('}');
          return map;
        }
      }
    }

    private List<Object> array() {
      List<Object> list = new ArrayList<>();
      at++;
      skipSpace();
      if (peek() == ']') {
        at++;
        return list;
      }
      while (true) {
        list.add(value());
        skipSpace();
        if (peek() == ',') {
          at++;
        } else {
          expect(']');
          return list;
        }
      }
    }

    private String string() {
      expect('"');
      StringBuilder out = new StringBuilder();
      while (peek() != '"') {
        char c = next();
        if (c == '\\') {
          char e = next();
          switch (e) {
            case 'n' -> out.append('\n');
            case 't' -> out.append('\t');
            case 'u' -> {
              out.append((char) Integer.parseInt(s.substring(at, at + 4), 16));
              at += 4;
            }
            default -> out.append(e);
          }
        } else {
          out.append(c);
        }
      }
      at++;
      return out.toString();
    }

    private Object literal(String word, Object value) {
      if (!s.startsWith(word, at)) {
        throw new IllegalArgumentException("unexpected character at " + at);
      }
      at += word.length();
      return value;
    }

    private Double number() {
      int start = at;
      while (at < s.length() && "+-0123456789.eE".indexOf(s.charAt(at)) >= 0) {
        at++;
      }
      if (start == at) {
        throw new IllegalArgumentException("unexpected character at " + at);
      }
      return Double.valueOf(s.substring(start, at));
    }

    private void expect(char c) {
      if (at >= s.length() || s.charAt(at) != c) {
        throw new IllegalArgumentException("expected '" + c + "' at " + at);
      }
      at++;
    }
  }
}
