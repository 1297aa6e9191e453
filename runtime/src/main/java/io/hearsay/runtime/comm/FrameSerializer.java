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
 * Serializes Hearsay's frames between nodes: one byte of kind, an actor reference (the sender or
 * where to reply), then protobuf bytes untouched. The bytes are not parsed here, so malformed
 * bytes reach the receiving actor, which counts them as a rejection of the sender instead of
 * Pekko dropping them anonymously.
 *
 * @param <K> the frame's kinds
 * @param <F> the frame
 */
public abstract class FrameSerializer<K extends Enum<K>, F extends Frame<K>> extends SerializerWithStringManifest {

  /** Makes a frame from what was read (the reference resolved, of the type the frame's kind implies). */
  @FunctionalInterface
  protected interface Factory<K, F> {
    F frame(K kind, ActorRef<?> ref, ByteString bytes);
  }

  private final ActorRefResolver resolver;
  private final int identifier;
  private final Class<F> frameClass;
  private final K[] kinds;
  private final Factory<K, F> factory;
  private final String manifest;

  protected FrameSerializer(ExtendedActorSystem system, int identifier, Class<F> frameClass, Class<K> kindClass,
      Factory<K, F> factory) {
    this.resolver = ActorRefResolver.get(Adapter.toTyped(system));
    this.identifier = identifier;
    this.frameClass = frameClass;
    this.kinds = kindClass.getEnumConstants();
    this.factory = factory;
    this.manifest = "hearsay." + frameClass.getSimpleName();
  }

  @Override
  public int identifier() {
    return identifier;
  }

  @Override
  public String manifest(Object o) {
    return manifest;
  }

  @Override
  public byte[] toBinary(Object o) {
    if (!frameClass.isInstance(o)) {
      throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
    }
    F frame = frameClass.cast(o);
    ActorRef<?> ref = frame.ref();
    // A frame that expects no answer carries no reference: an empty path.
    byte[] path = ref == null ? new byte[0] : resolver.toSerializationFormat(ref).getBytes(StandardCharsets.UTF_8);
    ByteString bytes = frame.bytes();
    ByteBuffer buffer = ByteBuffer.allocate(1 + 4 + path.length + bytes.size());
    buffer.put((byte) frame.kind().ordinal()).putInt(path.length).put(path);
    bytes.copyTo(buffer);
    return buffer.array();
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    if (!this.manifest.equals(manifest)) {
      throw new NotSerializableException("unknown manifest " + manifest);
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      int kind = buffer.get();
      int pathLength = buffer.getInt();
      if (kind < 0 || kind >= kinds.length || pathLength < 0 || pathLength > buffer.remaining()) {
        throw new NotSerializableException("malformed " + this.manifest + " header");
      }
      String path = new String(bytes, 5, pathLength, StandardCharsets.UTF_8);
      ActorRef<?> ref = path.isEmpty() ? null : resolver.resolveActorRef(path);
      return factory.frame(kinds[kind], ref, ByteString.copyFrom(bytes, 5 + pathLength, bytes.length - 5 - pathLength));
    } catch (RuntimeException e) {
      throw new NotSerializableException("malformed " + this.manifest + ": " + e.getMessage());
    }
  }
}
