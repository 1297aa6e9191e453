package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.DiscardUnknownFieldsParser;
import com.google.protobuf.InvalidProtocolBufferException;
import java.util.Random;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.Payload;
import org.junit.jupiter.api.Test;

class AliasedInputTest {

  private static final Envelope ENVELOPE = Envelope.newBuilder()
      .setPayload(ByteString.copyFromUtf8("payload")).setSignature(ByteString.copyFromUtf8("signature")).build();

  @Test
  void parsesWhatAPlainParseParses() throws Exception {
    assertEquals(ENVELOPE, AliasedInput.parse(Envelope.parser(), ENVELOPE.toByteString()));
  }

  @Test
  void refusesWhatAPlainParseRefuses() {
    // a stray end-group tag (field 1, wire type 4) after the envelope: a streamed parse stops there
    // without complaint unless the last tag is checked, as a plain parse of the bytes does
    ByteString strayEndGroup = ENVELOPE.toByteString().concat(ByteString.copyFrom(new byte[] {0x0C}));
    assertThrows(InvalidProtocolBufferException.class, () -> Envelope.parseFrom(strayEndGroup));
    assertThrows(InvalidProtocolBufferException.class, () -> AliasedInput.parse(Envelope.parser(), strayEndGroup));
    ByteString truncated = ENVELOPE.toByteString().substring(0, 5);
    assertThrows(InvalidProtocolBufferException.class, () -> Envelope.parseFrom(truncated));
    assertThrows(InvalidProtocolBufferException.class, () -> AliasedInput.parse(Envelope.parser(), truncated));
  }

  @Test
  void agreesWithAPlainParseOnJunkAndOnDamagedMessages() {
    // a plain parse that drops unknown fields, as the view does
    Payload payload = Payload.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(ChannelHeader.newBuilder().setChannelId("mychannel")
            .setTxId("tx1").setType(3).build().toByteString()).setSignatureHeader(ByteString.copyFromUtf8("creator")))
        .setData(ByteString.copyFromUtf8("transaction")).build();
    byte[] valid = payload.toByteArray();
    Random random = new Random(17);
    int refusedByBoth = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] bytes;
      if (i % 2 == 0) {
        bytes = new byte[random.nextInt(64)];
        random.nextBytes(bytes);
      } else {
        // a valid payload with one byte changed, cut short, or lengthened by a random byte
        bytes = java.util.Arrays.copyOf(valid, valid.length + (i % 3 == 0 ? 1 : 0) - (i % 3 == 1 ? random.nextInt(4) : 0));
        bytes[random.nextInt(bytes.length)] = (byte) random.nextInt(256);
      }
      ByteString input = ByteString.copyFrom(bytes);
      Payload plain = null;
      Payload aliased = null;
      try {
        plain = DiscardUnknownFieldsParser.wrap(Payload.parser()).parseFrom(input);
      } catch (InvalidProtocolBufferException e) {
        // refused by protobuf
      }
      try {
        aliased = AliasedInput.parse(Payload.parser(), input);
      } catch (InvalidProtocolBufferException e) {
        // refused by the scan or by protobuf
      }
      assertEquals(plain, aliased, "input " + i + ": " + input);
      refusedByBoth += plain == null ? 1 : 0;
    }
    assertEquals(true, refusedByBoth > 5_000, "the inputs include junk: " + refusedByBoth + " refused");
  }

  @Test
  void dropsFieldsTheMessageDoesNotKnow() throws Exception {
    // an envelope followed by field 9 (unknown to Envelope) as a varint
    ByteString withUnknown = ENVELOPE.toByteString().concat(ByteString.copyFrom(new byte[] {0x48, 0x01}));
    assertEquals(false, Envelope.parseFrom(withUnknown).getUnknownFields().asMap().isEmpty());
    Envelope parsed = AliasedInput.parse(Envelope.parser(), withUnknown);
    assertEquals(ENVELOPE, parsed);
    assertEquals(true, parsed.getUnknownFields().asMap().isEmpty());
  }

  @Test
  void refusesJunkWithoutAStackTrace() {
    // wire type 7 in the first byte: no message starts so
    ByteString junk = ByteString.copyFrom(new byte[] {0x0F, 1, 2, 3});
    InvalidProtocolBufferException refused = assertThrows(InvalidProtocolBufferException.class,
        () -> AliasedInput.parse(Envelope.parser(), junk));
    assertNotNull(refused.getMessage());
    assertEquals(0, refused.getStackTrace().length, "junk is refused without the cost of a stack trace");
    assertEquals("protocol message is malformed: invalid wire type 7 at offset 1", refused.getMessage());
  }
}
