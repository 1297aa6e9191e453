package io.hearsay.channels.stateinfo;

import java.time.Duration;

/**
 * A channel's StateInfo: published every {@code publishInterval} ({@code
 * peer.gossip.publishStateInfoInterval}) when the height changed, an anti-entropy round every
 * {@code requestInterval} ({@code requestStateInfoInterval}), spread and exchanged as
 * {@code gossip} says ({@code hearsay.channels.state-info.*}).
 */
public record StateInfoSettings(Duration publishInterval, Duration requestInterval, StateInfoGossip.Settings gossip) {}
