package io.hearsay.channels;

import io.hearsay.channels.push.Plumtree;
import java.time.Duration;
import java.util.Optional;

/**
 * The per-channel gossip settings, Fabric's core.yaml keys under {@code peer.gossip} (read by the
 * runtime). Fabric's defaults are the {@code fabric} profile; the {@code hearsay} profile replaces
 * Fabric's infect-and-die push by {@link Plumtree} ({@code plumtree} present) and asks for
 * {@code statePipeline} state-transfer windows at once (Fabric: 1). How a new StateInfo spreads
 * and how its anti-entropy rounds exchange is {@code stateInfo}
 * ({@link io.hearsay.channels.stateinfo.StateInfoGossip.Settings}). With {@code targetedPull}, blocks are
 * pulled at that interval only while peers announce blocks this one lacks, and only from them
 * ({@link io.hearsay.channels.pull.TargetedPull}); empty is Fabric's pull every pullInterval.
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
    int blockBufferSize,
    int statePipeline,
    Optional<Plumtree.Settings> plumtree,
    io.hearsay.channels.stateinfo.StateInfoGossip.Settings stateInfo,
    Optional<Duration> targetedPull) {}
