package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.Verdict;
import io.hearsay.protocol.crypto.VerifiedSignatures;
import io.hearsay.protocol.envelope.CommonEnvelopes;
import io.hearsay.protocol.identity.MspRegistry;
import io.hearsay.protocol.identity.PeerIdentity;
import io.hearsay.protocol.identity.SigningIdentity;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.BlockMetadataIndex;
import org.hyperledger.fabric.protos.common.Metadata;
import org.hyperledger.fabric.protos.common.MetadataSignature;
import org.hyperledger.fabric.protos.common.SignatureHeader;

/**
 * The orderer's signatures on a block, as Fabric checks them: {@code metadata[SIGNATURES]} is a
 * {@code common.Metadata{value, signatures[]}}; each signature is ECDSA over
 * {@code value ‖ signature_header ‖ DER(header)} by {@code SignatureHeader.creator}. A block is
 * accepted when at least one signature is by a valid identity of an orderer org and verifies.
 */
public final class OrdererSignatures {

  private static final SecureRandom RANDOM = new SecureRandom();
  /**
   * Block signatures found valid in this process: a pushed block is checked on arrival and again
   * by the ledger, and its signature is verified once (the signer's validity is checked both times).
   */
  private static final VerifiedSignatures VERIFIED = new VerifiedSignatures();

  private OrdererSignatures() {}

  /** Empty when the block is properly signed by an orderer org, else why not. */
  public static Optional<Rejection> check(Block block, MspRegistry ordererOrgs, Instant now) {
    long number = block.getHeader().getNumber();
    int index = BlockMetadataIndex.SIGNATURES_VALUE;
    if (block.getMetadata().getMetadataCount() <= index || block.getMetadata().getMetadata(index).isEmpty()) {
      return Optional.of(Rejection.of(RejectionReason.MISSING_ORDERER_SIGNATURE,
          "block %d has no SIGNATURES metadata", number));
    }
    Metadata metadata;
    try {
      metadata = Metadata.parseFrom(block.getMetadata().getMetadata(index));
    } catch (InvalidProtocolBufferException e) {
      return Optional.of(Rejection.of(RejectionReason.BAD_ORDERER_SIGNATURE,
          "block %d: SIGNATURES metadata is not a common.Metadata: %s", number, e.getMessage()));
    }
    if (metadata.getSignaturesCount() == 0) {
      return Optional.of(Rejection.of(RejectionReason.MISSING_ORDERER_SIGNATURE,
          "block %d: SIGNATURES metadata holds no signature", number));
    }
    byte[] header = BlockHashes.headerBytes(block.getHeader());
    List<String> problems = new ArrayList<>();
    for (MetadataSignature signature : metadata.getSignaturesList()) {
      Optional<String> problem = problem(metadata, signature, header, ordererOrgs, now);
      if (problem.isEmpty()) {
        return Optional.empty();
      }
      problems.add(problem.get());
    }
    return Optional.of(Rejection.of(RejectionReason.BAD_ORDERER_SIGNATURE,
        "block %d: no valid orderer signature (%s)", number, String.join("; ", problems)));
  }

  /**
   * Signs a block as an orderer does: one {@code MetadataSignature} over
   * {@code value ‖ signature_header ‖ DER(header)} in {@code metadata[SIGNATURES]}.
   */
  public static Block sign(Block block, SigningIdentity orderer) {
    byte[] nonce = new byte[24];
    RANDOM.nextBytes(nonce);
    ByteString signatureHeader = SignatureHeader.newBuilder()
        .setCreator(orderer.identity().serialized())
        .setNonce(ByteString.copyFrom(nonce))
        .build().toByteString();
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(signatureHeader.toByteArray());
    signed.writeBytes(BlockHashes.headerBytes(block.getHeader()));
    Metadata metadata = Metadata.newBuilder()
        .addSignatures(MetadataSignature.newBuilder()
            .setSignatureHeader(signatureHeader)
            .setSignature(ByteString.copyFrom(orderer.sign(signed.toByteArray()))))
        .build();
    var blockMetadata = block.getMetadata().toBuilder();
    while (blockMetadata.getMetadataCount() <= BlockMetadataIndex.SIGNATURES_VALUE) {
      blockMetadata.addMetadata(ByteString.EMPTY);
    }
    blockMetadata.setMetadata(BlockMetadataIndex.SIGNATURES_VALUE, metadata.toByteString());
    return block.toBuilder().setMetadata(blockMetadata).build();
  }

  private static Optional<String> problem(Metadata metadata, MetadataSignature signature, byte[] header,
      MspRegistry ordererOrgs, Instant now) {
    SignatureHeader signatureHeader;
    try {
      signatureHeader = SignatureHeader.parseFrom(signature.getSignatureHeader());
    } catch (InvalidProtocolBufferException e) {
      return Optional.of("signature header does not parse");
    }
    ByteArrayOutputStream signed = new ByteArrayOutputStream();
    signed.writeBytes(metadata.getValue().toByteArray());
    signed.writeBytes(signature.getSignatureHeader().toByteArray());
    signed.writeBytes(header);
    Verdict<PeerIdentity> creator = CommonEnvelopes.creatorSignature(signatureHeader.getCreator(),
        signed.toByteArray(), signature.getSignature().toByteArray(), ordererOrgs, now, VERIFIED::verify);
    return creator.isAccepted() ? Optional.empty() : Optional.of(creator.rejection().toString());
  }
}
