package io.hearsay.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  record Check(String component, String reason) {}

  @Test
  void whatIsWrittenParsesBack() {
    String tricky = "a \"quoted\" \\ back\nslash \u0001";
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("text", tricky);
    document.put("height", 12L);
    document.put("checks", List.of(new Check("channel c", "ledger not running")));
    String json = Json.write(document);
    assertEquals("{\"text\":", json.substring(0, 8), "keys in insertion order");
    Map<?, ?> back = (Map<?, ?>) Json.parse(json);
    assertEquals(tricky, back.get("text"));
    assertEquals(12L, Json.asLong(back.get("height")));
    assertEquals(Map.of("component", "channel c", "reason", "ledger not running"), ((List<?>) back.get("checks")).get(0),
        "a record is written as an object of its components");
  }

  @Test
  void parsesTheShapesTheStatusDocumentUses() {
    Object parsed = Json.parse("{\"node\": \"peer0\", \"height\": 12, \"leader\": true, \"dead\": [],"
        + " \"channels\": [{\"channel\": \"mychannel\", \"tip\": null}]}");
    assertEquals(List.of("node", "height", "leader", "dead", "channels"), List.copyOf(((Map<?, ?>) parsed).keySet()));
    assertEquals(12L, Json.asLong(((Map<?, ?>) parsed).get("height")));
    assertEquals("mychannel", ((Map<?, ?>) ((List<?>) ((Map<?, ?>) parsed).get("channels")).get(0)).get("channel"));
  }

  @Test
  void malformedJsonIsRefusedWithAnError() {
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{\"a\": }"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("[1, 2"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("{} trailing"));
    assertThrows(IllegalArgumentException.class, () -> Json.parse("\"\\u12"));
  }
}
