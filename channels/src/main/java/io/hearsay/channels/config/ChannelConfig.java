package io.hearsay.channels.config;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.identity.MspRegistry;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.peer.AnchorPeers;

/**
 * A channel as its Fabric config block defines it: the channel name, the orderer orgs (who sign
 * blocks) and the application orgs (who may be members), each with its MSP and anchor peers.
 * Read from {@code Config.channel_group}: groups {@code Orderer} and {@code Application}, one
 * sub-group per org with values {@code MSP} and {@code AnchorPeers}.
 */
public record ChannelConfig(String channelId, long configBlockNumber, List<OrgDefinition> ordererOrgs,
    List<OrgDefinition> applicationOrgs, Ordering ordering) {

  public ChannelConfig {
    ordererOrgs = List.copyOf(ordererOrgs);
    applicationOrgs = List.copyOf(applicationOrgs);
  }

  /** Reads a config block; a block that is not one is an {@link IllegalArgumentException}. */
  public static ChannelConfig of(Block block) {
    ConfigBlocks.ConfigTransaction transaction = ConfigBlocks.configTransaction(block).orElseThrow(() ->
        new IllegalArgumentException("block " + block.getHeader().getNumber() + " is not a config block"));
    ConfigGroup channel = transaction.config().getConfig().getChannelGroup();
    ConfigGroup orderer = channel.getGroupsMap().get("Orderer");
    return new ChannelConfig(transaction.channelId(), block.getHeader().getNumber(),
        orgs(orderer), orgs(channel.getGroupsMap().get("Application")), ordering(channel, orderer));
  }

  /** Orderer addresses from the channel group, else from the orderer orgs' {@code Endpoints}. */
  private static Ordering ordering(ConfigGroup channel, ConfigGroup orderer) {
    try {
      List<String> addresses = new ArrayList<>();
      var channelAddresses = channel.getValuesMap().get("OrdererAddresses");
      if (channelAddresses != null) {
        addresses.addAll(OrdererAddresses.parseFrom(channelAddresses.getValue()).getAddressesList());
      }
      int maxMessageCount = Ordering.FABRIC_DEFAULTS.maxMessageCount();
      Duration batchTimeout = Ordering.FABRIC_DEFAULTS.batchTimeout();
      if (orderer != null) {
        for (ConfigGroup org : orderer.getGroupsMap().values()) {
          var endpoints = org.getValuesMap().get("Endpoints");
          if (endpoints != null && channelAddresses == null) {
            addresses.addAll(OrdererAddresses.parseFrom(endpoints.getValue()).getAddressesList());
          }
        }
        var batchSize = orderer.getValuesMap().get("BatchSize");
        if (batchSize != null) {
          maxMessageCount = BatchSize.parseFrom(batchSize.getValue()).getMaxMessageCount();
        }
        var timeout = orderer.getValuesMap().get("BatchTimeout");
        if (timeout != null) {
          batchTimeout = fabricDuration(BatchTimeout.parseFrom(timeout.getValue()).getTimeout());
        }
      }
      return new Ordering(addresses, maxMessageCount, batchTimeout);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("unreadable ordering config: " + e.getMessage(), e);
    }
  }

  /** Go's duration syntax as Fabric writes BatchTimeout: "2s", "500ms", "1m". */
  public static Duration fabricDuration(String value) {
    var matcher = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(value.trim());
    if (!matcher.matches()) {
      throw new IllegalArgumentException("BatchTimeout \"" + value + "\" is not a duration like 2s or 500ms");
    }
    long n = Long.parseLong(matcher.group(1));
    return switch (matcher.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /** The application org with this MSP id, if it is a member of the channel. */
  public Optional<OrgDefinition> applicationOrg(String mspId) {
    return applicationOrgs.stream().filter(o -> o.mspId().equals(mspId)).findFirst();
  }

  /** The orderer orgs' MSPs, which must sign every block after this config. */
  public MspRegistry ordererMsps() {
    return new MspRegistry(ordererOrgs.stream().flatMap(o -> o.msp().stream()).toList());
  }

  /** The CAs of the orderers' TLS certificates, from the orderer orgs' MSPs. */
  public List<X509Certificate> ordererTlsCas() {
    return ordererOrgs.stream().flatMap(o -> o.tlsCas().stream()).toList();
  }

  /** The application orgs' MSPs: whose peers may join the channel. */
  public MspRegistry applicationMsps() {
    return new MspRegistry(applicationOrgs.stream().flatMap(o -> o.msp().stream()).toList());
  }

  private static List<OrgDefinition> orgs(ConfigGroup group) {
    List<OrgDefinition> orgs = new ArrayList<>();
    if (group == null) {
      return orgs;
    }
    for (Map.Entry<String, ConfigGroup> org : group.getGroupsMap().entrySet()) {
      var mspId = ConfigBlocks.mspId(org.getKey(), org.getValue());
      if (mspId.isEmpty()) {
        continue;
      }
      orgs.add(new OrgDefinition(org.getKey(), mspId.get(), ConfigBlocks.msp(org.getKey(), org.getValue()),
          anchorPeers(org.getKey(), org.getValue()), ConfigBlocks.tlsCas(org.getKey(), org.getValue())));
    }
    orgs.sort(Comparator.comparing(OrgDefinition::mspId));
    return orgs;
  }

  private static List<AnchorPeer> anchorPeers(String orgName, ConfigGroup org) {
    var value = org.getValuesMap().get("AnchorPeers");
    if (value == null) {
      return List.of();
    }
    try {
      return AnchorPeers.parseFrom(value.getValue()).getAnchorPeersList().stream()
          .map(a -> new AnchorPeer(a.getHost(), a.getPort())).toList();
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("org " + orgName + " has unreadable anchor peers: " + e.getMessage(), e);
    }
  }
}
