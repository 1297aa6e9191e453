package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import java.io.ByteArrayOutputStream;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.BlockMetadata;

/**
 * A block as Fabric's block store serializes it (not a {@code common.Block} protobuf):
 *
 * <pre>
 * uvarint(number) · bytes(data_hash) · bytes(previous_hash) ·
 * uvarint(n_data) · n_data × bytes(data[i]) · uvarint(n_metadata) · n_metadata × bytes(metadata[i])
 * </pre>
 *
 * where {@code bytes(x)} is {@code uvarint(len(x)) ‖ x}. In a block file each record is framed as
 * {@code uvarint(len(record)) ‖ record}.
 */
public final class BlockRecords {

  private BlockRecords() {}

  public static byte[] encode(Block block) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(block.getSerializedSize() + 64);
    BlockHeader header = block.getHeader();
    Uvarint.write(out, header.getNumber());
    Uvarint.writeBytes(out, header.getDataHash().toByteArray());
    Uvarint.writeBytes(out, header.getPreviousHash().toByteArray());
    Uvarint.write(out, block.getData().getDataCount());
    for (ByteString entry : block.getData().getDataList()) {
      Uvarint.writeBytes(out, entry.toByteArray());
    }
    Uvarint.write(out, block.getMetadata().getMetadataCount());
    for (ByteString entry : block.getMetadata().getMetadataList()) {
      Uvarint.writeBytes(out, entry.toByteArray());
    }
    return out.toByteArray();
  }

  /** Decodes one record; a record that does not decode exactly is an {@link IllegalArgumentException}. */
  public static Block decode(byte[] record) {
    ByteBuffer in = ByteBuffer.wrap(record);
    try {
      BlockHeader.Builder header = BlockHeader.newBuilder()
          .setNumber(Uvarint.read(in))
          .setDataHash(ByteString.copyFrom(Uvarint.readBytes(in)))
          .setPreviousHash(ByteString.copyFrom(Uvarint.readBytes(in)));
      BlockData.Builder data = BlockData.newBuilder();
      for (long i = count(in); i > 0; i--) {
        data.addData(ByteString.copyFrom(Uvarint.readBytes(in)));
      }
      BlockMetadata.Builder metadata = BlockMetadata.newBuilder();
      for (long i = count(in); i > 0; i--) {
        metadata.addMetadata(ByteString.copyFrom(Uvarint.readBytes(in)));
      }
      if (in.hasRemaining()) {
        throw new IllegalArgumentException(in.remaining() + " bytes after the block");
      }
      return Block.newBuilder().setHeader(header).setData(data).setMetadata(metadata).build();
    } catch (BufferUnderflowException e) {
      throw new IllegalArgumentException("record ends inside the block");
    }
  }

  /** The {@code uvarint(len)} that frames a record of {@code length} bytes in a block file. */
  public static byte[] lengthPrefix(int length) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(5);
    Uvarint.write(out, length);
    return out.toByteArray();
  }

  /** A record framed for a block file: {@code uvarint(len) ‖ record}. */
  public static byte[] frame(byte[] record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(record.length + 5);
    Uvarint.writeBytes(out, record);
    return out.toByteArray();
  }

  private static long count(ByteBuffer in) {
    long n = Uvarint.read(in);
    if (n < 0 || n > in.remaining()) {
      throw new IllegalArgumentException("entry count " + n + " exceeds the bytes left");
    }
    return n;
  }
}
