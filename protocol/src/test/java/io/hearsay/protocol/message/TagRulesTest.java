package io.hearsay.protocol.message;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.List;
import java.util.stream.Stream;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipHello;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.GossipMessage.Tag;
import org.hyperledger.fabric.protos.gossip.PullMsgType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class TagRulesTest {

  private static final PeerIdentity SELF = TestCrypto.peer(1, 0).identity();
  private static final PkiId ID = SELF.pkiId();
  private static final String CH = "mychannel";

  static Stream<Arguments> factoryMessages() {
    Envelope env = Envelope.getDefaultInstance();
    return Stream.of(
        Arguments.of(GossipMessages.alive(SELF, "h:1", PeerTimes.of(1, 1), ByteString.EMPTY), Tag.EMPTY),
        Arguments.of(GossipMessages.membershipRequest(env, List.of()), Tag.EMPTY),
        Arguments.of(GossipMessages.membershipResponse(List.of(env), List.of()), Tag.EMPTY),
        Arguments.of(GossipMessages.dataMessage(CH, 1, ByteString.EMPTY), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.hello(CH, 1), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.digest(CH, 1, List.of()), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.request(CH, 1, List.of()), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.update(CH, 1, List.of()), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.stateInfo(ID, CH, PeerTimes.of(1, 1), 3), Tag.CHAN_OR_ORG),
        Arguments.of(GossipMessages.stateInfoPullRequest(ID, CH), Tag.CHAN_OR_ORG),
        Arguments.of(GossipMessages.stateInfoSnapshot(CH, List.of()), Tag.CHAN_OR_ORG),
        Arguments.of(GossipMessages.remoteStateRequest(CH, 0, 9), Tag.CHAN_OR_ORG),
        Arguments.of(GossipMessages.remoteStateResponse(CH, 1, List.of()), Tag.CHAN_OR_ORG),
        Arguments.of(GossipMessages.leadership(ID, CH, PeerTimes.of(1, 1), true), Tag.CHAN_AND_ORG),
        Arguments.of(GossipMessages.connEstablish(SELF, ByteString.EMPTY, false), Tag.EMPTY),
        Arguments.of(GossipMessages.empty(), Tag.EMPTY));
  }

  @ParameterizedTest
  @MethodSource("factoryMessages")
  void factoriesBuildLegalMessagesAndEveryOtherTagIsIllegal(GossipMessage message, Tag required) {
    assertEquals(required, message.getTag(), message.getContentCase().toString());
    assertTrue(TagRules.check(message).isEmpty());
    for (Tag other : Tag.values()) {
      if (other != required && other != Tag.UNRECOGNIZED) {
        var rejection = TagRules.check(message.toBuilder().setTag(other).build());
        assertEquals(RejectionReason.ILLEGAL_TAG, rejection.orElseThrow().reason(),
            message.getContentCase() + " tagged " + other);
      }
    }
  }

  @Test
  void identityPullMessagesMustBeEmptyTagged() {
    GossipMessage identityHello = GossipMessage.newBuilder().setTag(Tag.EMPTY)
        .setHello(GossipHello.newBuilder().setMsgType(PullMsgType.IDENTITY_MSG)).build();
    assertTrue(TagRules.check(identityHello).isEmpty());
    assertEquals(RejectionReason.ILLEGAL_TAG,
        TagRules.check(identityHello.toBuilder().setTag(Tag.CHAN_AND_ORG).build()).orElseThrow().reason());
  }

  @Test
  void pullMessageWithoutAPullTypeIsNotCarried() {
    GossipMessage untyped = GossipMessage.newBuilder().setTag(Tag.CHAN_AND_ORG)
        .setHello(GossipHello.newBuilder()).build();
    assertEquals(RejectionReason.MALFORMED_PAYLOAD, TagRules.check(untyped).orElseThrow().reason());
  }

  @Test
  void stateInfoNamesItsChannelOnlyThroughTheMac() {
    GossipMessage stateInfo = GossipMessages.stateInfo(ID, CH, PeerTimes.of(1, 1), 3);
    assertTrue(stateInfo.getChannel().isEmpty());
    assertEquals(GossipMessages.channelMac(ID, CH), stateInfo.getStateInfo().getChannelMAC());
  }
}
