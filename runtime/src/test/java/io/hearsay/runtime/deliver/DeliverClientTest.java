package io.hearsay.runtime.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.protobuf.ByteString;
import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.GenesisBlocks;
import io.hearsay.channels.config.Ordering;
import io.hearsay.channels.election.Delivery;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.testing.TestCrypto;
import io.hearsay.runtime.config.Endpoint;
import io.hearsay.runtime.grpc.AtomicBroadcastClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.pekko.actor.testkit.typed.javadsl.ActorTestKit;
import org.apache.pekko.actor.testkit.typed.javadsl.TestProbe;
import org.apache.pekko.actor.typed.ActorRef;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.Status;
import org.hyperledger.fabric.protos.orderer.DeliverResponse;
import org.hyperledger.fabric.protos.orderer.SeekInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * The leader's deliver client with probes for its ports: the deliver streams it opens (at two
 * orderers of the channel's config), the channel (its ledger height, the blocks delivered,
 * "orderer unreachable"), and what it reports.
 */
class DeliverClientTest {

  private static final ActorTestKit TEST_KIT = ActorTestKit.create();
  private static final Endpoint FIRST = new Endpoint("orderer0.example.com", 7050);
  private static final Endpoint SECOND = new Endpoint("orderer1.example.com", 7050);
  private static final ByteString CLIENT_CERT_HASH = ByteString.copyFromUtf8("hash of the client certificate");
  private static final DeliveryClientSettings SETTINGS = new DeliveryClientSettings(Duration.ofMillis(300),
      Duration.ofMillis(200), Duration.ofMillis(800),
      new AtomicBroadcastClient.KeepAlive(Duration.ofSeconds(60), Duration.ofSeconds(20)));

  /** A stream the client opened: where, what it asked for, and how to answer it. */
  private record Opened(Endpoint orderer, Envelope seek, DeliverStreams.Listener listener, AtomicBoolean connected) {
    long seekStart() throws Exception {
      return SeekInfo.parseFrom(Payload.parseFrom(seek.getPayload()).getData()).getStart().getSpecified().getNumber();
    }

    void block(Block block) {
      listener.onResponse(DeliverResponse.newBuilder().setBlock(block).build());
    }

    void status(Status status) {
      listener.onResponse(DeliverResponse.newBuilder().setStatus(status).build());
    }
  }

  private final TestProbe<Opened> opened = TEST_KIT.createTestProbe();
  private final TestProbe<Block> delivered = TEST_KIT.createTestProbe();
  private final TestProbe<String> unreachable = TEST_KIT.createTestProbe();
  private final TestProbe<Status> refused = TEST_KIT.createTestProbe();

  @AfterAll
  static void stop() {
    TEST_KIT.shutdownTestKit();
  }

  private static Block genesis() throws Exception {
    return GenesisBlocks.create("mychannel", TestCrypto.material(), Map.of(),
        new Ordering(List.of(FIRST.toString(), SECOND.toString()), 10, Duration.ofSeconds(1)));
  }

  /** A deliver client whose channel's ledger is at {@code height}; its streams connect when {@code connect}. */
  private ActorRef<DeliverClient.Command> start(Block genesis, long height, boolean connect) {
    return start(genesis, height, connect, -1);
  }

  /** As above, with a channel that refuses block {@code refuse} every time it is delivered. */
  private ActorRef<DeliverClient.Command> start(Block genesis, long height, boolean connect, long refuse) {
    Delivery channel = new Delivery() {
      @Override
      public void askHeight(ActorRef<ChannelLedger.Height> replyTo) {
        replyTo.tell(new ChannelLedger.Height(height, ByteString.EMPTY));
      }

      @Override
      public void deliver(Block block, ActorRef<Refused> refusals) {
        delivered.getRef().tell(block);
        if (block.getHeader().getNumber() == refuse) {
          refusals.tell(new Refused(block.getHeader().getNumber(),
              Rejection.of(RejectionReason.BAD_DATA_HASH, "block %d was tampered with", refuse)));
        }
      }

      @Override
      public void ordererUnreachable() {
        unreachable.getRef().tell("unreachable");
      }
    };
    DeliverStreams streams = new DeliverStreams() {
      @Override
      public Stream open(Endpoint orderer, List<X509Certificate> ordererCas, Envelope seekInfo, Listener listener) {
        AtomicBoolean connected = new AtomicBoolean(connect);
        opened.getRef().tell(new Opened(orderer, seekInfo, listener, connected));
        return new Stream() {
          @Override
          public boolean connected() {
            return connected.get();
          }

          @Override
          public void close() {
            connected.set(false);
          }
        };
      }

      @Override
      public ByteString clientCertificateHash() {
        return CLIENT_CERT_HASH;
      }
    };
    return TEST_KIT.spawn(DeliverClient.create(ChannelConfig.of(genesis), TestCrypto.peer(1, 0), SETTINGS, channel,
        streams, new DeliverObserver() {
          @Override
          public void deliverRefused(String name, Status status) {
            refused.getRef().tell(status);
          }
        }));
  }

  @Test
  void aStreamOpensAtTheLedgerHeightBoundToTheTlsSessionAndEveryBlockIsHandedOnInOrderOnce() throws Exception {
    Block genesis = genesis();
    Block one = BlockBuilder.next(genesis, List.of(ByteString.copyFromUtf8("tx1")));
    Block two = BlockBuilder.next(one, List.of(ByteString.copyFromUtf8("tx2")));
    start(genesis, 1, true);

    Opened stream = opened.receiveMessage(Duration.ofSeconds(5));
    assertEquals(FIRST, stream.orderer());
    assertEquals(1, stream.seekStart(), "from the ledger height");
    var header = CommonEnvelopes.channelHeader(stream.seek()).value();
    assertEquals("mychannel", header.getChannelId());
    assertEquals(CLIENT_CERT_HASH, header.getTlsCertHash(), "bound to the client certificate of the TLS session");
    stream.block(one);
    stream.block(one);
    stream.block(two);
    assertEquals(one, delivered.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(two, delivered.receiveMessage(Duration.ofSeconds(5)), "the repeated block 1 is not handed on twice");
    delivered.expectNoMessage(Duration.ofMillis(100));
    opened.expectNoMessage(Duration.ofMillis(500));
  }

  @Test
  void aStreamNotConnectedWithinConnTimeoutIsLeftForTheNextOrdererAndWithoutAnyTheChannelIsTold() throws Exception {
    start(genesis(), 1, false);
    assertEquals(FIRST, opened.receiveMessage(Duration.ofSeconds(5)).orderer());
    Opened next = opened.receiveMessage(Duration.ofSeconds(5));
    assertEquals(SECOND, next.orderer(), "the next orderer after connTimeout and the first backoff");
    assertEquals(1, next.seekStart());
    assertEquals(FIRST, opened.receiveMessage(Duration.ofSeconds(5)).orderer(), "and round again");
    assertEquals("unreachable", unreachable.receiveMessage(Duration.ofSeconds(10)));
  }

  @Test
  void aStatusAnswerIsReportedAndTheNextOrdererIsAskedFromTheSameBlock() throws Exception {
    start(genesis(), 3, true);
    opened.receiveMessage(Duration.ofSeconds(5)).status(Status.FORBIDDEN);
    assertEquals(Status.FORBIDDEN, refused.receiveMessage(Duration.ofSeconds(5)));
    Opened next = opened.receiveMessage(Duration.ofSeconds(5));
    assertEquals(SECOND, next.orderer());
    assertEquals(3, next.seekStart());
  }

  @Test
  void aGapInTheStreamFailsItAndTheNextStreamAsksForTheMissingBlock() throws Exception {
    Block genesis = genesis();
    Block one = BlockBuilder.next(genesis, List.of(ByteString.copyFromUtf8("tx1")));
    Block two = BlockBuilder.next(one, List.of(ByteString.copyFromUtf8("tx2")));
    start(genesis, 1, true);
    opened.receiveMessage(Duration.ofSeconds(5)).block(two);
    Opened next = opened.receiveMessage(Duration.ofSeconds(5));
    assertEquals(1, next.seekStart(), "block 1 is still missing");
    delivered.expectNoMessage(Duration.ofMillis(100));
    next.listener().onEnd("connection reset");
    assertEquals(1, opened.receiveMessage(Duration.ofSeconds(5)).seekStart(), "a stream that ends is opened again");
  }

  @Test
  void aBlockTheChannelRefusesMakesTheClientLeaveThatOrdererAndAskTheNextFromTheRefusedBlock() throws Exception {
    Block genesis = genesis();
    Block one = BlockBuilder.next(genesis, List.of(ByteString.copyFromUtf8("tx1")));
    Block two = BlockBuilder.next(one, List.of(ByteString.copyFromUtf8("tx2")));
    start(genesis, 1, true, 2);
    Opened first = opened.receiveMessage(Duration.ofSeconds(5));
    first.block(one);
    first.block(two);
    assertEquals(one, delivered.receiveMessage(Duration.ofSeconds(5)));
    assertEquals(two, delivered.receiveMessage(Duration.ofSeconds(5)));
    Opened next = opened.receiveMessage(Duration.ofSeconds(5));
    assertEquals(SECOND, next.orderer(), "the orderer that sent a block that does not verify is left");
    assertEquals(2, next.seekStart(), "from the refused block, not past it");
    assertEquals(false, first.connected().get(), "the first stream is closed");
  }
}
