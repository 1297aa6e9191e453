package io.hearsay.runtime.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

  @Test
  void whatIsQuotedParsesBack() {
    String tricky = "a \"quoted\" \\ back\nslash \u0001";
    assertEquals(tricky, Json.parse(Json.quote(tricky)));
  }

  @Test
  void parsesTheShapesTheStatusDocumentUses() {
    Object parsed = Json.parse("{\"node\": \"peer0\", \"height\": 12, \"leader\": true, \"dead\": [],"
        + " \"channels\": [{\"channel\": \"mychannel\", \"tip\": null}]}");
    assertEquals(Map.of("node", "peer0", "height", 12.0, "leader", true, "dead", List.of(),
        "channels", List.of(Collections.singletonMap("channel", "mychannel"))).keySet(),
        ((Map<?, ?>) parsed).keySet());
    assertEquals(12.0, ((Map<?, ?>) parsed).get("height"));
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
