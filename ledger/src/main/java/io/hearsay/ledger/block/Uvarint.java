package io.hearsay.ledger.block;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.BufferUnderflowException;

/** Unsigned LEB128 varints, as Go's protobuf {@code EncodeVarint} writes them in Fabric's block files. */
public final class Uvarint {

  private Uvarint() {}

  public static void write(ByteArrayOutputStream out, long value) {
    long v = value;
    while ((v & ~0x7FL) != 0) {
      out.write((int) ((v & 0x7F) | 0x80));
      v >>>= 7;
    }
    out.write((int) v);
  }

  /** Reads a varint; throws {@link BufferUnderflowException} when the buffer ends inside it. */
  public static long read(ByteBuffer in) {
    long result = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      byte b = in.get();
      result |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) {
        return result;
      }
    }
    throw new IllegalArgumentException("varint longer than 64 bits");
  }

  /** {@code uvarint(len) ‖ bytes}. */
  public static void writeBytes(ByteArrayOutputStream out, byte[] bytes) {
    write(out, bytes.length);
    out.write(bytes, 0, bytes.length);
  }

  public static byte[] readBytes(ByteBuffer in) {
    long length = read(in);
    if (length < 0 || length > in.remaining()) {
      throw new IllegalArgumentException("length " + length + " exceeds the " + in.remaining() + " bytes left");
    }
    byte[] bytes = new byte[(int) length];
    in.get(bytes);
    return bytes;
  }
}
