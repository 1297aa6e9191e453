package io.hearsay.runtime.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.testing.TestCrypto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A config block may be joined only if it names the peer's own org with the CAs the peer trusts. */
class ChannelJoinsTest {

  @Test
  void aBlockNamingOtherRootsForThePeersOwnOrgIsRefusedNamingBoth() throws Exception {
    CryptoMaterial real = TestCrypto.material();
    MspRegistry local = MspRegistry.of(real.msp(real.org("Org1MSP")));
    Path dir = Files.createTempDirectory("evil-ca");
    try {
      CryptoMaterial evil = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(dir, 2, 1, true, false));
      ChannelConfig evilChannel = ChannelConfig.of(GenesisBlocks.create("evilchannel", evil, Map.of()));
      Rejection refused = ChannelJoins.check(evilChannel, local, "Org1MSP").orElseThrow();
      assertEquals(RejectionReason.CONFLICTING_MSP, refused.reason());
      String serialOf = real.msp(real.org("Org1MSP")).roots().get(0).getSerialNumber().toString(16);
      String evilSerial = evil.msp(evil.org("Org1MSP")).roots().get(0).getSerialNumber().toString(16);
      assertTrue(refused.detail().contains(serialOf) && refused.detail().contains(evilSerial), refused.detail());

      assertTrue(ChannelJoins.check(ChannelConfig.of(GenesisBlocks.create("mychannel", real, Map.of())), local, "Org1MSP")
          .isEmpty());
      assertEquals(RejectionReason.NOT_IN_CHANNEL, ChannelJoins.check(ChannelConfig.of(GenesisBlocks.create("mychannel",
          real, Map.of())), local, "Org9MSP").orElseThrow().reason());
    } finally {
      Directories.deleteQuietly(dir);
    }
  }
}
