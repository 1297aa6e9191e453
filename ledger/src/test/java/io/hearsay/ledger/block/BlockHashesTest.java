package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import com.google.protobuf.ByteString;
import java.math.BigInteger;
import java.util.Random;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.junit.jupiter.api.Test;

class BlockHashesTest {

  /** The header's DER as Bouncy Castle's ASN.1 encoder writes it (Fabric's asn1.Marshal of the same fields). */
  private static byte[] reference(BlockHeader header) throws Exception {
    ASN1EncodableVector v = new ASN1EncodableVector(3);
    v.add(new ASN1Integer(new BigInteger(Long.toUnsignedString(header.getNumber()))));
    v.add(new DEROctetString(header.getPreviousHash().toByteArray()));
    v.add(new DEROctetString(header.getDataHash().toByteArray()));
    return new DERSequence(v).getEncoded(ASN1Encoding.DER);
  }

  @Test
  void headerBytesAreTheDerEncodingForEveryNumberWidthAndHashLength() throws Exception {
    long[] numbers = {0, 1, 127, 128, 255, 256, 32_767, 32_768, 65_535, 1L << 31, (1L << 32) - 1,
        Long.MAX_VALUE, Long.MIN_VALUE, -1L /* 2^64 - 1 as Fabric's uint64 */};
    int[] hashLengths = {0, 32, 127, 128, 255, 256, 70_000};
    Random random = new Random(7);
    for (long number : numbers) {
      for (int previousLength : hashLengths) {
        for (int dataLength : new int[] {0, 32, 200}) {
          byte[] previous = new byte[previousLength];
          byte[] data = new byte[dataLength];
          random.nextBytes(previous);
          random.nextBytes(data);
          BlockHeader header = BlockHeader.newBuilder().setNumber(number)
              .setPreviousHash(ByteString.copyFrom(previous)).setDataHash(ByteString.copyFrom(data)).build();
          assertArrayEquals(reference(header), BlockHashes.headerBytes(header),
              "number " + Long.toUnsignedString(number) + ", hashes of " + previousLength + " and " + dataLength
                  + " bytes");
        }
      }
    }
  }
}
