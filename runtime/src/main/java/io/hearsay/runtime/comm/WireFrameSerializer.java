package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import java.io.NotSerializableException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.pekko.actor.ExtendedActorSystem;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.serialization.SerializerWithStringManifest;

/**
 * Serializes {@link WireFrame}s: one byte of kind, the sender's actor path, then the envelope's
 * bytes untouched. The envelope is not parsed here, so malformed envelope bytes reach the comm
 * actor, which counts them as a rejection of the sending peer instead of Pekko dropping them
 * anonymously.
 */
public final class WireFrameSerializer extends SerializerWithStringManifest {

  public static final int IDENTIFIER = 8471;
  private static final String MANIFEST = "hearsay.WireFrame";
  private static final WireFrame.Kind[] KINDS = WireFrame.Kind.values();

  private final ActorRefResolver resolver;

  public WireFrameSerializer(ExtendedActorSystem system) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
  }

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    return MANIFEST;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!(o instanceof WireFrame frame)) {
      throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
    }
    byte[] path = resolver.toSerializationFormat(frame.from()).getBytes(StandardCharsets.UTF_8);
    ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + path.length + frame.envelope().size());
    buffer.put((byte) frame.kind().ordinal()).putInt(path.length).put(path);
    frame.envelope().copyTo(buffer);
    return buffer.array();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!MANIFEST.equals(manifest)) {
      throw new NotSerializableException("unknown manifest " + manifest);
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      int kind = buffer.get();
      int pathLength = buffer.getInt();
      if (kind < 0 || kind >= KINDS.length || pathLength < 0 || pathLength > buffer.remaining()) {
        throw new NotSerializableException("malformed wire frame header");
      }
      String path = new String(bytes, 5, pathLength, StandardCharsets.UTF_8);
      ActorRef<Comm.Command> from = resolver.resolveActorRef(path);
      return new WireFrame(KINDS[kind], from, ByteString.copyFrom(bytes, 5 + pathLength, bytes.length - 5 - pathLength));
    } catch (RuntimeException e) {
      throw new NotSerializableException("malformed wire frame: " + e.getMessage());
    }
  }
}
