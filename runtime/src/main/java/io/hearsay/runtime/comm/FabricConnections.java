package io.hearsay.runtime.comm;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeVerifier;
import io.hearsay.protocol.message.SignedGossipMessage;
import io.hearsay.runtime.config.Endpoint;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;

/**
 * Fabric's connection rules over {@link FabricLinks} streams, as {@code gossip/comm} keeps them:
 *
 * <pre>
 * a stream opens (dialled or accepted); on one accepted the transport has sent our signed
 *   ConnEstablish at once, with the hash of the TLS certificate we present in that session
 * its first envelope must be the peer's ConnEstablish: signed by the identity it carries, whose
 *   tls_cert_hash is the certificate the peer presented in this session (a peer with TLS that
 *   presented none is refused); anything else, refused and the stream closed; none within
 *   connTimeout, refused (HANDSHAKE_TIMEOUT) and closed, as Fabric closes a stream it waited for
 * a probe (probe = true) is answered by our own ConnEstablish and closed, never bound
 * on a stream we dialled ours goes only once the peer's came (a Fabric peer sends its own first):
 *   when that peer already has a stream with us, ours is a probe, and the stream ends there. A
 *   Fabric peer keeps the newest stream opened to it and closes the one it had, even while it is
 *   sending on that one: the send fails, and it declares us dead (comm_impl's "isn't responsive").
 *   Two dials crossing would do that, so a stream opened to us that is still handshaking (a peer
 *   dialling us) is waited for, at most DECISION_WAIT, before ours goes
 * a newly bound stream is the one we send on; the older one is not closed by us but kept,
 *   still read, until the peer closes it (at most two per peer: a third closes the oldest).
 *   Fabric closes whatever connection it holds for a peer when that peer's incoming stream
 *   ends: closing our older stream when two peers dialled each other at once made Fabric drop
 *   the good one and declare us unresponsive. When the stream we send on closes, the other
 *   takes over
 * sending to an endpoint uses the stream of the peer bound there, else dials it and queues (a few)
 *   envelopes until the handshake
 * every later envelope is verified against the bound peer before anyone sees it
 * </pre>
 */
final class FabricConnections {

  /** Envelopes queued for an endpoint while it is dialled. */
  private static final int MAX_WAITING = 256;
  /**
   * How long a stream we dialled waits for the streams opened to us that are still handshaking: a
   * Fabric peer sends its ConnEstablish as soon as its stream opens, so this is only a bound (two
   * Hearsay peers dialling each other both wait it once).
   */
  static final Duration DECISION_WAIT = Duration.ofMillis(200);

  /** What an envelope on a stream turned out to be. */
  sealed interface Arrival permits Handshaken, Message, Refused, Ignored, Deciding {}

  /** The stream is now bound to {@code peer}; {@code endpoint} is where it was dialled, or its source. */
  record Handshaken(PeerIdentity peer, Endpoint endpoint) implements Arrival {}

  /** A verified message from the peer the stream is bound to. */
  record Message(SignedGossipMessage message, PeerIdentity peer, Endpoint endpoint) implements Arrival {}

  /** Refused (the stream is closed when it was the handshake). */
  record Refused(Rejection rejection, Endpoint from) implements Arrival {}

  /** Nothing to do (a probe answered, a stream already closed). */
  record Ignored() implements Arrival {}

  /** A stream we dialled waits, at most {@link #DECISION_WAIT}: {@link #decide} it then. */
  record Deciding(FabricLinks.Stream stream) implements Arrival {}

  /** Where a stream was opened, and when. */
  private record Opening(Endpoint endpoint, Instant at) {}

  /** A stream we dialled whose peer's ConnEstablish came, ours not yet sent. */
  private record Undecided(PeerIdentity peer, Endpoint endpoint) {}

  /** A stream closed for want of a ConnEstablish; what waited for it (when we dialled it), unsent. */
  record TimedOut(Rejection rejection, Endpoint endpoint, List<Envelope> unsent) {}

  private final FabricLinks links;
  private final EnvelopeVerifier verifier;
  private final boolean tls;
  private final Map<FabricLinks.Stream, Opening> handshaking = new HashMap<>();
  private final Map<FabricLinks.Stream, Undecided> undecided = new HashMap<>();
  private final Map<FabricLinks.Stream, PeerIdentity> bound = new HashMap<>();
  private final Map<PkiId, FabricLinks.Stream> byPeer = new HashMap<>();
  private final Map<Endpoint, PkiId> peerAt = new HashMap<>();
  private final Map<Endpoint, ArrayDeque<Envelope>> waiting = new HashMap<>();
  private final Set<Endpoint> dialling = new HashSet<>();

  FabricConnections(FabricLinks links, EnvelopeVerifier verifier, boolean tls) {
    this.links = links;
    this.verifier = verifier;
    this.tls = tls;
  }

  /** The peer bound at {@code endpoint} with an open stream, if any. */
  Optional<PeerIdentity> boundAt(Endpoint endpoint) {
    PkiId pki = peerAt.get(endpoint);
    FabricLinks.Stream stream = pki == null ? null : byPeer.get(pki);
    return stream == null ? Optional.empty() : Optional.ofNullable(bound.get(stream));
  }

  /**
   * Sends to the peer at {@code to}: on its stream, or queued while it is dialled. Returns what
   * could not be sent (the envelope itself when the queue is full or the stream refused it).
   */
  Optional<Envelope> send(Endpoint to, Envelope envelope) {
    PkiId pki = peerAt.get(to);
    FabricLinks.Stream stream = pki == null ? null : byPeer.get(pki);
    if (stream != null) {
      return stream.send(envelope) ? Optional.empty() : Optional.of(envelope);
    }
    ArrayDeque<Envelope> queue = waiting.computeIfAbsent(to, e -> new ArrayDeque<>());
    if (queue.size() >= MAX_WAITING) {
      return Optional.of(envelope);
    }
    queue.add(envelope);
    dial(to);
    return Optional.empty();
  }

  /** Dials {@code to} unless it is being dialled or a stream to its peer is open. */
  void dial(Endpoint to) {
    if (boundAt(to).isEmpty() && dialling.add(to)) {
      links.dial(to);
    }
  }

  /** A stream opened: it waits for the peer's handshake. */
  void opened(FabricLinks.Stream stream, Instant now) {
    handshaking.put(stream, new Opening(stream.remote(), now));
  }

  /** An envelope on {@code stream}. */
  Arrival received(FabricLinks.Stream stream, Envelope envelope, Instant now) {
    PeerIdentity peer = bound.get(stream);
    if (peer != null) {
      Verdict<SignedGossipMessage> verdict = verifier.verifyFromSession(envelope.toByteArray(), peer.pkiId(), now);
      return verdict.isAccepted() ? new Message(verdict.value(), peer, stream.remote())
          : new Refused(verdict.rejection(), stream.remote());
    }
    Opening opening = handshaking.remove(stream);
    if (opening == null) {
      return new Ignored();
    }
    Endpoint endpoint = opening.endpoint();
    Optional<Rejection> refused = checkHandshake(stream, envelope, now);
    if (refused.isPresent()) {
      stream.close();
      failedDial(stream, endpoint);
      return new Refused(refused.get(), endpoint);
    }
    SignedGossipMessage handshake = verifier.verify(envelope.toByteArray(), Optional.empty(), now).value();
    if (handshake.message().getConn().getProbe()) {
      stream.close();
      failedDial(stream, endpoint);
      return new Ignored();
    }
    if (stream.inbound()) {
      return bind(stream, handshake.signer(), endpoint);
    }
    Instant since = now.minus(DECISION_WAIT);
    if (handshaking.entrySet().stream().anyMatch(e -> e.getKey().inbound() && e.getValue().at().isAfter(since))) {
      undecided.put(stream, new Undecided(handshake.signer(), endpoint));
      return new Deciding(stream);
    }
    return complete(stream, handshake.signer(), endpoint);
  }

  /**
   * {@code connTimeout} after {@code stream} opened: still without the peer's ConnEstablish, it is
   * closed and refused, as Fabric closes a stream it waited for as long.
   */
  Optional<TimedOut> handshakeDue(FabricLinks.Stream stream, Duration connTimeout) {
    Opening opening = handshaking.remove(stream);
    if (opening == null) {
      return Optional.empty();
    }
    stream.close();
    return Optional.of(new TimedOut(Rejection.of(RejectionReason.HANDSHAKE_TIMEOUT, "%s brought no ConnEstablish within %s",
        stream, connTimeout), opening.endpoint(), failedDial(stream, opening.endpoint())));
  }

  /** A stream that was {@link Deciding}: its wait is over. */
  Arrival decide(FabricLinks.Stream stream) {
    Undecided waited = undecided.remove(stream);
    return waited == null ? new Ignored() : complete(stream, waited.peer(), waited.endpoint());
  }

  /**
   * Our ConnEstablish on a stream we dialled: a probe when {@code peer} already has a stream with
   * us (what was queued for the endpoint goes on that one), else ours, and the stream is bound.
   */
  private Arrival complete(FabricLinks.Stream stream, PeerIdentity peer, Endpoint endpoint) {
    FabricLinks.Stream current = byPeer.get(peer.pkiId());
    if (current == null) {
      stream.sendConnEstablish(false);
      return bind(stream, peer, endpoint);
    }
    stream.sendConnEstablish(true);
    dialling.remove(endpoint);
    peerAt.put(endpoint, peer.pkiId());
    return handshaken(peer, endpoint, current);
  }

  private Optional<Rejection> checkHandshake(FabricLinks.Stream stream, Envelope envelope, Instant now) {
    Verdict<SignedGossipMessage> verdict = verifier.verify(envelope.toByteArray(), Optional.empty(), now);
    if (!verdict.isAccepted()) {
      return Optional.of(verdict.rejection());
    }
    if (verdict.value().message().getContentCase() != ContentCase.CONN) {
      return Optional.of(Rejection.of(RejectionReason.UNBOUND_SENDER, "%s sent %s before its ConnEstablish",
          stream, verdict.value().message().getContentCase()));
    }
    if (tls) {
      Optional<ByteString> presented = stream.remoteCertificateHash();
      ByteString claimed = verdict.value().message().getConn().getTlsCertHash();
      if (presented.isEmpty()) {
        return Optional.of(Rejection.of(RejectionReason.TLS_CERT_HASH_MISMATCH,
            "%s (%s) presented no TLS certificate", stream, verdict.value().signer()));
      }
      if (!presented.get().equals(claimed)) {
        return Optional.of(Rejection.of(RejectionReason.TLS_CERT_HASH_MISMATCH,
            "ConnEstablish on %s by %s names TLS certificate %s, but the session presented %s", stream,
            verdict.value().signer(), hex(claimed), hex(presented.get())));
      }
    }
    return Optional.empty();
  }

  private Arrival bind(FabricLinks.Stream stream, PeerIdentity peer, Endpoint endpoint) {
    FabricLinks.Stream older = byPeer.put(peer.pkiId(), stream);
    List<FabricLinks.Stream> oldest = bound.entrySet().stream()
        .filter(e -> e.getValue().pkiId().equals(peer.pkiId()) && e.getKey() != older && e.getKey() != stream)
        .map(Map.Entry::getKey).toList();
    for (FabricLinks.Stream third : oldest) {
      bound.remove(third);
      third.close();
    }
    bound.put(stream, peer);
    peerAt.put(endpoint, peer.pkiId());
    if (!stream.inbound()) {
      dialling.remove(endpoint);
    }
    return handshaken(peer, endpoint, stream);
  }

  /** {@code endpoint} is bound to {@code peer}: what was queued for it goes on {@code stream}. */
  private Handshaken handshaken(PeerIdentity peer, Endpoint endpoint, FabricLinks.Stream stream) {
    ArrayDeque<Envelope> queue = waiting.remove(endpoint);
    if (queue != null) {
      queue.forEach(stream::send);
    }
    return new Handshaken(peer, endpoint);
  }

  /** A stream closed: its binding goes; a dial that never bound gives up its queue. */
  List<Envelope> closed(FabricLinks.Stream stream) {
    Opening opening = handshaking.remove(stream);
    Undecided waited = undecided.remove(stream);
    Endpoint handshakingAt = opening != null ? opening.endpoint() : waited != null ? waited.endpoint() : null;
    PeerIdentity peer = bound.remove(stream);
    if (peer != null && byPeer.get(peer.pkiId()) == stream) {
      byPeer.remove(peer.pkiId());
      bound.entrySet().stream().filter(e -> e.getValue().pkiId().equals(peer.pkiId())).findFirst()
          .ifPresent(other -> byPeer.put(peer.pkiId(), other.getKey()));
    }
    return handshakingAt == null ? List.of() : failedDial(stream, handshakingAt);
  }

  /** A dial produced no stream: what waited for it is returned, unsent. */
  List<Envelope> dialFailed(Endpoint to) {
    dialling.remove(to);
    ArrayDeque<Envelope> queue = waiting.remove(to);
    return queue == null ? List.of() : List.copyOf(queue);
  }

  private List<Envelope> failedDial(FabricLinks.Stream stream, Endpoint endpoint) {
    return stream.inbound() ? List.of() : dialFailed(endpoint);
  }

  private static String hex(ByteString bytes) {
    return bytes.isEmpty() ? "(none)" : HexFormat.of().formatHex(bytes.toByteArray());
  }
}
