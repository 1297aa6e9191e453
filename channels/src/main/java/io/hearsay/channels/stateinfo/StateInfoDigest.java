package io.hearsay.channels.stateinfo;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.PeerTime;

/**
 * Hearsay's digest StateInfo pull: the requester lists the StateInfo it holds, and the answer
 * holds only the entries newer than those (at most {@link StateInfoGossip#DIGEST_ANSWER_ENTRIES}),
 * where Fabric's answer is the whole channel's StateInfo every time (about 165 KB at 1000 members,
 * for the few entries a backstop round usually lacks). An empty list names no member, so it may
 * go to a peer not yet proven one.
 *
 * <p>The list rides in field {@value #FIELD} of Fabric's {@code StateInfoPullRequest}, a field
 * Fabric's protobufs do not define: it is signed with the rest of the request, and a peer that
 * does not know it (Fabric's) would skip it and answer in full. It goes only to Hearsay peers.
 * Each entry is 24 bytes: the first 8 bytes of the author's PKI-ID, then its StateInfo's {@code
 * inc_num} and {@code seq_num}, big-endian. Eight bytes tell a channel's members apart (a PKI-ID
 * is a SHA-256), and a collision would only keep one entry out of one backstop answer.
 *
 * <p>A round first sends only a summary, in field {@value #SUMMARY_FIELD}: the SHA-256 of the
 * entries sorted by PKI-ID prefix (32 bytes where the list is ~24 KB at 1000 members). A peer that
 * holds the same StateInfo, as every peer of a quiet channel does, does not answer; one that holds
 * other StateInfo answers with an empty snapshot, and the list follows at once.
 */
public final class StateInfoDigest {

  /** The field of {@code StateInfoPullRequest} the digest rides in. */
  static final int FIELD = 1000;
  /** The field a summary of the digest rides in instead. */
  static final int SUMMARY_FIELD = 1001;
  private static final int ENTRY_BYTES = 24;
  private static final int SUMMARY_BYTES = 32;

  private StateInfoDigest() {}

  /** A StateInfo pull request listing {@code held}: each author's latest StateInfo time. */
  public static GossipMessage request(PkiId self, String channel, Map<PkiId, PeerTime> held) {
    return withField(self, channel, FIELD, ByteString.copyFrom(entries(held, false).array()));
  }

  /** A StateInfo pull request carrying only the {@link #summary} of {@code held}. */
  public static GossipMessage summaryRequest(PkiId self, String channel, Map<PkiId, PeerTime> held) {
    return withField(self, channel, SUMMARY_FIELD, summary(held));
  }

  /** The SHA-256 of {@code held}'s entries sorted by PKI-ID prefix: equal for peers that hold the same. */
  public static ByteString summary(Map<PkiId, PeerTime> held) {
    return ByteString.copyFrom(Ecdsa.sha256(entries(held, true).array()));
  }

  private static ByteBuffer entries(Map<PkiId, PeerTime> held, boolean sorted) {
    List<Map.Entry<PkiId, PeerTime>> list = new ArrayList<>(held.entrySet());
    if (sorted) {
      list.sort(Comparator.comparingLong((Map.Entry<PkiId, PeerTime> e) -> prefix(e.getKey()))
          .thenComparingLong(e -> e.getValue().getIncNum()).thenComparingLong(e -> e.getValue().getSeqNum()));
    }
    ByteBuffer entries = ByteBuffer.allocate(held.size() * ENTRY_BYTES);
    list.forEach(e -> entries.putLong(prefix(e.getKey())).putLong(e.getValue().getIncNum())
        .putLong(e.getValue().getSeqNum()));
    return entries;
  }

  private static GossipMessage withField(PkiId self, String channel, int field, ByteString value) {
    GossipMessage plain = GossipMessages.stateInfoPullRequest(self, channel);
    UnknownFieldSet fields = UnknownFieldSet.newBuilder()
        .addField(field, UnknownFieldSet.Field.newBuilder().addLengthDelimited(value).build())
        .build();
    return plain.toBuilder()
        .setStateInfoPullReq(plain.getStateInfoPullReq().toBuilder().setUnknownFields(fields))
        .build();
  }

  /** The summary a request carries instead of a digest, if it carries one. */
  public static Optional<ByteString> summaryOf(GossipMessage request) throws MalformedDigest {
    return onlyValue(request, SUMMARY_FIELD, "StateInfo digest summary", "one of " + SUMMARY_BYTES + " bytes",
        value -> value.size() == SUMMARY_BYTES);
  }

  /**
   * The one length-delimited value of {@code field} in a request, if the field is there; refused
   * when the field holds anything else, or more than one value, or one {@code valid} refuses.
   */
  private static Optional<ByteString> onlyValue(GossipMessage request, int field, String what, String expected,
      Predicate<ByteString> valid) throws MalformedDigest {
    UnknownFieldSet fields = request.getStateInfoPullReq().getUnknownFields();
    if (!fields.hasField(field)) {
      return Optional.empty();
    }
    UnknownFieldSet.Field values = fields.getField(field);
    List<ByteString> delimited = values.getLengthDelimitedList();
    boolean otherTypes = !values.getVarintList().isEmpty() || !values.getFixed64List().isEmpty()
        || !values.getFixed32List().isEmpty() || !values.getGroupList().isEmpty();
    if (otherTypes || delimited.size() != 1 || !valid.test(delimited.get(0))) {
      throw new MalformedDigest(what + " of " + delimited.size() + " values, "
          + delimited.stream().mapToInt(ByteString::size).sum() + " bytes" + (otherTypes ? " and scalars" : "")
          + ": not " + expected);
    }
    return Optional.of(delimited.get(0));
  }

  /** What a digest request says its sender holds, by PKI-ID prefix. */
  public record Held(Map<Long, PeerTime> times) {
    /** Whether {@code author}'s StateInfo of {@code time} is one the requester lacks or holds older. */
    public boolean lacks(PkiId author, PeerTime time) {
      return PeerTimes.isNewerThanKnown(time, times, prefix(author));
    }
  }

  /** A request's digest field is not one list of whole entries. */
  public static final class MalformedDigest extends Exception {
    MalformedDigest(String message) {
      super(message);
    }
  }

  /** The digest of a StateInfo pull request; empty for Fabric's own request (no digest: answer in full). */
  public static Optional<Held> of(GossipMessage request) throws MalformedDigest {
    Optional<ByteString> list = onlyValue(request, FIELD, "StateInfo digest",
        "one list of " + ENTRY_BYTES + "-byte entries", value -> value.size() % ENTRY_BYTES == 0);
    if (list.isEmpty()) {
      return Optional.empty();
    }
    ByteBuffer entries = list.get().asReadOnlyByteBuffer();
    Map<Long, PeerTime> times = new HashMap<>();
    while (entries.hasRemaining()) {
      times.put(entries.getLong(), PeerTimes.of(entries.getLong(), entries.getLong()));
    }
    return Optional.of(new Held(times));
  }

  private static long prefix(PkiId author) {
    byte[] prefix = new byte[Long.BYTES];
    author.bytes().copyTo(prefix, 0, 0, Math.min(Long.BYTES, author.bytes().size()));
    return ByteBuffer.wrap(prefix).getLong();
  }
}
