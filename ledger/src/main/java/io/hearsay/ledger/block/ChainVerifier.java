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

  /** What the chain looked like. */
  public record Report(long height, ByteString tipHash, List<Problem> problems, long signedBlocks,
      long unsignedBlocks) {
    public boolean valid() {
      return problems.isEmpty();
    }
  }

  private final Instant now;
  private long height;
  private ByteString tipHash = ByteString.EMPTY;
  private Optional<MspRegistry> ordererOrgs = Optional.empty();
  private final List<Problem> problems = new ArrayList<>();
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

  public Report report() {
    return new Report(height, tipHash, List.copyOf(problems), signed, unsigned);
  }
}
