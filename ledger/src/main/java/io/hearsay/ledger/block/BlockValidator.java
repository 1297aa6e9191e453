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
import java.util.stream.IntStream;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The checks a block must pass to extend a chain of {@code height} blocks whose tip header hash
 * is {@code tipHash}: its number is the height, its data hash matches its data, its previous hash
 * is the tip's header hash, and, once the channel's orderer orgs are known, an orderer signed it.
 * Each failure names the block number and the expected and actual values.
 */
public final class BlockValidator {

  private BlockValidator() {}

  /** A verify costs about what hashing this many bytes does: how a run's work is weighed. */
  private static final long VERIFY_AS_BYTES = 100 << 10;

  /** A run's work (hashing and verifies, in bytes hashed) from which its blocks are checked in parallel. */
  private static final long PARALLEL_WORK_BYTES = 256 << 10;

  /** The checks of a block that depend on nothing but the block. */
  private record OwnChecks(Optional<Rejection> dataHash, Optional<Rejection> signature) {}

  /** Every problem of the block, in the order above (the verify tool reports them all). */
  public static List<Rejection> problems(Block block, long height, ByteString tipHash,
      Optional<MspRegistry> ordererOrgs, Instant now) {
    List<Rejection> problems = new ArrayList<>();
    wrongNumber(block, height).ifPresent(problems::add);
    badDataHash(block).ifPresent(problems::add);
    badPreviousHash(block, height, tipHash).ifPresent(problems::add);
    badSignature(block, ordererOrgs, now).ifPresent(problems::add);
    return problems;
  }

  private static Optional<Rejection> wrongNumber(Block block, long height) {
    long number = block.getHeader().getNumber();
    return number == height ? Optional.empty() : Optional.of(Rejection.of(RejectionReason.WRONG_BLOCK_NUMBER,
        "block %d: expected number %d (the ledger height)", number, height));
  }

  private static Optional<Rejection> badPreviousHash(Block block, long height, ByteString tipHash) {
    if (height == 0 || tipHash.equals(block.getHeader().getPreviousHash())) {
      return Optional.empty();
    }
    return Optional.of(Rejection.of(RejectionReason.BAD_PREVIOUS_HASH, "block %d: previous_hash expected %s, actual %s",
        block.getHeader().getNumber(), hex(tipHash), hex(block.getHeader().getPreviousHash())));
  }

  private static Optional<Rejection> badSignature(Block block, Optional<MspRegistry> ordererOrgs, Instant now) {
    return ordererOrgs.flatMap(orgs -> OrdererSignatures.check(block, orgs, now));
  }

  /**
   * What a peer checks before passing a block on, as Fabric's VerifyBlock: its data hash and its
   * orderer signature, not yet its place in the chain (earlier blocks may still be on their way).
   */
  public static Optional<Rejection> checkOnArrival(Block block, Optional<MspRegistry> ordererOrgs, Instant now) {
    return badDataHash(block).or(() -> badSignature(block, ordererOrgs, now));
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
   * The first problem of a run of consecutive blocks extending the chain, in block order and in
   * each block in the order above; a config block in the run names the orderer orgs that sign the
   * blocks after it. Which blocks' signatures are verified is {@code signatures}'s choice; every
   * block's number, data hash and previous hash are checked.
   *
   * <p>A block's data hash and signature depend on the block alone, and are what a run's check
   * costs (SHA-256 at ~1.5 GB/s here, a verify ~70 µs): when a run has enough of them to outweigh
   * handing work to another thread (tens of µs), they are checked on the machine's cores at once,
   * before the chain is walked in order.
   */
  public static Optional<Rejection> checkRun(List<Block> run, long height, ByteString tipHash,
      Optional<MspRegistry> ordererOrgs, RunSignatures signatures, Instant now) {
    int size = run.size();
    List<Optional<MspRegistry>> signers = new ArrayList<>(size);
    Optional<MspRegistry> orgs = ordererOrgs;
    long work = 0;
    for (int i = 0; i < size; i++) {
      Block block = run.get(i);
      boolean config = ConfigBlocks.isConfigBlock(block);
      boolean signed = signatures == RunSignatures.EVERY_BLOCK || config || i == size - 1;
      signers.add(signed ? orgs : Optional.empty());
      work += block.getData().getSerializedSize() + (signed && orgs.isPresent() ? VERIFY_AS_BYTES : 0);
      if (config) {
        var msps = ConfigBlocks.ordererMsps(block);
        orgs = msps.isEmpty() ? orgs : Optional.of(new MspRegistry(msps));
      }
    }
    IntStream blocks = IntStream.range(0, size);
    List<OwnChecks> own = (size > 1 && work >= PARALLEL_WORK_BYTES ? blocks.parallel() : blocks)
        .mapToObj(i -> new OwnChecks(badDataHash(run.get(i)), badSignature(run.get(i), signers.get(i), now))).toList();
    ByteString tip = tipHash;
    for (int i = 0; i < size; i++) {
      Block block = run.get(i);
      long number = height + i;
      ByteString previous = tip;
      OwnChecks checks = own.get(i);
      Optional<Rejection> problem = wrongNumber(block, number).or(checks::dataHash)
          .or(() -> badPreviousHash(block, number, previous)).or(checks::signature);
      if (problem.isPresent()) {
        return problem;
      }
      tip = BlockHashes.headerHash(block.getHeader());
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
