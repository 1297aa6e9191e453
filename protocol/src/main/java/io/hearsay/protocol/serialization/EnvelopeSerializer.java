package io.hearsay.protocol.serialization;

import com.google.protobuf.InvalidProtocolBufferException;
import java.io.NotSerializableException;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * Carries Fabric {@code gossip.Envelope}s over Artery as their own protobuf bytes, unchanged, so
 * the signature computed by the sender is the one the receiver verifies. Registered in this
 * module's {@code reference.conf}.
 */
public final class EnvelopeSerializer extends SerializerWithStringManifest {

  /** Unique among the serializers of a Hearsay system; Pekko reserves 0 to 40. */
  public static final int IDENTIFIER = 8470;
  static final String ENVELOPE = "gossip.Envelope";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof Envelope) {
      return ENVELOPE;
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof Envelope envelope) {
      return envelope.toByteArray();
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!ENVELOPE.equals(manifest)) {
      throw new NotSerializableException("unknown manifest " + manifest);
    }
    try {
      return Envelope.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      // Pekko logs and drops a message whose deserialization fails; the peer keeps running.
      NotSerializableException failure =
          new NotSerializableException("malformed gossip.Envelope: " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }
}
