package io.hearsay.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.election.ElectionState;
import io.hearsay.channels.election.Leadership;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.membership.MembershipSettings;
import io.hearsay.runtime.tls.ArteryTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PeerSettingsLoaderTest {

  @TempDir
  Path tmp;

  private final CryptoMaterial material = TestCrypto.material();
  private final CryptoMaterial.Org org1 = material.org("Org1MSP");
  private final Path msp = material.nodeDir(org1, org1.nodes().get(0)).resolve("msp");

  private Path write(String body) throws Exception {
    Path file = tmp.resolve("peer.conf");
    Files.writeString(file, "peer.id = peer0.org1.example.com\npeer.localMspId = Org1MSP\n"
        + "peer.mspConfigPath = \"" + msp + "\"\n" + body);
    return file;
  }

  private ConfigError refused(String body) throws Exception {
    Path file = write(body);
    ConfigError e = assertThrows(ConfigError.class, () -> PeerSettingsLoader.load(file));
    assertTrue(e.getMessage().contains(file.toString()), "names the file: " + e.getMessage());
    return e;
  }

  @Test
  void relativePathsInAConfigFileAreRelativeToItsDirectoryWhateverTheWorkingDirectory() throws Exception {
    Path config = tmp.resolve("network").resolve("config").toAbsolutePath();
    Files.createDirectories(config);
    Path nodeDir = material.nodeDir(org1, org1.nodes().get(0)).toAbsolutePath();
    Path org2Msp = material.orgDir(material.org("Org2MSP")).resolve("msp").toAbsolutePath();
    // Each path as the config directory sees it (../../...), never as the working directory does.
    String node = config.relativize(nodeDir).toString();
    Path file = config.resolve("peer0.conf");
    Files.writeString(file, "peer.id = peer0.org1.example.com\npeer.localMspId = Org1MSP\n"
        + "peer.mspConfigPath = \"" + node + "/msp\"\n"
        + "peer.tls { enabled = true, cert.file = \"" + node + "/tls/server.crt\", key.file = \"" + node
        + "/tls/server.key\", rootcert.file = \"" + node + "/tls/ca.crt\" }\n"
        + "hearsay.orgs = [{ mspId = Org2MSP, mspDir = \"" + config.relativize(org2Msp) + "\" }]\n"
        + "hearsay.ledger.data-dir = \"../data/peer0\"\n");

    PeerSettings settings = PeerSettingsLoader.load(file);

    assertEquals(nodeDir.resolve("msp"), settings.mspConfigPath());
    assertEquals(nodeDir.resolve("tls/server.crt"), settings.tls().orElseThrow().keyPair().certificate());
    assertEquals(org2Msp, settings.orgs().stream().filter(o -> o.mspId().equals("Org2MSP")).findFirst().orElseThrow()
        .mspDir());
    assertEquals(tmp.resolve("network/data/peer0").toAbsolutePath(), settings.ledger().dataDir());
  }

  @Test
  void fabricDefaultsApplyWhenTheFileSetsOnlyTheIdentity() throws Exception {
    PeerSettings settings = PeerSettingsLoader.load(write(""));
    MembershipSettings m = settings.membership();
    assertEquals(Duration.ofSeconds(5), m.aliveTimeInterval());
    assertEquals(Duration.ofSeconds(25), m.aliveExpirationTimeout());
    assertEquals(Duration.ofSeconds(25), m.reconnectInterval());
    ChannelSettings c = settings.channels();
    assertEquals(Duration.ofSeconds(4), c.pull().pullInterval());
    assertEquals(3, c.pull().pullPeerNum());
    assertEquals(3, c.push().propagatePeerNum());
    assertEquals(10, c.push().maxPropagationBurstSize());
    assertEquals(Duration.ofSeconds(15), c.leadership().timings().startupGracePeriod());
    assertEquals(Leadership.Mode.STATIC_LEADER, c.leadership().mode(), "Fabric's default orgLeader = true");
    assertEquals(10, c.stateTransfer().batchSize());
    assertEquals(20, c.stateTransfer().blockBufferSize());
    assertEquals(Duration.ofSeconds(15), settings.apiTimeout());
  }

  @Test
  void fabricProfileIsTheDefaultAndTheHearsayProfileIsOneInclude() throws Exception {
    PeerSettings fabric = PeerSettingsLoader.load(write(""));
    assertTrue(fabric.channels().push().plumtree().isEmpty(), "Fabric's push by default");
    assertTrue(fabric.membership().accrual().isEmpty(), "Fabric's fixed expiry by default");

    PeerSettings hearsay = PeerSettingsLoader.load(write(
        "include classpath(\"hearsay-profile.conf\")\npeer.gossip.election.leaderElectionDuration = 400ms\n"));
    assertEquals(6, hearsay.channels().push().plumtree().orElseThrow().viewSize());
    assertEquals(3.0, hearsay.membership().accrual().orElseThrow().threshold());
    assertEquals(new MembershipSettings.Probes(2, 5, 2, Duration.ofMillis(100), 8, 5), hearsay.membership().probes(),
        "a suspicion is confirmed by probe rounds");
    assertEquals(MembershipSettings.Probes.NONE, fabric.membership().probes());
    assertEquals(new MembershipSettings.Watch(4, 8, Duration.ofSeconds(1)), hearsay.membership().watch(), "alive messages to watchers alone");
    assertEquals(MembershipSettings.Watch.OFF, fabric.membership().watch());
    assertEquals(Duration.ofMillis(500), hearsay.membership().aliveTimeInterval());
    Leadership.Settings leadership = hearsay.channels().leadership();
    assertEquals(Duration.ofMillis(300), leadership.timings().leaderAliveThreshold());
    assertEquals(ElectionState.LeaderWatch.LAST_DECLARATION, leadership.handover().watch());
    assertTrue(leadership.handover().succession(), "the next peer in line succeeds a silent leader");
    assertEquals(10, leadership.handover().successorMaxLag());
    assertEquals(new StateInfoGossip.HearsayPeers(Duration.ofSeconds(20), Duration.ofSeconds(60), 2048, true),
        hearsay.channels().stateInfo().gossip().hearsayPeers(), "StateInfo among Hearsay peers: bounded, digest pulls");
    StateInfoGossip.HearsayPeers fabricsOwn = fabric.channels().stateInfo().gossip().hearsayPeers();
    assertEquals(List.of(Duration.ZERO, 0L, false), List.of(fabricsOwn.interval(), fabricsOwn.bytesPerSecond(),
        fabricsOwn.digestPull()), "every StateInfo to every member, and Fabric's pull answers");
    assertEquals(Leadership.Handover.FABRIC, fabric.channels().leadership().handover());
    assertEquals(Duration.ofMillis(400), leadership.timings().leaderElectionDuration(), "the file's own keys win");
  }

  @Test
  void unknownDisseminationOrFailureDetectorIsRefusedNamingTheKey() throws Exception {
    ConfigError dissemination = refused("hearsay.channels.dissemination = flooding\n");
    assertTrue(dissemination.getMessage().contains("hearsay.channels.dissemination"), dissemination.getMessage());
    ConfigError detector = refused("hearsay.membership.failure-detector = oracle\n");
    assertTrue(detector.getMessage().contains("hearsay.membership.failure-detector"), detector.getMessage());
    ConfigError exchange = refused("hearsay.channels.state-info.anti-entropy = gossip-harder\n");
    assertTrue(exchange.getMessage().contains("hearsay.channels.state-info.anti-entropy")
        && exchange.getMessage().contains("\"push-pull\""), exchange.getMessage());
    ConfigError pull = refused("hearsay.channels.pull.mode = telepathy\n");
    assertTrue(pull.getMessage().contains("hearsay.channels.pull.mode"), pull.getMessage());
    ConfigError watch = refused("hearsay.channels.leader-watch = psychic\n");
    assertTrue(watch.getMessage().contains("hearsay.channels.leader-watch"), watch.getMessage());
    ConfigError watchers = refused("hearsay.membership.watch.watchers = 4\n");
    assertTrue(watchers.getMessage().contains("hearsay.membership.watch.watchers")
        && watchers.getMessage().contains("probes.rounds"), "watchers without the probe rounds: " + watchers.getMessage());
    ConfigError lease = refused("hearsay.channels.delivery-lease = -1s\n");
    assertTrue(lease.getMessage().contains("hearsay.channels.delivery-lease"), lease.getMessage());
    ConfigError stateInfo = refused("hearsay.channels.state-info.dissemination = shout\n");
    assertTrue(stateInfo.getMessage().contains("hearsay.channels.state-info.dissemination"), stateInfo.getMessage());
    ConfigError view = refused("hearsay.channels.dissemination = plumtree\nhearsay.channels.plumtree.view-size = 0\n");
    assertTrue(view.getMessage().contains("view-size"), view.getMessage());
  }

  @Test
  void fabricEnvironmentVariablesOverrideTheFile() throws Exception {
    Path file = write("peer.gossip.aliveTimeInterval = 9s\n");
    PeerSettings settings = PeerSettingsLoader.load(ConfigFactory.parseFile(file.toFile()),
        file.toString(), Map.of("CORE_PEER_GOSSIP_ALIVETIMEINTERVAL", "2s",
            "CORE_PEER_GOSSIP_ORGLEADER", "false",
            "CORE_PEER_GOSSIP_BOOTSTRAP", "127.0.0.1:7051 127.0.0.1:8051",
            "CORE_PEER_GOSSIP_ELECTION_LEADERALIVETHRESHOLD", "3s",
            "UNRELATED", "x"));
    assertEquals(Duration.ofSeconds(2), settings.membership().aliveTimeInterval());
    assertEquals(Leadership.Mode.FOLLOWER, settings.channels().leadership().mode(),
        "Fabric's default orgLeader = true is overridden");
    assertEquals(List.of(new Endpoint("127.0.0.1", 7051), new Endpoint("127.0.0.1", 8051)),
        settings.membership().bootstrap());
    assertEquals(Duration.ofSeconds(3), settings.channels().leadership().timings().leaderAliveThreshold());
  }

  @Test
  void tlsComesFromFabricsPemFilesNamedByTheCoreYamlKeysOrTheirEnvironmentVariables() throws Exception {
    Path tls = material.nodeDir(org1, org1.nodes().get(0)).resolve("tls");
    Path file = write("peer.tls.enabled = false\n");
    PeerSettings settings = PeerSettingsLoader.load(ConfigFactory.parseFile(file.toFile()), file.toString(), Map.of(
        "CORE_PEER_TLS_ENABLED", "true",
        "CORE_PEER_TLS_CERT_FILE", tls.resolve("server.crt").toString(),
        "CORE_PEER_TLS_KEY_FILE", tls.resolve("server.key").toString(),
        "CORE_PEER_TLS_ROOTCERT_FILE", tls.resolve("ca.crt").toString(),
        "CORE_PEER_TLS_CLIENTAUTHREQUIRED", "true",
        "CORE_PEER_TLS_CLIENTROOTCAS_FILES", tls.resolve("ca.crt").toString()));
    TlsSettings peerTls = settings.tls().orElseThrow();
    assertEquals(tls.resolve("server.crt"), peerTls.keyPair().certificate());
    assertEquals(List.of(tls.resolve("ca.crt")), peerTls.rootCas());
    assertTrue(peerTls.clientAuthRequired());
    assertEquals(peerTls.keyPair(), peerTls.clientKeyPair(), "it dials with its server certificate, as Fabric's peer");
    ArteryTls.Pem artery = (ArteryTls.Pem) settings.arteryTls().orElseThrow();
    assertEquals(tls.resolve("server.crt"), artery.keyPair().certificate(), "Artery's TLS is built from the same PEM files");
    assertTrue(artery.trustedCas().contains(tls.resolve("ca.crt")));
  }

  @Test
  void aMissingTlsFileIsRefusedNamingItsKey() throws Exception {
    ConfigError e = refused("peer.tls { enabled = true, cert.file = \"" + tmp.resolve("no.crt") + "\", key.file = \""
        + tmp.resolve("no.key") + "\" }\n");
    assertTrue(e.getMessage().contains("peer.tls.cert.file"), e.getMessage());
  }

  @Test
  void unknownGossipKeyIsRefused() throws Exception {
    ConfigError e = refused("peer.gossip.aliveTimeIntervall = 5s\n");
    assertTrue(e.getMessage().contains("peer.gossip.aliveTimeIntervall"), e.getMessage());
  }

  @Test
  void wrongTypeIsRefused() throws Exception {
    ConfigError e = refused("peer.gossip.aliveTimeInterval = often\n");
    assertTrue(e.getMessage().contains("peer.gossip.aliveTimeInterval"), e.getMessage());
    ConfigError count = refused("peer.gossip.pullPeerNum = three\n");
    assertTrue(count.getMessage().contains("peer.gossip.pullPeerNum"), count.getMessage());
  }

  @Test
  void missingIdentityFilesAreRefused() throws Exception {
    Path file = tmp.resolve("peer.conf");
    Files.writeString(file, "peer.id = p\npeer.localMspId = Org1MSP\npeer.mspConfigPath = \"" + tmp.resolve("nowhere") + "\"\n");
    ConfigError e = assertThrows(ConfigError.class, () -> PeerSettingsLoader.load(file));
    assertTrue(e.getMessage().contains("peer.mspConfigPath") && e.getMessage().contains("signcerts"), e.getMessage());
  }

  @Test
  void bootstrapPeerThatIsNotAnAddressIsRefused() throws Exception {
    ConfigError e = refused("peer.gossip.bootstrap = [\"127.0.0.1:7051\", \"peer1.org1\"]\n");
    assertTrue(e.getMessage().contains("peer.gossip.bootstrap[1]") && e.getMessage().contains("peer1.org1"), e.getMessage());
  }

  @Test
  void orgLeaderAndLeaderElectionTogetherAreRefused() throws Exception {
    ConfigError e = refused("peer.gossip.orgLeader = true\npeer.gossip.useLeaderElection = true\n");
    assertTrue(e.getMessage().contains("peer.gossip.orgLeader") && e.getMessage().contains("peer.gossip.useLeaderElection"),
        e.getMessage());
  }

  @Test
  void missingTlsFilesAreRefused() throws Exception {
    ConfigError e = refused("hearsay.tls.enabled = true\nhearsay.tls.keyStore = \"/no/such.p12\"\n");
    assertTrue(e.getMessage().contains("hearsay.tls.keyStore"), e.getMessage());
  }

  @Test
  void unparseableFileIsRefused() throws Exception {
    ConfigError e = refused("peer.gossip { aliveTimeInterval = \n");
    assertTrue(e.getMessage().contains("peer.conf"), e.getMessage());
  }

  @Test
  void endpointsParseAsHostAndPortOnly() {
    assertEquals(new Endpoint("peer0.org1.example.com", 7051), Endpoint.parse("peer0.org1.example.com:7051").orElseThrow());
    assertTrue(Endpoint.parse("7051").isEmpty());
    assertTrue(Endpoint.parse("host:").isEmpty());
    assertTrue(Endpoint.parse("host:70510").isEmpty());
    assertTrue(Endpoint.parse("host:port").isEmpty());
  }
}
