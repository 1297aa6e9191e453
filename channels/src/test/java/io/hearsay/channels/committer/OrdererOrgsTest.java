package io.hearsay.channels.committer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.block.BlockValidator;
import io.hearsay.ledger.block.OrdererSignatures;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.SigningIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Blocks are checked against the orderer orgs of the newest verified config block before them. */
class OrdererOrgsTest {

  private static Path dir;
  private static CryptoMaterial before;
  private static CryptoMaterial after;

  @BeforeAll
  static void material() throws Exception {
    dir = Files.createTempDirectory("orderer-orgs");
    before = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(dir.resolve("a"), 1, 1, true, false));
    after = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(dir.resolve("b"), 1, 1, true, false));
  }

  @AfterAll
  static void cleanUp() {
    Directories.deleteQuietly(dir);
  }

  private static SigningIdentity orderer(CryptoMaterial material) throws Exception {
    CryptoMaterial.Org org = material.org("OrdererMSP");
    return material.signingIdentity(org, org.nodes().get(0));
  }

  private static Block data(Block previous, SigningIdentity signer) {
    return OrdererSignatures.sign(BlockBuilder.next(previous, List.of(ByteString.copyFromUtf8("tx"))), signer);
  }

  private static Block genesis() throws Exception {
    return GenesisBlocks.create("mychannel", before, Map.of());
  }

  private static OrdererOrgs from(Block genesis) {
    ChannelConfig config = ChannelConfig.of(genesis);
    return new OrdererOrgs(config.configBlockNumber(), config.ordererOrgs().stream().flatMap(o -> o.msp().stream()).toList());
  }

  @Test
  void aConfigBlockThatRotatesTheOrdererCertificatesMakesTheNewOnesSignTheBlocksAfterIt() throws Exception {
    Block genesis = genesis();
    OrdererOrgs orgs = from(genesis);
    Block block1 = data(genesis, orderer(before));
    Block rotation = OrdererSignatures.sign(GenesisBlocks.next(block1, "mychannel", before, after, Map.of(), Ordering.FABRIC_DEFAULTS),
        orderer(before));
    Block block3 = data(rotation, orderer(after));
    Instant now = Instant.now();

    assertTrue(BlockValidator.checkOnArrival(block1, orgs.forBlock(1), now).isEmpty());
    assertTrue(BlockValidator.checkOnArrival(rotation, orgs.forBlock(2), now).isEmpty(), "the old orderer signs the rotation");
    assertEquals(RejectionReason.BAD_ORDERER_SIGNATURE,
        BlockValidator.checkOnArrival(block3, orgs.forBlock(3), now).orElseThrow().reason(),
        "before the rotation is known, the new orderer's signature is not one of the channel's");
    orgs.verified(rotation);
    assertTrue(BlockValidator.checkOnArrival(block3, orgs.forBlock(3), now).isEmpty());
    assertTrue(BlockValidator.checkOnArrival(rotation, orgs.forBlock(2), now).isEmpty(), "the rotation itself, by the old orgs");
    assertEquals(RejectionReason.BAD_ORDERER_SIGNATURE,
        BlockValidator.checkOnArrival(data(rotation, orderer(before)), orgs.forBlock(3), now).orElseThrow().reason(),
        "the old orderer no longer signs blocks after the rotation");

    orgs.committedBelow(4);
    assertTrue(BlockValidator.checkOnArrival(block3, orgs.forBlock(3), now).isEmpty(), "pruning keeps the newest config");
  }

  @Test
  void aBlockThatIsNotAConfigBlockChangesNothing() throws Exception {
    Block genesis = genesis();
    OrdererOrgs orgs = from(genesis);
    Block block1 = data(genesis, orderer(before));
    orgs.verified(block1);
    assertTrue(BlockValidator.checkOnArrival(data(block1, orderer(before)), orgs.forBlock(2), Instant.now()).isEmpty());
  }
}
