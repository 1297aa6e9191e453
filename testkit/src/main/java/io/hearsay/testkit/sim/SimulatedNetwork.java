package io.hearsay.testkit.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.ChannelObserver;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.election.ElectionState;
import io.hearsay.channels.election.Leadership;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.runtime.comm.GossipFrames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Many peers of one org in one channel, in one JVM and one ActorSystem, over simulated links
 * ({@link LinkModel}): each peer is the real {@link ChannelGossip} actor with its real durable
 * ledger (Hearsay's journal, one store per peer), signing and verifying every message with its
 * own identity; only comm is replaced. Membership is given, not gossiped: every peer is told the
 * others are alive, and a crashed peer stays in the others' view (what the channel sees before
 * failure detection runs).
 *
 * <p>Seeded: the link model's loss and jitter follow the seed; actor scheduling and the
 * protocols' own random choices do not, so two runs with a seed agree in distribution, not in
 * every message. Every run prints its seed.
 *
 * <p>Signatures: all are real (ECDSA P-256 signing per message, verification per arrival), but
 * the peers share one {@link EnvelopeVerifier}, whose cache accepts an envelope already verified
 * for another peer without a second check. A StateInfo broadcast to every peer is so checked once
 * per network instead of once per receiver; block messages, signed anew at every hop, are checked
 * at every arrival.
 */
public final class SimulatedNetwork implements AutoCloseable {

  public static final String CHANNEL = "simchannel";

  /** What a network is built with; {@code dir} holds crypto material and ledgers. */
  /**
   * A network of {@code peers} on {@code links}; each peer's channel runs {@code channel}, and its
   * ledger reads {@code hearsay.ledger} from {@code profile} over the defaults (a gossip profile's
   * ledger keys, as {@code TestConfigs.profile} gives them).
   */
  public record Settings(int peers, LinkModel.Links links, long seed, ChannelSettings channel, Path dir, Config profile) {
    public Settings(int peers, LinkModel.Links links, long seed, ChannelSettings channel, Path dir) {
      this(peers, links, seed, channel, dir, ConfigFactory.empty());
    }
  }

  /** Hears what every peer's channel reports. */
  @FunctionalInterface
  public interface Listener {
    void on(int peer, ChannelGossip.Event event);
  }

  private final ActorSystem<Void> system;
  private final List<ActorRef<SimulatedPeer.Command>> peers;
  private final LinkModel links;
  private final SimulatedPeer.Traffic traffic;
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();
  private final CryptoMaterial material;
  private final Block genesis;
  private final Path dir;

  private SimulatedNetwork(Settings settings) throws Exception {
    dir = settings.dir();
    System.err.printf("simulated network: %d peers, seed %d, %s%n", settings.peers(), settings.seed(), settings.links());
    SimulatedIdentities peersIdentities = SimulatedIdentities.generate(settings.peers(), settings.dir());
    material = peersIdentities.material();
    CryptoMaterial.Org org = peersIdentities.org();
    genesis = GenesisBlocks.create(CHANNEL, material, Map.of());
    ChannelConfig config = ChannelConfig.of(genesis);
    List<SigningIdentity> signers = peersIdentities.signers();
    Map<PkiId, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < signers.size(); i++) {
      indexOf.put(signers.get(i).pkiId(), i);
    }
    Config systemConfig = SimulatedIdentities.systemConfig(settings.dir());
    system = ActorSystem.create(Behaviors.empty(), "simulated", systemConfig);
    links = new LinkModel(settings.peers(), settings.links(), settings.seed());
    traffic = SimulatedPeer.Traffic.create();
    List<ActorRef<SimulatedPeer.Command>> refs = new CopyOnWriteArrayList<>();
    peers = refs;
    List<PkiId> pkiIds = signers.stream().map(SigningIdentity::pkiId).toList();
    var network = new SimulatedPeer.Network(signers.stream().map(SigningIdentity::identity).toList(),
        Map.copyOf(indexOf), refs,
        signers.stream().map(s -> new GossipFrames(new EnvelopeSigner(s), peersIdentities.verifier())).toList(),
        links, traffic);
    List<ChannelGossip.Member> everyone = pkiIds.stream().map(p -> new ChannelGossip.Member(p, org.mspId())).toList();
    LedgerSettings ledgerSettings = LedgerSettings.read(settings.profile().withFallback(systemConfig));
    for (int i = 0; i < settings.peers(); i++) {
      int index = i;
      Leadership.Settings follower = new Leadership.Settings(Leadership.Mode.FOLLOWER,
          new ElectionState.Timings(Duration.ofSeconds(15), Duration.ofSeconds(1), Duration.ofSeconds(10), Duration.ofSeconds(5)));
      ChannelSettings channelSettings = settings.channel().withLeadership(follower);
      var ledger = ChannelLedger.create(ledgerSettings, CHANNEL + ".p" + i);
      refs.add(system.systemActorOf(SimulatedPeer.create(i, network, out -> ChannelGossip.create(new ChannelGossip.Setup(
          config, org.mspId(), new EnvelopeSigner(signers.get(index)), peersIdentities.verifier(), channelSettings, 1,
          out,
          ledger, (rejection, peer) -> traffic.reject(rejection), channel -> Behaviors.empty(),
          new ChannelObserver() {}))), "peer-" + i, Props.empty()));
    }
    for (int i = 0; i < settings.peers(); i++) {
      int index = i;
      var listener = system.systemActorOf(Behaviors.<ChannelGossip.Event>receiveMessage(event -> {
        listeners.forEach(l -> l.on(index, event));
        return Behaviors.same();
      }), "listener-" + i, Props.empty());
      ActorRef<SimulatedPeer.Command> peer = refs.get(i);
      tell(peer, new ChannelGossip.Subscribe(listener));
      tell(peer, new ChannelGossip.MembersChanged(everyone.stream().filter(m -> !m.pkiId().equals(pkiIds.get(index))).toList()));
    }
    // Every peer knows the others alive before any has a ledger height to announce: a real peer's
    // membership comes before its channels' traffic, and a message from a peer not known alive
    // would be refused as coming from outside the channel.
    refs.forEach(peer -> tell(peer, new ChannelGossip.CommitBlock(genesis)));
  }

  /**
   * A fresh directory for a network's ledgers: on tmpfs when there is one. A hundred simulated
   * peers share one disk where a hundred real ones would each have their own; queueing all their
   * fsyncs on one device would measure the disk, not the protocol.
   */
  public static Path scratchDir(String prefix) throws IOException {
    Path shm = Path.of("/dev/shm");
    return Files.isDirectory(shm) && Files.isWritable(shm)
        ? Files.createTempDirectory(shm, prefix)
        : Files.createTempDirectory(prefix);
  }

  /** Builds the network; its peers hold the genesis block and know each other as alive. */
  public static SimulatedNetwork start(Settings settings) throws Exception {
    return new SimulatedNetwork(settings);
  }

  public int size() {
    return peers.size();
  }

  public Block genesis() {
    return genesis;
  }

  public CryptoMaterial material() {
    return material;
  }

  public SimulatedPeer.Traffic traffic() {
    return traffic;
  }

  public void listen(Listener listener) {
    listeners.add(listener);
  }

  /** Peer {@code peer} gets {@code block} from the channel's source (as a leader from the orderer). */
  public void commitAtSource(int peer, Block block) {
    tell(peers.get(peer), new ChannelGossip.CommitBlock(block));
  }

  /** The peer stops: its actors end and its links drop everything. */
  public void crash(int peer) {
    links.crash(peer);
    peers.get(peer).tell(SimulatedPeer.Crash.INSTANCE);
  }

  public void partition(Set<Integer> side) {
    links.partition(side);
  }

  /** Peer {@code peer}'s uplink sends at {@code bytesPerSecond} from now on. */
  public void slowUplink(int peer, long bytesPerSecond) {
    links.slowUplink(peer, bytesPerSecond);
  }

  public void heal() {
    links.heal();
  }

  private static void tell(ActorRef<SimulatedPeer.Command> peer, ChannelGossip.Command command) {
    peer.tell(new SimulatedPeer.ToChannel(command));
  }

  /** Stops every peer and deletes the network's directory. */
  @Override
  public void close() {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    try {
      Directories.deleteRecursively(dir);
    } catch (IOException e) {
      System.err.println("could not delete " + dir + ": " + e.getMessage());
    }
  }
}
