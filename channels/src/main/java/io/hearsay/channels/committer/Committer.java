package io.hearsay.channels.committer;

import java.util.ArrayDeque;
import java.util.List;
import org.hyperledger.fabric.protos.common.Block;

/**
 * The channel's committer (the commit side of Fabric's state provider): blocks arrive in any
 * order and reach the ledger in order, one append at a time.
 *
 * <pre>
 * fromSource(block)   the channel's source (the orderer, through the leader): never dropped; it
 *                     waits in a queue until the reorder buffer has room (Fabric's deliver client
 *                     blocks likewise)
 * fromGossip(block)   push, pull, state transfer: into the reorder buffer, or dropped when it is
 *                     below the height (DUPLICATE) or beyond the buffer (TOO_FAR_AHEAD: state
 *                     transfer fetches it later)
 * commit              while no append is in flight and the height is known, the run of buffered
 *                     blocks from the height goes to the ledger; its answer ({@link #appended})
 *                     moves the height past a committed run and lets the next one go
 * </pre>
 *
 * The ledger is a port: {@link Ledger#append} starts an append, answered later through
 * {@link #appended}.
 */
public final class Committer {

  /** Where runs of blocks are committed. */
  @FunctionalInterface
  public interface Ledger {
    void append(List<Block> run);
  }

  private final ReorderBuffer buffer;
  private final Ledger ledger;
  private final ArrayDeque<Block> fromSource = new ArrayDeque<>();
  private long height = -1;
  private List<Block> appending = List.of();

  public Committer(int bufferSize, Ledger ledger) {
    this.buffer = new ReorderBuffer(bufferSize);
    this.ledger = ledger;
  }

  /** The ledger height, -1 until the ledger has told it. */
  public long height() {
    return height;
  }

  /**
   * Whether block {@code number} is on its way to the ledger: in the append in flight, or waiting
   * in the reorder buffer for the blocks before it. State transfer need not fetch it again (a run
   * the ledger refuses is fetched again after it).
   */
  public boolean holds(long number) {
    return inFlight(number) || buffer.holds(number);
  }

  /** The highest block number on its way to the ledger, -1 when none is. */
  public long newestHeld() {
    long buffered = buffer.newest();
    return buffered >= 0 || appending.isEmpty() ? buffered
        : appending.get(appending.size() - 1).getHeader().getNumber();
  }

  private boolean inFlight(long number) {
    return !appending.isEmpty() && number >= appending.get(0).getHeader().getNumber()
        && number <= appending.get(appending.size() - 1).getHeader().getNumber();
  }

  /** The ledger's height at start. */
  public void heightKnown(long ledgerHeight) {
    height = ledgerHeight;
    commit();
  }

  /** A verified block from the channel's source: waits for room, never dropped. */
  public void fromSource(Block block) {
    fromSource.add(block);
    commit();
  }

  /** A block from gossip: buffered, or dropped with the reason. */
  public ReorderBuffer.Outcome fromGossip(Block block) {
    ReorderBuffer.Outcome outcome = buffer.offer(block, Math.max(height, 0));
    commit();
    return outcome;
  }

  /**
   * The ledger answered the run in flight: {@code committed}, the height moves past it; refused,
   * it stays where it was (the blocks are fetched again). The next run goes.
   */
  public void appended(List<Block> run, boolean committed) {
    appending = List.of();
    if (committed && !run.isEmpty()) {
      height = run.get(run.size() - 1).getHeader().getNumber() + 1;
    }
    commit();
  }

  private void commit() {
    if (height < 0 || !appending.isEmpty()) {
      return;
    }
    while (!fromSource.isEmpty() && fromSource.peek().getHeader().getNumber() < height + buffer.capacity()) {
      buffer.offer(fromSource.poll(), height);
    }
    List<Block> run = buffer.ready(height);
    if (!run.isEmpty()) {
      appending = run;
      ledger.append(run);
    }
  }
}
