package io.hearsay.channels;

import java.time.Duration;

/**
 * The per-channel gossip settings, Fabric's core.yaml keys under {@code peer.gossip} (read by the
 * runtime). Fabric's defaults are the {@code fabric} profile.
 */
public record ChannelSettings(
    int propagatePeerNum,
    int propagateIterations,
    int maxPropagationBurstSize,
    Duration maxPropagationBurstLatency,
    Duration pullInterval,
    int pullPeerNum,
    Duration digestWaitTime,
    Duration requestWaitTime,
    Duration responseWaitTime,
    Duration publishStateInfoInterval,
    Duration requestStateInfoInterval,
    int maxBlockCountToStore,
    Duration stateCheckInterval,
    int stateBatchSize,
    Duration stateResponseTimeout,
    int stateMaxRetries,
    int blockBufferSize) {}
