package io.hearsay.protocol.identity;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;

/**
 * A peer's PKI-ID: SHA-256(mspid ‖ id_bytes) of its serialized identity, Fabric's rule. Two
 * identities with the same MSP id and certificate bytes have the same PKI-ID on every peer.
 */
public final class PkiId implements Comparable<PkiId> {

  private final ByteString bytes;

  private PkiId(ByteString bytes) {
    this.bytes = bytes;
  }

  public static PkiId of(String mspId, ByteString idBytes) {
    byte[] msp = mspId.getBytes(StandardCharsets.UTF_8);
    byte[] joined = new byte[msp.length + idBytes.size()];
    System.arraycopy(msp, 0, joined, 0, msp.length);
    idBytes.copyTo(joined, msp.length);
    return new PkiId(ByteString.copyFrom(Ecdsa.sha256(joined)));
  }

  /** Wraps PKI-ID bytes as they arrive in a message (not checked: compare with {@link #of}). */
  public static PkiId fromBytes(ByteString bytes) {
    return new PkiId(bytes);
  }

  public ByteString bytes() {
    return bytes;
  }

  public String hex() {
    return HexFormat.of().formatHex(bytes.toByteArray());
  }

  /** Fabric orders PKI-IDs as byte strings (the lowest wins an election); unsigned lexicographic. */
  @Override
  public int compareTo(PkiId other) {
    return ByteString.unsignedLexicographicalComparator().compare(bytes, other.bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PkiId other && bytes.equals(other.bytes);
  }

  @Override
  public int hashCode() {
    return bytes.hashCode();
  }

  /** Short form for logs; the first 8 hex digits are what operators compare by eye. */
  @Override
  public String toString() {
    String hex = hex();
    return hex.length() > 8 ? hex.substring(0, 8) : hex;
  }
}
