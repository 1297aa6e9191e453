package io.hearsay.runtime.identities;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.comm.Comm;
import io.hearsay.runtime.comm.RejectionLog;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.Membership;
import io.hearsay.runtime.membership.MembershipView;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.SplittableRandom;
import org.apache.pekko.actor.typed.ActorRef;
import org.apache.pekko.actor.typed.Behavior;
import org.apache.pekko.actor.typed.javadsl.ActorContext;
import org.apache.pekko.actor.typed.javadsl.Behaviors;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;

/**
 * Fabric's identity pull (its certificate store, {@code PullMsgType.IDENTITY_MSG}): peers learn
 * each other's certificates, so an alive message that names its peer without carrying the
 * identity (Fabric includes it only in a peer's first minutes) can be verified.
 *
 * <pre>
 * every pullInterval: Hello(nonce) to pullPeerNum random alive members
 * on Hello: Digest(nonce, PKI-IDs of the identities we can serve that the asker's org may see:
 *           its own org's and ours, as Fabric's filter)
 * on Digest answering one of our Hellos: Request(nonce, the PKI-IDs we do not know)
 * on Request answering one of our Digests: Update(nonce, those PeerIdentity messages)
 * on Update answering one of our Requests: every PeerIdentity must be signed by the certificate
 *           it carries, whose PKI-ID it names, valid for its org; each is learned and kept to serve
 * </pre>
 *
 * A nonce is answerable for three pullIntervals, and at least 10 s: an answer is late when a new
 * connection (an Artery association, a TLS handshake) delays it, and a late answer is still a
 * useful one. A nonce we never sent, or an answer from another peer than the one asked, is an
 * UNSOLICITED_MESSAGE.
 */
public final class IdentityPull {

  public sealed interface Command permits InternalCommand {}

  private sealed interface InternalCommand extends Command permits FromComm, ViewChanged, Tick {}

  private record FromComm(Comm.Event event) implements InternalCommand {}

  private record ViewChanged(MembershipView view) implements InternalCommand {}

  private enum Tick implements InternalCommand { INSTANCE }

  /** What it runs with. */
  public record Setup(EnvelopeSigner signer, EnvelopeVerifier verifier, ActorRef<Comm.Command> comm,
      ActorRef<Membership.Command> membership, RejectionLog rejections, Duration pullInterval, int pullPeerNum) {}

  /** Signed identities kept to serve (ours and those pulled), at most this many. */
  private static final int KEPT = 10_000;

  private record Exchange(PkiId peer, long startedNanos) {}

  private static final Duration LEAST_ANSWER_WINDOW = Duration.ofSeconds(10);

  private final ActorContext<Command> context;
  private final Setup setup;
  private final String mspId;
  private final SplittableRandom random = new SplittableRandom();
  private final Map<PkiId, SignedGossipMessage> served = new LinkedHashMap<>();
  private final Map<Long, Exchange> hellosSent = new HashMap<>();
  private final Map<Long, Exchange> digestsSent = new HashMap<>();
  private final Map<Long, Exchange> requestsSent = new HashMap<>();
  private MembershipView view = new MembershipView(List.of(), List.of());

  private IdentityPull(ActorContext<Command> context, Setup setup) {
    this.context = context;
    this.setup = setup;
    this.mspId = setup.signer().self().mspId();
    SignedGossipMessage own = setup.signer().sign(GossipMessages.peerIdentity(setup.signer().self().identity()));
    served.put(setup.signer().self().pkiId(), own);
    setup.comm().tell(new Comm.Subscribe(context.messageAdapter(Comm.Event.class, FromComm::new),
        Set.of(ContentCase.HELLO, ContentCase.DATA_DIG, ContentCase.DATA_REQ, ContentCase.DATA_UPDATE)));
    setup.membership().tell(new Membership.Subscribe(context.messageAdapter(MembershipView.class, ViewChanged::new)));
  }

  public static Behavior<Command> create(Setup setup) {
    return Behaviors.setup(context -> Behaviors.withTimers(timers -> {
      timers.startTimerWithFixedDelay(Tick.INSTANCE, setup.pullInterval());
      return new IdentityPull(context, setup).behavior();
    }));
  }

  private Behavior<Command> behavior() {
    return Behaviors.receive(Command.class)
        .onMessage(ViewChanged.class, v -> {
          view = v.view();
          return Behaviors.same();
        })
        .onMessage(Tick.class, t -> {
          startRound(System.nanoTime());
          return Behaviors.same();
        })
        .onMessage(FromComm.class, f -> {
          if (f.event() instanceof Comm.Inbound inbound && GossipMessages.isIdentityPull(inbound.message().message())) {
            onPull(inbound, System.nanoTime());
          }
          return Behaviors.same();
        })
        .build();
  }

  private void startRound(long now) {
    long window = Math.max(3 * setup.pullInterval().toNanos(), LEAST_ANSWER_WINDOW.toNanos());
    long expired = now - window;
    hellosSent.values().removeIf(e -> e.startedNanos() < expired);
    digestsSent.values().removeIf(e -> e.startedNanos() < expired);
    requestsSent.values().removeIf(e -> e.startedNanos() < expired);
    List<MemberInfo> candidates = new ArrayList<>(view.alive());
    Collections.shuffle(candidates, new Random(random.nextLong()));
    for (MemberInfo member : candidates.subList(0, Math.min(setup.pullPeerNum(), candidates.size()))) {
      Optional<Endpoint> endpoint = member.endpointFor(mspId);
      if (endpoint.isPresent()) {
        long nonce = random.nextLong();
        hellosSent.put(nonce, new Exchange(member.pkiId(), now));
        send(endpoint.get(), GossipMessages.identityHello(nonce));
      }
    }
  }

  private void onPull(Comm.Inbound inbound, long now) {
    GossipMessage m = inbound.message().message();
    PkiId from = inbound.sender().pkiId();
    switch (m.getContentCase()) {
      case HELLO -> {
        long nonce = m.getHello().getNonce();
        digestsSent.put(nonce, new Exchange(from, now));
        List<ByteString> digests = new ArrayList<>();
        served.forEach((pki, identity) -> {
          if (disclosable(identity, inbound.sender().mspId())) {
            digests.add(pki.bytes());
          }
        });
        send(inbound.fromEndpoint(), GossipMessages.identityDigest(nonce, digests));
      }
      case DATA_DIG -> {
        long nonce = m.getDataDig().getNonce();
        if (!answers(hellosSent, nonce, from, inbound)) {
          return;
        }
        List<ByteString> unknown = m.getDataDig().getDigestsList().stream()
            .filter(d -> setup.verifier().identities().find(PkiId.fromBytes(d)).isEmpty()).toList();
        if (!unknown.isEmpty()) {
          requestsSent.put(nonce, new Exchange(from, now));
          send(inbound.fromEndpoint(), GossipMessages.identityRequest(nonce, unknown));
        }
      }
      case DATA_REQ -> {
        long nonce = m.getDataReq().getNonce();
        if (!answers(digestsSent, nonce, from, inbound)) {
          return;
        }
        List<Envelope> identities = new ArrayList<>();
        for (ByteString digest : m.getDataReq().getDigestsList()) {
          SignedGossipMessage identity = served.get(PkiId.fromBytes(digest));
          if (identity != null && disclosable(identity, inbound.sender().mspId())) {
            identities.add(identity.envelope());
          }
        }
        send(inbound.fromEndpoint(), GossipMessages.identityUpdate(nonce, identities));
      }
      case DATA_UPDATE -> {
        if (answers(requestsSent, m.getDataUpdate().getNonce(), from, inbound)) {
          m.getDataUpdate().getDataList().forEach(e -> learn(e, inbound));
        }
      }
      default -> { }
    }
  }

  private boolean answers(Map<Long, Exchange> sent, long nonce, PkiId from, Comm.Inbound inbound) {
    Exchange exchange = sent.remove(nonce);
    if (exchange == null || !exchange.peer().equals(from)) {
      reject(Rejection.of(RejectionReason.UNSOLICITED_MESSAGE, "identity pull %s from %s with a nonce not ours",
          inbound.message().message().getContentCase(), from), inbound);
      return false;
    }
    return true;
  }

  /** A PeerIdentity from an update: verified against the certificate it carries, then learned and kept. */
  private void learn(Envelope element, Comm.Inbound inbound) {
    Verdict<SignedGossipMessage> verdict = setup.verifier().verify(element, Optional.empty(), Instant.now());
    if (!verdict.isAccepted()) {
      reject(verdict.rejection(), inbound);
    } else if (!verdict.value().message().hasPeerIdentity()) {
      reject(Rejection.of(RejectionReason.MALFORMED_PAYLOAD, "identity pull update holds a %s",
          verdict.value().message().getContentCase()), inbound);
    } else if (served.size() < KEPT) {
      served.putIfAbsent(verdict.value().signer().pkiId(), verdict.value());
    }
  }

  /** Fabric's filter: a peer of org X sees the identities of its own org and of ours. */
  private boolean disclosable(SignedGossipMessage identity, String askerMspId) {
    String owner = identity.signer().mspId();
    return owner.equals(askerMspId) || owner.equals(mspId);
  }

  private void send(Endpoint to, GossipMessage message) {
    setup.comm().tell(new Comm.Send(to, setup.signer().sign(message).envelope()));
  }

  private void reject(Rejection rejection, Comm.Inbound inbound) {
    setup.rejections().record(rejection, inbound.fromEndpoint().toString(), System.nanoTime());
  }
}
