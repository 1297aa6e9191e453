package io.hearsay.runtime.channels;

import io.hearsay.channels.config.ChannelConfig;
import io.hearsay.channels.config.OrgDefinition;
import io.hearsay.protocol.Rejection;
import io.hearsay.protocol.RejectionReason;
import io.hearsay.protocol.identity.Msp;
import io.hearsay.protocol.identity.MspRegistry;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import java.util.stream.Collectors;

/** Whether a peer may join the channel a config block defines. */
public final class ChannelJoins {

  private ChannelJoins() {}

  /**
   * Empty when a peer of {@code ownMspId} (whose configured MSPs are {@code local}) may join: its
   * org must be one of the channel's application orgs, and the channel's MSP for it must trust
   * exactly the CAs the peer's own MSP does; a block that names other roots for the peer's org
   * would let whoever made it speak for the org in that channel.
   */
  public static Optional<Rejection> check(ChannelConfig config, MspRegistry local, String ownMspId) {
    Optional<OrgDefinition> own = config.applicationOrg(ownMspId);
    if (own.isEmpty()) {
      return Optional.of(Rejection.of(RejectionReason.NOT_IN_CHANNEL, "org %s is not one of channel %s's orgs (%s)",
          ownMspId, config.channelId(), config.applicationOrgs().stream().map(OrgDefinition::mspId).toList()));
    }
    Optional<Msp> configured = local.get(ownMspId);
    Optional<Msp> inChannel = own.get().msp();
    if (configured.isPresent() && (inChannel.isEmpty() || !inChannel.get().sameCertificatesAs(configured.get()))) {
      return Optional.of(Rejection.of(RejectionReason.CONFLICTING_MSP,
          "channel %s's MSP for %s trusts %s, but this peer's MSP (peer.mspConfigPath) trusts %s", config.channelId(),
          ownMspId, inChannel.map(ChannelJoins::roots).orElse("no X.509 CA"), roots(configured.get())));
    }
    return Optional.empty();
  }

  /** The MSPs of a channel's orgs, application and orderer: who is who in that channel alone. */
  public static MspRegistry msps(ChannelConfig config) {
    return new MspRegistry(Stream.concat(config.applicationOrgs().stream(), config.ordererOrgs().stream())
        .flatMap(org -> org.msp().stream()).toList());
  }

  /** The CAs of the TLS certificates of a channel's application orgs' peers. */
  public static List<X509Certificate> tlsCas(ChannelConfig config) {
    return config.applicationOrgs().stream().flatMap(org -> org.tlsCas().stream()).toList();
  }

  private static String roots(Msp msp) {
    return msp.roots().stream().map(c -> c.getSubjectX500Principal().getName() + " (serial "
        + c.getSerialNumber().toString(16) + ")").collect(Collectors.joining(", ", "[", "]"));
  }
}
