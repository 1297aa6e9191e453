package io.hearsay.ledger.state;

import com.google.protobuf.ByteString;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.SigningIdentity;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
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
    byte[] nonce = CommonEnvelopes.nonce();
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
    return CommonEnvelopes.sign(creator, channel, HeaderType.ENDORSER_TRANSACTION, transaction.toByteString(), nonce);
  }
}
