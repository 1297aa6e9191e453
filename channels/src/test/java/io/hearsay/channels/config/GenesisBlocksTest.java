package io.hearsay.channels.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.ledger.block.BlockHashes;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.testing.TestCrypto;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

class GenesisBlocksTest {

  @Test
  void genesisBlockReadsBackWithItsOrgsAndAnchorPeers() throws Exception {
    var material = TestCrypto.material();
    Block genesis = GenesisBlocks.create("mychannel", material, Map.of(
        "Org1MSP", List.of(new AnchorPeer("127.0.0.1", 7051)), "Org2MSP", List.of(new AnchorPeer("127.0.0.1", 8051))));
    Block parsed = Block.parseFrom(genesis.toByteArray());

    ChannelConfig config = ChannelConfig.of(parsed);
    assertEquals("mychannel", config.channelId());
    assertEquals(List.of("OrdererMSP"), config.ordererOrgs().stream().map(OrgDefinition::mspId).toList());
    assertEquals(List.of("Org1MSP", "Org2MSP"), config.applicationOrgs().stream().map(OrgDefinition::mspId).toList());
    assertEquals(List.of(new AnchorPeer("127.0.0.1", 8051)), config.applicationOrg("Org2MSP").orElseThrow().anchorPeers());
    assertEquals(BlockHashes.dataHash(parsed.getData()), parsed.getHeader().getDataHash());
    assertEquals(0, parsed.getHeader().getNumber());
    assertEquals(1, ConfigBlocks.ordererMsps(parsed).size(), "the ledger finds the orderer org too");

    var peer = TestCrypto.peer(2, 1).identity();
    assertTrue(config.applicationMsps().validate(peer, Instant.now()).isAccepted(), "the MSPs are the material's");
  }
}
