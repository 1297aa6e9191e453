package io.hearsay.runtime.comm;

import io.hearsay.runtime.config.ConfigError;
import io.hearsay.runtime.config.ConfigReader;
import java.time.Duration;

/**
 * A node's links to other peers: the largest envelope payload taken ({@code
 * peer.gossip.maxMessageSize}), envelopes larger than {@code largeMessageThreshold} on Artery's
 * large-message lane, a handshake sent again after {@code handshakeRetry}, rejections logged at
 * most once per peer and reason per {@code rejectionLogInterval} ({@code hearsay.comm.*}), and a
 * Fabric gossip stream closed when the remote's ConnEstablish has not come within
 * {@code connTimeout} ({@code peer.gossip.connTimeout}).
 */
public record CommSettings(int maxMessageSize, int largeMessageThreshold, Duration handshakeRetry,
    Duration rejectionLogInterval, Duration connTimeout) {

  public static CommSettings read(ConfigReader c) throws ConfigError {
    return new CommSettings(c.bytes("peer.gossip.maxMessageSize"), c.bytes("hearsay.comm.large-message-threshold"),
        c.positive("hearsay.comm.handshake-retry"), c.positive("hearsay.comm.rejection-log-interval"),
        c.positive("peer.gossip.connTimeout"));
  }
}
