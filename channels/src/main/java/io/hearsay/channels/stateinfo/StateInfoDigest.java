package io.hearsay.channels.stateinfo;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.message.PeerTimes;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
 */
public final class StateInfoDigest {

  /** The field of {@code StateInfoPullRequest} the digest rides in. */
  static final int FIELD = 1000;
  private static final int ENTRY_BYTES = 24;

  private StateInfoDigest() {}

  /** A StateInfo pull request listing {@code held}: each author's latest StateInfo time. */
  public static GossipMessage request(PkiId self, String channel, Map<PkiId, PeerTime> held) {
    ByteBuffer entries = ByteBuffer.allocate(held.size() * ENTRY_BYTES);
    held.forEach((author, time) -> entries.putLong(prefix(author)).putLong(time.getIncNum()).putLong(time.getSeqNum()));
    GossipMessage plain = GossipMessages.stateInfoPullRequest(self, channel);
    UnknownFieldSet digest = UnknownFieldSet.newBuilder()
        .addField(FIELD, UnknownFieldSet.Field.newBuilder().addLengthDelimited(ByteString.copyFrom(entries.array()))
            .build())
        .build();
    return plain.toBuilder()
        .setStateInfoPullReq(plain.getStateInfoPullReq().toBuilder().setUnknownFields(digest))
        .build();
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
    UnknownFieldSet fields = request.getStateInfoPullReq().getUnknownFields();
    if (!fields.hasField(FIELD)) {
      return Optional.empty();
    }
    UnknownFieldSet.Field field = fields.getField(FIELD);
    List<ByteString> values = field.getLengthDelimitedList();
    boolean otherTypes = !field.getVarintList().isEmpty() || !field.getFixed64List().isEmpty()
        || !field.getFixed32List().isEmpty() || !field.getGroupList().isEmpty();
    if (otherTypes || values.size() != 1 || values.get(0).size() % ENTRY_BYTES != 0) {
      throw new MalformedDigest("StateInfo digest of " + values.size() + " values, "
          + values.stream().mapToInt(ByteString::size).sum() + " bytes" + (otherTypes ? " and scalars" : "")
          + ": not one list of " + ENTRY_BYTES + "-byte entries");
    }
    ByteBuffer entries = values.get(0).asReadOnlyByteBuffer();
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
