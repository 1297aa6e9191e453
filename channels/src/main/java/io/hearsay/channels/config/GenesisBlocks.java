package io.hearsay.channels.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.Timestamp;
import io.hearsay.ledger.block.BlockBuilder;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.Config;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.ConfigValue;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.Header;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.OrdererAddresses;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.msp.FabricCryptoConfig;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;
import org.hyperledger.fabric.protos.orderer.BatchSize;
import org.hyperledger.fabric.protos.orderer.BatchTimeout;
import org.hyperledger.fabric.protos.peer.AnchorPeers;

/**
 * Writes a channel's genesis config block in Fabric's format from generated crypto material:
 * {@code Config.channel_group} with an {@code Orderer} group holding the orderer orgs and an
 * {@code Application} group holding the peer orgs, each org with its {@code MSP} (root and TLS
 * root certificates, SHA2/SHA256 crypto config) and, where given, its {@code AnchorPeers}.
 * Policies are left out: Hearsay reads membership and signers, not policies.
 */
public final class GenesisBlocks {

  private GenesisBlocks() {}

  /** A genesis block with Fabric's default batching and no orderer address. */
  public static Block create(String channelId, CryptoMaterial material, Map<String, List<AnchorPeer>> anchors)
      throws IOException, CertificateException {
    return create(channelId, material, anchors, Ordering.FABRIC_DEFAULTS);
  }

  public static Block create(String channelId, CryptoMaterial material, Map<String, List<AnchorPeer>> anchors,
      Ordering ordering) throws IOException, CertificateException {
    return BlockBuilder.block(0, ByteString.EMPTY, List.of(configEnvelope(channelId, material, material, anchors, ordering)));
  }

  /**
   * A config block after {@code previous} (unsigned: the orderer signs it) whose application orgs
   * are {@code applicationOrgs}' peer orgs and whose orderer orgs are {@code ordererOrgs}' orderer
   * orgs, as a config update would make them: e.g. new orderer certificates.
   */
  public static Block next(Block previous, String channelId, CryptoMaterial applicationOrgs, CryptoMaterial ordererOrgs,
      Map<String, List<AnchorPeer>> anchors, Ordering ordering) throws IOException, CertificateException {
    return BlockBuilder.next(previous, List.of(configEnvelope(channelId, applicationOrgs, ordererOrgs, anchors, ordering)));
  }

  private static ByteString configEnvelope(String channelId, CryptoMaterial applicationOrgs, CryptoMaterial ordererOrgs,
      Map<String, List<AnchorPeer>> anchors, Ordering ordering) throws IOException, CertificateException {
    ConfigGroup.Builder orderer = ConfigGroup.newBuilder();
    ConfigGroup.Builder application = ConfigGroup.newBuilder();
    List<CryptoMaterial.Org> members = new ArrayList<>();
    applicationOrgs.orgs().stream().filter(o -> o.kind() == CryptoMaterial.Kind.PEER).forEach(members::add);
    ordererOrgs.orgs().stream().filter(o -> o.kind() == CryptoMaterial.Kind.ORDERER).forEach(members::add);
    for (CryptoMaterial.Org member : members) {
      CryptoMaterial material = member.kind() == CryptoMaterial.Kind.ORDERER ? ordererOrgs : applicationOrgs;
      ConfigGroup.Builder group = ConfigGroup.newBuilder().putValues("MSP", value(msp(material, member)));
      List<AnchorPeer> orgAnchors = anchors.getOrDefault(member.mspId(), List.of());
      if (!orgAnchors.isEmpty()) {
        AnchorPeers.Builder peers = AnchorPeers.newBuilder();
        orgAnchors.forEach(a -> peers.addAnchorPeers(
            org.hyperledger.fabric.protos.peer.AnchorPeer.newBuilder().setHost(a.host()).setPort(a.port())));
        group.putValues("AnchorPeers", value(peers.build().toByteString()));
      }
      (member.kind() == CryptoMaterial.Kind.ORDERER ? orderer : application).putGroups(member.mspId(), group.build());
    }
    orderer.putValues("BatchSize", value(BatchSize.newBuilder().setMaxMessageCount(ordering.maxMessageCount())
        .setAbsoluteMaxBytes(10 * 1024 * 1024).setPreferredMaxBytes(2 * 1024 * 1024).build().toByteString()));
    orderer.putValues("BatchTimeout", value(BatchTimeout.newBuilder()
        .setTimeout(ordering.batchTimeout().toMillis() + "ms").build().toByteString()));
    ConfigGroup.Builder channel = ConfigGroup.newBuilder();
    if (!ordering.ordererAddresses().isEmpty()) {
      channel.putValues("OrdererAddresses", value(OrdererAddresses.newBuilder()
          .addAllAddresses(ordering.ordererAddresses()).build().toByteString()));
    }
    Config config = Config.newBuilder()
        .setChannelGroup(channel
            .putGroups("Orderer", orderer.build())
            .putGroups("Application", application.build()))
        .build();
    Instant now = Instant.now();
    Payload payload = Payload.newBuilder()
        .setHeader(Header.newBuilder().setChannelHeader(ChannelHeader.newBuilder()
            .setType(HeaderType.CONFIG_VALUE)
            .setChannelId(channelId)
            .setTimestamp(Timestamp.newBuilder().setSeconds(now.getEpochSecond()).setNanos(now.getNano()))
            .build().toByteString()))
        .setData(ConfigEnvelope.newBuilder().setConfig(config).build().toByteString())
        .build();
    return Envelope.newBuilder().setPayload(payload.toByteString()).build().toByteString();
  }

  private static ByteString msp(CryptoMaterial material, CryptoMaterial.Org org)
      throws IOException, CertificateException {
    Path msp = material.orgDir(org).resolve("msp");
    FabricMSPConfig fabric = FabricMSPConfig.newBuilder()
        .setName(org.mspId())
        .addAllRootCerts(pems(msp.resolve("cacerts")))
        .addAllTlsRootCerts(pems(msp.resolve("tlscacerts")))
        .setCryptoConfig(FabricCryptoConfig.newBuilder()
            .setSignatureHashFamily("SHA2").setIdentityIdentifierHashFunction("SHA256"))
        .build();
    return MSPConfig.newBuilder().setType(0).setConfig(fabric.toByteString()).build().toByteString();
  }

  private static List<ByteString> pems(Path dir) throws IOException, CertificateException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    List<X509Certificate> certs = Pem.certificatesIn(dir);
    return certs.stream().map(c -> ByteString.copyFrom(Pem.encode(c))).toList();
  }

  private static ConfigValue value(ByteString bytes) {
    return ConfigValue.newBuilder().setValue(bytes).build();
  }
}
