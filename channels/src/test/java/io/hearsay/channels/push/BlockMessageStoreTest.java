package io.hearsay.channels.push;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import java.util.List;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.junit.jupiter.api.Test;

class BlockMessageStoreTest {

  private static Envelope message(long n) {
    return Envelope.newBuilder().setPayload(ByteString.copyFromUtf8("block " + n)).build();
  }

  @Test
  void keepsTheLastBlocksUpToItsCapacity() {
    BlockMessageStore store = new BlockMessageStore(10);
    for (long n = 0; n < 25; n++) {
      assertTrue(store.add(n, message(n)));
    }
    assertEquals(List.of(15L, 16L, 17L, 18L, 19L, 20L, 21L, 22L, 23L, 24L), store.digest());
    assertFalse(store.add(3, message(3)), "older than everything kept");
    assertFalse(store.add(20, message(20)), "already stored");
    assertEquals(message(17), store.get(17).orElseThrow());
    assertTrue(store.get(14).isEmpty());
  }

  @Test
  void aBlockIsPushedAtMostOncePerPeer() {
    BlockMessageStore store = new BlockMessageStore(10);
    store.add(1, message(1));
    assertTrue(store.markPushed(1, "peer-a"));
    assertFalse(store.markPushed(1, "peer-a"));
    assertTrue(store.markPushed(1, "peer-b"));
    assertFalse(store.markPushed(2, "peer-a"), "not stored");
  }
}
