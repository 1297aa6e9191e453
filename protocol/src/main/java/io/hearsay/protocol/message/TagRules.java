package io.hearsay.protocol.message;

import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.ContentCase;
import org.hyperledger.fabric.protos.gossip.GossipMessage.Tag;
import org.hyperledger.fabric.protos.gossip.PullMsgType;

/**
 * Fabric's tag legality rules: the routing tag a message must carry for its content type.
 *
 * <pre>
 *   data message, leadership                        CHAN_AND_ORG
 *   alive, membership request/response              EMPTY
 *   peer identity                                   ORG_ONLY, or EMPTY (what Fabric's certificate
 *                                                   store signs and serves by identity pull)
 *   hello/digest/request/update of blocks           CHAN_AND_ORG
 *   hello/digest/request/update of identities       EMPTY
 *   digest/request of msg type UNDEFINED            CHAN_AND_ORG (Hearsay's lazy push:
 *                                                   IHAVE, GRAFT, PRUNE)
 *   state info, its pull request and snapshot,
 *   remote state request/response                   CHAN_OR_ORG
 *   ConnEstablish, Empty, Ack                       EMPTY
 * </pre>
 *
 * Fabric only checks that the last three are not UNDEFINED; Hearsay requires EMPTY, which is what
 * Fabric's own peers send. Private-data messages are not carried by Hearsay and are refused.
 */
public final class TagRules {

  private TagRules() {}

  /** Empty when the tag is legal for the message's content, else the rejection. */
  public static Optional<Rejection> check(GossipMessage message) {
    Optional<Tag> required = requiredTag(message);
    if (required.isEmpty()) {
      return Optional.of(Rejection.of(RejectionReason.MALFORMED_PAYLOAD,
          "gossip message content %s is not carried by Hearsay", message.getContentCase()));
    }
    if (message.getTag() != required.get()
        && !(message.getContentCase() == ContentCase.PEER_IDENTITY && message.getTag() == Tag.EMPTY)) {
      return Optional.of(Rejection.of(RejectionReason.ILLEGAL_TAG,
          "%s must be tagged %s, was %s", message.getContentCase(), required.get(), message.getTag()));
    }
    return Optional.empty();
  }

  /** The tag Fabric requires for this content; empty for content Hearsay does not carry. */
  public static Optional<Tag> requiredTag(GossipMessage message) {
    return switch (message.getContentCase()) {
      case DATA_MSG, LEADERSHIP_MSG -> Optional.of(Tag.CHAN_AND_ORG);
      case ALIVE_MSG, MEM_REQ, MEM_RES, CONN, EMPTY, ACK -> Optional.of(Tag.EMPTY);
      case PEER_IDENTITY -> Optional.of(Tag.ORG_ONLY);
      case HELLO -> pullTag(message.getHello().getMsgType());
      case DATA_DIG, DATA_REQ -> GossipMessages.isLazyPush(message) ? Optional.of(Tag.CHAN_AND_ORG)
          : pullTag(message.hasDataDig() ? message.getDataDig().getMsgType() : message.getDataReq().getMsgType());
      case DATA_UPDATE -> pullTag(message.getDataUpdate().getMsgType());
      case STATE_INFO, STATE_INFO_PULL_REQ, STATE_SNAPSHOT, STATE_REQUEST, STATE_RESPONSE ->
          Optional.of(Tag.CHAN_OR_ORG);
      case PRIVATEREQ, PRIVATERES, PRIVATE_DATA, CONTENT_NOT_SET -> Optional.empty();
    };
  }

  private static Optional<Tag> pullTag(PullMsgType type) {
    return switch (type) {
      case BLOCK_MSG -> Optional.of(Tag.CHAN_AND_ORG);
      case IDENTITY_MSG -> Optional.of(Tag.EMPTY);
      default -> Optional.empty();
    };
  }
}
