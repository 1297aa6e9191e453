package io.hearsay.runtime.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/** Everything one peer is started with, read and checked once from its config. */
public record PeerSettings(
    String id,
    String localMspId,
    Path mspConfigPath,
    GossipSettings gossip,
    List<Org> orgs,
    Optional<Tls> tls,
    Duration rejectionLogInterval,
    Duration handshakeRetry,
    int largeMessageThreshold,
    Duration identityPurgeInterval,
    List<Path> channelBlocks,
    DeliveryClient deliveryClient,
    io.hearsay.runtime.admin.AdminSettings admin,
    io.hearsay.channels.ChannelSettings channels,
    io.hearsay.channels.election.Leadership.Handover handover,
    Optional<io.hearsay.runtime.membership.AccrualDetector.Settings> accrual,
    io.hearsay.channels.epidemic.AntiEntropy.Mode membershipAntiEntropy) {

  public PeerSettings {
    orgs = List.copyOf(orgs);
    channelBlocks = List.copyOf(channelBlocks);
  }

  /** Another org this peer accepts, with the anchor peers it is reached through. */
  public record Org(String mspId, Path mspDir, List<Endpoint> anchorPeers) {
    public Org {
      anchorPeers = List.copyOf(anchorPeers);
    }
  }

  /** Fabric's {@code peer.deliveryclient} keys. */
  public record DeliveryClient(Duration connTimeout, Duration reconnectTotalTimeThreshold) {}

  /** Artery mutual TLS material (PKCS#12). */
  public record Tls(Path keyStore, Path trustStore, String password) {}

  public List<Endpoint> anchorPeers() {
    return orgs.stream().flatMap(o -> o.anchorPeers().stream()).toList();
  }
}
