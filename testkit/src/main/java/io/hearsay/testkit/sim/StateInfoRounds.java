package io.hearsay.testkit.sim;

import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.channels.stateinfo.StateInfoTable;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.runtime.comm.GossipFrames;
import io.hearsay.runtime.comm.WireFrame;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * StateInfo anti-entropy in synchronous rounds: every peer's real {@link StateInfoGossip} with its
 * own signing identity, real messages signed or tagged as comm sends them ({@link GossipFrames}),
 * delivered in order and at once. A round is every
 * peer starting one exchange, then everything that causes being delivered; messages and bytes
 * are counted. Peers are all of one org, all alive, each the others' channel member.
 */
public final class StateInfoRounds {

  private record Sent(int from, int to, Envelope envelope) {}

  private final List<StateInfoGossip> peers = new ArrayList<>();
  private final List<EnvelopeSigner> signers = new ArrayList<>();
  private final List<GossipFrames> frames = new ArrayList<>();
  private final List<PeerIdentity> peerIdentities = new ArrayList<>();
  private final List<PkiId> ids = new ArrayList<>();
  private final Map<PkiId, Integer> indexOf = new HashMap<>();
  private final ArrayDeque<Sent> queue = new ArrayDeque<>();
  private final List<Rejection> rejections = new ArrayList<>();
  private long messages;
  private long bytes;

  public StateInfoRounds(String mspId, List<SigningIdentity> identities, EnvelopeVerifier verifier,
      StateInfoGossip.Settings settings, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < identities.size(); i++) {
      ids.add(identities.get(i).pkiId());
      indexOf.put(identities.get(i).pkiId(), i);
      signers.add(new EnvelopeSigner(identities.get(i)));
      frames.add(new GossipFrames(signers.get(i), verifier));
      peerIdentities.add(identities.get(i).identity());
    }
    for (int i = 0; i < identities.size(); i++) {
      int self = i;
      List<PkiId> others = ids.stream().filter(p -> !p.equals(ids.get(self))).toList();
      peers.add(new StateInfoGossip(SimulatedNetwork.CHANNEL, Set.of(mspId), signers.get(i), verifier, 1, settings,
          random.split(), new StateInfoGossip.Outbox() {
            @Override
            public void send(PkiId to, Envelope envelope) {
              queue.add(new Sent(self, indexOf.get(to), envelope));
            }

            @Override
            public void reject(Rejection rejection, PkiId from) {
              rejections.add(rejection);
            }

            @Override
            public Collection<PkiId> alive() {
              return others;
            }
          }));
    }
  }

  public int size() {
    return peers.size();
  }

  public StateInfoGossip peer(int i) {
    return peers.get(i);
  }

  public PkiId id(int i) {
    return ids.get(i);
  }

  /**
   * Every peer sends its current StateInfo to every other (n(n-1) messages) and the counters are
   * reset: a network where everyone has proven membership to everyone.
   */
  public void introduceAll() {
    for (int i = 0; i < peers.size(); i++) {
      for (int j = 0; j < peers.size(); j++) {
        if (i != j) {
          peers.get(i).introduceTo(ids.get(j));
        }
      }
    }
    deliver();
    messages = 0;
    bytes = 0;
  }

  /** Every peer starts one anti-entropy exchange with {@code fanout} random peers; all is delivered. */
  public void round(int fanout) {
    peers.forEach(p -> p.antiEntropyRound(fanout));
    deliver();
  }

  /** Delivers everything sent and what that causes. */
  public void deliver() {
    while (!queue.isEmpty()) {
      Sent sent = queue.poll();
      messages++;
      WireFrame frame =
          frames.get(sent.from()).frame(null, Optional.of(peerIdentities.get(sent.to())), sent.envelope());
      bytes += frame.bytes().size();
      var verdict = frames.get(sent.to()).verify(frame, peerIdentities.get(sent.from()), Instant.now());
      if (!verdict.isAccepted()) {
        rejections.add(verdict.rejection());
        continue;
      }
      var message = verdict.value().message();
      StateInfoGossip receiver = peers.get(sent.to());
      PkiId from = ids.get(sent.from());
      switch (message.getContentCase()) {
        case STATE_INFO -> receiver.onStateInfo(verdict.value(), from);
        case STATE_INFO_PULL_REQ -> receiver.onPullRequest(message, from).ifPresent(snapshot ->
            queue.add(new Sent(sent.to(), sent.from(), signers.get(sent.to()).envelope(snapshot))));
        case STATE_SNAPSHOT -> receiver.onSnapshot(message.getStateSnapshot().getElementsList(), from);
        default -> throw new IllegalStateException("not a StateInfo message: " + message.getContentCase());
      }
    }
  }

  /** The height {@code observer} holds for {@code subject}, -1 if none. */
  public long heightSeenBy(int observer, int subject) {
    return peers.get(observer).table().entry(ids.get(subject)).map(StateInfoTable.Entry::ledgerHeight).orElse(-1L);
  }

  /** How many peers other than {@code subject} hold its StateInfo at {@code height} or above. */
  public int knowing(int subject, long height) {
    int n = 0;
    for (int i = 0; i < peers.size(); i++) {
      if (i != subject && heightSeenBy(i, subject) >= height) {
        n++;
      }
    }
    return n;
  }

  public long messages() {
    return messages;
  }

  public long bytes() {
    return bytes;
  }

  public List<Rejection> rejections() {
    return List.copyOf(rejections);
  }
}
