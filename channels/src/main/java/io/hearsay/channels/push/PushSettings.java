package io.hearsay.channels.push;

import java.time.Duration;
import java.util.Optional;

/**
 * How a channel passes blocks on (Fabric's core.yaml {@code peer.gossip} push keys, and the
 * hearsay profile's {@code hearsay.channels.dissemination = plumtree}): {@code propagatePeerNum}
 * peers per block, {@code propagateIterations} 0 turns passing on off, the emitter sends bursts
 * of {@code maxPropagationBurstSize} or after {@code maxPropagationBurstLatency}, the last
 * {@code maxBlockCountToStore} blocks are kept for pull; {@code plumtree} present replaces
 * Fabric's infect-and-die push by the eager tree with lazy announcements.
 */
public record PushSettings(int propagatePeerNum, int propagateIterations, int maxPropagationBurstSize,
    Duration maxPropagationBurstLatency, int maxBlockCountToStore, Optional<Plumtree.Settings> plumtree) {}
