package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.node.NodeSystems;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.Address;
import org.apache.pekko.actor.DeadLetter;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.ActorRefResolver;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.eventstream.EventStream;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;

/**
 * A peer's links to other peers: over Artery between Hearsay peers, and over Fabric's gRPC gossip
 * ({@link FabricLinks}, driven by {@link FabricConnections}) when the peer serves it. Every inbound
 * envelope is verified here before any other actor sees it; rejected ones go to the
 * {@link RejectionLog}. Which transport reaches an endpoint: Artery for Artery addresses (a peer
 * bound over Artery, or an advertised endpoint a Hearsay peer's alive message routes to its
 * Artery address: {@link ArteryRoute}); Fabric's gRPC for every other endpoint when the peer
 * serves it; Artery otherwise (a network of Hearsay peers alone).
 *
 * <p>Links are bound by a signed handshake: the first frame to an endpoint is a
 * {@code ConnEstablish} envelope carrying the sender's identity, whose PKI-ID must match it; the
 * receiver binds the sender's endpoint to that PKI-ID and answers with its own. A gossip frame
 * from an endpoint that is not bound is refused, and a handshake is sent back so the link heals
 * (e.g. after the other peer restarted). Messages that do not name their signer are verified
 * against the bound PKI-ID's key, so a frame that lies about its sender does not verify.
 *
 * <p>What a channel sends unsigned, as Fabric does (blocks, pull, state transfer, StateInfo
 * snapshots and pull requests), goes to a bound Hearsay peer with the link's MAC in place of a
 * signature ({@link GossipFrames}): two hashes instead of an ECDSA sign and verify per message.
 * Before the link is bound, and over Fabric's gRPC, it is signed when sent, as Hearsay always
 * sent it.
 */
public final class Comm {

  /** The path of every peer's comm actor under its ActorSystem's guardian. */
  public static final String NAME = "comm";
  /**
   * The actor that receives large frames (Artery's large-message lane is chosen by the
   * destination path) and hands them to comm.
   */
  public static final String LARGE_NAME = "comm-large";

  public sealed interface Command permits WireFrame, Send, Connect, Subscribe, SetFaults, ArteryRoute, InternalCommand {}

  private sealed interface InternalCommand extends Command permits DelayedFrame, FrameDropped, FabricOpened,
      FabricReceived, FabricClosed, FabricDialFailed, FabricDecide, FabricHandshakeDue {}

  /**
   * The peer advertised at {@code advertised} (its gossip endpoints, as Fabric peers know it) is a
   * Hearsay peer reachable over Artery at {@code artery}: messages to it go over Artery.
   */
  public record ArteryRoute(List<Endpoint> advertised, Endpoint artery) implements Command {}

  private record FabricOpened(FabricLinks.Stream stream) implements InternalCommand {}

  private record FabricReceived(FabricLinks.Stream stream, Envelope envelope) implements InternalCommand {}

  private record FabricClosed(FabricLinks.Stream stream, String why) implements InternalCommand {}

  private record FabricDialFailed(Endpoint to, String why) implements InternalCommand {}

  /** A stream we dialled has waited for the streams opened to us meanwhile: our ConnEstablish goes now. */
  private record FabricDecide(FabricLinks.Stream stream) implements InternalCommand {}

  /** connTimeout after a stream opened: closed unless its remote's ConnEstablish came. */
  private record FabricHandshakeDue(FabricLinks.Stream stream) implements InternalCommand {}

  /** Sends a signed envelope to the peer at {@code to}. */
  public record Send(Endpoint to, Envelope envelope) implements Command {}

  /**
   * Handshakes with the peer at {@code to} without sending it anything else, to learn who it is
   * (subscribers get a {@link PeerConnected}); a no-op when it is already bound.
   */
  public record Connect(Endpoint to) implements Command {}

  /** Delivers verified messages of the given content types, and every new binding, to {@code subscriber}. */
  public record Subscribe(ActorRef<Event> subscriber, Set<ContentCase> contents) implements Command {}

  /** Replaces the link faults (tests). */
  public record SetFaults(LinkFaults faults) implements Command {}

  private record DelayedFrame(Endpoint to, WireFrame frame) implements InternalCommand {}

  /** Artery gave up on a frame (full send queue, quarantine): it reached dead letters. */
  private record FrameDropped(DeadLetter letter) implements InternalCommand {}

  /** What comm tells its subscribers. */
  public sealed interface Event permits Inbound, PeerConnected {}

  /** A verified message, from the peer bound to {@code fromEndpoint}. */
  public record Inbound(SignedGossipMessage message, PeerIdentity sender, Endpoint fromEndpoint)
      implements Event {}

  /** A handshake bound {@code endpoint} to a peer. */
  public record PeerConnected(PeerIdentity peer, Endpoint endpoint) implements Event {}

  /**
   * What comm is started with: {@code self} is its Artery address, {@code fabric} Fabric's gossip
   * transport when the peer serves it (with TLS when {@code fabricTls}), and {@code advertised}
   * where other peers know this one (its own endpoints: never sent to).
   */
  public record Setup(String systemName, Endpoint self, EnvelopeSigner signer,
      EnvelopeVerifier verifier, RejectionLog rejections, MessageCounts received, MessageCounts sent,
      DroppedMessages dropped, ByteString tlsCertificateHash, Optional<TlsSessions> tlsSessions, CommSettings settings,
      Optional<FabricLinks> fabric, boolean fabricTls, List<Endpoint> advertised) {

    public Setup {
      advertised = List.copyOf(advertised);
    }
  }

  private record Subscription(ActorRef<Event> subscriber, Set<ContentCase> contents) {}

  private final ActorContext<Command> context;
  private final Setup setup;
  private final ActorRef<Command> self;
  private final Envelope handshake;
  private final Map<Endpoint, PeerIdentity> bound = new HashMap<>();
  private final Map<Endpoint, Long> handshakeSentAt = new HashMap<>();
  private final Map<Endpoint, ActorRef<Command>> refs = new HashMap<>();
  private final Map<Endpoint, ActorRef<Command>> largeRefs = new HashMap<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom();
  private final Optional<FabricConnections> fabric;
  private final Map<Endpoint, Endpoint> arteryRoutes = new HashMap<>();
  private final Set<Endpoint> selves = new HashSet<>();
  private final Map<Endpoint, Long> dialFailureLogged = new HashMap<>();
  private LinkFaults faults = LinkFaults.none();
  private final GossipFrames frames;

  private Comm(ActorContext<Command> context, Setup setup) {
    this.context = context;
    context.setLoggerName(Comm.class);
    this.setup = setup;
    this.self = context.getSelf();
    this.frames = new GossipFrames(setup.signer(), setup.verifier());
    this.handshake = setup.signer().sign(GossipMessages.connEstablish(
        setup.signer().self().identity(), setup.tlsCertificateHash(), false)).envelope();
    // Artery drops silently (a debug log) when an outbound queue is full; the dropped frame goes
    // to dead letters, which is where it is counted.
    context.getSystem().eventStream().tell(new EventStream.Subscribe<>(
        DeadLetter.class,
        context.messageAdapter(DeadLetter.class, FrameDropped::new)));
    this.fabric = setup.fabric().map(links -> new FabricConnections(links, setup.verifier(), setup.fabricTls()));
    selves.add(setup.self());
    selves.addAll(setup.advertised());
    setup.fabric().ifPresent(links -> {
      selves.add(links.endpoint());
      links.listen(new FabricLinks.Listener() {
        @Override
        public void opened(FabricLinks.Stream stream) {
          self.tell(new FabricOpened(stream));
        }

        @Override
        public void received(FabricLinks.Stream stream, Envelope envelope) {
          self.tell(new FabricReceived(stream, envelope));
        }

        @Override
        public void closed(FabricLinks.Stream stream, String why) {
          self.tell(new FabricClosed(stream, why));
        }

        @Override
        public void dialFailed(Endpoint to, String why) {
          self.tell(new FabricDialFailed(to, why));
        }
      });
    });
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> new Comm(context, setup).behavior());
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(WireFrame.class, this::onFrame)
        .onMessage(Send.class, this::onSend)
        .onMessage(FrameDropped.class, this::onFrameDropped)
        .onMessage(Connect.class, this::onConnect)
        .onMessage(ArteryRoute.class, r -> {
          r.advertised().forEach(e -> arteryRoutes.put(e, r.artery()));
          return Behaviors.same();
        })
        .onMessage(FabricOpened.class, o -> {
          fabric.orElseThrow().opened(o.stream(), Instant.now());
          context.scheduleOnce(setup.settings().connTimeout(), self, new FabricHandshakeDue(o.stream()));
          return Behaviors.same();
        })
        .onMessage(FabricHandshakeDue.class, d -> {
          fabric.orElseThrow().handshakeDue(d.stream(), setup.settings().connTimeout()).ifPresent(timedOut -> {
            reject(timedOut.rejection(), timedOut.endpoint());
            timedOut.unsent().forEach(e -> setup.dropped().record(DroppedMessages.Reason.TRANSPORT_GAVE_UP, e));
          });
          return Behaviors.same();
        })
        .onMessage(FabricReceived.class, r -> onFabricArrival(fabric.orElseThrow().received(r.stream(), r.envelope(),
            Instant.now())))
        .onMessage(FabricDecide.class, d -> onFabricArrival(fabric.orElseThrow().decide(d.stream())))
        .onMessage(FabricClosed.class, c -> {
          context.getLog().debug("{} closed: {}", c.stream(), c.why());
          fabric.orElseThrow().closed(c.stream()).forEach(e -> setup.dropped().record(
              DroppedMessages.Reason.TRANSPORT_GAVE_UP, e));
          return Behaviors.same();
        })
        .onMessage(FabricDialFailed.class, this::onFabricDialFailed)
        .onMessage(Subscribe.class, s -> {
          subscriptions.add(new Subscription(s.subscriber(), Set.copyOf(s.contents())));
          return Behaviors.same();
        })
        .onMessage(SetFaults.class, f -> {
          faults = f.faults();
          return Behaviors.same();
        })
        .onMessage(DelayedFrame.class, d -> {
          send(d.to(), d.frame());
          return Behaviors.same();
        })
        .build();
  }

  private Behavior<Command> onConnect(Connect connect) {
    Endpoint to = connect.to();
    if (selves.contains(to)) {
      return Behaviors.same();
    }
    if (fabric.isPresent() && !isArtery(to)) {
      Optional<PeerIdentity> known = fabric.get().boundAt(to);
      if (known.isPresent()) {
        subscriptions.forEach(s -> s.subscriber().tell(new PeerConnected(known.get(), to)));
      } else if (!faults.blocksInbound(to)) {
        fabric.get().dial(to);
      }
      return Behaviors.same();
    }
    Endpoint artery = arteryRoutes.getOrDefault(to, to);
    PeerIdentity known = bound.get(artery);
    if (known != null) {
      subscriptions.forEach(s -> s.subscriber().tell(new PeerConnected(known, artery)));
    } else {
      sendHandshake(artery, WireFrame.Kind.HANDSHAKE, false);
    }
    return Behaviors.same();
  }

  /** Whether {@code to} is reached over Artery: an Artery address, or routed to one. */
  private boolean isArtery(Endpoint to) {
    return arteryRoutes.containsKey(to) || bound.containsKey(to) || refs.containsKey(to);
  }

  private Behavior<Command> onFabricArrival(FabricConnections.Arrival arrival) {
    if (arrival instanceof FabricConnections.Deciding d) {
      context.scheduleOnce(FabricConnections.DECISION_WAIT, self, new FabricDecide(d.stream()));
    } else if (arrival instanceof FabricConnections.Handshaken h) {
      context.getLog().debug("bound {} to {} (Fabric gossip)", h.endpoint(), h.peer());
      subscriptions.forEach(s -> s.subscriber().tell(new PeerConnected(h.peer(), h.endpoint())));
    } else if (arrival instanceof FabricConnections.Message m) {
      if (!faults.blocksInbound(m.endpoint())) {
        setup.received().record(m.message().message(), m.message().envelope().getSerializedSize());
        deliver(new Inbound(m.message(), m.peer(), m.endpoint()), m.message().message().getContentCase());
      }
    } else if (arrival instanceof FabricConnections.Refused r) {
      reject(r.rejection(), r.from());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFabricDialFailed(FabricDialFailed failed) {
    List<Envelope> unsent = fabric.orElseThrow().dialFailed(failed.to());
    unsent.forEach(e -> setup.dropped().record(DroppedMessages.Reason.TRANSPORT_GAVE_UP, e));
    long now = System.nanoTime();
    Long last = dialFailureLogged.get(failed.to());
    if (last == null || now - last > setup.settings().rejectionLogInterval().toNanos()) {
      dialFailureLogged.put(failed.to(), now);
      context.getLog().info("cannot reach {} over Fabric's gossip ({}); {} message(s) dropped", failed.to(),
          failed.why(), unsent.size());
    }
    return Behaviors.same();
  }

  private Behavior<Command> onSend(Send send) {
    if (selves.contains(send.to())) {
      return Behaviors.same();
    }
    if (fabric.isPresent() && !isArtery(send.to())) {
      if (faults.outbound(send.to(), random).isEmpty()) {
        setup.dropped().record(DroppedMessages.Reason.INJECTED_FAULT, send.envelope());
        return Behaviors.same();
      }
      fabric.get().send(send.to(), frames.signedIfNoop(send.envelope()))
          .ifPresent(e -> setup.dropped().record(DroppedMessages.Reason.TRANSPORT_GAVE_UP, e));
      setup.sent().recordSent(send.envelope());
      return Behaviors.same();
    }
    Endpoint to = arteryRoutes.getOrDefault(send.to(), send.to());
    PeerIdentity peer = bound.get(to);
    if (peer == null) {
      sendHandshake(to, WireFrame.Kind.HANDSHAKE, false);
    }
    transmit(to, frames.frame(self, Optional.ofNullable(peer), send.envelope()));
    setup.sent().recordSent(send.envelope());
    return Behaviors.same();
  }

  private Behavior<Command> onFrameDropped(FrameDropped dropped) {
    if (dropped.letter().message() instanceof WireFrame frame && isGossip(frame)) {
      setup.dropped().record(DroppedMessages.Reason.TRANSPORT_GAVE_UP, envelopeOf(frame));
      long total = setup.dropped().total(DroppedMessages.Reason.TRANSPORT_GAVE_UP);
      if (Long.bitCount(total) == 1) {
        // Logged at the 1st, 2nd, 4th, 8th... drop, so a burst does not flood the log.
        context.getLog().warn("{} frame(s) dropped by the transport so far (last to {}): {}", total,
            dropped.letter().recipient().path().address(),
            setup.dropped().of(DroppedMessages.Reason.TRANSPORT_GAVE_UP).snapshot());
      }
    }
    return Behaviors.same();
  }

  private Behavior<Command> onFrame(WireFrame frame) {
    Optional<Endpoint> from = endpointOf(frame.from().path().address());
    if (from.isEmpty() || faults.blocksInbound(from.get())) {
      return Behaviors.same();
    }
    Endpoint endpoint = from.get();
    refs.putIfAbsent(endpoint, frame.from());
    Instant now = Instant.now();
    if (isGossip(frame)) {
      PeerIdentity sender = bound.get(endpoint);
      if (sender == null) {
        reject(Rejection.of(RejectionReason.UNBOUND_SENDER,
            "gossip frame from %s before a handshake", endpoint), endpoint);
        sendHandshake(endpoint, WireFrame.Kind.HANDSHAKE, false);
        return Behaviors.same();
      }
      Verdict<SignedGossipMessage> verdict = frames.verify(frame, sender, now);
      if (verdict.isAccepted()) {
        setup.received().record(verdict.value().message(), frame.envelope().size());
        deliver(new Inbound(verdict.value(), sender, endpoint), verdict.value().message().getContentCase());
      } else {
        reject(verdict.rejection(), endpoint);
      }
      return Behaviors.same();
    }
    onHandshake(frame, endpoint, now);
    return Behaviors.same();
  }

  private static boolean isGossip(WireFrame frame) {
    return frame.kind() == WireFrame.Kind.GOSSIP || frame.kind() == WireFrame.Kind.LINK_GOSSIP;
  }

  private void onHandshake(WireFrame frame, Endpoint endpoint, Instant now) {
    Verdict<SignedGossipMessage> verdict =
        setup.verifier().verify(frame.bytes().toByteArray(), Optional.empty(), now);
    if (!verdict.isAccepted()) {
      reject(verdict.rejection(), endpoint);
      return;
    }
    if (verdict.value().message().getContentCase() != ContentCase.CONN) {
      reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "handshake frame from %s carries %s, "
          + "not ConnEstablish", endpoint, verdict.value().message().getContentCase()), endpoint);
      return;
    }
    PeerIdentity peer = verdict.value().signer();
    ByteString certHash = verdict.value().message().getConn().getTlsCertHash();
    if (setup.tlsSessions().isPresent() && !setup.tlsSessions().get().presented(certHash)) {
      // Fabric binds the handshake to the TLS session it arrived on; Artery does not say which
      // session carried a frame, so the hash must at least be a certificate a session presented.
      reject(Rejection.of(RejectionReason.TLS_CERT_HASH_MISMATCH, "ConnEstablish from %s (%s) names TLS certificate %s, "
          + "which no TLS session with this peer presented", endpoint, peer,
          certHash.isEmpty() ? "(none)" : HexFormat.of().formatHex(certHash.toByteArray())), endpoint);
      return;
    }
    PeerIdentity previous = bound.put(endpoint, peer);
    handshakeSentAt.remove(endpoint);
    if (!peer.equals(previous)) {
      context.getLog().debug("bound {} to {}", endpoint, peer);
    }
    for (Subscription s : subscriptions) {
      s.subscriber().tell(new PeerConnected(peer, endpoint));
    }
    if (frame.kind() == WireFrame.Kind.HANDSHAKE) {
      sendHandshake(endpoint, WireFrame.Kind.HANDSHAKE_REPLY, true);
    }
  }

  private void sendHandshake(Endpoint to, WireFrame.Kind kind, boolean always) {
    long now = System.nanoTime();
    Long last = handshakeSentAt.get(to);
    if (!always && last != null && now - last < setup.settings().handshakeRetry().toNanos()) {
      return;
    }
    handshakeSentAt.put(to, now);
    transmit(to, new WireFrame(kind, self, handshake.toByteString()));
  }

  private static Envelope envelopeOf(WireFrame frame) {
    if (!frame.wellFormed()) {
      return Envelope.getDefaultInstance();
    }
    try {
      return Envelope.parseFrom(frame.envelope());
    } catch (InvalidProtocolBufferException e) {
      return Envelope.getDefaultInstance();
    }
  }

  private void transmit(Endpoint to, WireFrame frame) {
    Optional<Duration> decision = faults.outbound(to, random);
    if (decision.isEmpty()) {
      if (isGossip(frame)) {
        setup.dropped().record(DroppedMessages.Reason.INJECTED_FAULT, envelopeOf(frame));
      }
      return;
    }
    if (decision.get().isZero()) {
      send(to, frame);
    } else {
      context.scheduleOnce(decision.get(), self, new DelayedFrame(to, frame));
    }
  }

  private void deliver(Inbound inbound, ContentCase content) {
    for (Subscription s : subscriptions) {
      if (s.contents().contains(content)) {
        s.subscriber().tell(inbound);
      }
    }
  }

  private void reject(Rejection rejection, Endpoint from) {
    setup.rejections().record(rejection, from.toString(), System.nanoTime());
  }

  private void send(Endpoint to, WireFrame frame) {
    if (frame.bytes().size() > setup.settings().largeMessageThreshold()) {
      largeRefs.computeIfAbsent(to, e -> resolve(e, LARGE_NAME)).tell(frame);
    } else {
      refs.computeIfAbsent(to, e -> resolve(e, NAME)).tell(frame);
    }
  }

  private ActorRef<Command> resolve(Endpoint endpoint, String name) {
    return ActorRefResolver.get(context.getSystem())
        .resolveActorRef("pekko://" + setup.systemName() + "@" + endpoint + NodeSystems.PEER_PATH + "/" + name);
  }

  private static Optional<Endpoint> endpointOf(Address address) {
    if (address.host().isEmpty() || address.port().isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Endpoint(address.host().get(), (Integer) address.port().get()));
  }
}
