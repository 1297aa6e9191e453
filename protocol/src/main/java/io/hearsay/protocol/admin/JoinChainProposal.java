package io.hearsay.protocol.admin;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Timestamp;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.SigningIdentity;
import java.time.Instant;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.SignatureHeader;
import org.hyperledger.fabric.protos.peer.ChaincodeHeaderExtension;
import org.hyperledger.fabric.protos.peer.ChaincodeID;
import org.hyperledger.fabric.protos.peer.ChaincodeInput;
import org.hyperledger.fabric.protos.peer.ChaincodeInvocationSpec;
import org.hyperledger.fabric.protos.peer.ChaincodeProposalPayload;
import org.hyperledger.fabric.protos.peer.ChaincodeSpec;
import org.hyperledger.fabric.protos.peer.Proposal;
import org.hyperledger.fabric.protos.peer.SignedProposal;

/**
 * A channel join request in the form Fabric's {@code peer channel join} sends it: a
 * {@code peer.SignedProposal} invoking the configuration system chaincode ({@code cscc}) with
 * {@code JoinChain} and the channel's genesis block, signed by an admin of the peer's org. The
 * channel header carries the timestamp and the transaction id (SHA-256 of nonce ‖ creator) that
 * the peer checks against replays.
 */
public final class JoinChainProposal {

  /** The configuration system chaincode, and its function that joins a channel. */
  public static final String CSCC = "cscc";
  public static final String JOIN_CHAIN = "JoinChain";

  /** A parsed (not yet verified) request: its headers, the signed bytes and signature, and the block. */
  public record Parsed(ChannelHeader channelHeader, SignatureHeader signatureHeader, ByteString proposalBytes,
      ByteString signature, Block block) {}

  private JoinChainProposal() {}

  /** Signs a request to join the channel {@code genesis} defines, by {@code admin}, at {@code now}. */
  public static SignedProposal create(SigningIdentity admin, Block genesis, Instant now) {
    byte[] nonce = CommonEnvelopes.nonce();
    ByteString creator = admin.identity().serialized();
    ChaincodeID cscc = ChaincodeID.newBuilder().setName(CSCC).build();
    ChannelHeader channelHeader = ChannelHeader.newBuilder()
        .setType(HeaderType.ENDORSER_TRANSACTION_VALUE)
        .setTxId(CommonEnvelopes.txId(nonce, creator))
        .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
        .setExtension(ChaincodeHeaderExtension.newBuilder().setChaincodeId(cscc).build().toByteString())
        .build();
    SignatureHeader signatureHeader = SignatureHeader.newBuilder().setCreator(creator).setNonce(ByteString.copyFrom(nonce)).build();
    ChaincodeInvocationSpec invocation = ChaincodeInvocationSpec.newBuilder().setChaincodeSpec(ChaincodeSpec.newBuilder()
        .setType(ChaincodeSpec.Type.GOLANG).setChaincodeId(cscc)
        .setInput(ChaincodeInput.newBuilder().addArgs(ByteString.copyFromUtf8(JOIN_CHAIN)).addArgs(genesis.toByteString())))
        .build();
    Proposal proposal = Proposal.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(channelHeader.toByteString())
            .setSignatureHeader(signatureHeader.toByteString()).build().toByteString())
        .setPayload(ChaincodeProposalPayload.newBuilder().setInput(invocation.toByteString()).build().toByteString())
        .build();
    ByteString bytes = proposal.toByteString();
    return SignedProposal.newBuilder().setProposalBytes(bytes)
        .setSignature(ByteString.copyFrom(admin.sign(bytes.toByteArray()))).build();
  }

  /** Parses request bytes; anything that is not a cscc JoinChain proposal with a block is MALFORMED_REQUEST. */
  public static Verdict<Parsed> parse(byte[] bytes) {
    try {
      SignedProposal signed = SignedProposal.parseFrom(bytes);
      Proposal proposal = Proposal.parseFrom(signed.getProposalBytes());
      Header header = Header.parseFrom(proposal.getHeader());
      ChannelHeader channelHeader = ChannelHeader.parseFrom(header.getChannelHeader());
      SignatureHeader signatureHeader = SignatureHeader.parseFrom(header.getSignatureHeader());
      ChaincodeInvocationSpec invocation = ChaincodeInvocationSpec.parseFrom(
          ChaincodeProposalPayload.parseFrom(proposal.getPayload()).getInput());
      var spec = invocation.getChaincodeSpec();
      if (signed.getProposalBytes().isEmpty()) {
        return Verdict.reject(RejectionReason.MALFORMED_REQUEST, "the body is not a signed proposal (no proposal bytes)");
      }
      if (!spec.getChaincodeId().getName().equals(CSCC) || spec.getInput().getArgsCount() != 2
          || !spec.getInput().getArgs(0).toStringUtf8().equals(JOIN_CHAIN)) {
        return Verdict.reject(RejectionReason.MALFORMED_REQUEST, "the proposal invokes %s %s, not %s %s with a block",
            spec.getChaincodeId().getName(), spec.getInput().getArgsCount() > 0 ? spec.getInput().getArgs(0).toStringUtf8() : "nothing",
            CSCC, JOIN_CHAIN);
      }
      Block block = Block.parseFrom(spec.getInput().getArgs(1));
      return Verdict.accept(new Parsed(channelHeader, signatureHeader, signed.getProposalBytes(), signed.getSignature(), block));
    } catch (InvalidProtocolBufferException e) {
      return Verdict.reject(RejectionReason.MALFORMED_REQUEST, "the body is not a signed cscc JoinChain proposal: %s",
          e.getMessage());
    }
  }
}
