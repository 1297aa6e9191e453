package io.hearsay.runtime.channels;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.runtime.comm.DroppedMessages;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.membership.MemberInfo;
import io.hearsay.runtime.membership.MembershipView;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.PeerTime;
import org.junit.jupiter.api.Test;

/** Where the router sends a channel's message, and that every message it cannot send is counted by reason. */
class ChannelRouterAddressTest {

  private static final Endpoint INTERNAL = new Endpoint("10.0.0.1", 7051);
  private static final Endpoint EXTERNAL = new Endpoint("peer0.org1.example.com", 7051);

  private static PkiId pki(int n) {
    byte[] bytes = new byte[32];
    bytes[0] = (byte) n;
    return PkiId.fromBytes(ByteString.copyFrom(bytes));
  }

  private static MemberInfo member(int n, String msp, Optional<Endpoint> external) {
    return new MemberInfo(pki(n), msp, external, Optional.of(INTERNAL), PeerTime.getDefaultInstance());
  }

  private final MembershipView view = new MembershipView(List.of(
      member(1, "Org1MSP", Optional.of(EXTERNAL)),
      member(2, "Org2MSP", Optional.empty()),
      member(3, "Org2MSP", Optional.of(EXTERNAL))), List.of(member(4, "Org1MSP", Optional.empty())));

  @Test
  void sameOrgPeersAreReachedInternallyOtherOrgsOnlyExternally() {
    assertEquals(new ChannelRouter.Reachable(INTERNAL), ChannelRouter.addressOf(view, pki(1), "Org1MSP"));
    assertEquals(new ChannelRouter.Reachable(EXTERNAL), ChannelRouter.addressOf(view, pki(1), "Org2MSP"));
    assertEquals(new ChannelRouter.Reachable(EXTERNAL), ChannelRouter.addressOf(view, pki(3), "Org1MSP"));
  }

  @Test
  void aDeadOrUnknownPeerOrAnotherOrgsPeerWithoutExternalEndpointIsUnreachableWithItsReason() {
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.PEER_NOT_ALIVE),
        ChannelRouter.addressOf(view, pki(4), "Org1MSP"), "dead");
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.PEER_NOT_ALIVE),
        ChannelRouter.addressOf(view, pki(9), "Org1MSP"), "never seen");
    assertEquals(new ChannelRouter.Unreachable(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG),
        ChannelRouter.addressOf(view, pki(2), "Org1MSP"));
  }

  @Test
  void droppedMessagesAreCountedPerReasonTypeAndChannel() {
    DroppedMessages dropped = new DroppedMessages();
    Envelope hello = Envelope.newBuilder().setPayload(GossipMessages.hello("mychannel", 7, ByteString.EMPTY).toByteString()).build();
    dropped.record(DroppedMessages.Reason.PEER_NOT_ALIVE, hello);
    dropped.record(DroppedMessages.Reason.PEER_NOT_ALIVE, hello);
    dropped.record(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG, hello);
    assertEquals(2, dropped.total(DroppedMessages.Reason.PEER_NOT_ALIVE));
    assertEquals(Map.of("HELLO@mychannel", 3L), dropped.snapshot());
    assertEquals(Map.of("HELLO@mychannel", 1L), dropped.of(DroppedMessages.Reason.NO_ENDPOINT_FOR_ORG).snapshot());
  }
}
