package io.hearsay.channels.push;

import io.hearsay.channels.common.ArrivalPath;
import io.hearsay.channels.common.Batcher;
import io.hearsay.channels.common.BlockDigests;
import io.hearsay.channels.common.RandomPeers;
import io.hearsay.protocol.identity.PkiId;
import io.hearsay.protocol.message.EnvelopeSigner;
import io.hearsay.protocol.message.GossipMessages;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.gossip.Envelope;
import org.hyperledger.fabric.protos.gossip.GossipMessage;

/**
 * How one channel passes verified blocks on, driven by the channel actor: Fabric's
 * infect-and-die push through the {@link Batcher} ({@code propagatePeerNum} random same-org
 * members per block, once each), or the hearsay profile's {@link Plumtree}. Either way the block
 * message, signed by this peer, goes into the {@link BlockMessageStore} that pull digests, pull
 * requests and grafts are answered from.
 *
 * <p>Which verified block is passed on, and when, is decided here alone:
 *
 * <pre>
 *   arrived(block, path)   verified on arrival (data hash, orderer signature): from the source or
 *                          as a first push copy, it is stored and passed on at once, before
 *                          earlier blocks came and before the ledger committed it (Fabric's
 *                          VerifyBlock, then forward); by pull or state transfer, not yet
 *   pulled(block, from)    a first copy by pull, verified on arrival: with Plumtree passed down
 *                          the tree at once too (but not back to the peer it came from)
 *   committed(block, new)  committed, among the newest of its run: Plumtree passes it down the
 *                          tree whatever way it came (peers below may lack it); Fabric's push only
 *                          keeps it for pull. Either way at most once per block: a block stored
 *                          already is never passed on again
 *   pushed(n, from, h)     a push copy arrived: with Plumtree, a duplicate prunes its sender and
 *                          a first copy makes the blocks just below it awaited from that sender
 *   onLazyPush(m, from)    IHAVE, GRAFT, PRUNE
 *   emitDue / graftsDue    the emitter's and Plumtree's timers ran out
 * </pre>
 *
 * <p>With Plumtree, the tree holds only Hearsay peers: its GRAFT, PRUNE and IHAVE mean nothing to a
 * Fabric peer. The org's Fabric peers get a block as Fabric's leader gives it: the peer that took
 * it from the source pushes it to {@code propagatePeerNum} of them at random, and Fabric's own
 * push and pull spread it among them from there.
 */
public final class BlockPush {

  /** What pushing needs from the channel: its members, and sending. */
  public interface Outbox {
    /** The same-org members that proved channel membership. */
    List<PkiId> orgMembers();

    /** Sends an envelope signed already (a stored block message). */
    void deliver(PkiId to, Envelope envelope);

    /** Signs and sends. */
    void send(PkiId to, GossipMessage message);

    /** Asks for {@link #emitDue} after {@code delay}, unless already asked. */
    void wakeForEmit(Duration delay);

    /** Asks for {@link #graftsDue} after {@code delay}, unless already asked. */
    void wakeForGraft(Duration delay);

    /** A tree peer pushed or announced block {@code height - 1}: its ledger is at least that high. */
    void heightShown(PkiId peer, long height);
  }

  /** What a push copy of a block was. */
  public enum Copy { FIRST, DUPLICATE }

  private final String channel;
  private final int propagatePeerNum;
  private final boolean enabled;
  private final Duration burstLatency;
  private final int lookBehind;
  private final BlockMessageStore store;
  private final Batcher<Long> emitter;
  private final Optional<Plumtree<PkiId>> plumtree;
  private final SplittableRandom random;
  private final Outbox outbox;
  /** The members the tree was last given (Hearsay peers); with Plumtree, the others are Fabric's. */
  private Set<PkiId> treeMembers = Set.of();

  /**
   * {@code propagateIterations} 0 turns passing on off (blocks are still stored for pull);
   * {@code plumtree} empty is Fabric's push.
   */
  public BlockPush(String channel, PushSettings settings, SplittableRandom random, Outbox outbox) {
    this.channel = channel;
    this.propagatePeerNum = settings.propagatePeerNum();
    this.enabled = settings.propagateIterations() >= 1;
    this.burstLatency = settings.maxPropagationBurstLatency();
    this.lookBehind = settings.maxBlockCountToStore();
    this.store = new BlockMessageStore(settings.maxBlockCountToStore());
    this.emitter = new Batcher<>(settings.maxPropagationBurstSize(), settings.maxPropagationBurstLatency());
    this.plumtree = settings.plumtree().map(p -> new Plumtree<PkiId>(p, random));
    this.random = random;
    this.outbox = outbox;
  }

  public boolean isPlumtree() {
    return plumtree.isPresent();
  }

  public BlockMessageStore store() {
    return store;
  }

  /**
   * The same-org members changed: the tree's view follows; newcomers are grafted (linked) and sent
   * one IHAVE of the blocks this peer keeps. A block is announced only as it arrives, so a block
   * cut while the view was still filling (at a cold start of 1000 peers, proofs of membership
   * still spreading: block 1 reached one peer of 999) was never announced to the links made
   * after it; a newcomer that lacks one now grafts it.
   */
  public void members(List<PkiId> members) {
    treeMembers = Set.copyOf(members);
    if (plumtree.isEmpty()) {
      return;
    }
    List<PkiId> newcomers = plumtree.get().members(members);
    if (newcomers.isEmpty()) {
      return;
    }
    List<Long> kept = store.digest();
    Optional<Envelope> iHave = kept.isEmpty() ? Optional.empty()
        : Optional.of(EnvelopeSigner.noopSign(GossipMessages.iHave(channel, BlockDigests.list(kept))));
    for (PkiId newcomer : newcomers) {
      outbox.send(newcomer, GossipMessages.graft(channel, List.of()));
      iHave.ifPresent(announcement -> outbox.deliver(newcomer, announcement));
    }
  }

  /** A block verified on arrival by {@code path}: passed on now if it came from the source or by push. */
  public void arrived(Block block, ArrivalPath path) {
    if (path == ArrivalPath.SOURCE || path == ArrivalPath.PUSH) {
      if (forward(block) && path == ArrivalPath.SOURCE && plumtree.isPresent()) {
        pushToPeersOutsideTheTree(block.getHeader().getNumber());
      }
    } else {
      obtained(block.getHeader().getNumber());
    }
  }

  /** A committed block; {@code recent} when it is among the newest maxBlockCountToStore of its run. */
  public void committed(Block block, boolean recent) {
    if (!recent) {
      return; // a long run is a catch-up whose older blocks the others have
    }
    if (plumtree.isPresent()) {
      forward(block);
    } else {
      keep(block);
    }
  }

  /** Stores a block for pull (and pull requests and grafts) unless stored already; true if it was not. */
  private boolean keep(Block block) {
    long number = block.getHeader().getNumber();
    if (store.get(number).isPresent()) {
      return false;
    }
    return store.add(number,
        EnvelopeSigner.noopSign(GossipMessages.dataMessage(channel, number, block.toByteString())));
  }

  /** Stores a verified block and passes it on, once: down the tree, or through the emitter; false if it was not. */
  private boolean forward(Block block) {
    long number = block.getHeader().getNumber();
    if (!keep(block) || !enabled) {
      return false;
    }
    Envelope message = store.get(number).orElseThrow();
    if (plumtree.isPresent()) {
      Plumtree.Forward<PkiId> forward = plumtree.get().forward(number);
      forward.eager().stream().filter(peer -> store.markPushed(number, peer)).forEach(peer -> outbox.deliver(peer, message));
      if (!forward.lazy().isEmpty()) {
        // One IHAVE for every lazy peer: signing it once per peer was most of a peer's signing per block.
        Envelope iHave = EnvelopeSigner.noopSign(GossipMessages.iHave(channel, BlockDigests.list(List.of(number))));
        forward.lazy().forEach(peer -> outbox.deliver(peer, iHave));
      }
      return true;
    }
    List<Long> burst = emitter.add(number, System.nanoTime());
    if (!burst.isEmpty()) {
      emit(burst);
    } else {
      outbox.wakeForEmit(burstLatency);
    }
    return true;
  }

  /** Block {@code number}, just taken from the source, to propagatePeerNum of the org's Fabric peers. */
  private void pushToPeersOutsideTheTree(long number) {
    List<PkiId> fabricPeers = outbox.orgMembers().stream().filter(peer -> !treeMembers.contains(peer)).toList();
    pushToRandom(number, fabricPeers);
  }

  /** A block obtained by pull or state transfer: Plumtree no longer awaits it. */
  private void obtained(long number) {
    plumtree.ifPresent(tree -> tree.obtained(number, Optional.empty()));
  }

  /**
   * A block first obtained by pull from {@code from} and verified on arrival. With Plumtree it goes
   * down the tree now, as a first push copy does, never back to {@code from}: the peer whose eager
   * copy went missing is the one its subtree waits on, and its commit may wait on an earlier gap.
   * Fabric's push never passes a pulled block on; it is kept for pull once committed.
   */
  public void pulled(Block block, PkiId from) {
    if (plumtree.isEmpty()) {
      return;
    }
    plumtree.get().obtained(block.getHeader().getNumber(), Optional.of(from));
    forward(block);
  }

  /**
   * Block {@code number} arrived by push from {@code from} at ledger height {@code height}. With
   * Plumtree a duplicate prunes the link (and the caller drops it); a first copy makes the blocks
   * the sender stored just below it awaited, grafted if they do not come: from the sender only
   * after the peers that announced them, since it passes a block on as it arrives, maybe before
   * those. A Fabric peer's push (from outside the tree) counts as a copy, but nothing is pruned
   * or awaited from it.
   */
  public Copy pushed(long number, PkiId from, long height) {
    if (plumtree.isEmpty()) {
      return Copy.FIRST;
    }
    boolean inTree = treeMembers.contains(from);
    long now = System.nanoTime();
    if (inTree) {
      outbox.heightShown(from, number + 1);
    }
    if (!plumtree.get().received(number, inTree ? Optional.of(from) : Optional.empty(), height, now)) {
      if (inTree) {
        outbox.send(from, GossipMessages.prune(channel));
      }
      return Copy.DUPLICATE;
    }
    if (!inTree) {
      return Copy.FIRST;
    }
    long lowest = Math.max(height, number - lookBehind + 1);
    plumtree.get().onPushedAbove(from, LongStream.range(lowest, number).boxed().toList(), height, now);
    wakeForGrafts(now);
    return Copy.FIRST;
  }

  /** IHAVE, GRAFT or PRUNE from a same-org member, at ledger height {@code height}. */
  public void onLazyPush(GossipMessage m, PkiId from, long height) {
    if (plumtree.isEmpty()) {
      return;
    }
    long now = System.nanoTime();
    if (m.hasDataDig()) {
      List<Long> announced = BlockDigests.numbers(m.getDataDig().getDigestsList());
      announced.stream().max(Long::compare).ifPresent(highest -> outbox.heightShown(from, highest + 1));
      plumtree.get().onIHave(from, announced, height, now);
      wakeForGrafts(now);
    } else if (m.getDataReq().getNonce() == GossipMessages.PRUNE_NONCE) {
      plumtree.get().onPrune(from);
    } else {
      plumtree.get().onGraft(from);
      for (long number : BlockDigests.numbers(m.getDataReq().getDigestsList())) {
        store.get(number).ifPresent(message -> {
          store.markPushed(number, from);
          outbox.deliver(from, message);
        });
      }
    }
  }

  /** The emitter's timer ran out: sends what is due. */
  public void emitDue() {
    emit(emitter.due(System.nanoTime()));
    if (!emitter.isEmpty()) {
      outbox.wakeForEmit(burstLatency);
    }
  }

  /** Plumtree's graft timer ran out: asks announcers for what is still missing. */
  public void graftsDue(long height) {
    long now = System.nanoTime();
    for (Plumtree.Graft<PkiId> graft : plumtree.orElseThrow().due(height, now)) {
      outbox.send(graft.to(), GossipMessages.graft(channel, BlockDigests.list(graft.numbers())));
    }
    wakeForGrafts(now);
  }

  private void wakeForGrafts(long now) {
    plumtree.flatMap(Plumtree::nextDeadline)
        .ifPresent(deadline -> outbox.wakeForGraft(Duration.ofNanos(Math.max(0, deadline - now))));
  }

  /** Sends each block of a burst to propagatePeerNum same-org members it has not gone to yet. */
  private void emit(List<Long> burst) {
    for (long number : burst) {
      pushToRandom(number, outbox.orgMembers());
    }
  }

  /** Sends stored block {@code number} to propagatePeerNum of {@code candidates} it has not gone to yet. */
  private void pushToRandom(long number, List<PkiId> candidates) {
    Optional<Envelope> message = store.get(number);
    if (message.isEmpty()) {
      return;
    }
    int sent = 0;
    for (PkiId target : RandomPeers.shuffled(candidates, random)) {
      if (sent >= propagatePeerNum) {
        break;
      }
      if (store.markPushed(number, target)) {
        outbox.deliver(target, message.get());
        sent++;
      }
    }
  }
}
