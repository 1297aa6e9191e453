package io.hearsay.channels.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.ledger.block.BlockFileScanner;
import io.hearsay.protocol.testing.FabricTestData;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.Test;

/** Fabric's own config blocks, read by Hearsay. */
class ChannelConfigTest {

  private static ChannelConfig read(String name) throws Exception {
    return ChannelConfig.of(Block.parseFrom(Files.readAllBytes(FabricTestData.block(name))));
  }

  @Test
  void threeOrgChannelHasItsOrdererAndApplicationOrgs() throws Exception {
    ChannelConfig config = read("etcdraft-mychannel-3orgs.block");
    assertEquals("mychannel", config.channelId());
    assertEquals(List.of("OrdererMSP"), config.ordererOrgs().stream().map(OrgDefinition::mspId).toList());
    assertEquals(List.of("Org1MSP", "Org2MSP", "Org3MSP"),
        config.applicationOrgs().stream().map(OrgDefinition::mspId).toList());
    assertEquals(1, config.applicationOrgs().get(0).msp().orElseThrow().roots().size());
    assertEquals(1, config.applicationOrgs().get(1).msp().orElseThrow().roots().size());
    assertTrue(config.applicationOrgs().get(2).msp().isEmpty(), "Org3MSP is an idemix MSP");
  }

  @Test
  void anchorPeersAreRead() throws Exception {
    ChannelConfig config = read("smartbft-mychannel-anchors.block");
    assertEquals(List.of("Org1MSP", "Org2MSP"), config.applicationOrgs().stream().map(OrgDefinition::mspId).toList());
    for (OrgDefinition org : config.applicationOrgs()) {
      assertTrue(!org.anchorPeers().isEmpty(), org.mspId() + " has anchor peers");
      org.anchorPeers().forEach(a -> assertTrue(a.port() > 0 && !a.host().isEmpty(), a.toString()));
    }
  }

  @Test
  void genesisOfTestchannelAndASystemChannelBlockAreRead() throws Exception {
    assertEquals("testchannel", read("etcdraft-testchannel-genesis.block").channelId());
    ChannelConfig created = read("syschan-block3.pb");
    assertTrue(!created.channelId().isEmpty());
    assertTrue(!created.applicationOrgs().isEmpty(), "the channel created by the orderer transaction");
  }

  @Test
  void aBlockThatIsNotAConfigBlockIsRefused() throws Exception {
    List<Block> blocks = new ArrayList<>();
    BlockFileScanner.scan(FabricTestData.ledger("v2.0-testchannel.blockfile"), 0,
        e -> blocks.add(e.block()));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ChannelConfig.of(blocks.get(7)));
    assertTrue(e.getMessage().contains("block 7"), e.getMessage());
  }
}
