package io.hearsay.protocol.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.testing.TestCrypto;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.hyperledger.fabric.protos.msp.SerializedIdentity;
import org.junit.jupiter.api.Test;

class PkiIdTest {

  @Test
  void pkiIdIsSha256OfMspIdFollowedByIdBytes() throws Exception {
    PeerIdentity peer = TestCrypto.peer(1, 0).identity();
    SerializedIdentity sid = SerializedIdentity.parseFrom(peer.serialized());

    MessageDigest sha = MessageDigest.getInstance("SHA-256");
    sha.update(sid.getMspid().getBytes(StandardCharsets.UTF_8));
    sha.update(sid.getIdBytes().toByteArray());

    assertArrayEquals(sha.digest(), peer.pkiId().bytes().toByteArray());
  }

  @Test
  void sameCertificateInAnotherOrgHasAnotherPkiId() {
    PeerIdentity peer = TestCrypto.peer(1, 0).identity();
    PeerIdentity relabelled = PeerIdentity.of("Org2MSP", peer.certificate());
    assertNotEquals(peer.pkiId(), relabelled.pkiId());
  }

  @Test
  void pkiIdsOrderAsUnsignedBytes() {
    PkiId low = PkiId.fromBytes(ByteString.copyFrom(new byte[] {0x01}));
    PkiId high = PkiId.fromBytes(ByteString.copyFrom(new byte[] {(byte) 0x80}));
    assertTrue(low.compareTo(high) < 0);
    assertEquals(0, low.compareTo(PkiId.fromBytes(ByteString.copyFrom(new byte[] {0x01}))));
  }
}
