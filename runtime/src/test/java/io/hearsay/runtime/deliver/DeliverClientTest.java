package io.hearsay.runtime.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.channels.election.Delivery;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.orderer.OrdererFrame;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.hyperledger.fabric.protos.orderer.SeekPosition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The leader's deliver client with probes for its ports: two orderers of the channel's config,
 * and the channel (its ledger height, the blocks delivered, "orderer unreachable").
 */
class DeliverClientTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final Endpoint FIRST = new Endpoint("orderer0.example.com", 7050);
  private static final Endpoint SECOND = new Endpoint("orderer1.example.com", 7050);
  private static final DeliveryClientSettings SETTINGS =
      new DeliveryClientSettings(Duration.ofMillis(200), Duration.ofMillis(600));

  private final TestProbe<OrdererFrame> first = TEST_KIT.createTestProbe();
  private final TestProbe<OrdererFrame> second = TEST_KIT.createTestProbe();
  private final TestProbe<Block> delivered = TEST_KIT.createTestProbe();
  private final TestProbe<String> unreachable = TEST_KIT.createTestProbe();

  @AfterAll
  static void stop() {
    TEST_KIT.shutdownTestKit();
  }

  private static Block genesis() throws Exception {
    return GenesisBlocks.create("mychannel", TestCrypto.material(), Map.of(),
        new Ordering(List.of(FIRST.toString(), SECOND.toString()), 10, Duration.ofSeconds(1)));
  }

  /** A deliver client whose channel's ledger is at {@code height}. */
  private void start(Block genesis, long height) {
    Delivery channel = new Delivery() {
      @Override
      public void askHeight(ActorRef<ChannelLedger.Height> replyTo) {
        replyTo.tell(new ChannelLedger.Height(height, ByteString.EMPTY));
      }

      @Override
      public void deliver(Block block) {
        delivered.getRef().tell(block);
      }

      @Override
      public void ordererUnreachable() {
        unreachable.getRef().tell("unreachable");
      }
    };
    TEST_KIT.spawn(DeliverClient.create(ChannelConfig.of(genesis), TestCrypto.peer(1, 0), SETTINGS, channel,
        orderer -> orderer.equals(FIRST) ? first.getRef() : second.getRef()));
  }

  private static long seekStart(OrdererFrame deliver) throws Exception {
    Payload payload = Payload.parseFrom(Envelope.parseFrom(deliver.bytes()).getPayload());
    assertEquals("mychannel", CommonEnvelopes.channelHeader(Envelope.parseFrom(deliver.bytes())).value().getChannelId());
    return SeekInfo.parseFrom(payload.getData()).getStart().getSpecified().getNumber();
  }

  private static OrdererFrame block(Block block, ActorRef<OrdererFrame> from) {
    return new OrdererFrame(OrdererFrame.Kind.DELIVER_RESPONSE, from,
        DeliverResponse.newBuilder().setBlock(block).build().toByteString());
  }

  @Test
  void aStreamOpensAtTheLedgerHeightAndEveryBlockIsHandedOnInOrderAndAcknowledged() throws Exception {
    Block genesis = genesis();
    Block one = BlockBuilder.next(genesis, List.of(ByteString.copyFromUtf8("tx1")));
    Block two = BlockBuilder.next(one, List.of(ByteString.copyFromUtf8("tx2")));
    start(genesis, 1);

    OrdererFrame deliver = first.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
    assertEquals(OrdererFrame.Kind.DELIVER, deliver.kind());
    assertEquals(1, seekStart(deliver), "from the ledger height");
    for (Block b : List.of(one, one, two)) {
      deliver.replyTo().tell(block(b, first.getRef()));
      OrdererFrame ack = first.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
      assertEquals(OrdererFrame.Kind.DELIVER_ACK, ack.kind());
      assertEquals(b.getHeader().getNumber(), SeekPosition.parseFrom(ack.bytes()).getSpecified().getNumber());
    }
    assertEquals(one, delivered.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(two, delivered.receiveMessage(Duration.ofSeconds(5)), "the repeated block 1 is not handed on twice");
    delivered.expectNoMessage(Duration.ofMillis(100));
  }

  @Test
  void aSilentOrdererIsPingedThenLeftForTheNextAndWithoutAnyStreamTheChannelIsToldItIsUnreachable() throws Exception {
    start(genesis(), 1);
    OrdererFrame deliver = first.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
    assertEquals(OrdererFrame.Kind.DELIVER, deliver.kind());
    assertEquals(OrdererFrame.Kind.PING, first.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5)).kind());
    OrdererFrame next = second.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
    assertEquals(OrdererFrame.Kind.DELIVER, next.kind(), "the unanswered ping moves to the next orderer");
    assertEquals(1, seekStart(next));
    // The second one refuses the stream: with no orderer streaming for the threshold, the channel hears of it.
    next.replyTo().tell(new OrdererFrame(OrdererFrame.Kind.DELIVER_RESPONSE, second.getRef(),
        DeliverResponse.newBuilder().setStatus(Status.SERVICE_UNAVAILABLE).build().toByteString()));
    assertEquals("unreachable", unreachable.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void aRefusedStreamMovesToTheNextOrdererAtTheNextCheck() throws Exception {
    start(genesis(), 3);
    OrdererFrame deliver = first.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
    deliver.replyTo().tell(new OrdererFrame(OrdererFrame.Kind.DELIVER_RESPONSE, first.getRef(),
        DeliverResponse.newBuilder().setStatus(Status.FORBIDDEN).build().toByteString()));
    OrdererFrame next = second.expectMessageClass(OrdererFrame.class, Duration.ofSeconds(5));
    assertSame(OrdererFrame.Kind.DELIVER, next.kind());
    assertEquals(3, seekStart(next));
  }
}
