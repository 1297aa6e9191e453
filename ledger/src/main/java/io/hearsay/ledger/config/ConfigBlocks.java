package io.hearsay.ledger.config;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.hearsay.ledger.block.AliasedInput;
import io.hearsay.ledger.block.ChannelHeaderType;
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
import org.hyperledger.fabric.protos.msp.IdemixMSPConfig;
import org.hyperledger.fabric.protos.msp.MSPConfig;

/**
 * What the ledger needs from Fabric config blocks: whether a block is one, and the MSPs of the
 * orderer orgs it defines ({@code Config.channel_group.groups["Orderer"].groups[org].values["MSP"]}),
 * which must sign every later block.
 */
public final class ConfigBlocks {

  /** {@code MSPConfig.type} of an X.509 ("FABRIC") MSP; 1 is idemix. */
  public static final int FABRIC_MSP_TYPE = 0;

  private ConfigBlocks() {}

  /** The config envelope of a config block (its single transaction), if it is one. */
  public static Optional<ConfigEnvelope> configEnvelope(Block block) {
    return configTransaction(block).map(ConfigTransaction::config);
  }

  /** A config transaction: the channel it configures and its config envelope. */
  public record ConfigTransaction(String channelId, ConfigEnvelope config) {}

  /**
   * The config transaction of a config block. A block of an orderer system channel whose
   * transaction is ORDERER_TRANSACTION wraps the config transaction of the channel it creates;
   * that inner transaction is returned.
   */
  public static Optional<ConfigTransaction> configTransaction(Block block) {
    if (block.getData().getDataCount() != 1) {
      return Optional.empty();
    }
    try {
      return configTransaction(AliasedInput.parse(Envelope.parser(), block.getData().getData(0)), 0);
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  private static Optional<ConfigTransaction> configTransaction(Envelope envelope, int depth)
      throws InvalidProtocolBufferException {
    Payload payload = AliasedInput.parse(Payload.parser(), envelope.getPayload());
    int type = ChannelHeaderType.of(payload.getHeader().getChannelHeader());
    if (type != HeaderType.CONFIG_VALUE && !(type == HeaderType.ORDERER_TRANSACTION_VALUE && depth == 0)) {
      return Optional.empty();
    }
    ChannelHeader header = ChannelHeader.parseFrom(payload.getHeader().getChannelHeader());
    if (header.getType() == HeaderType.CONFIG_VALUE) {
      return Optional.of(new ConfigTransaction(header.getChannelId(), ConfigEnvelope.parseFrom(payload.getData())));
    }
    if (header.getType() == HeaderType.ORDERER_TRANSACTION_VALUE && depth == 0) {
      return configTransaction(AliasedInput.parse(Envelope.parser(), payload.getData()), 1);
    }
    return Optional.empty();
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
      msp(org.getKey(), org.getValue()).ifPresent(msps::add);
    }
    return msps;
  }

  /**
   * The X.509 MSP defined by an org's config group; empty when the group has no MSP or an MSP of
   * another kind (idemix), which Hearsay does not validate.
   */
  public static Optional<Msp> msp(String orgName, ConfigGroup org) {
    try {
      Optional<FabricMSPConfig> fabric = fabricMsp(orgName, org);
      return fabric.isEmpty() ? Optional.empty() : Optional.of(new Msp(fabric.get().getName(),
          certificates(fabric.get().getRootCertsList()), certificates(fabric.get().getIntermediateCertsList())));
    } catch (CertificateException | IllegalArgumentException e) {
      throw new IllegalArgumentException("org " + orgName + " has an unreadable MSP: " + e.getMessage(), e);
    }
  }

  /** The CAs of an org's TLS certificates (root and intermediate); none without an X.509 MSP. */
  public static List<X509Certificate> tlsCas(String orgName, ConfigGroup org) {
    try {
      Optional<FabricMSPConfig> fabric = fabricMsp(orgName, org);
      if (fabric.isEmpty()) {
        return List.of();
      }
      List<X509Certificate> cas = new ArrayList<>(certificates(fabric.get().getTlsRootCertsList()));
      cas.addAll(certificates(fabric.get().getTlsIntermediateCertsList()));
      return cas;
    } catch (CertificateException e) {
      throw new IllegalArgumentException("org " + orgName + " has unreadable TLS CAs: " + e.getMessage(), e);
    }
  }

  /** An org's X.509 MSP config; empty without an MSP or with another kind. */
  private static Optional<FabricMSPConfig> fabricMsp(String orgName, ConfigGroup org) {
    var value = org.getValuesMap().get("MSP");
    if (value == null) {
      return Optional.empty();
    }
    try {
      MSPConfig mspConfig = MSPConfig.parseFrom(value.getValue());
      return mspConfig.getType() != FABRIC_MSP_TYPE ? Optional.empty()
          : Optional.of(FabricMSPConfig.parseFrom(mspConfig.getConfig()));
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("org " + orgName + " has an unreadable MSP: " + e.getMessage(), e);
    }
  }

  /** The MSP id of an org's config group, whatever kind of MSP it is; empty without an MSP. */
  public static Optional<String> mspId(String orgName, ConfigGroup org) {
    var value = org.getValuesMap().get("MSP");
    if (value == null) {
      return Optional.empty();
    }
    try {
      MSPConfig mspConfig = MSPConfig.parseFrom(value.getValue());
      return Optional.of(mspConfig.getType() == FABRIC_MSP_TYPE
          ? FabricMSPConfig.parseFrom(mspConfig.getConfig()).getName()
          : IdemixMSPConfig.parseFrom(mspConfig.getConfig()).getName());
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalArgumentException("org " + orgName + " has an unreadable MSP: " + e.getMessage(), e);
    }
  }

  private static List<X509Certificate> certificates(List<ByteString> pems) throws CertificateException {
    List<X509Certificate> certs = new ArrayList<>();
    for (ByteString pem : pems) {
      certs.addAll(Pem.certificates(pem.toByteArray()));
    }
    return certs;
  }
}
