package io.hearsay.ledger.block;

/**
 * Which blocks of a run appended together ({@code AppendBlocks}: state transfer, a reorder
 * buffer's run) must carry a verified orderer signature ({@code hearsay.ledger.orderer-signatures}).
 * Every block of a run is checked for its number, data hash and previous hash either way.
 */
public enum RunSignatures {
  /** Every block, as a Fabric peer verifies each block it receives by gossip (MCS VerifyBlock). */
  EVERY_BLOCK,
  /**
   * Config blocks and the run's last block, as a Fabric orderer verifies the blocks it replicates
   * from another orderer (cluster.VerifyBlocks): the last block's signature covers its header, whose
   * previous hash covers the header before it, and so on down the run, and each header's data hash
   * covers that block's transactions. What no signature then covers is the metadata of the blocks
   * before the last (their own signatures among it), which the ledger keeps as it came.
   */
  LAST_OF_RUN;

  /** {@code hearsay.ledger.orderer-signatures}: "every-block" or "last-of-run". */
  public static RunSignatures parse(String value) {
    return switch (value) {
      case "every-block" -> EVERY_BLOCK;
      case "last-of-run" -> LAST_OF_RUN;
      default -> throw new IllegalArgumentException(
          "hearsay.ledger.orderer-signatures must be \"every-block\" or \"last-of-run\", not \"" + value + "\"");
    };
  }
}
