package io.hearsay.ledger.block;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Instant;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

class OrdererSignaturesTest {

  @Test
  void aBlockSignedByTheOrdererOrgVerifiesAndByAPeerDoesNot() throws Exception {
    var material = TestCrypto.material();
    var ordererOrg = material.org("OrdererMSP");
    var orderer = material.signingIdentity(ordererOrg, ordererOrg.nodes().get(0));
    var orderers = new MspRegistry(List.of(material.msp(ordererOrg)));
    Block block = BlockBuilder.block(1, ByteString.copyFromUtf8("previous"), List.of(ByteString.copyFromUtf8("tx")));

    assertTrue(OrdererSignatures.check(OrdererSignatures.sign(block, orderer), orderers, Instant.now()).isEmpty());
    Block byPeer = OrdererSignatures.sign(block, TestCrypto.peer(1, 0));
    assertEquals(RejectionReason.BAD_ORDERER_SIGNATURE,
        OrdererSignatures.check(byPeer, orderers, Instant.now()).orElseThrow().reason());
  }
}
