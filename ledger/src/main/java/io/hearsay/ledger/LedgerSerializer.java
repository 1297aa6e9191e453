package io.hearsay.ledger;

import io.hearsay.ledger.store.BlockCommitted;
import com.google.protobuf.ByteString;
import io.hearsay.ledger.state.WorldState;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.NotSerializableException;
import java.io.UncheckedIOException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.apache.pekko.serialization.SerializerWithStringManifest;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Serializes the ledger's event (a committed block, as its {@code common.Block} protobuf) and its
 * snapshot (the small {@link LedgerState}) for journals and snapshot stores that need bytes. The
 * ledger journal itself stores blocks in Fabric's block-file format and does not use this.
 */
public final class LedgerSerializer extends SerializerWithStringManifest {

  public static final int IDENTIFIER = 8472;
  private static final String BLOCK = "BlockCommitted";
  private static final String STATE = "LedgerState.v1";

  @Override
  public int identifier() {
    return IDENTIFIER;
  }

  @Override
  public String manifest(Object o) {
    if (o instanceof BlockCommitted) {
      return BLOCK;
    }
    if (o instanceof LedgerState) {
      return STATE;
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public byte[] toBinary(Object o) {
    if (o instanceof BlockCommitted committed) {
      return committed.block().toByteArray();
    }
    if (o instanceof LedgerState state) {
      return state(state);
    }
    throw new IllegalArgumentException("cannot serialize " + o.getClass().getName());
  }

  @Override
  public Object fromBinary(byte[] bytes, String manifest) throws NotSerializableException {
    try {
      return switch (manifest) {
        case BLOCK -> new BlockCommitted(Block.parseFrom(bytes));
        case STATE -> state(bytes);
        default -> throw new NotSerializableException("unknown manifest " + manifest);
      };
    } catch (IOException | RuntimeException e) {
      NotSerializableException failure = new NotSerializableException("malformed " + manifest + ": " + e.getMessage());
      failure.initCause(e);
      throw failure;
    }
  }

  private static byte[] state(LedgerState state) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeLong(state.height());
      writeBytes(out, state.tipHash().toByteArray());
      out.writeBoolean(state.lastConfigBlock().isPresent());
      if (state.lastConfigBlock().isPresent()) {
        writeBytes(out, state.lastConfigBlock().get().toByteArray());
      }
      Map<String, WorldState.VersionedValue> entries = state.worldState().entries();
      out.writeInt(entries.size());
      for (var entry : entries.entrySet()) {
        out.writeUTF(entry.getKey());
        writeBytes(out, entry.getValue().value().toByteArray());
        out.writeLong(entry.getValue().blockNumber());
        out.writeInt(entry.getValue().txNumber());
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private static LedgerState state(byte[] bytes) throws IOException {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
      long height = in.readLong();
      ByteString tip = ByteString.copyFrom(readBytes(in));
      Optional<Block> config = in.readBoolean() ? Optional.of(Block.parseFrom(readBytes(in))) : Optional.empty();
      int count = in.readInt();
      Map<String, WorldState.VersionedValue> values = new HashMap<>();
      for (int i = 0; i < count; i++) {
        String key = in.readUTF();
        values.put(key, new WorldState.VersionedValue(ByteString.copyFrom(readBytes(in)), in.readLong(), in.readInt()));
      }
      return new LedgerState(height, tip, config, WorldState.fromEntries(values));
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] bytes) throws IOException {
    out.writeInt(bytes.length);
    out.write(bytes);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("length " + length + " exceeds the bytes left");
    }
    return in.readNBytes(length);
  }
}
