package io.hearsay.runtime.config;

import io.hearsay.channels.ChannelSettings;
import io.hearsay.ledger.LedgerSettings;
import io.hearsay.runtime.admin.AdminSettings;
import io.hearsay.runtime.comm.CommSettings;
import io.hearsay.runtime.comm.FabricGossipSettings;
import io.hearsay.runtime.deliver.DeliveryClientSettings;
import io.hearsay.runtime.membership.MembershipSettings;
import io.hearsay.runtime.tls.ArteryTls;
import io.hearsay.runtime.tls.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Everything one peer is started with, read and checked once from its config, one record per
 * subtree: who it is ({@code peer.id}, {@code localMspId}, {@code mspConfigPath}), the orgs it
 * knows before any channel config ({@code hearsay.orgs}), its TLS ({@code peer.tls}: Fabric's PEM
 * files, for Artery and for its gRPC clients; or {@code hearsay.tls}, PKCS#12 for Artery alone), its
 * links ({@link CommSettings}), discovery ({@link MembershipSettings}), its channels
 * ({@link ChannelSettings}), the leader's deliver client ({@link DeliveryClientSettings}), its
 * ledgers ({@link LedgerSettings}), its admin endpoint ({@link AdminSettings}), and how long the
 * embedding API waits for the peer's actors ({@code hearsay.api-timeout}).
 */
public record PeerSettings(
    String id,
    String localMspId,
    Path mspConfigPath,
    List<Org> orgs,
    Optional<TlsSettings> tls,
    Optional<ArteryTls> arteryTls,
    CommSettings comm,
    Optional<FabricGossipSettings> fabricGossip,
    MembershipSettings membership,
    ChannelSettings channels,
    DeliveryClientSettings deliveryClient,
    LedgerSettings ledger,
    AdminSettings admin,
    Duration identityPurgeInterval,
    List<Path> channelBlocks,
    Duration apiTimeout) {

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

  public List<Endpoint> anchorPeers() {
    return orgs.stream().flatMap(o -> o.anchorPeers().stream()).toList();
  }
}
