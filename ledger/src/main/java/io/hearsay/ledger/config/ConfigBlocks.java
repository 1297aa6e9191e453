package io.hearsay.ledger.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.protocol.crypto.Pem;
import io.hearsay.protocol.identity.Msp;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.hyperledger.fabric.protos.common.Block;
import org.hyperledger.fabric.protos.common.ChannelHeader;
import org.hyperledger.fabric.protos.common.ConfigEnvelope;
import org.hyperledger.fabric.protos.common.ConfigGroup;
import org.hyperledger.fabric.protos.common.Envelope;
import org.hyperledger.fabric.protos.common.HeaderType;
import org.hyperledger.fabric.protos.common.Payload;
import org.hyperledger.fabric.protos.msp.FabricMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;

/**
 * What the ledger needs from Fabric config blocks: whether a block is one, and the MSPs of the
 * orderer orgs it defines ({@code Config.channel_group.groups["Orderer"].groups[org].values["MSP"]}),
 * which must sign every later block.
 */
public final class ConfigBlocks {

  private ConfigBlocks() {}

  /** The config envelope of a config block (its single transaction), if it is one. */
  public static Optional<ConfigEnvelope> configEnvelope(Block block) {
    if (block.getData().getDataCount() != 1) {
      return Optional.empty();
    }
    try {
      Payload payload = Payload.parseFrom(Envelope.parseFrom(block.getData().getData(0)).getPayload());
      ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
      if (header.getType() != HeaderType.CONFIG_VALUE) {
        return Optional.empty();
      }
      return Optional.of(ConfigEnvelope.parseFrom(payload.getData()));
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  public static boolean isConfigBlock(Block block) {
    return configEnvelope(block).isPresent();
  }

  /** The MSPs of the orderer orgs of a config block; empty if it is not one or has no orderer. */
  public static List<Msp> ordererMsps(Block block) {
    return configEnvelope(block)
        .map(env -> env.getConfig().getChannelGroup().getGroupsMap().get("Orderer"))
        .map(ConfigBlocks::orgMsps)
        .orElse(List.of());
  }

  /** The MSP of every org sub-group of a config group (e.g. "Orderer" or "Application"). */
  public static List<Msp> orgMsps(ConfigGroup group) {
    List<Msp> msps = new ArrayList<>();
    for (Map.Entry<String, ConfigGroup> org : group.getGroupsMap().entrySet()) {
      var value = org.getValue().getValuesMap().get("MSP");
      if (value == null) {
        continue;
      }
      try {
        MSPConfig mspConfig = MSPConfig.parseFrom(value.getValue());
        FabricMSPConfig fabric = FabricMSPConfig.parseFrom(mspConfig.getConfig());
        msps.add(new Msp(fabric.getName(), certificates(fabric.getRootCertsList()),
            certificates(fabric.getIntermediateCertsList())));
      } catch (InvalidProtocolBufferException | CertificateException | IllegalArgumentException e) {
        throw new IllegalArgumentException("org " + org.getKey() + " has an unreadable MSP: " + e.getMessage(), e);
      }
    }
    return msps;
  }

  private static List<X509Certificate> certificates(List<ByteString> pems) throws CertificateException {
    List<X509Certificate> certs = new ArrayList<>();
    for (ByteString pem : pems) {
      certs.addAll(Pem.certificates(pem.toByteArray()));
    }
    return certs;
  }
}
