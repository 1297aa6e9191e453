package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
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

  /**
   * The record of {@code block}, written straight into an array of its exact size: every
   * transaction is copied once (a 100 KB block was copied three times on its way to the file).
   * Protobuf's unsigned varint is Go's {@code EncodeVarint}, and its length-prefixed bytes are
   * {@code bytes(x)}.
   */
  public static byte[] encode(Block block) {
    BlockHeader header = block.getHeader();
    int size = CodedOutputStream.computeUInt64SizeNoTag(header.getNumber())
        + CodedOutputStream.computeBytesSizeNoTag(header.getDataHash())
        + CodedOutputStream.computeBytesSizeNoTag(header.getPreviousHash())
        + CodedOutputStream.computeUInt64SizeNoTag(block.getData().getDataCount())
        + CodedOutputStream.computeUInt64SizeNoTag(block.getMetadata().getMetadataCount());
    for (ByteString entry : block.getData().getDataList()) {
      size += CodedOutputStream.computeBytesSizeNoTag(entry);
    }
    for (ByteString entry : block.getMetadata().getMetadataList()) {
      size += CodedOutputStream.computeBytesSizeNoTag(entry);
    }
    byte[] record = new byte[size];
    CodedOutputStream out = CodedOutputStream.newInstance(record);
    try {
      out.writeUInt64NoTag(header.getNumber());
      out.writeBytesNoTag(header.getDataHash());
      out.writeBytesNoTag(header.getPreviousHash());
      out.writeUInt64NoTag(block.getData().getDataCount());
      for (ByteString entry : block.getData().getDataList()) {
        out.writeBytesNoTag(entry);
      }
      out.writeUInt64NoTag(block.getMetadata().getMetadataCount());
      for (ByteString entry : block.getMetadata().getMetadataList()) {
        out.writeBytesNoTag(entry);
      }
      out.checkNoSpaceLeft();
    } catch (IOException e) {
      throw new IllegalStateException("a block record is written into an array of its size", e);
    }
    return record;
  }

  /**
   * Decodes one record; a record that does not decode exactly is an {@link IllegalArgumentException}.
   * Each field is copied once out of the record.
   */
  public static Block decode(byte[] record) {
    CodedInputStream in = CodedInputStream.newInstance(record);
    try {
      BlockHeader.Builder header = BlockHeader.newBuilder()
          .setNumber(in.readUInt64())
          .setDataHash(in.readBytes())
          .setPreviousHash(in.readBytes());
      BlockData.Builder data = BlockData.newBuilder();
      for (long i = count(in, record.length); i > 0; i--) {
        data.addData(in.readBytes());
      }
      BlockMetadata.Builder metadata = BlockMetadata.newBuilder();
      for (long i = count(in, record.length); i > 0; i--) {
        metadata.addMetadata(in.readBytes());
      }
      if (!in.isAtEnd()) {
        throw new IllegalArgumentException((record.length - in.getTotalBytesRead()) + " bytes after the block");
      }
      return Block.newBuilder().setHeader(header).setData(data).setMetadata(metadata).build();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("record ends inside the block (" + e.getMessage() + ")");
    } catch (IOException e) {
      throw new IllegalArgumentException("record does not read back: " + e.getMessage());
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

  private static long count(CodedInputStream in, int recordLength) throws IOException {
    long n = in.readUInt64();
    long left = recordLength - in.getTotalBytesRead();
    if (n < 0 || n > left) {
      throw new IllegalArgumentException("entry count " + n + " exceeds the bytes left");
    }
    return n;
  }
}
