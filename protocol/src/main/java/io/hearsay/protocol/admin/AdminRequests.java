package io.hearsay.protocol.admin;

import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.LocalMsp;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Decides whether a node carries out an admin request (today: joining a channel). In order:
 *
 * <pre>
 * the body is a signed cscc JoinChain proposal with a block          else MALFORMED_REQUEST
 * its creator is a valid identity of the node's own org               else UNKNOWN_ORG, UNTRUSTED_CERTIFICATE, ...
 * the signature over the proposal is the creator's                    else MISSING_SIGNATURE, BAD_SIGNATURE, ...
 * the creator is an admin of the org (admincerts/ or the admin OU)    else NOT_AN_ADMIN
 * the tx id is SHA-256(nonce ‖ creator), as Fabric computes it        else MALFORMED_REQUEST
 * the timestamp is within timeWindow of this node's clock             else STALE_REQUEST
 * the tx id was not accepted before                                   else REPLAYED_REQUEST
 * </pre>
 *
 * Accepted tx ids are remembered for as long as their timestamp stays inside the window (a request
 * older than that is refused as stale anyway), so a captured request cannot be replayed.
 */
public final class AdminRequests {

  private final LocalMsp local;
  private final Duration timeWindow;
  /** Accepted tx ids, oldest first, with their timestamps. */
  private final Map<String, Instant> accepted = new LinkedHashMap<>();

  public AdminRequests(LocalMsp local, Duration timeWindow) {
    this.local = local;
    this.timeWindow = timeWindow;
  }

  /** The genesis block a join request carries, if the request may be carried out now; else why not. */
  public synchronized Verdict<Block> join(byte[] body, Instant now) {
    Verdict<JoinChainProposal.Parsed> parsed = JoinChainProposal.parse(body);
    if (!parsed.isAccepted()) {
      return Verdict.reject(parsed.rejection());
    }
    JoinChainProposal.Parsed request = parsed.value();
    if (request.signature().isEmpty()) {
      return Verdict.reject(RejectionReason.MISSING_SIGNATURE, "the join request is not signed");
    }
    Verdict<PeerIdentity> creator = CommonEnvelopes.creatorSignature(request.signatureHeader().getCreator(),
        request.proposalBytes().toByteArray(), request.signature().toByteArray(), MspRegistry.of(local.msp()), now);
    if (!creator.isAccepted()) {
      return Verdict.reject(creator.rejection());
    }
    Verdict<PeerIdentity> admin = local.admin(creator.value(), now);
    if (!admin.isAccepted()) {
      return Verdict.reject(admin.rejection());
    }
    String txId = request.channelHeader().getTxId();
    String expected = CommonEnvelopes.txId(request.signatureHeader().getNonce().toByteArray(),
        request.signatureHeader().getCreator());
    if (!txId.equals(expected)) {
      return Verdict.reject(RejectionReason.MALFORMED_REQUEST, "tx id %s is not SHA-256(nonce ‖ creator) = %s", txId, expected);
    }
    var ts = request.channelHeader().getTimestamp();
    Instant stamped = Instant.ofEpochSecond(ts.getSeconds(), ts.getNanos());
    if (Duration.between(stamped, now).abs().compareTo(timeWindow) > 0) {
      return Verdict.reject(RejectionReason.STALE_REQUEST, "request by %s stamped %s, more than %s from this node's clock (%s)",
          creator.value(), stamped, timeWindow, now);
    }
    forgetOlderThan(now.minus(timeWindow));
    if (accepted.containsKey(txId)) {
      return Verdict.reject(RejectionReason.REPLAYED_REQUEST, "request %s by %s was carried out before", txId, creator.value());
    }
    accepted.put(txId, stamped);
    return Verdict.accept(request.block());
  }

  private void forgetOlderThan(Instant oldest) {
    for (Iterator<Instant> it = accepted.values().iterator(); it.hasNext(); ) {
      if (it.next().isBefore(oldest)) {
        it.remove();
      }
    }
  }
}
