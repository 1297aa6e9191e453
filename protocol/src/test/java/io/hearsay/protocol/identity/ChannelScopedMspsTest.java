package io.hearsay.protocol.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.testing.TestCrypto;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * MSPs learned from a channel config decide who is who in that channel only: a second channel
 * naming other CAs for an org changes nothing in the first.
 */
class ChannelScopedMspsTest {

  private static Path dir;
  private static CryptoMaterial other;

  @BeforeAll
  static void otherCas() throws Exception {
    dir = Files.createTempDirectory("scoped-msps");
    other = CryptoMaterialGenerator.generate(new CryptoMaterialGenerator.Request(dir, 2, 1, false, false));
  }

  @AfterAll
  static void cleanUp() {
    Directories.deleteQuietly(dir);
  }

  private static Msp msp(CryptoMaterial material, String mspId) throws Exception {
    return material.msp(material.org(mspId));
  }

  private static PeerIdentity peer(CryptoMaterial material, String mspId) throws Exception {
    CryptoMaterial.Org org = material.org(mspId);
    return material.signingIdentity(org, org.nodes().get(0)).identity();
  }

  @Test
  void anOrgsMspInOneChannelNeverChangesHowItsIdentitiesValidateInAnother() throws Exception {
    CryptoMaterial real = TestCrypto.material();
    Instant now = Instant.now();
    IdentityMapper identities = new IdentityMapper(MspRegistry.of(msp(real, "Org1MSP")));
    // Joined first: a channel whose config names other CAs for Org2MSP.
    identities.channelMsps("evilchannel", MspRegistry.of(msp(real, "Org1MSP"), msp(other, "Org2MSP")));
    identities.channelMsps("mychannel", MspRegistry.of(msp(real, "Org1MSP"), msp(real, "Org2MSP")));

    PeerIdentity org2 = peer(real, "Org2MSP");
    PeerIdentity impostor = peer(other, "Org2MSP");
    assertTrue(identities.learn(org2, now).isAccepted(), "valid in mychannel, so known to the peer");
    assertTrue(identities.validInChannel("mychannel", org2, now).isEmpty());
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE,
        identities.validInChannel("evilchannel", org2, now).orElseThrow().reason());
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE,
        identities.validInChannel("mychannel", impostor, now).orElseThrow().reason(),
        "the other channel's Org2MSP does not speak for Org2 in mychannel");

    identities.channelMsps("thirdchannel", MspRegistry.of(msp(other, "Org2MSP")));
    assertTrue(identities.validInChannel("mychannel", org2, now).isEmpty(), "joining a third channel changes nothing");
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE,
        identities.validInChannel("mychannel", impostor, now).orElseThrow().reason());
    assertTrue(identities.msps().get("Org2MSP").isEmpty(), "the local MSPs hold only what the config names");
  }

  @Test
  void anIdentityValidInNoChannelAndNotLocallyIsRefusedNamingTheLocalMsp() throws Exception {
    CryptoMaterial real = TestCrypto.material();
    Instant now = Instant.now();
    IdentityMapper identities = new IdentityMapper(MspRegistry.of(msp(real, "Org1MSP"), msp(real, "Org2MSP")));
    identities.channelMsps("mychannel", MspRegistry.of(msp(real, "Org1MSP"), msp(real, "Org2MSP")));
    var refused = identities.learn(peer(other, "Org2MSP"), now);
    assertTrue(!refused.isAccepted());
    assertEquals(RejectionReason.UNTRUSTED_CERTIFICATE, refused.rejection().reason());
  }
}
