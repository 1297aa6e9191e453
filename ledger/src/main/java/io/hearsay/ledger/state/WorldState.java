package io.hearsay.ledger.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.ledger.block.AliasedInput;
import io.hearsay.ledger.block.ChannelHeaderType;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;
import org.hyperledger.fabric.protos.peer.TxValidationCode;

/**
 * The key-value state that the valid endorser transactions of committed blocks wrote:
 * {@code Envelope → Payload → Transaction → ChaincodeActionPayload → ProposalResponsePayload →
 * ChaincodeAction → TxReadWriteSet → KVRWSet} writes, per chaincode namespace, each value versioned
 * by the (block, transaction) that wrote it. A transaction marked invalid in the block's
 * TRANSACTIONS_FILTER metadata writes nothing; one that does not parse as an endorser transaction
 * is skipped (config transactions change the channel config, not the state).
 */
public final class WorldState {

  /** A value and the transaction that wrote it. */
  public record VersionedValue(ByteString value, long blockNumber, int txNumber) {}

  private final Map<String, VersionedValue> values;

  public WorldState() {
    this(new HashMap<>());
  }

  private WorldState(Map<String, VersionedValue> values) {
    this.values = values;
  }

  /** A world state from {@link #entries()} as a snapshot kept them. */
  public static WorldState fromEntries(Map<String, VersionedValue> values) {
    return new WorldState(new HashMap<>(values));
  }

  public Optional<VersionedValue> get(String namespace, String key) {
    return Optional.ofNullable(values.get(compositeKey(namespace, key)));
  }

  public int size() {
    return values.size();
  }

  public Map<String, VersionedValue> entries() {
    return Map.copyOf(values);
  }

  /** Applies the writes of the block's valid endorser transactions. */
  public void apply(Block block) {
    ByteString filter = block.getMetadata().getMetadataCount() > BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE
        ? block.getMetadata().getMetadata(BlockMetadataIndex.TRANSACTIONS_FILTER_VALUE) : ByteString.EMPTY;
    for (int tx = 0; tx < block.getData().getDataCount(); tx++) {
      if (tx < filter.size() && filter.byteAt(tx) != TxValidationCode.VALID_VALUE) {
        continue;
      }
      try {
        applyTransaction(block.getData().getData(tx), block.getHeader().getNumber(), tx);
      } catch (InvalidProtocolBufferException e) {
        // not an endorser transaction Hearsay can read: it writes nothing
      }
    }
  }

  private void applyTransaction(ByteString envelopeBytes, long blockNumber, int txNumber)
      throws InvalidProtocolBufferException {
    // Every layer but the last is parsed as views (AliasedInput); the writes, whose values are
    // kept, are parsed plainly, so no value keeps its block's bytes alive.
    Payload payload = AliasedInput.parse(Payload.parser(),
        AliasedInput.parse(Envelope.parser(), envelopeBytes).getPayload());
    if (ChannelHeaderType.of(payload.getHeader().getChannelHeader()) != HeaderType.ENDORSER_TRANSACTION_VALUE) {
      return;
    }
    // Parsed whole only to refuse it as Fabric does when it does not parse (a tx_id that is not UTF-8).
    ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    Transaction transaction = AliasedInput.parse(Transaction.parser(), payload.getData());
    for (TransactionAction action : transaction.getActionsList()) {
      ChaincodeActionPayload actionPayload = AliasedInput.parse(ChaincodeActionPayload.parser(),
          action.getPayload());
      ProposalResponsePayload response = AliasedInput.parse(ProposalResponsePayload.parser(),
          actionPayload.getAction().getProposalResponsePayload());
      ChaincodeAction chaincodeAction = AliasedInput.parse(ChaincodeAction.parser(),
          response.getExtension());
      TxReadWriteSet rwset = AliasedInput.parse(TxReadWriteSet.parser(), chaincodeAction.getResults());
      for (NsReadWriteSet ns : rwset.getNsRwsetList()) {
        for (KVWrite write : KVRWSet.parseFrom(ns.getRwset()).getWritesList()) {
          String key = compositeKey(ns.getNamespace(), write.getKey());
          if (write.getIsDelete()) {
            values.remove(key);
          } else {
            values.put(key, new VersionedValue(write.getValue(), blockNumber, txNumber));
          }
        }
      }
    }
  }

  private static String compositeKey(String namespace, String key) {
    return namespace + '\u0000' + key;
  }
}
