package io.hearsay.runtime.channels;

import io.hearsay.channels.config.ChannelConfig;
import java.security.cert.X509Certificate;
import io.hearsay.runtime.tls.TrustedCas;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelObserver;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.ChannelStatus;
import io.hearsay.channels.config.AnchorPeer;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.ledger.store.BlockStore;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.cryptogen.CryptoMaterialGenerator;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.IdentityMapper;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.ChannelSettingsReader;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.deliver.DeliverObserver;
import io.hearsay.runtime.deliver.DeliveryClientSettings;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.FishingOutcomes;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.persistence.testkit.PersistenceTestKitPlugin;
import org.apache.pekko.persistence.testkit.PersistenceTestKitSnapshotPlugin;
import org.apache.pekko.persistence.testkit.query.javadsl.PersistenceTestKitReadJournal;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The channel router: as an actor with probes for comm and membership, its ledgers on the
 * in-memory journal (joins, routing, refusals, where channel messages go), and where it sends a
 * channel's message with every message it cannot send counted by reason.
 */
class ChannelRouterTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create(PersistenceTestKitPlugin.getInstance().config()
      .withFallback(PersistenceTestKitSnapshotPlugin.getInstance().config()).withFallback(ConfigFactory.load()));
  private static final AtomicInteger CHANNELS = new AtomicInteger();

  private static final Endpoint INTERNAL = new Endpoint("10.0.0.1", 7051);
  private static final Endpoint EXTERNAL = new Endpoint("peer0.org1.example.com", 7051);

  private static PkiId pki(int n) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) n;
    return PkiId.fromBytes(ByteString.copyFrom(bytes));
  }

  private static MemberInfo member(int n, String msp, Optional<Endpoint> external) {
    return new MemberInfo(pki(n), msp, external, Optional.of(INTERNAL), PeerTime.getDefaultInstance());
  }

  private final MembershipView view = new MembershipView(List.of(
      member(1, "Org1MSP", Optional.of(EXTERNAL)),
      member(2, "Org2MSP", Optional.empty()),
      member(3, "Org2MSP", Optional.of(EXTERNAL))), List.of(member(4, "Org1MSP", Optional.empty())));

  @Test
  void sameOrgPeersAreReachedInternallyOtherOrgsOnlyExternally() {
    assertEquals(new ChannelRouter.Reachable(INTERNAL), ChannelRouter.addressOf(view, pki(1), "Org1MSP"));
    assertEquals(new ChannelRouter.Reachable(EXTERNAL), ChannelRouter.addressOf(view, pki(1), "Org2MSP"));
    assertEquals(new ChannelRouter.Reachable(EXTERNAL), ChannelRouter.addressOf(view, pki(3), "Org1MSP"));
  }

  @Test
  void aDeadOrUnknownPeerOrAnotherOrgsPeerWithoutExternalEndpointIsUnreachableWithItsReason() {
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.PEER_NOT_ALIVE),
        ChannelRouter.addressOf(view, pki(4), "Org1MSP"), "dead");
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.PEER_NOT_ALIVE),
        ChannelRouter.addressOf(view, pki(9), "Org1MSP"), "never seen");
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG),
        ChannelRouter.addressOf(view, pki(2), "Org1MSP"));
  }

  @Test
  void droppedMessagesAreCountedPerReasonTypeAndChannel() {
    DroppedMessages dropped = new DroppedMessages();
    Envelope hello = Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", 7, ByteString.EMPTY).toByteString()).build();
    dropped.record(DroppedMessages.Reason.PEER_NOT_ALIVE, hello);
    dropped.record(DroppedMessages.Reason.PEER_NOT_ALIVE, hello);
    dropped.record(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG, hello);
    assertEquals(2, dropped.total(DroppedMessages.Reason.PEER_NOT_ALIVE));
    assertEquals(Map.of("HELLO@mychannel", 3L), dropped.snapshot());
    assertEquals(Map.of("HELLO@mychannel", 1L), dropped.of(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG).snapshot());
  }

  @AfterAll
  static void shutdown() {
    TEST_KIT.shutdownTestKit();
  }

  /** A router, and the adapters it subscribed to comm and membership with. */
  private record Running(ActorRef<ChannelRouter.Command> router, ActorRef<Comm.Event> comm,
      ActorRef<MembershipView> membership) {}

  private final SigningIdentity self = TestCrypto.peer(1, 0);
  private final SigningIdentity other = TestCrypto.peer(1, 1);
  private final IdentityMapper identities = new IdentityMapper(TestCrypto.msps());
  private final EnvelopeVerifier verifier = new EnvelopeVerifier(identities, 10 << 20);
  private final RejectionLog rejections = new RejectionLog(LoggerFactory.getLogger("test.rejections"),
      Duration.ofMinutes(1));
  private final TestProbe<Comm.Command> comm = TEST_KIT.createTestProbe();
  private final TestProbe<Membership.Command> membership = TEST_KIT.createTestProbe();

  /** The router's channels are followers here: their deliver streams are never opened. */
  private final AtomicBroadcastClient streams;

  private final TrustedCas arteryTrust = new TrustedCas(List.of());

  ChannelRouterTest() throws Exception {
    streams = new AtomicBroadcastClient(Optional.empty(),
        new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));
  }

  private Running start() throws Exception {
    identities.learn(self.identity(), Instant.now());
    identities.learn(other.identity(), Instant.now());
    ChannelSettings settings = ChannelSettingsReader.read(ConfigFactory.parseMap(Map.of(
        "peer.gossip.orgLeader", false, "peer.gossip.publishStateInfoInterval", "100ms"))
        .withFallback(ConfigFactory.load()), "test");
    LedgerSettings ledger = new LedgerSettings(Path.of("unused"), 1 << 20, 10, PersistenceTestKitPlugin.PluginId(),
        PersistenceTestKitSnapshotPlugin.PluginId(), PersistenceTestKitReadJournal.Identifier(), false,
        BlockStore.OnCorruption.REPAIR);
    ActorRef<ChannelRouter.Command> router = TEST_KIT.spawn(ChannelRouter.create(new ChannelRouter.Setup("Org1MSP",
        new EnvelopeSigner(self), verifier, settings, ledger, DeliveryClientSettings.read(
            new ConfigReader(ConfigFactory.load(), "test")), 1, comm.getRef(), membership.getRef(), rejections,
        new ChannelObserver() {}, new DroppedMessages(), Duration.ofSeconds(3), streams, new DeliverObserver() {},
        Optional.of(arteryTrust), false)));
    ActorRef<Comm.Event> commEvents = comm.expectMessageClass(Comm.Subscribe.class, Duration.ofSeconds(5)).subscriber();
    ActorRef<MembershipView> views = membership.expectMessageClass(Membership.Subscribe.class, Duration.ofSeconds(5))
        .subscriber();
    return new Running(router, commEvents, views);
  }

  private List<ChannelStatus> status(ActorRef<ChannelRouter.Command> router) {
    TestProbe<List<ChannelStatus>> reply = TEST_KIT.createTestProbe();
    router.tell(new ChannelRouter.GetStatus(reply.getRef()));
    return reply.receiveMessage(Duration.ofSeconds(5));
  }

  private Comm.Inbound from(SigningIdentity peer, GossipMessage message, Endpoint at) {
    Envelope envelope = new EnvelopeSigner(peer).sign(message).envelope();
    return new Comm.Inbound(verifier.verify(envelope, Optional.of(peer.pkiId()), Instant.now()).value(),
        peer.identity(), at);
  }

  private void awaitRejected(RejectionReason reason, long count) {
    comm.awaitAssert(Duration.ofSeconds(5), () -> {
      assertEquals(count, rejections.counts().getOrDefault(reason, 0L), rejections.counts().toString());
      return null;
    });
  }

  @Test
  void aJoinDialsTheOtherOrgsAnchorPeersTrustsTheirTlsCasAndTheChannelReportsItsStatus() throws Exception {
    Running running = start();
    String name = "ch" + CHANNELS.incrementAndGet();
    Block genesis = GenesisBlocks.create(name, TestCrypto.material(),
        Map.of("Org2MSP", List.of(new AnchorPeer("10.0.1.1", 7051)), "Org1MSP", List.of(new AnchorPeer("10.0.0.1", 7051))));
    running.router().tell(new ChannelRouter.Join(genesis));

    assertEquals(new Membership.AddAnchorPeers(List.of(new Endpoint("10.0.1.1", 7051))),
        membership.expectMessageClass(Membership.AddAnchorPeers.class, Duration.ofSeconds(5)), "only other orgs' anchors");
    List<X509Certificate> tlsCas = ChannelConfig.of(genesis).applicationOrgs().stream()
        .flatMap(org -> org.tlsCas().stream()).toList();
    assertEquals(2, tlsCas.size(), "the config names a TLS CA per org");
    assertTrue(arteryTrust.cas().containsAll(tlsCas), "Artery trusts the TLS CAs of the channel's orgs");
    comm.awaitAssert(Duration.ofSeconds(5), () -> {
      List<ChannelStatus> status = status(running.router());
      assertEquals(1, status.size());
      assertEquals(name, status.get(0).channel());
      assertEquals(1, status.get(0).height(), "the genesis block is committed");
      return null;
    });
  }

  @Test
  void messagesForAChannelNotJoinedAreRefusedAndAJoinedChannelsMessagesReachItsActor() throws Exception {
    Running running = start();
    String name = "ch" + CHANNELS.incrementAndGet();
    running.router().tell(new ChannelRouter.Join(GenesisBlocks.create(name, TestCrypto.material(), Map.of())));
    Endpoint otherAt = new Endpoint("10.0.0.2", 7051);
    running.membership().tell(new MembershipView(List.of(new MemberInfo(other.pkiId(), "Org1MSP", Optional.empty(),
        Optional.of(otherAt), PeerTime.getDefaultInstance())), List.of()));

    running.comm().tell(from(other, GossipMessages.hello("not-joined", 1), otherAt));
    awaitRejected(RejectionReason.NOT_IN_CHANNEL, 1);

    // Its StateInfo proves it a member of the joined channel, whose StateInfo then goes to it at its endpoint.
    running.comm().tell(from(other, GossipMessages.stateInfo(other.pkiId(), name, PeerTimes.of(1, 1), 1), otherAt));
    List<Comm.Command> sent = comm.fishForMessage(Duration.ofSeconds(10), c -> c instanceof Comm.Send send
        && send.to().equals(otherAt) ? FishingOutcomes.complete() : FishingOutcomes.continueAndIgnore());
    assertEquals(otherAt, ((Comm.Send) sent.get(sent.size() - 1)).to());
    assertEquals(1L, rejections.counts().getOrDefault(RejectionReason.NOT_IN_CHANNEL, 0L), "nothing else refused");
  }

  @Test
  void aBlockNamingOtherCasForThePeersOwnOrgIsNotJoined() throws Exception {
    Running running = start();
    Path dir = Files.createTempDirectory("router-other-ca");
    try {
      CryptoMaterial elsewhere = CryptoMaterialGenerator.generate(
          new CryptoMaterialGenerator.Request(dir, 1, 1, true, false));
      running.router().tell(new ChannelRouter.Join(GenesisBlocks.create("evil", elsewhere, Map.of())));
      awaitRejected(RejectionReason.CONFLICTING_MSP, 1);
      assertTrue(status(running.router()).isEmpty(), "no channel joined");
    } finally {
      Directories.deleteQuietly(dir);
    }
  }
}
