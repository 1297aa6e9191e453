package io.hearsay.testkit.sim;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.files.Directories;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.GossipFrames;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.ConfigReader;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipSettings;
import io.hearsay.runtime.membership.MembershipView;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.Props;
import org.apache.pekko.actor.typed.javadsl.Adapter;
import org.apache.pekko.actor.typed.javadsl.AskPattern;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.slf4j.LoggerFactory;

/**
 * Many peers' real membership actors (alive messages, forwarding, membership pull, expiry) in
 * one ActorSystem over {@link SimulatedComm}. Peers are created all at once and started when
 * asked, so a join can be timed; each bootstraps from peer 0 and two random earlier peers.
 * {@code gossip} holds the {@code peer.gossip} keys (and {@code hearsay.membership}), Fabric's
 * defaults where absent.
 */
public final class SimulatedMembership implements AutoCloseable {

  private final ActorSystem<Void> system;
  private final SimulatedIdentities identities;
  private final SimulatedComm.Directory directory;
  private final List<MembershipSettings> settings = new ArrayList<>();
  private final Map<Integer, ActorRef<Membership.Command>> started = new ConcurrentHashMap<>();
  private final Path dir;

  public SimulatedMembership(int peers, LinkModel.Links links, long seed, Config gossip, Path dir) throws Exception {
    this.dir = dir;
    System.err.printf("simulated membership: %d peers, seed %d, %s%n", peers, seed, links);
    identities = SimulatedIdentities.generate(peers, dir);
    system = ActorSystem.create(Behaviors.empty(), "simulated", SimulatedIdentities.systemConfig(dir));
    try {
      directory = connect(peers, links, seed, gossip);
    } catch (Exception | Error e) {
      // A bad setting: the peers' system must not outlive the network that failed to build.
      system.terminate();
      throw e;
    }
  }

  private SimulatedComm.Directory connect(int peers, LinkModel.Links links, long seed, Config gossip) throws Exception {
    List<Endpoint> endpoints = new ArrayList<>();
    Map<Endpoint, Integer> indexOf = new HashMap<>();
    for (int i = 0; i < peers; i++) {
      Endpoint endpoint = new Endpoint("10.0." + (i / 250) + "." + (i % 250 + 1), 7051);
      endpoints.add(endpoint);
      indexOf.put(endpoint, i);
    }
    List<PeerIdentity> peerIdentities = identities.signers().stream().map(s -> s.identity()).toList();
    List<ActorRef<Comm.Command>> comms = new ArrayList<>();
    Map<ActorRef<Comm.Command>, Integer> indexOfComm = new ConcurrentHashMap<>();
    SimulatedComm.Directory directory = new SimulatedComm.Directory(List.copyOf(endpoints), Map.copyOf(indexOf),
        peerIdentities, indexOfComm, comms, new LinkModel(peers, links, seed),
        identities.signers().stream().map(s -> new GossipFrames(new EnvelopeSigner(s), identities.verifier())).toList(),
        SimulatedPeer.Traffic.create());
    SplittableRandom random = new SplittableRandom(seed);
    Config base = gossip.withFallback(ConfigFactory.load());
    for (int i = 0; i < peers; i++) {
      List<String> bootstrap = new ArrayList<>();
      if (i > 0) {
        bootstrap.add(endpoints.get(0).toString());
        for (int b = 0; b < 2 && i > 1; b++) {
          bootstrap.add(endpoints.get(1 + random.nextInt(i - 1)).toString());
        }
      }
      settings.add(MembershipSettings.read(new ConfigReader(ConfigFactory.parseMap(Map.of(
          "peer.gossip.endpoint", endpoints.get(i).toString(), "peer.gossip.bootstrap", bootstrap)).withFallback(base),
          "simulated peer " + i)));
      ActorRef<Comm.Command> comm = system.systemActorOf(SimulatedComm.create(i, directory), "comm-" + i, Props.empty());
      comms.add(comm);
      indexOfComm.put(comm, i);
    }
    return directory;
  }

  public int size() {
    return settings.size();
  }

  /** Starts peer {@code i}'s membership: it contacts its bootstrap peers. */
  public void start(int i) {
    ActorRef<Membership.Command> membership = system.systemActorOf(Membership.create(new Membership.Setup(
        new EnvelopeSigner(identities.signers().get(i)), identities.verifier(), settings.get(i),
        directory.endpoints().get(i), List.of(), directory.comms().get(i),
        new RejectionLog(LoggerFactory.getLogger("io.hearsay.sim.rejections"), Duration.ofMinutes(1)), 1)),
        "membership-" + i, Props.empty());
    started.put(i, membership);
  }

  /** Whether peer {@code i} was started and has not crashed. */
  public boolean isRunning(int i) {
    return started.containsKey(i);
  }

  /** Peer {@code i}'s current view. */
  public CompletionStage<MembershipView> view(int i) {
    return AskPattern.ask(started.get(i), Membership.GetView::new, Duration.ofSeconds(120), system.scheduler());
  }

  /**
   * Hands {@code onView} peer {@code i}'s view now and after every change of its members, on the
   * actor system's threads: changes are seen as they happen rather than polled.
   */
  public void subscribe(int i, Consumer<MembershipView> onView) {
    ActorRef<MembershipView> subscriber = system.systemActorOf(Behaviors.receiveMessage(view -> {
      onView.accept(view);
      return Behaviors.same();
    }), "view-subscriber-" + i, Props.empty());
    started.get(i).tell(new Membership.Subscribe(subscriber));
  }

  public PkiId pkiId(int i) {
    return identities.signers().get(i).pkiId();
  }

  public SimulatedPeer.Traffic traffic() {
    return directory.traffic();
  }

  /** Peer {@code i} crashes: its links drop everything and its membership stops. */
  public void crash(int i) {
    directory.links().crash(i);
    ActorRef<Membership.Command> membership = started.remove(i);
    if (membership != null) {
      system.classicSystem().stop(Adapter.toClassic(membership));
    }
  }

  @Override
  public void close() throws Exception {
    system.terminate();
    system.getWhenTerminated().toCompletableFuture().join();
    Directories.deleteRecursively(dir);
  }
}
