package io.hearsay.channels.config;

import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.ledger.config.ConfigBlocks;
import io.hearsay.protocol.identity.MspRegistry;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.peer.AnchorPeers;

/**
 * A channel as its Fabric config block defines it: the channel name, the orderer orgs (who sign
 * blocks) and the application orgs (who may be members), each with its MSP and anchor peers.
 * Read from {@code Config.channel_group}: groups {@code Orderer} and {@code Application}, one
 * sub-group per org with values {@code MSP} and {@code AnchorPeers}.
 */
public record ChannelConfig(String channelId, long configBlockNumber, List<OrgDefinition> ordererOrgs,
    List<OrgDefinition> applicationOrgs) {

  public ChannelConfig {
    ordererOrgs = List.copyOf(ordererOrgs);
    applicationOrgs = List.copyOf(applicationOrgs);
  }

  /** Reads a config block; a block that is not one is an {@link IllegalArgumentException}. */
  public static ChannelConfig of(Block block) {
    ConfigBlocks.ConfigTransaction transaction = ConfigBlocks.configTransaction(block).orElseThrow(() ->
        new IllegalArgumentException("block " + block.getHeader().getNumber() + " is not a config block"));
    ConfigGroup channel = transaction.config().getConfig().getChannelGroup();
    return new ChannelConfig(transaction.channelId(), block.getHeader().getNumber(),
        orgs(channel.getGroupsMap().get("Orderer")), orgs(channel.getGroupsMap().get("Application")));
  }

  /** The application org with this MSP id, if it is a member of the channel. */
  public Optional<OrgDefinition> applicationOrg(String mspId) {
    return applicationOrgs.stream().filter(o -> o.mspId().equals(mspId)).findFirst();
  }

  /** The orderer orgs' MSPs, which must sign every block after this config. */
  public MspRegistry ordererMsps() {
    return new MspRegistry(ordererOrgs.stream().flatMap(o -> o.msp().stream()).toList());
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
          anchorPeers(org.getKey(), org.getValue())));
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
