package io.hearsay.channels;

import io.hearsay.channels.antientropy.StateTransferSettings;
import io.hearsay.channels.election.Leadership;
import io.hearsay.channels.pull.PullSettings;
import io.hearsay.channels.push.PushSettings;
import io.hearsay.channels.stateinfo.StateInfoSettings;
import java.time.Duration;

/**
 * One channel's settings, a record per config subtree (read once by the runtime's loader): how
 * blocks are pushed and pulled, StateInfo, state transfer, how the org's leader is chosen, and
 * how long the channel waits for its ledger ({@code hearsay.channels.ledger-timeout}) before it
 * counts an append or a read as failed. Fabric's defaults are the {@code fabric} profile.
 */
public record ChannelSettings(PushSettings push, PullSettings pull, StateInfoSettings stateInfo,
    StateTransferSettings stateTransfer, Leadership.Settings leadership, Duration ledgerTimeout) {

  /** These settings with another way of choosing the leader. */
  public ChannelSettings withLeadership(Leadership.Settings other) {
    return new ChannelSettings(push, pull, stateInfo, stateTransfer, other, ledgerTimeout);
  }
}
