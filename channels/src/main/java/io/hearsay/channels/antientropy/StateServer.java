package io.hearsay.channels.antientropy;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Payload;

/**
 * The serving side of state transfer (Fabric's state provider answering a
 * {@code RemoteStateRequest}):
 *
 * <pre>
 * a request is refused if its sender is not a proven member of the channel, of any of its orgs
 *   (NOT_IN_CHANNEL: Fabric's peers serve state to the channel's peers of every org, and ask them),
 *   or spans more than batchSize past its start (OVERSIZED_PAYLOAD; Fabric asks for [8..18] with a
 *   batch size of 10, and refuses only beyond it)
 * else the range is read from the ledger in chunks (never the whole range at once) and answered
 *   in one RemoteStateResponse carrying the request's nonce
 * requests read at once are kept apart by requester and nonce, so their blocks never mix (two
 *   peers may well pick the same nonce)
 * </pre>
 */
public final class StateServer {

  /** Reads {@code start..end} from the ledger, handing each chunk back to {@link #onChunk} with the request's identity. */
  @FunctionalInterface
  public interface Ledger {
    void readRange(long start, long end, int maxBlocks, PkiId requester, long nonce);
  }

  /** What serving sends and refuses through. */
  public interface Outbox {
    void send(PkiId to, GossipMessage message);

    void reject(Rejection rejection, PkiId from);
  }

  private final String channel;
  private final int batchSize;
  private final Ledger ledger;
  private final Outbox outbox;
  /** Chunks of ranges being read, per request. */
  private final Map<Reading, List<Block>> reading = new HashMap<>();

  private record Reading(PkiId requester, long nonce) {}

  public StateServer(String channel, int batchSize, Ledger ledger, Outbox outbox) {
    this.channel = channel;
    this.batchSize = batchSize;
    this.ledger = ledger;
    this.outbox = outbox;
  }

  /** Empty when a request may be served, else why not. */
  public Optional<Rejection> checkRequest(PkiId requester, long start, long end, boolean requesterIsMember) {
    if (!requesterIsMember) {
      return Optional.of(Rejection.of(RejectionReason.NOT_IN_CHANNEL,
          "state request from %s, which has not proven channel membership", requester));
    }
    // Fabric's bound, end - start > batchSize: its own requester asks for start..start+batchSize.
    if (end < start || end - start > batchSize) {
      return Optional.of(Rejection.of(RejectionReason.OVERSIZED_PAYLOAD,
          "state request from %s for blocks %d..%d exceeds the batch size %d", requester, start, end, batchSize));
    }
    return Optional.empty();
  }

  /** A {@code RemoteStateRequest} from {@code from}. */
  public void onRequest(GossipMessage request, PkiId from, boolean requesterIsMember) {
    long start = request.getStateRequest().getStartSeqNum();
    long end = request.getStateRequest().getEndSeqNum();
    Optional<Rejection> refused = checkRequest(from, start, end, requesterIsMember);
    if (refused.isPresent()) {
      outbox.reject(refused.get(), from);
      return;
    }
    ledger.readRange(start, end, batchSize, from, request.getNonce());
  }

  /** A chunk of the range read for request {@code nonce}; the last one sends the response. */
  public void onChunk(PkiId requester, long nonce, List<Block> blocks, boolean last) {
    Reading key = new Reading(requester, nonce);
    List<Block> read = reading.computeIfAbsent(key, k -> new ArrayList<>());
    read.addAll(blocks);
    if (last) {
      reading.remove(key);
      List<Payload> payloads = read.stream().map(b -> Payload.newBuilder()
          .setSeqNum(b.getHeader().getNumber()).setData(b.toByteString()).build()).toList();
      outbox.send(requester, GossipMessages.remoteStateResponse(channel, nonce, payloads));
    }
  }
}
