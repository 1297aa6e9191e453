package io.hearsay.channels;

import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.ledger.ChannelLedger;
import io.hearsay.protocol.identity.PkiId;
import java.util.List;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;

/**
 * What a channel shows its operator beyond the protocol's own state: the recent blocks' latencies
 * (updated as blocks commit here and as members' StateInfo shows them further), the last
 * leadership declaration heard from the org, and the channel's {@link ChannelStatus} built from
 * these, the ledger's height and the StateInfo table.
 */
final class OperatorView {

  private final String channel;
  private final StateInfoGossip stateInfo;
  private final BlockLatencies latencies = new BlockLatencies();
  private Optional<ChannelStatus.Declaration> lastDeclaration = Optional.empty();

  OperatorView(String channel, StateInfoGossip stateInfo) {
    this.channel = channel;
    this.stateInfo = stateInfo;
  }

  /** Blocks this peer committed, at {@code height} now. */
  void committed(List<Block> run, long height, long nowMillis) {
    run.forEach(block -> latencies.committed(block, nowMillis));
    heightsChanged(height, nowMillis);
  }

  /** This peer at {@code height}, and its members' StateInfo as it holds it now. */
  void heightsChanged(long height, long nowMillis) {
    long lowest = Math.min(height, stateInfo.table().lowestHeight(height));
    latencies.lowestHeight(lowest, nowMillis);
  }

  /** An org peer declared itself leader. */
  void declared(PkiId leader, long nowMillis) {
    lastDeclaration = Optional.of(new ChannelStatus.Declaration(leader.hex(), nowMillis));
  }

  ChannelStatus status(ChannelLedger.Height height, boolean leader, boolean delivering) {
    List<ChannelStatus.MemberHeight> members = stateInfo.table().entries().stream()
        .map(e -> new ChannelStatus.MemberHeight(e.pkiId().hex(), e.mspId(), e.ledgerHeight())).toList();
    return new ChannelStatus(channel, height.height(), height.tipHash(), leader, delivering, lastDeclaration,
        stateInfo.publishedHeight(), members, latencies.recent(), Optional.empty());
  }
}
