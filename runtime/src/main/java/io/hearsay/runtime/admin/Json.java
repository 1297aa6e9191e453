package io.hearsay.runtime.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * JSON by Jackson, for the command line's {@code --json} documents and the admin endpoint: what is
 * written is built of maps (insertion-ordered), lists, records, strings, numbers and booleans; what
 * is read back comes as maps, lists, strings, numbers, booleans and null.
 */
public final class Json {

  private static final ObjectMapper MAPPER = JsonMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .build();

  private Json() {}

  /** {@code value} as one compact JSON document. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not writable as JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** Parses one JSON document; malformed input or trailing content is an {@link IllegalArgumentException}. */
  public static Object parse(String json) {
    try {
      return MAPPER.readValue(json, Object.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("malformed JSON: " + e.getOriginalMessage(), e);
    }
  }

  /** A JSON number read back by {@link #parse}, as a long. */
  public static long asLong(Object number) {
    return ((Number) number).longValue();
  }
}
