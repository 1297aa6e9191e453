package io.hearsay.protocol.serialization;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import java.io.NotSerializableException;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

class EnvelopeSerializerTest {

  private final EnvelopeSerializer serializer = new EnvelopeSerializer();

  @Test
  void envelopeBytesRoundTripUnchanged() throws Exception {
    Envelope envelope = Envelope.newBuilder()
        .setPayload(ByteString.copyFromUtf8("payload"))
        .setSignature(ByteString.copyFromUtf8("signature"))
        .build();
    byte[] bytes = serializer.toBinary(envelope);
    assertEquals(envelope.toByteString(), ByteString.copyFrom(bytes));
    assertEquals(envelope, serializer.fromBinary(bytes, serializer.manifest(envelope)));
  }

  @Test
  void malformedBytesFailAsNotSerializable() {
    var e = assertThrows(NotSerializableException.class,
        () -> serializer.fromBinary(new byte[] {(byte) 0xff, 0x01}, EnvelopeSerializer.ENVELOPE));
    assertEquals(true, e.getMessage().startsWith("malformed gossip.Envelope"));
  }

  @Test
  void unknownManifestIsRefused() {
    assertThrows(NotSerializableException.class, () -> serializer.fromBinary(new byte[0], "other"));
  }

  @Test
  void onlyEnvelopesAreSerialized() {
    assertThrows(IllegalArgumentException.class, () -> serializer.toBinary("a string"));
  }
}
