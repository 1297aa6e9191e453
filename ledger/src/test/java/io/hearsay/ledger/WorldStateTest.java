package io.hearsay.ledger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.ledger.state.KeyValueTransactions;
import io.hearsay.ledger.state.WorldState;
import io.hearsay.protocol.identity.SigningIdentity;
import io.hearsay.protocol.testing.TestCrypto;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.peer.TxValidationCode;
import org.junit.jupiter.api.Test;

class WorldStateTest {

  private final SigningIdentity client = TestCrypto.peer(1, 0);

  private ByteString tx(Map<String, ByteString> writes) {
    return KeyValueTransactions.write(client, "mychannel", "basic", writes).toByteString();
  }

  private static ByteString utf8(String s) {
    return ByteString.copyFromUtf8(s);
  }

  @Test
  void validTransactionsWriteVersionedValuesAndInvalidOnesWriteNothing() {
    Block genesis = BlockBuilder.block(0, ByteString.EMPTY, List.of(utf8("not a transaction")));
    Block one = BlockBuilder.next(genesis, List.of(
        tx(Map.of("a", utf8("1"), "b", utf8("2"))),
        tx(Map.of("c", utf8("3")))));
    byte[] filter = {(byte) TxValidationCode.VALID_VALUE, (byte) TxValidationCode.MVCC_READ_CONFLICT_VALUE};
    one = one.toBuilder().setMetadata(one.getMetadata().toBuilder()
        .setMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE, ByteString.copyFrom(filter))).build();
    Block two = BlockBuilder.next(one, List.of(tx(Map.of("a", utf8("10"), "b", ByteString.EMPTY))));

    WorldState state = new WorldState();
    state.apply(genesis);
    state.apply(one);
    assertEquals(new WorldState.VersionedValue(utf8("1"), 1, 0), state.get("basic", "a").orElseThrow());
    assertTrue(state.get("basic", "c").isEmpty(), "the invalid transaction wrote nothing");
    state.apply(two);
    assertEquals(new WorldState.VersionedValue(utf8("10"), 2, 0), state.get("basic", "a").orElseThrow());
    assertTrue(state.get("basic", "b").isEmpty(), "deleted");
    assertTrue(state.get("other", "a").isEmpty(), "namespaces are separate");
  }
}
