package io.hearsay.protocol.message;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.crypto.Ecdsa;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.hyperledger.fabric.protos.gossip.AliveMessage;
import org.hyperledger.fabric.protos.gossip.ConnEstablish;
import org.hyperledger.fabric.protos.gossip.DataDigest;
import org.hyperledger.fabric.protos.gossip.DataMessage;
import org.hyperledger.fabric.protos.gossip.DataRequest;
import org.hyperledger.fabric.protos.gossip.DataUpdate;
import org.hyperledger.fabric.protos.gossip.Empty;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipHello;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.Tag;
import org.hyperledger.fabric.protos.gossip.LeadershipMessage;
import org.hyperledger.fabric.protos.gossip.Member;
import org.hyperledger.fabric.protos.gossip.MembershipRequest;
import org.hyperledger.fabric.protos.gossip.MembershipResponse;
import org.hyperledger.fabric.protos.gossip.Payload;
import org.hyperledger.fabric.protos.gossip.PeerTime;
import org.hyperledger.fabric.protos.gossip.Properties;
import org.hyperledger.fabric.protos.gossip.PullMsgType;
import org.hyperledger.fabric.protos.gossip.RemoteStateRequest;
import org.hyperledger.fabric.protos.gossip.RemoteStateResponse;
import org.hyperledger.fabric.protos.gossip.StateInfo;
import org.hyperledger.fabric.protos.gossip.StateInfoPullRequest;
import org.hyperledger.fabric.protos.gossip.StateInfoSnapshot;

/**
 * Factories for the gossip messages a Hearsay peer sends, each with the tag {@link TagRules}
 * requires, so that a message built here is always legal. Messages are unsigned; an
 * {@link EnvelopeSigner} turns them into envelopes.
 */
public final class GossipMessages {

  private GossipMessages() {}

  /**
   * Whether a message of this content carries or names its author, rather than relying on the
   * link it came over: it travels further than one link (forwarded as it is), so it is signed.
   */
  public static boolean namesItsAuthor(GossipMessage.ContentCase content) {
    return switch (content) {
      case ALIVE_MSG, CONN, PEER_IDENTITY, STATE_INFO, LEADERSHIP_MSG -> true;
      default -> false;
    };
  }

  /** Fabric's {@code channel_MAC}: SHA-256(pkiId ‖ channelId), proof of channel membership. */
  public static ByteString channelMac(PkiId pkiId, String channelId) {
    return ByteString.copyFrom(Ecdsa.sha256(pkiId.bytes()
        .concat(ByteString.copyFromUtf8(channelId)).toByteArray()));
  }

  public static ByteString channel(String channelId) {
    return ByteString.copyFrom(channelId.getBytes(StandardCharsets.UTF_8));
  }

  /** An alive message; the identity is included so receivers can verify it without a lookup. */
  public static GossipMessage alive(PeerIdentity self, String endpoint, PeerTime time,
      ByteString metadata) {
    Member member = Member.newBuilder()
        .setEndpoint(endpoint)
        .setPkiId(self.pkiId().bytes())
        .setMetadata(metadata)
        .build();
    return base(Tag.EMPTY)
        .setAliveMsg(AliveMessage.newBuilder()
            .setMembership(member)
            .setTimestamp(time)
            .setIdentity(self.serialized()))
        .build();
  }

  public static GossipMessage membershipRequest(Envelope selfAlive, List<ByteString> knownPkiIds) {
    return base(Tag.EMPTY)
        .setMemReq(MembershipRequest.newBuilder()
            .setSelfInformation(selfAlive)
            .addAllKnown(knownPkiIds))
        .build();
  }

  public static GossipMessage membershipResponse(List<Envelope> alive, List<Envelope> dead) {
    return base(Tag.EMPTY)
        .setMemRes(MembershipResponse.newBuilder().addAllAlive(alive).addAllDead(dead))
        .build();
  }

  /** A block for a channel: {@code seqNum} is the block number, {@code block} its bytes. */
  public static GossipMessage dataMessage(String channelId, long seqNum, ByteString block) {
    return base(Tag.CHAN_AND_ORG)
        .setChannel(channel(channelId))
        .setDataMsg(DataMessage.newBuilder()
            .setPayload(Payload.newBuilder().setSeqNum(seqNum).setData(block)))
        .build();
  }

  public static GossipMessage hello(String channelId, long nonce) {
    return hello(channelId, nonce, ByteString.EMPTY);
  }

  /** A block pull Hello; {@code metadata} tells the responder what the initiator understands. */
  public static GossipMessage hello(String channelId, long nonce, ByteString metadata) {
    return blockPull(channelId)
        .setHello(GossipHello.newBuilder().setNonce(nonce).setMetadata(metadata).setMsgType(PullMsgType.BLOCK_MSG))
        .build();
  }

  public static GossipMessage digest(String channelId, long nonce, List<ByteString> digests) {
    return blockPull(channelId)
        .setDataDig(DataDigest.newBuilder()
            .setNonce(nonce).setMsgType(PullMsgType.BLOCK_MSG).addAllDigests(digests))
        .build();
  }

  public static GossipMessage request(String channelId, long nonce, List<ByteString> digests) {
    return blockPull(channelId)
        .setDataReq(DataRequest.newBuilder()
            .setNonce(nonce).setMsgType(PullMsgType.BLOCK_MSG).addAllDigests(digests))
        .build();
  }

  public static GossipMessage update(String channelId, long nonce, List<Envelope> data) {
    return blockPull(channelId)
        .setDataUpdate(DataUpdate.newBuilder()
            .setNonce(nonce).setMsgType(PullMsgType.BLOCK_MSG).addAllData(data))
        .build();
  }

  /*
   * Lazy push (the hearsay profile's Plumtree) travels in Fabric's own pull messages, marked by
   * PullMsgType.UNDEFINED, which Fabric's block pull never sends: IHAVE is a DataDigest, GRAFT a
   * DataRequest with nonce GRAFT_NONCE naming the blocks wanted (none: only link eagerly), PRUNE
   * a DataRequest with nonce PRUNE_NONCE and no digests.
   */
  public static final long GRAFT_NONCE = 0;
  public static final long PRUNE_NONCE = 1;

  /** Announces blocks held, to a lazy link. */
  public static GossipMessage iHave(String channelId, List<ByteString> digests) {
    return blockPull(channelId)
        .setDataDig(DataDigest.newBuilder().setMsgType(PullMsgType.UNDEFINED).addAllDigests(digests))
        .build();
  }

  /** Makes the link eager and asks for the blocks named (possibly none). */
  public static GossipMessage graft(String channelId, List<ByteString> digests) {
    return blockPull(channelId)
        .setDataReq(DataRequest.newBuilder()
            .setNonce(GRAFT_NONCE).setMsgType(PullMsgType.UNDEFINED).addAllDigests(digests))
        .build();
  }

  /** Makes the link lazy: the sender got a block twice. */
  public static GossipMessage prune(String channelId) {
    return blockPull(channelId)
        .setDataReq(DataRequest.newBuilder().setNonce(PRUNE_NONCE).setMsgType(PullMsgType.UNDEFINED))
        .build();
  }

  /** Whether a digest or request is lazy push rather than Fabric's block pull. */
  public static boolean isLazyPush(GossipMessage message) {
    return switch (message.getContentCase()) {
      case DATA_DIG -> message.getDataDig().getMsgType() == PullMsgType.UNDEFINED;
      case DATA_REQ -> message.getDataReq().getMsgType() == PullMsgType.UNDEFINED;
      default -> false;
    };
  }

  /** A peer's ledger height on a channel; the channel is named only through its MAC. */
  public static GossipMessage stateInfo(PkiId self, String channelId, PeerTime time,
      long ledgerHeight) {
    return base(Tag.CHAN_OR_ORG)
        .setStateInfo(StateInfo.newBuilder()
            .setPkiId(self.bytes())
            .setChannelMAC(channelMac(self, channelId))
            .setTimestamp(time)
            .setProperties(Properties.newBuilder().setLedgerHeight(ledgerHeight)))
        .build();
  }

  /** Asks for the StateInfo of a channel, named only through the requester's MAC (as Fabric). */
  public static GossipMessage stateInfoPullRequest(PkiId self, String channelId) {
    return base(Tag.CHAN_OR_ORG)
        .setStateInfoPullReq(StateInfoPullRequest.newBuilder()
            .setChannelMAC(channelMac(self, channelId)))
        .build();
  }

  public static GossipMessage stateInfoSnapshot(String channelId, List<Envelope> stateInfos) {
    return base(Tag.CHAN_OR_ORG)
        .setChannel(channel(channelId))
        .setStateSnapshot(StateInfoSnapshot.newBuilder().addAllElements(stateInfos))
        .build();
  }

  /** Asks for blocks {@code [start, end]}, both inclusive, as Fabric's state transfer does. */
  public static GossipMessage remoteStateRequest(String channelId, long start, long end) {
    return base(Tag.CHAN_OR_ORG)
        .setChannel(channel(channelId))
        .setStateRequest(RemoteStateRequest.newBuilder().setStartSeqNum(start).setEndSeqNum(end))
        .build();
  }

  public static GossipMessage remoteStateResponse(String channelId, long nonce,
      List<Payload> blocks) {
    return base(Tag.CHAN_OR_ORG)
        .setChannel(channel(channelId))
        .setNonce(nonce)
        .setStateResponse(RemoteStateResponse.newBuilder().addAllPayloads(blocks))
        .build();
  }

  public static GossipMessage leadership(PkiId self, String channelId, PeerTime time,
      boolean declaration) {
    return base(Tag.CHAN_AND_ORG)
        .setChannel(channel(channelId))
        .setLeadershipMsg(LeadershipMessage.newBuilder()
            .setPkiId(self.bytes())
            .setTimestamp(time)
            .setIsDeclaration(declaration))
        .build();
  }

  /** The handshake that binds a connection to a PKI-ID. */
  public static GossipMessage connEstablish(PeerIdentity self, ByteString tlsCertHash,
      boolean probe) {
    return base(Tag.EMPTY)
        .setConn(ConnEstablish.newBuilder()
            .setPkiId(self.pkiId().bytes())
            .setIdentity(self.serialized())
            .setTlsCertHash(tlsCertHash)
            .setProbe(probe))
        .build();
  }

  public static GossipMessage empty() {
    return base(Tag.EMPTY).setEmpty(Empty.getDefaultInstance()).build();
  }

  /*
   * Identity pull (Fabric's certificate store): the same four messages with PullMsgType
   * IDENTITY_MSG, no channel and tag EMPTY; digests are PKI-IDs, the update carries PeerIdentity
   * messages, each signed by the peer it describes.
   */

  public static GossipMessage identityHello(long nonce) {
    return base(Tag.EMPTY).setHello(GossipHello.newBuilder().setNonce(nonce).setMsgType(PullMsgType.IDENTITY_MSG)).build();
  }

  public static GossipMessage identityDigest(long nonce, List<ByteString> pkiIds) {
    return base(Tag.EMPTY).setDataDig(DataDigest.newBuilder().setNonce(nonce).setMsgType(PullMsgType.IDENTITY_MSG)
        .addAllDigests(pkiIds)).build();
  }

  public static GossipMessage identityRequest(long nonce, List<ByteString> pkiIds) {
    return base(Tag.EMPTY).setDataReq(DataRequest.newBuilder().setNonce(nonce).setMsgType(PullMsgType.IDENTITY_MSG)
        .addAllDigests(pkiIds)).build();
  }

  public static GossipMessage identityUpdate(long nonce, List<Envelope> identities) {
    return base(Tag.EMPTY).setDataUpdate(DataUpdate.newBuilder().setNonce(nonce).setMsgType(PullMsgType.IDENTITY_MSG)
        .addAllData(identities)).build();
  }

  /** This peer's identity, to be signed by it and served by identity pull (Fabric's certificate store). */
  public static GossipMessage peerIdentity(PeerIdentity self) {
    return base(Tag.EMPTY).setPeerIdentity(org.hyperledger.fabric.protos.gossip.PeerIdentity.newBuilder()
        .setPkiId(self.pkiId().bytes()).setCert(self.serialized())).build();
  }

  /** Whether a pull message (hello, digest, request, update) is identity pull's. */
  public static boolean isIdentityPull(GossipMessage message) {
    return switch (message.getContentCase()) {
      case HELLO -> message.getHello().getMsgType() == PullMsgType.IDENTITY_MSG;
      case DATA_DIG -> message.getDataDig().getMsgType() == PullMsgType.IDENTITY_MSG;
      case DATA_REQ -> message.getDataReq().getMsgType() == PullMsgType.IDENTITY_MSG;
      case DATA_UPDATE -> message.getDataUpdate().getMsgType() == PullMsgType.IDENTITY_MSG;
      default -> false;
    };
  }

  private static GossipMessage.Builder blockPull(String channelId) {
    return base(Tag.CHAN_AND_ORG).setChannel(channel(channelId));
  }

  private static GossipMessage.Builder base(Tag tag) {
    return GossipMessage.newBuilder().setTag(tag);
  }
}
