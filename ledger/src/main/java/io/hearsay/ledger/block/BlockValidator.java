package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.MspRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The checks a block must pass to extend a chain of {@code height} blocks whose tip header hash
 * is {@code tipHash}: its number is the height, its data hash matches its data, its previous hash
 * is the tip's header hash, and, once the channel's orderer orgs are known, an orderer signed it.
 * Each failure names the block number and the expected and actual values.
 */
public final class BlockValidator {

  private BlockValidator() {}

  /** Every problem of the block, in the order above (the verify tool reports them all). */
  public static List<Rejection> problems(Block block, long height, ByteString tipHash,
      Optional<MspRegistry> ordererOrgs, Instant now) {
    List<Rejection> problems = new ArrayList<>();
    long number = block.getHeader().getNumber();
    if (number != height) {
      problems.add(Rejection.of(RejectionReason.WRONG_BLOCK_NUMBER,
          "block %d: expected number %d (the ledger height)", number, height));
    }
    badDataHash(block).ifPresent(problems::add);
    if (height > 0 && !tipHash.equals(block.getHeader().getPreviousHash())) {
      problems.add(Rejection.of(RejectionReason.BAD_PREVIOUS_HASH,
          "block %d: previous_hash expected %s, actual %s", number, hex(tipHash),
          hex(block.getHeader().getPreviousHash())));
    }
    ordererOrgs.flatMap(orgs -> OrdererSignatures.check(block, orgs, now)).ifPresent(problems::add);
    return problems;
  }

  /**
   * What a peer checks before passing a block on, as Fabric's VerifyBlock: its data hash and its
   * orderer signature, not yet its place in the chain (earlier blocks may still be on their way).
   */
  public static Optional<Rejection> checkOnArrival(Block block, Optional<MspRegistry> ordererOrgs, Instant now) {
    return badDataHash(block).or(() -> ordererOrgs.flatMap(orgs -> OrdererSignatures.check(block, orgs, now)));
  }

  private static Optional<Rejection> badDataHash(Block block) {
    ByteString dataHash = BlockHashes.dataHash(block.getData());
    if (dataHash.equals(block.getHeader().getDataHash())) {
      return Optional.empty();
    }
    return Optional.of(Rejection.of(RejectionReason.BAD_DATA_HASH, "block %d: data_hash expected %s, actual %s",
        block.getHeader().getNumber(), hex(dataHash), hex(block.getHeader().getDataHash())));
  }

  /**
   * The first problem of a run of consecutive blocks extending the chain, checked block by block;
   * a config block in the run names the orderer orgs that sign the blocks after it. Which blocks'
   * signatures are verified is {@code signatures}'s choice; every block's number, data hash and
   * previous hash are checked.
   */
  public static Optional<Rejection> checkRun(List<Block> run, long height, ByteString tipHash,
      Optional<MspRegistry> ordererOrgs, RunSignatures signatures, Instant now) {
    ByteString tip = tipHash;
    Optional<MspRegistry> orgs = ordererOrgs;
    for (int i = 0; i < run.size(); i++) {
      Block block = run.get(i);
      boolean config = ConfigBlocks.isConfigBlock(block);
      boolean signed = signatures == RunSignatures.EVERY_BLOCK || config || i == run.size() - 1;
      Optional<Rejection> problem = check(block, height + i, tip, signed ? orgs : Optional.empty(), now);
      if (problem.isPresent()) {
        return problem;
      }
      tip = BlockHashes.headerHash(block.getHeader());
      if (config) {
        var msps = ConfigBlocks.ordererMsps(block);
        orgs = msps.isEmpty() ? orgs : Optional.of(new MspRegistry(msps));
      }
    }
    return Optional.empty();
  }

  /** The first problem, as the ledger refuses a block. */
  public static Optional<Rejection> check(Block block, long height, ByteString tipHash,
      Optional<MspRegistry> ordererOrgs, Instant now) {
    return problems(block, height, tipHash, ordererOrgs, now).stream().findFirst();
  }

  public static String hex(ByteString bytes) {
    return bytes.isEmpty() ? "(empty)" : HexFormat.of().formatHex(bytes.toByteArray());
  }
}
