package io.hearsay.testkit.sim;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.WireFormat;
import io.hearsay.channels.ChannelGossip;
import io.hearsay.channels.common.ChannelOutbound;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.comm.GossipFrames;
import io.hearsay.runtime.comm.WireFrame;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * One simulated peer: the channel's real {@link ChannelGossip} actor (with its real ledger) as a
 * child, and in place of comm and the channel router a link to the other simulated peers through
 * the {@link LinkModel}. What comm does is done here too, by comm's own {@link GossipFrames}: an
 * envelope leaves tagged with the link's MAC, or signed, and is verified on arrival (real MACs and
 * signatures, against the sender the link is bound to) before the channel sees it.
 *
 * <p>A link keeps its order as TCP does: the link model never lets a message's arrival time pass
 * an earlier one's, and the scheduler may still fire two due in the same tick either way, so each
 * delivered message carries its number on the link and the receiver hands them on in that order.
 */
public final class SimulatedPeer {

  public sealed interface Command permits Outbound, Arrive, Crash, ToChannel {}

  /** The channel sends {@code envelope} to {@code to}. */
  private record Outbound(PkiId to, Envelope envelope) implements Command {}

  /** A frame sent by peer {@code from} arrives here, the {@code sequence}-th delivered on that link. */
  public record Arrive(int from, WireFrame frame, long sequence) implements Command {}

  /** Hands {@code command} to the peer's channel actor. */
  public record ToChannel(ChannelGossip.Command command) implements Command {}

  /** The peer crashes: its actors stop, nothing it had in memory survives. */
  public enum Crash implements Command { INSTANCE }

  /**
   * How the peers of one simulated network find each other, and what they count: each peer's
   * identity and its frames (each used by that peer's actor alone), by index.
   */
  public record Network(List<PeerIdentity> identities, Map<PkiId, Integer> indexOf, List<ActorRef<Command>> peers,
      List<GossipFrames> frames, LinkModel links, Traffic traffic, long[] sentOnLink) {
    public Network(List<PeerIdentity> identities, Map<PkiId, Integer> indexOf, List<ActorRef<Command>> peers,
        List<GossipFrames> frames, LinkModel links, Traffic traffic) {
      this(identities, indexOf, peers, frames, links, traffic, new long[identities.size() * identities.size()]);
    }
  }

  /** Traffic counted over the whole network. */
  public record Traffic(LongAdder messagesSent, LongAdder bytesSent, LongAdder messagesLost,
      ConcurrentHashMap<RejectionReason, LongAdder> rejected,
      ConcurrentHashMap<RejectionReason, List<String>> samples,
      ConcurrentHashMap<GossipMessage.ContentCase, LongAdder> bytesPerType,
      ConcurrentHashMap<GossipMessage.ContentCase, LongAdder> messagesPerType) {
    /** Rejection details kept per reason, so a run shows what was refused, not only how often. */
    private static final int SAMPLES = 3;

    public static Traffic create() {
      return new Traffic(new LongAdder(), new LongAdder(), new LongAdder(), new ConcurrentHashMap<>(),
          new ConcurrentHashMap<>(), new ConcurrentHashMap<>(), new ConcurrentHashMap<>());
    }

    /**
     * {@link #send(LinkModel, int, int, int)} for {@code frame}, which carries {@code envelope}:
     * its bytes (the envelope's, and a link MAC's tag where it has one) counted by message type too.
     */
    public Optional<Duration> send(LinkModel links, int from, int to, Envelope envelope, WireFrame frame) {
      int bytes = frame.bytes().size();
      GossipMessage.ContentCase type = contentCase(envelope);
      bytesPerType.computeIfAbsent(type, c -> new LongAdder()).add(bytes);
      messagesPerType.computeIfAbsent(type, c -> new LongAdder()).increment();
      return send(links, from, to, bytes);
    }

    /** Bytes sent so far, per message type. */
    public Map<String, Long> bytesByType() {
      return byType(bytesPerType);
    }

    /** Messages sent so far, per message type. */
    public Map<String, Long> messagesByType() {
      return byType(messagesPerType);
    }

    private static Map<String, Long> byType(Map<GossipMessage.ContentCase, LongAdder> counts) {
      Map<String, Long> byType = new TreeMap<>();
      counts.forEach((type, count) -> byType.put(type.name(), count.sum()));
      return byType;
    }

    /**
     * The message's type, read from the field numbers of its payload without parsing it: every
     * message of the run passes here, and a block is not decoded a second time for a count.
     */
    private static GossipMessage.ContentCase contentCase(Envelope envelope) {
      try {
        CodedInputStream in = envelope.getPayload().newCodedInput();
        for (int tag = in.readTag(); tag != 0; tag = in.readTag()) {
          GossipMessage.ContentCase content = GossipMessage.ContentCase.forNumber(WireFormat.getTagFieldNumber(tag));
          if (content != null) {
            return content;
          }
          in.skipField(tag);
        }
      } catch (IOException malformed) {
        // counted as no content
      }
      return GossipMessage.ContentCase.CONTENT_NOT_SET;
    }

    /**
     * Counts {@code bytes} sent from {@code from} to {@code to} and asks the links what becomes of
     * them: the delay until arrival, or empty when they are lost (counted too).
     */
    public Optional<Duration> send(LinkModel links, int from, int to, int bytes) {
      messagesSent.increment();
      bytesSent.add(bytes);
      Optional<Duration> delay = links.send(from, to, bytes, System.nanoTime());
      if (delay.isEmpty()) {
        messagesLost.increment();
      }
      return delay;
    }

    public void reject(Rejection rejection) {
      rejected.computeIfAbsent(rejection.reason(), r -> new LongAdder()).increment();
      List<String> kept = samples.computeIfAbsent(rejection.reason(), r -> new CopyOnWriteArrayList<>());
      if (kept.size() < SAMPLES) {
        kept.add(rejection.detail());
      }
    }

    /** The first few rejection details of each reason. */
    public Map<RejectionReason, List<String>> rejectionSamples() {
      return new TreeMap<>(samples);
    }

    /** Rejections so far, per reason. */
    public Map<RejectionReason, Long> rejections() {
      Map<RejectionReason, Long> counts = new TreeMap<>();
      rejected.forEach((reason, count) -> counts.put(reason, count.sum()));
      return counts;
    }
  }

  private SimulatedPeer() {}

  /** Peer {@code index}, running the channel {@code channel} makes when given its outbound link. */
  public static Behavior<Command> create(int index, Network network,
      Function<ChannelOutbound, Behavior<ChannelGossip.Command>> channel) {
    return Behaviors.setup(context -> {
      ActorRef<Command> self = context.getSelf();
      ActorRef<ChannelGossip.Command> gossip =
          context.spawn(channel.apply((to, envelope) -> self.tell(new Outbound(to, envelope))), "channel");
      long[] expected = new long[network.identities().size()];
      Map<Integer, TreeMap<Long, Arrive>> early = new HashMap<>();
      return Behaviors.receive(Command.class)
          .onMessage(Outbound.class, o -> {
            send(context, index, network, o);
            return Behaviors.same();
          })
          .onMessage(Arrive.class, a -> {
            var waiting = early.computeIfAbsent(a.from(), f -> new TreeMap<>());
            waiting.put(a.sequence(), a);
            for (Arrive next = waiting.remove(expected[a.from()]); next != null; next = waiting.remove(expected[a.from()])) {
              expected[a.from()]++;
              arrive(network, index, next, gossip);
            }
            return Behaviors.same();
          })
          .onMessage(ToChannel.class, t -> {
            gossip.tell(t.command());
            return Behaviors.same();
          })
          .onMessage(Crash.class, c -> Behaviors.stopped())
          .build();
    });
  }

  private static void send(ActorContext<Command> context, int index, Network network, Outbound send) {
    Integer to = network.indexOf().get(send.to());
    if (to == null || to == index) {
      return;
    }
    // The simulator's frames name no comm actor: the link itself says who sent them.
    WireFrame frame =
        network.frames().get(index).frame(null, Optional.of(network.identities().get(to)), send.envelope());
    network.traffic().send(network.links(), index, to, send.envelope(), frame)
        .ifPresent(delay -> context.scheduleOnce(delay, network.peers().get(to),
            new Arrive(index, frame, network.sentOnLink()[index * network.identities().size() + to]++)));
  }

  private static void arrive(Network network, int index, Arrive arrive, ActorRef<ChannelGossip.Command> gossip) {
    if (!network.links().isUp(index)) {
      return;
    }
    PeerIdentity sender = network.identities().get(arrive.from());
    Verdict<SignedGossipMessage> verdict = network.frames().get(index).verify(arrive.frame(), sender, Instant.now());
    if (!verdict.isAccepted()) {
      network.traffic().reject(verdict.rejection());
      return;
    }
    gossip.tell(new ChannelGossip.Inbound(verdict.value(), sender.pkiId()));
  }
}
