package io.hearsay.runtime.membership;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.hyperledger.fabric.protos.gossip.Envelope;

/**
 * What a Hearsay peer asks for in the {@code known} list of Fabric's membership request, which Fabric
 * peers leave unread (they answer every request with their whole view). A first entry that is no
 * PKI-ID (PKI-IDs are 32 bytes) marks Hearsay's short forms:
 *
 * <pre>
 *   []                          Fabric's request: the whole view
 *   [id, id, ...]               the view without the alive peers named (Fabric's meaning of
 *                               known); the dead list whole
 *   ["", id, ...]               a probe: only the named peers' alive or dead messages
 *   [0x01, prefix, prefix, ...] an anti-entropy digest: the first 8 bytes of the PKI-ID of every
 *                               peer the requester holds alive; answered with the alive peers it
 *                               does not name and the dead peers it does (it holds them alive)
 *   [0x02, summary]             an anti-entropy check: how many peers the requester holds alive,
 *                               itself among them, and the XOR of their PKI-IDs, over the peers both
 *                               orgs see; answered with nothing when the responder's summary is the
 *                               same, else with its own alive message, and the requester then sends
 *                               its digest
 *   [0x03, envelope]            a watcher's verdict, asking another watcher of the same peer to
 *                               agree: the envelope is the dead peer's latest alive message the
 *                               asker holds; answered as a probe for that peer
 * </pre>
 *
 * Why: naming every other peer in full costs 34 bytes a peer, 34 kB per request at 1000 peers, where
 * a probe wants one peer's alive message and a digest needs to tell a thousand peers apart, not to
 * name them (a prefix shared by chance hides one alive peer from one answer: the next round, with
 * another peer, is a new chance).
 */
final class KnownList {

  /** What the requester asked for: whether the answer shows {@code peer}, alive or dead here. */
  interface Ask {
    boolean shows(PkiId peer, boolean alive);
  }

  /** Fabric's request: the whole view. */
  static final Ask WHOLE_VIEW = (peer, alive) -> true;

  private static final ByteString PROBE = ByteString.EMPTY;
  private static final ByteString DIGEST = ByteString.copyFrom(new byte[] {1});
  private static final ByteString CHECK = ByteString.copyFrom(new byte[] {2});
  private static final ByteString VERDICT = ByteString.copyFrom(new byte[] {3});
  private static final int PREFIX = 8;

  private KnownList() {}

  /** A probe for {@code peers}' latest alive (or dead) messages alone. */
  static List<ByteString> probe(Collection<PkiId> peers) {
    List<ByteString> known = new ArrayList<>(peers.size() + 1);
    known.add(PROBE);
    peers.forEach(p -> known.add(p.bytes()));
    return known;
  }

  /** A digest of the peers the requester holds alive. */
  static List<ByteString> digest(Collection<PkiId> alive) {
    List<ByteString> known = new ArrayList<>(alive.size() + 1);
    known.add(DIGEST);
    alive.forEach(p -> known.add(prefix(p)));
    return known;
  }

  /** A check of the view: its summary ({@link #summary}) alone. */
  static List<ByteString> check(ByteString summary) {
    return List.of(CHECK, summary);
  }

  /** The summary a check carries, if {@code known} is one. */
  static Optional<ByteString> checked(List<ByteString> known) {
    return known.size() == 2 && known.get(0).equals(CHECK) ? Optional.of(known.get(1))
        : Optional.empty();
  }

  /** A watcher's verdict on the peer whose latest alive message is {@code lastAlive}. */
  static List<ByteString> verdict(Envelope lastAlive) {
    return List.of(VERDICT, lastAlive.toByteString());
  }

  /** The envelope of the dead peer's alive message a verdict carries, if {@code known} is one. */
  static Optional<ByteString> verdictOf(List<ByteString> known) {
    return known.size() == 2 && known.get(0).equals(VERDICT) ? Optional.of(known.get(1))
        : Optional.empty();
  }

  /**
   * How many {@code alive} peers there are and the XOR of their PKI-IDs: the same on two peers that
   * hold the same peers alive, whatever the order; it takes a thousand peers in 36 bytes.
   */
  static ByteString summary(Collection<PkiId> alive) {
    byte[] xor = new byte[32];
    for (PkiId peer : alive) {
      ByteString bytes = peer.bytes();
      for (int i = 0; i < Math.min(xor.length, bytes.size()); i++) {
        xor[i] ^= bytes.byteAt(i);
      }
    }
    return ByteString.copyFrom(ByteBuffer.allocate(4).putInt(alive.size()).array())
        .concat(ByteString.copyFrom(xor));
  }

  /** How to answer a request naming {@code known}. */
  static Ask parse(List<ByteString> known) {
    if (known.isEmpty()) {
      return WHOLE_VIEW;
    }
    ByteString first = known.get(0);
    if (first.equals(PROBE)) {
      Set<ByteString> only = new HashSet<>(known.subList(1, known.size()));
      return (peer, alive) -> only.contains(peer.bytes());
    }
    if (first.equals(CHECK)) {
      return (peer, alive) -> false;
    }
    if (first.equals(DIGEST)) {
      Set<ByteString> held = new HashSet<>(known.subList(1, known.size()));
      return (peer, alive) -> held.contains(prefix(peer)) != alive;
    }
    Set<ByteString> named = new HashSet<>(known);
    // The dead list whole: a dead peer named is one the requester holds alive.
    return (peer, alive) -> !alive || !named.contains(peer.bytes());
  }

  private static ByteString prefix(PkiId peer) {
    return peer.bytes().substring(0, Math.min(PREFIX, peer.bytes().size()));
  }
}
