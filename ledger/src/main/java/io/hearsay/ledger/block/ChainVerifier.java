package io.hearsay.ledger.block;

import com.google.protobuf.ByteString;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.MspRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/**
 * Checks a sequence of blocks as a chain, from genesis: every link ({@link BlockValidator}) and,
 * after the first config block names the orderer orgs, every block's orderer signature. Blocks
 * before any orderer org is known, or written without signatures (Fabric's v1.x test ledgers),
 * are counted as unsigned rather than reported as broken.
 */
public final class ChainVerifier {

  /** A problem of one block. */
  public record Problem(long block, Rejection rejection) {}

  /**
   * Bytes of the file that do not read as a record: at {@code offset}, a record claiming
   * {@code claimedBytes} of which {@code remainingBytes} are there (-1 where not known), and why.
   */
  public record Unreadable(long offset, long claimedBytes, long remainingBytes, String detail) {}

  /** What the chain looked like. A chain with any problem or unreadable bytes is not valid. */
  public record Report(long height, ByteString tipHash, List<Problem> problems, List<Unreadable> unreadable,
      long signedBlocks, long unsignedBlocks) {
    public boolean valid() {
      return problems.isEmpty() && unreadable.isEmpty();
    }
  }

  private final Instant now;
  private long height;
  private ByteString tipHash = ByteString.EMPTY;
  private Optional<MspRegistry> ordererOrgs = Optional.empty();
  private final List<Problem> problems = new ArrayList<>();
  private final List<Unreadable> unreadable = new ArrayList<>();
  private long signed;
  private long unsigned;

  public ChainVerifier(Instant now) {
    this.now = now;
  }

  /** A verifier that expects the chain to continue at {@code height} from {@code tipHash}. */
  public ChainVerifier(Instant now, long height, ByteString tipHash) {
    this.now = now;
    this.height = height;
    this.tipHash = tipHash;
  }

  public void accept(Block block) {
    List<Rejection> found = BlockValidator.problems(block, height, tipHash, ordererOrgs, now);
    for (Rejection problem : found) {
      if (problem.reason() == RejectionReason.MISSING_ORDERER_SIGNATURE) {
        unsigned++;
      } else {
        problems.add(new Problem(block.getHeader().getNumber(), problem));
      }
    }
    if (ordererOrgs.isPresent() && found.stream().noneMatch(p -> p.reason() == RejectionReason.MISSING_ORDERER_SIGNATURE
        || p.reason() == RejectionReason.BAD_ORDERER_SIGNATURE)) {
      signed++;
    } else if (ordererOrgs.isEmpty()) {
      unsigned++;
    }
    var msps = ConfigBlocks.ordererMsps(block);
    if (!msps.isEmpty()) {
      ordererOrgs = Optional.of(new MspRegistry(msps));
    }
    height = block.getHeader().getNumber() + 1;
    tipHash = BlockHashes.headerHash(block.getHeader());
  }

  /** The file holds bytes after the last block that are not a whole record. */
  public void unreadable(BlockFileScanner.TornRecord torn) {
    unreadable.add(new Unreadable(torn.offset(), torn.claimedBytes(), torn.remainingBytes(), torn.toString()));
  }

  /** A complete record of the file is not a block; nothing after it was read. */
  public void unreadable(BlockFileScanner.CorruptionException corrupt) {
    unreadable.add(new Unreadable(corrupt.offset(), -1, -1, corrupt.getMessage()));
  }

  public Report report() {
    return new Report(height, tipHash, List.copyOf(problems), List.copyOf(unreadable), signed, unsigned);
  }
}
