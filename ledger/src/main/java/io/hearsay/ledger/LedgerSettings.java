package io.hearsay.ledger;

import com.typesafe.config.Config;
import io.hearsay.ledger.block.RunSignatures;
import io.hearsay.ledger.store.BlockStore;
import java.nio.file.Path;

/**
 * A node's channel ledgers ({@code hearsay.ledger}), read once at start: where they live, how big
 * a block-file segment grows, how often a snapshot is taken, which Pekko Persistence plugins hold
 * them (Hearsay's block-file journal, or pekko-persistence-jdbc), what to do with damaged
 * block files, and which blocks of a run appended together must show a verified orderer signature.
 */
public record LedgerSettings(Path dataDir, long maxSegmentBytes, int snapshotEvery, String journalPlugin,
    String snapshotPlugin, String readJournalPlugin, boolean createJdbcSchema, BlockStore.OnCorruption onCorruption,
    RunSignatures runSignatures) {

  /** Settings that verify every block's orderer signature (Fabric's rule). */
  public LedgerSettings(Path dataDir, long maxSegmentBytes, int snapshotEvery, String journalPlugin,
      String snapshotPlugin, String readJournalPlugin, boolean createJdbcSchema, BlockStore.OnCorruption onCorruption) {
    this(dataDir, maxSegmentBytes, snapshotEvery, journalPlugin, snapshotPlugin, readJournalPlugin, createJdbcSchema,
        onCorruption, RunSignatures.EVERY_BLOCK);
  }

  /** The plugin id of Hearsay's own block-file journal. */
  public static final String BLOCK_FILE_JOURNAL = "hearsay.ledger.journal";

  /** Whether blocks live in Fabric block files (Hearsay's journal) rather than a database. */
  public boolean onBlockFiles() {
    return journalPlugin.equals(BLOCK_FILE_JOURNAL);
  }

  /** Reads {@code hearsay.ledger}; a bad value is an IllegalArgumentException naming the key. */
  public static LedgerSettings read(Config config) {
    Config ledger = config.getConfig("hearsay.ledger");
    int snapshotEvery = ledger.getInt("snapshot-every");
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException("hearsay.ledger.snapshot-every must be at least 1, not " + snapshotEvery);
    }
    return new LedgerSettings(Path.of(ledger.getString("data-dir")), ledger.getBytes("max-segment-bytes"), snapshotEvery,
        ledger.getString("journal-plugin"), ledger.getString("snapshot-plugin"), ledger.getString("read-journal-plugin"),
        ledger.getBoolean("create-jdbc-schema"), BlockStore.OnCorruption.parse(ledger.getString("on-corruption")),
        RunSignatures.parse(ledger.getString("orderer-signatures")));
  }
}
