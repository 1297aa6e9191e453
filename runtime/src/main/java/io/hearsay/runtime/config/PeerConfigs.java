package io.hearsay.runtime.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hearsay.protocol.cryptogen.CryptoMaterial;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the config of a node of generated crypto material: its identity, its endpoint and
 * bootstrap peers, and every other org of the material as a known org. Used by the local network,
 * the testkit and the scenario benchmarks.
 */
public final class PeerConfigs {

  private PeerConfigs() {}

  /** Peer {@code node} of {@code org}, listening on {@code endpoint} (port 0: any free port). */
  public static Config forNode(CryptoMaterial material, CryptoMaterial.Org org, String node,
      Endpoint endpoint, List<Endpoint> bootstrap, Map<String, Object> overrides) {
    Map<String, Object> values = new HashMap<>();
    values.put("peer.id", node);
    values.put("peer.localMspId", org.mspId());
    // Absolute: a config file's relative paths are relative to its own directory, not to the material's.
    values.put("peer.mspConfigPath", material.nodeDir(org, node).resolve("msp").toAbsolutePath().toString());
    values.put("peer.gossip.endpoint", endpoint.toString());
    values.put("peer.gossip.bootstrap", bootstrap.stream().map(Endpoint::toString).toList());
    List<Map<String, Object>> orgs = new ArrayList<>();
    for (CryptoMaterial.Org other : material.orgs()) {
      if (!other.equals(org)) {
        orgs.add(Map.of("mspId", other.mspId(), "mspDir", material.orgDir(other).resolve("msp").toAbsolutePath().toString()));
      }
    }
    values.put("hearsay.orgs", orgs);
    values.putAll(overrides);
    return ConfigFactory.parseMap(values, "config of " + node);
  }
}
