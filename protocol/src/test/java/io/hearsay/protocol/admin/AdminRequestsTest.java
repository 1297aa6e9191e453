package io.hearsay.protocol.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.identity.LocalMsp;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Duration;
import java.time.Instant;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockHeader;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;
import org.junit.jupiter.api.Test;

/** Only an admin of the peer's own org, signing a fresh request once, joins the peer to a channel. */
class AdminRequestsTest {

  private static final Instant NOW = Instant.now();
  private static final Block BLOCK = Block.newBuilder().setHeader(BlockHeader.newBuilder().setNumber(0)).build();

  private final CryptoMaterial material = TestCrypto.material();
  private final CryptoMaterial.Org org1 = material.org("Org1MSP");
  private final AdminRequests requests = new AdminRequests(localMsp(), Duration.ofMinutes(15));

  private LocalMsp localMsp() {
    try {
      return LocalMsp.read("Org1MSP", material.nodeDir(org1, org1.nodes().get(0)).resolve("msp"));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private SigningIdentity user(String org, String name) throws Exception {
    return material.userIdentity(material.org(org), name);
  }

  private RejectionReason refusal(byte[] body) {
    var verdict = requests.join(body, NOW);
    assertTrue(!verdict.isAccepted(), "refused");
    return verdict.rejection().reason();
  }

  @Test
  void anAdminOfTheOrgJoinsOnceAndTheSameRequestReplayedIsRefused() throws Exception {
    byte[] request = JoinChainProposal.create(user("Org1MSP", CryptoMaterial.ADMIN), BLOCK, NOW).toByteArray();
    var verdict = requests.join(request, NOW);
    assertTrue(verdict.isAccepted(), () -> verdict.rejection().toString());
    assertEquals(BLOCK, verdict.value());
    assertEquals(RejectionReason.REPLAYED_REQUEST, refusal(request));
  }

  @Test
  void unsignedWronglySignedNonAdminOtherOrgStaleAndMalformedRequestsAreRefusedWithTheirReasons() throws Exception {
    SigningIdentity admin = user("Org1MSP", CryptoMaterial.ADMIN);
    SignedProposal signed = JoinChainProposal.create(admin, BLOCK, NOW);
    assertEquals(RejectionReason.MISSING_SIGNATURE,
        refusal(signed.toBuilder().clearSignature().build().toByteArray()));
    SignedProposal byAnotherKey = signed.toBuilder().setSignature(ByteString.copyFrom(
        user("Org1MSP", CryptoMaterial.USER).sign(signed.getProposalBytes().toByteArray()))).build();
    assertEquals(RejectionReason.BAD_SIGNATURE, refusal(byAnotherKey.toByteArray()));
    assertEquals(RejectionReason.NOT_AN_ADMIN,
        refusal(JoinChainProposal.create(user("Org1MSP", CryptoMaterial.USER), BLOCK, NOW).toByteArray()), "a client");
    assertEquals(RejectionReason.NOT_AN_ADMIN,
        refusal(JoinChainProposal.create(TestCrypto.peer(1, 1), BLOCK, NOW).toByteArray()), "a peer of the org");
    assertEquals(RejectionReason.UNKNOWN_ORG,
        refusal(JoinChainProposal.create(user("Org2MSP", CryptoMaterial.ADMIN), BLOCK, NOW).toByteArray()),
        "another org's admin");
    assertEquals(RejectionReason.STALE_REQUEST,
        refusal(JoinChainProposal.create(admin, BLOCK, NOW.minus(Duration.ofMinutes(16))).toByteArray()));
    assertEquals(RejectionReason.STALE_REQUEST,
        refusal(JoinChainProposal.create(admin, BLOCK, NOW.plus(Duration.ofMinutes(16))).toByteArray()), "from the future");
    assertEquals(RejectionReason.MALFORMED_REQUEST, refusal(BLOCK.toByteArray()), "a bare block");
    assertEquals(RejectionReason.MALFORMED_REQUEST, refusal(new byte[] {1, 2, 3}));
  }

  @Test
  void aRequestWhoseTxIdIsNotTheHashOfItsNonceAndCreatorIsRefused() throws Exception {
    SigningIdentity admin = user("Org1MSP", CryptoMaterial.ADMIN);
    SignedProposal signed = JoinChainProposal.create(admin, BLOCK, NOW);
    var proposal = Proposal.parseFrom(signed.getProposalBytes());
    var header = Header.parseFrom(proposal.getHeader());
    var channelHeader = ChannelHeader.parseFrom(header.getChannelHeader())
        .toBuilder().setTxId("0123").build();
    ByteString forged = proposal.toBuilder().setHeader(header.toBuilder().setChannelHeader(channelHeader.toByteString())
        .build().toByteString()).build().toByteString();
    byte[] request = SignedProposal.newBuilder().setProposalBytes(forged)
        .setSignature(ByteString.copyFrom(admin.sign(forged.toByteArray()))).build().toByteArray();
    assertEquals(RejectionReason.MALFORMED_REQUEST, refusal(request));
  }
}
