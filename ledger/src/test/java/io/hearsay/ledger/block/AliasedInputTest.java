package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import org.hyperledger.fabric.protos.common.Envelope;
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
}
