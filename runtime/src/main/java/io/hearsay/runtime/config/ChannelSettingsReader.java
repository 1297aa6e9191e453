package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import io.hearsay.channels.ChannelSettings;
import io.hearsay.channels.antientropy.StateTransferSettings;
import io.hearsay.channels.election.ElectionState;
import io.hearsay.channels.election.Leadership;
import io.hearsay.channels.epidemic.AntiEntropy;
import io.hearsay.channels.epidemic.RumorMongering;
import io.hearsay.channels.pull.PullSettings;
import io.hearsay.channels.push.Plumtree;
import io.hearsay.channels.push.PushSettings;
import io.hearsay.channels.stateinfo.StateInfoGossip;
import io.hearsay.channels.stateinfo.StateInfoSettings;
import java.util.Optional;

/**
 * Reads a peer's {@link ChannelSettings}, one subtree at a time: push, pull, StateInfo
 * ({@code peer.gossip} and {@code hearsay.channels}), state transfer ({@code peer.gossip.state}),
 * leadership ({@code peer.gossip.orgLeader}, {@code useLeaderElection},
 * {@code peer.gossip.election}), each value checked once.
 */
public final class ChannelSettingsReader {

  private static final String G = "peer.gossip.";
  private static final String H = "hearsay.channels.";

  /** {@code hearsay.channels.dissemination}. */
  enum Dissemination { PUSH, PLUMTREE }

  /** {@code hearsay.channels.pull.mode}. */
  enum PullMode { FABRIC, TARGETED }

  private ChannelSettingsReader() {}

  /** Reads a resolved config ({@code source} names it in errors), e.g. a profile over the defaults. */
  public static ChannelSettings read(Config config, String source) throws ConfigError {
    return read(new ConfigReader(config, source));
  }

  public static ChannelSettings read(ConfigReader c) throws ConfigError {
    return new ChannelSettings(push(c), pull(c), stateInfo(c), stateTransfer(c), leadership(c),
        c.positive(H + "ledger-timeout"));
  }

  static PushSettings push(ConfigReader c) throws ConfigError {
    Optional<Plumtree.Settings> plumtree = Optional.empty();
    if (c.choice(H + "dissemination", Dissemination.class) == Dissemination.PLUMTREE) {
      String p = H + "plumtree.";
      plumtree = Optional.of(new Plumtree.Settings(c.atLeastOne(p + "view-size"), c.positive(p + "graft-timeout"),
          c.positive(p + "graft-retry"), c.positive(p + "graft-timeout-floor")));
    }
    return new PushSettings(c.atLeastOne(G + "propagatePeerNum"), c.notNegative(G + "propagateIterations"),
        c.atLeastOne(G + "maxPropagationBurstSize"), c.positive(G + "maxPropagationBurstLatency"),
        c.atLeastOne(G + "maxBlockCountToStore"), plumtree);
  }

  static PullSettings pull(ConfigReader c) throws ConfigError {
    boolean targeted = c.choice(H + "pull.mode", PullMode.class) == PullMode.TARGETED;
    return new PullSettings(c.positive(G + "pullInterval"), c.atLeastOne(G + "pullPeerNum"), c.positive(G + "digestWaitTime"),
        c.positive(G + "requestWaitTime"), c.positive(G + "responseWaitTime"),
        targeted ? Optional.of(c.positive(H + "pull.targeted-interval")) : Optional.empty());
  }

  static StateInfoSettings stateInfo(ConfigReader c) throws ConfigError {
    String p = H + "state-info.";
    return new StateInfoSettings(c.positive(G + "publishStateInfoInterval"), c.positive(G + "requestStateInfoInterval"),
        new StateInfoGossip.Settings(c.choice(p + "dissemination", StateInfoGossip.Spread.class),
            new RumorMongering.Settings(c.atLeastOne(p + "rumor-k"), RumorMongering.Feedback.BLIND,
                c.choice(p + "rumor-loss", RumorMongering.Loss.class)),
            c.choice(p + "anti-entropy", AntiEntropy.Mode.class), c.bool(p + "introduce-to-new-peers"),
            new StateInfoGossip.HearsayPeers(c.notNegativeDuration(p + "hearsay-peers-interval"),
                c.notNegativeDuration(p + "pull-while-heights-shown"), c.notNegativeBytes(p + "hearsay-peers-bytes-per-second"),
                c.bool(p + "digest-pull"))));
  }

  static StateTransferSettings stateTransfer(ConfigReader c) throws ConfigError {
    String s = G + "state.";
    return new StateTransferSettings(c.positive(s + "checkInterval"), c.atLeastOne(s + "batchSize"),
        c.positive(s + "responseTimeout"), c.atLeastOne(s + "maxRetries"), c.atLeastOne(s + "blockBufferSize"),
        c.atLeastOne(H + "state-transfer-pipeline"), c.bool(H + "state-transfer-on-gap"),
        c.positive(H + "state-response-timeout-floor"), c.notNegativeBytes(H + "state-transfer-max-bytes-ahead"));
  }

  /** Fabric's two exclusive flags as one mode, its election timings, and Hearsay's handover. */
  static Leadership.Settings leadership(ConfigReader c) throws ConfigError {
    boolean orgLeader = c.bool(G + "orgLeader");
    boolean elected = c.bool(G + "useLeaderElection");
    if (orgLeader && elected) {
      throw new ConfigError(c.source() + ": peer.gossip.orgLeader and peer.gossip.useLeaderElection are "
          + "both true; a peer is either a static leader or takes part in elections");
    }
    String e = G + "election.";
    ElectionState.Timings timings = new ElectionState.Timings(c.positive(e + "startupGracePeriod"),
        c.positive(e + "membershipSampleInterval"), c.positive(e + "leaderAliveThreshold"),
        c.positive(e + "leaderElectionDuration"));
    Leadership.Handover handover = new Leadership.Handover(c.choice(H + "leader-watch", ElectionState.LeaderWatch.class),
        c.notNegativeDuration(H + "delivery-lease"), c.bool(H + "await-peers-at-start"), c.bool(H + "succession"),
        c.notNegative(H + "successor-max-lag"));
    Leadership.Mode mode = orgLeader ? Leadership.Mode.STATIC_LEADER
        : elected ? Leadership.Mode.ELECTED : Leadership.Mode.FOLLOWER;
    return new Leadership.Settings(mode, timings, handover);
  }
}
