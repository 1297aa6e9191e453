package io.hearsay.channels.antientropy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.GossipMessages;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.ArrayList;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.GossipMessage;
import org.hyperledger.fabric.protos.gossip.Payload;
import org.junit.jupiter.api.Test;

/** The serving side of state transfer, driven as the channel actor drives it, with Fabric's batch size 10. */
class StateServerTest {

  private record Read(long start, long end, PkiId requester, long nonce) {}

  private record Sent(PkiId to, GossipMessage message) {}

  private final PkiId alice = TestCrypto.peer(1, 1).pkiId();
  private final PkiId bob = TestCrypto.peer(1, 2).pkiId();
  private final List<Read> reads = new ArrayList<>();
  private final List<Sent> sent = new ArrayList<>();
  private final List<Rejection> refused = new ArrayList<>();
  private final StateServer server = new StateServer("mychannel", 10,
      (start, end, maxBlocks, requester, nonce) -> reads.add(new Read(start, end, requester, nonce)),
      new StateServer.Outbox() {
        @Override
        public void send(PkiId to, GossipMessage message) {
          sent.add(new Sent(to, message));
        }

        @Override
        public void reject(Rejection rejection, PkiId from) {
          refused.add(rejection);
        }
      });

  private static GossipMessage request(long start, long end, long nonce) {
    return GossipMessages.remoteStateRequest("mychannel", start, end).toBuilder().setNonce(nonce).build();
  }

  private static List<Block> chain(int length) {
    List<Block> blocks = new ArrayList<>(List.of(BlockBuilder.block(0, ByteString.EMPTY, List.of(ByteString.copyFromUtf8("config")))));
    while (blocks.size() < length) {
      blocks.add(BlockBuilder.next(blocks.get(blocks.size() - 1), List.of(ByteString.copyFromUtf8("tx"))));
    }
    return blocks;
  }

  private static List<Long> numbers(GossipMessage response) {
    return response.getStateResponse().getPayloadsList().stream().map(Payload::getSeqNum).toList();
  }

  @Test
  void aRequestFromAPeerNotProvenInTheChannelIsRefusedAndNothingIsRead() {
    server.onRequest(request(0, 9, 1), alice, false);
    assertEquals(RejectionReason.NOT_IN_CHANNEL, refused.get(0).reason());
    assertTrue(reads.isEmpty());
    assertTrue(sent.isEmpty());
  }

  @Test
  void aRequestSpanningMoreThanTheBatchSizeOrABackwardRangeIsOversized() {
    server.onRequest(request(8, 18, 3), alice, true);
    assertEquals(List.of(new Read(8, 18, alice, 3)), reads, "Fabric's own request, start..start+batchSize, is served");
    reads.clear();
    server.onRequest(request(0, 11, 1), alice, true);
    server.onRequest(request(5, 4, 2), alice, true);
    assertEquals(List.of(RejectionReason.OVERSIZED_PAYLOAD, RejectionReason.OVERSIZED_PAYLOAD),
        refused.stream().map(Rejection::reason).toList());
    assertTrue(reads.isEmpty());
  }

  @Test
  void aRangeReadInChunksIsAnsweredOnceWithTheRequestsNonce() {
    List<Block> chain = chain(10);
    server.onRequest(request(0, 9, 42), alice, true);
    assertEquals(List.of(new Read(0, 9, alice, 42)), reads);
    server.onChunk(alice, 42, chain.subList(0, 4), false);
    assertTrue(sent.isEmpty(), "no answer before the last chunk");
    server.onChunk(alice, 42, chain.subList(4, 10), true);
    assertEquals(1, sent.size());
    assertEquals(alice, sent.get(0).to());
    assertEquals(42, sent.get(0).message().getNonce());
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L), numbers(sent.get(0).message()));
  }

  @Test
  void twoPeersReadingAtOnceWithTheSameNonceGetOnlyTheirOwnBlocks() {
    List<Block> chain = chain(10);
    server.onRequest(request(0, 4, 7), alice, true);
    server.onRequest(request(5, 9, 7), bob, true);
    server.onChunk(alice, 7, chain.subList(0, 2), false);
    server.onChunk(bob, 7, chain.subList(5, 7), false);
    server.onChunk(alice, 7, chain.subList(2, 5), true);
    server.onChunk(bob, 7, chain.subList(7, 10), true);
    assertEquals(List.of(0L, 1L, 2L, 3L, 4L), numbers(sent.get(0).message()));
    assertEquals(alice, sent.get(0).to());
    assertEquals(List.of(5L, 6L, 7L, 8L, 9L), numbers(sent.get(1).message()));
    assertEquals(bob, sent.get(1).to());
  }
}
