package io.hearsay.ledger.state;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.hearsay.protocol.identity.SigningIdentity;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Map;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.ledger.rwset.NsReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.TxReadWriteSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVRWSet;
import org.hyperledger.fabric.protos.ledger.rwset.kvrwset.KVWrite;
import org.hyperledger.fabric.protos.peer.ChaincodeAction;
import org.hyperledger.fabric.protos.peer.ChaincodeActionPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeEndorsedAction;
import org.hyperledger.fabric.protos.peer.ProposalResponsePayload;
import org.hyperledger.fabric.protos.peer.Transaction;
import org.hyperledger.fabric.protos.peer.TransactionAction;

/**
 * Builds signed Fabric endorser transactions that carry a key/value write set, the shape
 * {@link WorldState} reads: the transactions Hearsay's ordering service and tests submit.
 */
public final class KeyValueTransactions {

  private static final SecureRandom RANDOM = new SecureRandom();

  private KeyValueTransactions() {}

  /**
   * A transaction by {@code creator} on {@code channel} writing {@code writes} in chaincode
   * namespace {@code namespace}; an empty value deletes the key.
   */
  public static Envelope write(SigningIdentity creator, String channel, String namespace,
      Map<String, ByteString> writes) {
    KVRWSet.Builder kv = KVRWSet.newBuilder();
    writes.forEach((key, value) -> kv.addWrites(KVWrite.newBuilder()
        .setKey(key).setValue(value).setIsDelete(value.isEmpty())));
    TxReadWriteSet rwset = TxReadWriteSet.newBuilder()
        .setDataModel(TxReadWriteSet.DataModel.KV)
        .addNsRwset(NsReadWriteSet.newBuilder().setNamespace(namespace).setRwset(kv.build().toByteString()))
        .build();
    ProposalResponsePayload response = ProposalResponsePayload.newBuilder()
        .setExtension(ChaincodeAction.newBuilder().setResults(rwset.toByteString()).build().toByteString())
        .build();
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    SignatureHeader signatureHeader = SignatureHeader.newBuilder()
        .setCreator(creator.identity().serialized())
        .setNonce(ByteString.copyFrom(nonce))
        .build();
    Transaction transaction = Transaction.newBuilder()
        .addActions(TransactionAction.newBuilder()
            .setHeader(signatureHeader.toByteString())
            .setPayload(ChaincodeActionPayload.newBuilder()
                .setAction(ChaincodeEndorsedAction.newBuilder()
                    .setProposalResponsePayload(response.toByteString()))
                .build().toByteString()))
        .build();
    Instant now = Instant.now();
    ChannelHeader channelHeader = ChannelHeader.newBuilder()
        .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
        .setChannelId(channel)
        .setTxId(HexFormat.of().formatHex(nonce))
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .build();
    Payload payload = Payload.newBuilder()
        .setHeader(Header.newBuilder()
            .setChannelHeader(channelHeader.toByteString())
            .setSignatureHeader(signatureHeader.toByteString()))
        .setData(transaction.toByteString())
        .build();
    return Envelope.newBuilder()
        .setPayload(payload.toByteString())
        .setSignature(ByteString.copyFrom(creator.sign(payload.toByteArray())))
        .build();
  }
}
