package io.hearsay.testkit.sim;

import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.GossipFrames;
import io.hearsay.runtime.comm.WireFrame;
import io.hearsay.runtime.config.Endpoint;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * Comm's protocol ({@link Comm.Send}, {@link Comm.Connect}, {@link Comm.Subscribe}) over the
 * simulated links, so the real membership actor runs unchanged on a simulated network. Frames
 * travel as comm's own {@link WireFrame}s, scheduled to arrive when the {@link LinkModel} says,
 * tagged or signed and verified on arrival by comm's own {@link GossipFrames}. The handshake is not simulated: a
 * {@link Comm.Connect} binds at once, since every simulated peer's identity is known.
 */
public final class SimulatedComm {

  /** The simulated peers' endpoints, identities and comm actors, by index. */
  public record Directory(List<Endpoint> endpoints, Map<Endpoint, Integer> indexOf, List<PeerIdentity> identities,
      Map<ActorRef<Comm.Command>, Integer> indexOfComm, List<ActorRef<Comm.Command>> comms, LinkModel links,
      List<GossipFrames> frames, SimulatedPeer.Traffic traffic) {}

  private record Subscription(ActorRef<Comm.Event> subscriber, Set<GossipMessage.ContentCase> contents) {}

  private SimulatedComm() {}

  public static Behavior<Comm.Command> create(int index, Directory directory) {
    return Behaviors.setup(context -> {
      List<Subscription> subscriptions = new ArrayList<>();
      return Behaviors.receive(Comm.Command.class)
          .onMessage(Comm.Subscribe.class, s -> {
            subscriptions.add(new Subscription(s.subscriber(), Set.copyOf(s.contents())));
            return Behaviors.same();
          })
          .onMessage(Comm.Connect.class, c -> {
            Integer to = directory.indexOf().get(c.to());
            if (to != null && to != index && directory.links().isUp(to)) {
              subscriptions.forEach(s -> s.subscriber().tell(new Comm.PeerConnected(directory.identities().get(to), c.to())));
            }
            return Behaviors.same();
          })
          .onMessage(Comm.Send.class, send -> {
            Integer to = directory.indexOf().get(send.to());
            if (to == null || to == index) {
              return Behaviors.same();
            }
            WireFrame frame = directory.frames().get(index).frame(context.getSelf(),
                Optional.of(directory.identities().get(to)), send.envelope());
            directory.traffic().send(directory.links(), index, to, send.envelope(), frame)
                .ifPresent(delay -> context.scheduleOnce(delay, directory.comms().get(to), frame));
            return Behaviors.same();
          })
          .onMessage(WireFrame.class, frame -> {
            Integer from = directory.indexOfComm().get(frame.from());
            if (from == null || !directory.links().isUp(index)) {
              return Behaviors.same();
            }
            PeerIdentity sender = directory.identities().get(from);
            Verdict<SignedGossipMessage> verdict = directory.frames().get(index).verify(frame, sender, Instant.now());
            if (!verdict.isAccepted()) {
              directory.traffic().reject(verdict.rejection());
              return Behaviors.same();
            }
            var content = verdict.value().message().getContentCase();
            Comm.Inbound inbound = new Comm.Inbound(verdict.value(), sender, directory.endpoints().get(from));
            subscriptions.stream().filter(s -> s.contents().contains(content)).forEach(s -> s.subscriber().tell(inbound));
            return Behaviors.same();
          })
          .build();
    });
  }
}
