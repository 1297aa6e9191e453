package io.hearsay.runtime.admin;

import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.admin.AdminRequests;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.runtime.channels.ChannelJoins;
import io.hearsay.runtime.comm.RejectionLog;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;
import org.hyperledger.fabric.protos.common.Block;

/**
 * A peer's {@code POST /channels}: the body is Fabric's signed join request (a cscc JoinChain
 * proposal by an admin of the peer's org, see {@link AdminRequests}); its block must be a config
 * block that names the peer's org with the CAs the peer trusts ({@link ChannelJoins}). Anything
 * else is refused with its reason (400 for bytes that are not a request, 403 otherwise), counted
 * and logged as a rejection from the requesting address, and changes nothing.
 */
public final class ChannelJoinRequests implements AdminServer.Join {

  private final AdminRequests requests;
  private final MspRegistry localMsps;
  private final String ownMspId;
  private final RejectionLog rejections;
  private final Consumer<Block> join;

  public ChannelJoinRequests(AdminRequests requests, MspRegistry localMsps, String ownMspId, RejectionLog rejections,
      Consumer<Block> join) {
    this.requests = requests;
    this.localMsps = localMsps;
    this.ownMspId = ownMspId;
    this.rejections = rejections;
    this.join = join;
  }

  @Override
  public AdminServer.Answer apply(byte[] body, String remote) {
    Verdict<Block> request = requests.join(body, Instant.now());
    if (!request.isAccepted()) {
      return refuse(request.rejection(), remote);
    }
    ChannelConfig config;
    try {
      config = ChannelConfig.of(request.value());
    } catch (IllegalArgumentException e) {
      return refuse(Rejection.of(RejectionReason.MALFORMED_REQUEST, "the request's block is not a channel's config block: %s",
          e.getMessage()), remote);
    }
    Optional<Rejection> refused = ChannelJoins.check(config, localMsps, ownMspId);
    if (refused.isPresent()) {
      return refuse(refused.get(), remote);
    }
    join.accept(request.value());
    return new AdminServer.Answer(202, "joining channel " + config.channelId());
  }

  private AdminServer.Answer refuse(Rejection rejection, String remote) {
    rejections.record(rejection, "admin request from " + remote, System.nanoTime());
    return new AdminServer.Answer(rejection.reason() == RejectionReason.MALFORMED_REQUEST ? 400 : 403,
        "refused: " + rejection);
  }
}
