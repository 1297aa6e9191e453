package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import java.security.MessageDigest;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;

/**
 * Fabric's block hash rules ({@code protoutil}): the data hash is SHA-256 of the data entries
 * concatenated; a header's hash is SHA-256 of its ASN.1 DER encoding
 * {@code SEQUENCE {INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash}}, and is
 * the next block's previous_hash.
 */
public final class BlockHashes {

  /** The DER tags of the header's encoding. */
  private static final int SEQUENCE = 0x30;
  private static final int INTEGER = 0x02;
  private static final int OCTET_STRING = 0x04;

  private BlockHashes() {}

  public static ByteString dataHash(BlockData data) {
    MessageDigest digest = Ecdsa.sha256();
    for (ByteString entry : data.getDataList()) {
      Ecdsa.update(digest, entry);
    }
    return ByteString.copyFrom(digest.digest());
  }

  /**
   * The header's DER encoding, written directly: three fields of known shape need no ASN.1 object
   * tree (building one, the number through a decimal string into a BigInteger, cost more than
   * hashing the result). The number is Go's {@code big.Int} of the uint64: minimal big-endian
   * two's complement, a leading zero byte when the top bit is set.
   */
  public static byte[] headerBytes(BlockHeader header) {
    long number = header.getNumber();
    int numberLength = (64 - Long.numberOfLeadingZeros(number)) / 8 + 1;
    ByteString previous = header.getPreviousHash();
    ByteString data = header.getDataHash();
    int content = encodedSize(numberLength) + encodedSize(previous.size()) + encodedSize(data.size());
    byte[] der = new byte[encodedSize(content)];
    int at = putTagAndLength(der, 0, SEQUENCE, content);
    at = putTagAndLength(der, at, INTEGER, numberLength);
    for (int i = numberLength - 1; i >= 0; i--, at++) {
      der[at] = i >= Long.BYTES ? 0 : (byte) (number >>> (8 * i));
    }
    at = putTagAndLength(der, at, OCTET_STRING, previous.size());
    previous.copyTo(der, at);
    at = putTagAndLength(der, at + previous.size(), OCTET_STRING, data.size());
    data.copyTo(der, at);
    return der;
  }

  /** Bytes of a DER element with {@code length} bytes of content: tag, length, content. */
  private static int encodedSize(int length) {
    return 1 + lengthSize(length) + length;
  }

  private static int lengthSize(int length) {
    return length < 0x80 ? 1 : 1 + (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
  }

  /** Writes a DER tag and definite length at {@code at}; returns where the content starts. */
  private static int putTagAndLength(byte[] der, int at, int tag, int length) {
    der[at++] = (byte) tag;
    if (length < 0x80) {
      der[at++] = (byte) length;
      return at;
    }
    int bytes = lengthSize(length) - 1;
    der[at++] = (byte) (0x80 | bytes);
    for (int i = bytes - 1; i >= 0; i--) {
      der[at++] = (byte) (length >>> (8 * i));
    }
    return at;
  }

  public static ByteString headerHash(BlockHeader header) {
    return ByteString.copyFrom(Ecdsa.sha256(headerBytes(header)));
  }
}
