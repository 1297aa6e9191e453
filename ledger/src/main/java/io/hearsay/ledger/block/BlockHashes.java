package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.security.MessageDigest;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.ASN1Encoding;
import org.bouncycastle.asn1.ASN1Integer;
import org.bouncycastle.asn1.DEROctetString;
import org.bouncycastle.asn1.DERSequence;
import org.hyperledger.fabric.protos.common.BlockData;
import org.hyperledger.fabric.protos.common.BlockHeader;

/**
 * Fabric's block hash rules ({@code protoutil}): the data hash is SHA-256 of the data entries
 * concatenated; a header's hash is SHA-256 of its ASN.1 DER encoding
 * {@code SEQUENCE {INTEGER number, OCTET STRING previous_hash, OCTET STRING data_hash}}, and is
 * the next block's previous_hash.
 */
public final class BlockHashes {

  private BlockHashes() {}

  public static ByteString dataHash(BlockData data) {
    MessageDigest digest = Ecdsa.sha256();
    for (ByteString entry : data.getDataList()) {
      Ecdsa.update(digest, entry);
    }
    return ByteString.copyFrom(digest.digest());
  }

  public static byte[] headerBytes(BlockHeader header) {
    ASN1EncodableVector v = new ASN1EncodableVector(3);
    v.add(new ASN1Integer(new BigInteger(Long.toUnsignedString(header.getNumber()))));
    v.add(new DEROctetString(header.getPreviousHash().toByteArray()));
    v.add(new DEROctetString(header.getDataHash().toByteArray()));
    try {
      return new DERSequence(v).getEncoded(ASN1Encoding.DER);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static ByteString headerHash(BlockHeader header) {
    return ByteString.copyFrom(Ecdsa.sha256(headerBytes(header)));
  }
}
